package testenv

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// `go test ./... -update` passes -update to every test binary, and one that
// does not define the flag fails. Every test package imports this one,
// which defines it; this test keeps it so.
func TestEveryTestPackageHasUpdateFlag(t *testing.T) {
	root := ModuleRoot()
	const self = "github.com/s3-credentials/s3-credentials/internal/testenv"
	imports := map[string]bool{} // test package dir -> imports testenv
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", ".venv", "dist", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir := filepath.Dir(path)
		if dir == filepath.Join(root, "internal", "testenv") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if _, seen := imports[dir]; !seen {
			imports[dir] = false
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == self {
				imports[dir] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 10 {
		t.Fatalf("found only %d test packages under %s", len(imports), root)
	}
	for dir, ok := range imports {
		if !ok {
			rel, _ := filepath.Rel(root, dir)
			t.Errorf("the tests in %s do not import internal/testenv, so `go test ./... -update` fails there; add a TestMain calling testenv.Run", rel)
		}
	}
}

// recorder stands in for a test, to see Golden's verdicts.
type recorder struct {
	testing.TB
	failed []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}

func TestGoldenComparesAndUpdates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.golden")
	saved := *update
	t.Cleanup(func() { *update = saved })

	*update = true
	Golden(t, path, "first\n")
	if b, err := os.ReadFile(path); err != nil || string(b) != "first\n" {
		t.Fatalf("-update wrote %q, %v", b, err)
	}
	*update = false
	r := &recorder{TB: t}
	Golden(r, path, "first\n")
	if len(r.failed) != 0 {
		t.Errorf("same output failed: %v", r.failed)
	}
	Golden(r, path, "second\n")
	if len(r.failed) != 1 || !strings.Contains(r.failed[0], "go test -update rewrites it") {
		t.Errorf("different output: %v", r.failed)
	}
	// Recorded files are never rewritten from our output, -update or not.
	*update = true
	r = &recorder{TB: t}
	Recorded(r, path, "ours\n")
	if b, _ := os.ReadFile(path); string(b) != "first\n" || len(r.failed) != 1 {
		t.Errorf("Recorded under -update: file %q, failures %v", b, r.failed)
	}
}
