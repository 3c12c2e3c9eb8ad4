package cli

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
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
