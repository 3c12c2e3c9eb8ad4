package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// localTree makes the reference's test files in a fresh working directory.
func localTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for name, body := range map[string]string{
		"one.txt":              "one",
		"directory/two.txt":    "two",
		"directory/three.json": `{"three": 3}`,
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The reference's test_put_objects cases, plus keys from an absolute path.
//
// Serial: localTree changes the working directory (t.Chdir), relative paths are the point.
func TestPutObjectsKeys(t *testing.T) {
	e := newE2E(t)
	n := 0
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"."}, []string{"one.txt", "directory/two.txt", "directory/three.json"}},
		{[]string{"one.txt"}, []string{"one.txt"}},
		{[]string{"directory"}, []string{"directory/two.txt", "directory/three.json"}},
		{[]string{"directory/"}, []string{"directory/two.txt", "directory/three.json"}},
		{[]string{"directory", "--prefix", "o"}, []string{"o/directory/two.txt", "o/directory/three.json"}},
		{[]string{".", "--prefix", "p/"}, []string{"p/one.txt", "p/directory/two.txt", "p/directory/three.json"}},
		{[]string{"directory/two.txt", "one.txt", "--concurrency", "1"}, []string{"two.txt", "one.txt"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			// A bucket of its own for each case, on one moto state.
			n++
			bucket := fmt.Sprintf("bucket-%d", n)
			e.makeBucket(bucket)
			localTree(t)
			r := e.ok(append([]string{"put-objects", bucket}, tc.args...)...)
			sameKeys(t, e.objKeys(bucket), tc.want...)
			if r.Stdout != "" {
				t.Errorf("stdout: %q", r.Stdout)
			}
		})
	}
}

// Serial: localTree changes the working directory (t.Chdir).
func TestPutObjectsAbsoluteDirAndContent(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("my-bucket")
	dir := localTree(t)
	t.Chdir(os.TempDir())
	r := e.ok("put-objects", "my-bucket", filepath.Join(dir, "directory"))
	sameKeys(t, e.objKeys("my-bucket"), "directory/two.txt", "directory/three.json")
	body, ctype := e.objGet("my-bucket", "directory/three.json")
	if body != `{"three": 3}` || ctype != "application/json" {
		t.Errorf("got %q %q", body, ctype)
	}
	// Not a terminal: the label line alone, as the reference prints it.
	if r.Stderr != "Uploading 15.0 bytes (2 files)\n" {
		t.Errorf("stderr: %q", r.Stderr)
	}
}

// Serial: localTree changes the working directory (t.Chdir).
func TestPutObjectsDryRun(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("my-bucket")
	localTree(t)
	r := e.ok("put-objects", "my-bucket", "directory", "--prefix", "o", "--dry-run")
	golden(t, "objects/put-objects-dry-run.out", r.Stdout)
	sameKeys(t, e.objKeys("my-bucket"))
	r = e.ok("put-objects", "my-bucket", "directory", "one.txt", "--dry-run", "-s")
	want := "directory/three.json => s3://my-bucket/directory/three.json\n" +
		"directory/two.txt => s3://my-bucket/directory/two.txt\n" +
		"one.txt => s3://my-bucket/one.txt\n"
	if r.Stdout != want || r.Stderr != "" {
		t.Errorf("got %q %q", r.Stdout, r.Stderr)
	}
}

// Serial: localTree changes the working directory (t.Chdir).
func TestPutObjectsErrors(t *testing.T) {
	e := newE2E(t)
	localTree(t)
	r := e.run("put-objects", "no-such-bucket", "one.txt", "-s")
	if r.Code != 1 || r.Stderr != "Error: uploading one.txt: NoSuchBucket: The specified bucket does not exist\n" {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
	r = e.run("put-objects", "my-bucket", "missing.txt")
	if r.Code != 1 || r.Stderr != "Error: cannot read missing.txt: no such file or directory\n" {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
	r = e.run("put-objects", "my-bucket")
	if r.Code != 2 || !strings.HasSuffix(r.Stderr, "Error: Missing argument 'OBJECTS...'.\n") {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
	r = e.run("put-objects", "my-bucket", "one.txt", "--concurrency", "0")
	if r.Code != 2 || !strings.HasSuffix(r.Stderr, "Error: Invalid value for '--concurrency': 0 is not in the range x>=1.\n") {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
}
