package cli

import (
	"os"
	"strings"
	"testing"
)

func TestPutObjectFileAndContentType(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("bkt")
	dir := t.TempDir()
	for _, tc := range []struct {
		file, key, ctype string
		args             []string
	}{
		{"page.html", "k.html", "text/html", nil},
		{"data.JSON", "k.json", "application/json", nil},
		{"pic.jpg", "k.jpg", "image/jpeg", nil},
		{"notes.txt", "k.txt", "text/csv", []string{"--content-type", "text/csv"}},
	} {
		path := dir + "/" + tc.file
		if err := os.WriteFile(path, []byte("body of "+tc.file), 0o644); err != nil {
			t.Fatal(err)
		}
		r := e.ok(append([]string{"put-object", "bkt", tc.key, path}, tc.args...)...)
		body, ctype := e.objGet("bkt", tc.key)
		if body != "body of "+tc.file || ctype != tc.ctype {
			t.Errorf("%s: got %q %q", tc.file, body, ctype)
		}
		if r.Stderr != "Uploading\n" || r.Stdout != "" {
			t.Errorf("%s: stdout %q stderr %q", tc.file, r.Stdout, r.Stderr)
		}
	}
	r := e.ok("put-object", "bkt", "quiet", dir+"/page.html", "-s")
	if r.Stderr != "" {
		t.Errorf("silent stderr: %q", r.Stderr)
	}
}

func TestPutObjectStdin(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("bkt")
	r := e.runStdin("Hello\n", "put-object", "bkt", "hello.txt", "-", "-s")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	body, _ := e.objGet("bkt", "hello.txt")
	if body != "Hello\n" {
		t.Errorf("got %q", body)
	}
	r = e.runStdin("<h1>Hi</h1>", "put-object", "bkt", "hello.html", "-", "--content-type", "text/html", "-s")
	if _, ctype := e.objGet("bkt", "hello.html"); r.Code != 0 || ctype != "text/html" {
		t.Errorf("exit %d, content type %q", r.Code, ctype)
	}
}

func TestPutObjectErrors(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"bkt", "k", dir + "/missing"}, 2, "Error: Invalid value for 'PATH': File '" + dir + "/missing' does not exist.\n"},
		{[]string{"bkt", "k", dir}, 2, "Error: Invalid value for 'PATH': File '" + dir + "' is a directory.\n"},
		{[]string{"bkt", "k"}, 2, "Error: Missing argument 'PATH'.\n"},
		{[]string{"no-such-bucket", "k", "-", "-s"}, 1, "Error: NoSuchBucket: The specified bucket does not exist\n"},
	} {
		r := e.runStdin("x", append([]string{"put-object"}, tc.args...)...)
		if r.Code != tc.code || !strings.HasSuffix(r.Stderr, tc.err) {
			t.Errorf("%v: got %d %q", tc.args, r.Code, r.Stderr)
		}
	}
}
