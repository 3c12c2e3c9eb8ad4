package objects

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Expected values from Python 3.11: mimetypes.MimeTypes(filenames=()).guess_type(name)[0].
func TestGuessContentType(t *testing.T) {
	for name, want := range map[string]string{
		"a.html":         "text/html",
		"x.JSON":         "application/json",
		"photo.jpg":      "image/jpeg",
		"dir/p.JPEG":     "image/jpeg",
		"a.tar.gz":       "application/x-tar",
		"a.tgz":          "application/x-tar",
		"a.json.gz":      "application/json",
		"a.GZ":           "",
		"a.svgz":         "image/svg+xml",
		"a.txt.Z":        "text/plain",
		".bashrc":        "",
		"..json":         "",
		"a..json":        "application/json",
		"dir.d/file":     "",
		"noext":          "",
		"x.webp":         "",
		"a.mjs":          "application/javascript",
		"a.css":          "text/css",
		"a.png":          "image/png",
		"a.pdf":          "application/pdf",
		"a.svg":          "image/svg+xml",
		"a.js":           "application/javascript",
		"site/index.htm": "text/html",
		// The name is read as a URL: a scheme is dropped, a data URL
		// names its type.
		"x:.json":                   "",
		"x:a.json":                  "application/json",
		"dir/x:.json":               "application/json",
		"data:image/png;base64,AAA": "image/png",
		"DATA:nope,x":               "text/plain",
		"data:x.json":               "",
		// Python lower-cases U+0130 to "i" and a combining dot.
		"a.\u0130co": "",
		"a.ICO":      "image/vnd.microsoft.icon",
	} {
		if got := GuessContentType(name); got != want {
			t.Errorf("GuessContentType(%q) = %q, want %q", name, got, want)
		}
	}
}

// Expected values from Python's fnmatch.fnmatchcase.
func TestPattern(t *testing.T) {
	for _, tc := range []struct {
		pat, name string
		want      bool
	}{
		{"*e.txt", "one.txt", true},
		{"*e.txt", "one.txt2", false},
		{"directory/*", "directory/a/b", true},
		{"directory/*", "other/a", false},
		{"*.txt", "a/b.txt", true},
		{"?.txt", "a.txt", true},
		{"?.txt", "/.txt", true},
		{"?.txt", "ab.txt", false},
		{"[ab].txt", "a.txt", true},
		{"[!ab].txt", "a.txt", false},
		{"[!ab].txt", "c.txt", true},
		{"[a-c]x", "bx", true},
		{"[z-a]x", "bx", false},
		{"[]]", "x", false},
		{"[]]", "]", true},
		{"[!]]", "x", true},
		{"[", "[", true},
		{"a[b", "a[b", true},
		{`\*`, `\x`, true},
		{"*\n", "a\n", true},
		{"[a-]", "-", true},
		{`[\]`, `\`, true},
		{"[^a]", "^", true},
		{"[^a]", "b", false},
		{"[!]", "!", false},
		{"[!]", "[!]", true},
		{"[!]x]", "ax", false},
		{"**", "", true},
		{"a.c", "abc", false},
		{"a+(b)", "a+(b)", true},
		{"ONE.TXT", "one.txt", false},
	} {
		if got := CompilePattern(tc.pat).Match(tc.name); got != tc.want {
			t.Errorf("%q matching %q = %v, want %v", tc.pat, tc.name, got, tc.want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for key, want := range map[string]string{
		"one.txt":          "one.txt",
		"a/b/c.txt":        filepath.FromSlash("a/b/c.txt"),
		"a//b":             filepath.FromSlash("a/b"),
		"a/../b":           "b",
		"./x":              "x",
		"..x":              "..x",
		"../x":             "",
		"a/../../b":        "",
		"..":               "",
		"/etc/passwd":      "",
		"a/b/../../../etc": "",
		"":                 "",
		"dir/":             "",
	} {
		got, err := LocalPath(key)
		if want == "" {
			if err == nil {
				t.Errorf("LocalPath(%q) = %q, want refusal", key, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("LocalPath(%q) = %q, %v; want %q", key, got, err, want)
		}
	}
	if _, err := LocalPath("../x"); !errors.Is(err, ErrUnsafeKey) {
		t.Errorf("../x: %v", err)
	}
}

func TestUploadPlan(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	for _, f := range []string{"one.txt", "directory/two.txt", "directory/sub/three.json", "directory/.hidden"} {
		os.MkdirAll(filepath.Dir(f), 0o755)
		os.WriteFile(f, []byte("12345"), 0o644)
	}
	keys := func(args []string, prefix string) string {
		files, skipped, err := UploadPlan(args, prefix)
		if err != nil || len(skipped) != 0 {
			t.Fatal(err, skipped)
		}
		var out []string
		for _, f := range files {
			out = append(out, filepath.ToSlash(f.Path)+"=>"+f.Key)
			if f.Size != 5 {
				t.Errorf("%s: size %d", f.Path, f.Size)
			}
		}
		return strings.Join(out, " ")
	}
	if got := keys([]string{"one.txt"}, ""); got != "one.txt=>one.txt" {
		t.Errorf("file: %s", got)
	}
	if got := keys([]string{"one.txt"}, "p"); got != "one.txt=>p/one.txt" {
		t.Errorf("prefix: %s", got)
	}
	if got := keys([]string{"directory"}, ""); got != "directory/.hidden=>directory/.hidden directory/sub/three.json=>directory/sub/three.json directory/two.txt=>directory/two.txt" {
		t.Errorf("dir: %s", got)
	}
	if got := keys([]string{"directory/sub/"}, "o/"); got != "directory/sub/three.json=>o/sub/three.json" {
		t.Errorf("subdir: %s", got)
	}
	if got := keys([]string{"."}, ""); got != "directory/.hidden=>directory/.hidden directory/sub/three.json=>directory/sub/three.json directory/two.txt=>directory/two.txt one.txt=>one.txt" {
		t.Errorf("dot: %s", got)
	}
	t.Chdir(filepath.Join(base, "directory", "sub"))
	if got := keys([]string{".."}, ""); got != "../.hidden=>directory/.hidden ../sub/three.json=>directory/sub/three.json ../two.txt=>directory/two.txt" {
		t.Errorf("dotdot: %s", got)
	}
	if got := keys([]string{filepath.Join(base, "directory", "sub")}, ""); !strings.HasSuffix(got, "=>sub/three.json") {
		t.Errorf("absolute: %s", got)
	}
	t.Chdir(base)
	if err := os.Symlink("directory", "linked"); err != nil {
		t.Fatal(err)
	}
	if got := keys([]string{"linked"}, ""); got != "linked/.hidden=>linked/.hidden linked/sub/three.json=>linked/sub/three.json linked/two.txt=>linked/two.txt" {
		t.Errorf("symlinked dir: %s", got)
	}
	if _, _, err := UploadPlan([]string{"missing"}, ""); err == nil || err.Error() != "cannot read missing: no such file or directory" {
		t.Errorf("missing: %v", err)
	}
}
