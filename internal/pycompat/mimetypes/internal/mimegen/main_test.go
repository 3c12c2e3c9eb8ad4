package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// committed is the generated file as committed, relative to this package.
const committed = "../../table.go"

// The committed table is exactly what the generator writes from this
// machine's python3. When that python3 is another version than the one
// the table names and the tables differ, the failure says so.
func TestCommittedTableIsGenerated(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		testenv.Unavailable(t, "python3", "the MIME table is checked against python3's mimetypes module")
	}
	want, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	wantVersion := "(none: its first line is not the generator's header)"
	if m := headerRE.FindSubmatch(firstLine(want)); m != nil {
		wantVersion = string(m[1])
	}

	out := filepath.Join(t.TempDir(), "table.go")
	tables, err := Generate(context.Background(), python, out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	if tables.Version != wantVersion {
		// Another Python: fine if only the version differs.
		same := *tables
		same.Version = wantVersion
		if src, err := Render(&same); err == nil && bytes.Equal(src, want) {
			t.Logf("python3 is Python %s, the table was generated from Python %s; their tables are the same", tables.Version, wantVersion)
			return
		}
		t.Fatalf("PYTHON VERSION MISMATCH: internal/pycompat/mimetypes/table.go was generated from Python %s, "+
			"but this machine's python3 (%s) is Python %s, and its mimetypes tables differ (- committed, + Python %s):\n%s\n"+
			"Run the tests with a Python %s as python3, or, to adopt Python %s's table (this changes the Content-Type "+
			"put-object sends), run go generate ./internal/pycompat/mimetypes and commit the result.",
			wantVersion, python, tables.Version, tables.Version, lineDiff(want, got), wantVersion, tables.Version)
	}
	t.Fatalf("internal/pycompat/mimetypes/table.go is not what Python %s generates (- committed, + generated):\n%s\n"+
		"It was edited by hand or the generator changed; run go generate ./internal/pycompat/mimetypes and commit the result.",
		tables.Version, lineDiff(want, got))
}

func firstLine(b []byte) []byte {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return line
}

// lineDiff lists the lines only in a (-) and only in b (+), at most 40:
// the generated tables hold one sorted entry per line.
func lineDiff(a, b []byte) string {
	in := func(s []byte) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(string(s), "\n") {
			m[l] = true
		}
		return m
	}
	ina, inb := in(a), in(b)
	var out []string
	for _, l := range strings.Split(string(a), "\n") {
		if !inb[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range strings.Split(string(b), "\n") {
		if !ina[l] {
			out = append(out, "+ "+l)
		}
	}
	if len(out) == 0 {
		return "(the same lines in another order or number)"
	}
	if len(out) > 40 {
		out = append(out[:40], fmt.Sprintf("... and %d more", len(out)-40))
	}
	return strings.Join(out, "\n")
}

func TestRenderSortsAndFormats(t *testing.T) {
	src, err := Render(&Tables{
		Version:   "3.99.1",
		Suffixes:  map[string]string{".tgz": ".tar.gz", ".svgz": ".svg.gz"},
		Encodings: map[string]string{".gz": "gzip", ".Z": "compress"},
		Types:     map[string]string{".txt": "text/plain", ".a": "application/octet-stream", `."q`: "x/\"y\""},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	if m := headerRE.FindStringSubmatch(strings.SplitN(s, "\n", 2)[0]); m == nil || m[1] != "3.99.1" {
		t.Fatalf("header: %q", strings.SplitN(s, "\n", 2)[0])
	}
	for _, want := range []string{
		"const pyMimetypesVersion = \"3.99.1\"\n",
		"var pySuffixAliases = map[string]string{\n\t\".svgz\": \".svg.gz\",\n\t\".tgz\":  \".tar.gz\",\n}\n",
		"var pyEncodings = map[string]bool{\n\t\".Z\":  true,\n\t\".gz\": true,\n}\n",
		"var pyTypes = map[string]string{\n\t\".\\\"q\": \"x/\\\"y\\\"\",\n\t\".a\":   \"application/octet-stream\",\n\t\".txt\": \"text/plain\",\n}\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in:\n%s", want, s)
		}
	}
}

// fakePython writes an executable script standing in for python3.
func fakePython(t *testing.T, script string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "python3")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// A Python that fails or prints anything but the tables leaves the file
// as it was and says why.
func TestGenerateRefusesBadOutput(t *testing.T) {
	for _, tc := range []struct {
		name, script, want string
	}{
		{"fails", "echo 'ModuleNotFoundError: No module named json' >&2; exit 1", "No module named json"},
		{"dies silently", "exit 3", "exit status 3"},
		{"garbage", "echo 'this is not json'", "reading the tables"},
		{"empty", "true", "reading the tables"},
		{"unknown field", `echo '{"version":"3.11.7","extra":1}'`, "unknown field"},
		{"not python 3", `echo '{"version":"2.7.18","suffixes":{},"encodings":{".gz":"gzip"},"types":{".a":"b/c"}}'`, "not a Python 3 version"},
		{"no types", `echo '{"version":"3.11.7","suffixes":{},"encodings":{".gz":"gzip"},"types":{}}'`, "refusing to write an empty table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "table.go")
			if err := os.WriteFile(out, []byte("previous"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Generate(context.Background(), fakePython(t, tc.script), out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if b, _ := os.ReadFile(out); string(b) != "previous" {
				t.Fatalf("the file was changed to %q", b)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".table.go.*")); len(left) != 0 {
				t.Fatalf("temporary files left: %v", left)
			}
		})
	}
	if _, err := Generate(context.Background(), filepath.Join(t.TempDir(), "no-such-python"), filepath.Join(t.TempDir(), "x.go")); err == nil {
		t.Fatal("a missing interpreter was not an error")
	}
}

// A well-formed answer is written whole, with mode 0644.
func TestGenerateWrites(t *testing.T) {
	py := fakePython(t, `echo '{"version":"3.12.4","suffixes":{".tgz":".tar.gz"},"encodings":{".gz":"gzip"},"types":{".json":"application/json"}}'`)
	out := filepath.Join(t.TempDir(), "table.go")
	if _, err := Generate(context.Background(), py, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if m := headerRE.FindSubmatch(firstLine(b)); m == nil || string(m[1]) != "3.12.4" || !bytes.Contains(b, []byte(`".json": "application/json",`)) {
		t.Fatalf("wrote:\n%s", b)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
}
