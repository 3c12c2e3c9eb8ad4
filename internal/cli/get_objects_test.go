package cli

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// filesUnder lists the files below dir, relative and with forward slashes.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(files)
	return files
}

// The reference's test_get_objects cases, with and without -o.
//
// Serial: the cases without -o download into the working directory (t.Chdir).
func TestGetObjectsSelection(t *testing.T) {
	// Downloads change nothing in the bucket: one setup serves every case.
	e := newE2E(t)
	e.populate()
	all := []string{"directory/three.json", "directory/two.txt", "one.txt"}
	for _, tc := range []struct {
		keys, patterns, want []string
		err                  string
	}{
		{nil, nil, all, ""},
		{[]string{"one.txt"}, nil, []string{"one.txt"}, ""},
		{[]string{"directory/two.txt"}, nil, []string{"directory/two.txt"}, ""},
		{[]string{"directory/two.txt", "directory/three.json"}, nil, []string{"directory/three.json", "directory/two.txt"}, ""},
		{[]string{"directory/two.txt", "directory/bad.json"}, nil, []string{"directory/two.txt"}, "Error: Not found: directory/bad.json\n"},
		{[]string{"nope1", "one.txt", "nope2"}, nil, []string{"one.txt"}, "Error: Not found: nope1\nNot found: nope2\n"},
		{nil, []string{"*e.txt"}, []string{"one.txt"}, ""},
		{nil, []string{"*e.txt", "invalid-pattern"}, []string{"one.txt"}, ""},
		{nil, []string{"directory/*"}, []string{"directory/three.json", "directory/two.txt"}, ""},
		{nil, []string{"*.t?t", "*.json"}, all, ""},
		{[]string{"one.txt"}, []string{"directory/*.json"}, []string{"directory/three.json", "one.txt"}, ""},
	} {
		for _, out := range []string{"", "out"} {
			name := strings.Join(tc.keys, ",") + "|" + strings.Join(tc.patterns, ",") + "|" + out
			t.Run(name, func(t *testing.T) {
				t.Chdir(t.TempDir())
				args := append([]string{"get-objects", "my-bucket", "-s"}, tc.keys...)
				for _, p := range tc.patterns {
					args = append(args, "--pattern", p)
				}
				if out != "" {
					args = append(args, "-o", out)
				}
				r := e.run(args...)
				wantCode := 0
				if tc.err != "" {
					wantCode = 1
				}
				if r.Code != wantCode || r.Stderr != tc.err || r.Stdout != "" {
					t.Errorf("got %d %q %q", r.Code, r.Stdout, r.Stderr)
				}
				dir := "."
				if out != "" {
					dir = out
				}
				got := filesUnder(t, dir)
				if strings.Join(got, " ") != strings.Join(tc.want, " ") {
					t.Errorf("files %q, want %q", got, tc.want)
				}
			})
		}
	}
}

func TestGetObjectsContentAndLabel(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.populate()
	dir := filepath.Join(t.TempDir(), "new", "dir")
	r := e.ok("get-objects", "my-bucket", "-o", dir, "--concurrency", "2")
	if r.Stderr != "Downloading 18.0 bytes (3 files)\n" {
		t.Errorf("stderr: %q", r.Stderr)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "directory", "three.json"))
	if string(b) != `{"three": 3}` {
		t.Errorf("content %q", b)
	}
	// Named keys: sizes come from HEAD; a missing one counts as 0.
	r = e.run("get-objects", "my-bucket", "one.txt", "missing", "-o", dir)
	if r.Code != 1 || r.Stderr != "Downloading 3.0 bytes (2 files)\nError: Not found: missing\n" {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
}

// Keys that would land outside the output directory are refused, never
// written; the rest are downloaded.
func TestGetObjectsRefusesPathEscape(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("evil")
	bad := []string{"../escape.txt", "a/../../escape2.txt", "/abs/escape3.txt"}
	for _, k := range bad {
		e.putObj("evil", k, "bad")
	}
	e.putObj("evil", "fine/ok.txt", "ok")
	e.putObj("evil", "a/../inside.txt", "ok")
	base := t.TempDir()
	out := filepath.Join(base, "out")
	// A symlink inside the output directory that points out of it.
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(base, filepath.Join(out, "link")); err != nil {
		t.Fatal(err)
	}
	e.putObj("evil", "link/escape4.txt", "bad")

	r := e.run("get-objects", "evil", "-o", out, "-s")
	if r.Code != 1 {
		t.Errorf("exit %d", r.Code)
	}
	for _, k := range append(bad, "link/escape4.txt") {
		if !strings.Contains(r.Stderr, "Refused: "+k+" (would be written outside the output directory)") {
			t.Errorf("%s not reported: %q", k, r.Stderr)
		}
	}
	if got := filesUnder(t, base); strings.Join(got, " ") != "out/fine/ok.txt out/inside.txt out/link" {
		t.Errorf("files written: %q", got)
	}
	// The same when the keys are named.
	r = e.run("get-objects", "evil", "../escape.txt", "fine/ok.txt", "-o", out, "-s")
	if r.Code != 1 || r.Stderr != "Error: Refused: ../escape.txt (would be written outside the output directory)\n" {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
}

func TestGetObjectsErrors(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	r := e.run("get-objects", "my-bucket", "-o", file)
	if r.Code != 2 || !strings.HasSuffix(r.Stderr, "Error: Invalid value for '-o' / '--output': Directory '"+file+"' is a file.\n") {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
	r = e.run("get-objects", "no-such-bucket", "-o", t.TempDir())
	if r.Code != 1 || r.Stderr != "Error: NoSuchBucket: The specified bucket does not exist\n" {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
}

// Ctrl-C (the context from main) stops the downloads: exit 1, and no
// partial files are left in the output directory.
func TestGetObjectsInterrupted(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.populate()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	target, _ := url.Parse(e.moto.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/one.txt") {
			// Send the headers and part of nothing, then interrupt the tool.
			// An S3 header: the answer must look like S3's, or a loaded
			// machine may see it refused before the interrupt is seen.
			w.Header().Set("Content-Length", "3")
			w.Header().Set("X-Amz-Request-Id", "interrupted")
			w.WriteHeader(http.StatusPartialContent)
			w.(http.Flusher).Flush()
			cancel()
			<-r.Context().Done()
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	e.endpoint = srv.URL
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := e.exec(ctx, &IOStreams{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr},
		"get-objects", "my-bucket", "-o", out, "-s", "--concurrency", "1")
	if code != 1 || stderr.String() != "Error: interrupted\n" {
		t.Errorf("got %d %q", code, stderr.String())
	}
	for _, f := range filesUnder(t, out) {
		if strings.HasSuffix(f, ".part") || f == "one.txt" {
			t.Errorf("left behind: %s", f)
		}
	}
}
