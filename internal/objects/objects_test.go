package objects

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
