package outfile

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o640)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	mustSymlink(t, "file", filepath.Join(dir, "to-file"))
	mustSymlink(t, "to-file", filepath.Join(dir, "chain"))
	mustSymlink(t, "missing", filepath.Join(dir, "dangling"))
	mustSymlink(t, "fifo", filepath.Join(dir, "to-fifo"))
	mustSymlink(t, "sub", filepath.Join(dir, "to-sub"))
	mustSymlink(t, "../file", filepath.Join(dir, "sub", "up"))
	mustSymlink(t, "loop", filepath.Join(dir, "loop"))

	for _, tc := range []struct {
		path, file string
		kind       Kind
		perm       fs.FileMode
	}{
		{"file", "file", Replace, 0o640},
		{"to-file", "file", Replace, 0o640},
		{"chain", "file", Replace, 0o640},
		{"dangling", "missing", New, 0},
		{"new", "new", New, 0},
		{"fifo", "fifo", InPlace, 0},
		{"to-fifo", "fifo", InPlace, 0},
		// ".." is taken where the link really is: sub/up, not to-sub/up.
		{"to-sub/up", "file", Replace, 0o640},
		{"nodir/new", "nodir/new", New, 0},
	} {
		got, err := Resolve(filepath.Join(dir, tc.path))
		if err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		if got.File != filepath.Join(dir, tc.file) || got.Kind != tc.kind || got.Perm != tc.perm || got.Path != filepath.Join(dir, tc.path) {
			t.Errorf("%s: got %+v", tc.path, got)
		}
	}
	for _, tc := range []struct{ path, err string }{
		{"sub", dir + "/sub is a directory"},
		{"to-sub", dir + "/to-sub is a directory"},
		{"loop", "cannot write " + dir + "/loop: too many levels of symbolic links"},
		{"new/", "cannot write " + dir + "/new/: a file name cannot end in /"},
		{"file/x", "cannot write " + dir + "/file/x: not a directory"},
	} {
		if _, err := Resolve(filepath.Join(dir, tc.path) + map[bool]string{true: "/"}[strings.HasSuffix(tc.path, "/")]); err == nil || err.Error() != tc.err {
			t.Errorf("%s: got %v, want %s", tc.path, err, tc.err)
		}
	}
	// A process's own descriptors are written in place, never replaced.
	for _, p := range []string{"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"} {
		if _, err := os.Lstat(p); err != nil {
			continue
		}
		got, err := Resolve(p)
		if err != nil {
			// Standard output may be a socket, which cannot be opened.
			if strings.Contains(err.Error(), "socket") {
				continue
			}
			t.Fatalf("%s: %v", p, err)
		}
		if got.Kind != InPlace {
			t.Errorf("%s: %+v", p, got)
		}
	}
}

func TestCreateNewAndReplace(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	path := filepath.Join(dir, "out")
	f, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if !f.RandomAccess() {
		t.Error("a new file should take WriteAt")
	}
	f.WriteAt([]byte("world"), 6)
	f.WriteAt([]byte("hello "), 0)
	if _, err := os.Stat(path); err == nil {
		t.Error("visible before Commit")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // harmless after Commit
	if b, _ := os.ReadFile(path); string(b) != "hello world" {
		t.Errorf("got %q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", fi.Mode())
	}
	// Replacing keeps the permission bits; an aborted write changes nothing.
	os.Chmod(path, 0o600)
	f, _ = Create(ctx, path)
	f.Write([]byte("half"))
	f.Abort()
	if b, _ := os.ReadFile(path); string(b) != "hello world" {
		t.Errorf("aborted write changed the file: %q", b)
	}
	f, _ = Create(ctx, path)
	f.Write([]byte("new"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestCreateFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	syscall.Mkfifo(fifo, 0o644)
	got := make(chan string, 1)
	go func() {
		r, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(r)
		r.Close()
		got <- string(b)
	}()
	f, err := Create(context.Background(), fifo)
	if err != nil {
		t.Fatal(err)
	}
	if f.RandomAccess() {
		t.Error("a FIFO cannot take WriteAt")
	}
	f.Write([]byte("streamed"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "streamed" {
		t.Errorf("reader got %q", s)
	}
	if fi, _ := os.Lstat(fifo); fi.Mode().Type() != fs.ModeNamedPipe {
		t.Errorf("now %v", fi.Mode())
	}
}

// Opening a FIFO nobody reads waits, until the context ends.
func TestCreateFIFOWithoutReaderIsCancellable(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	syscall.Mkfifo(fifo, 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Create(ctx, fifo)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("got %v after %v", err, time.Since(start))
	}
	// Release the goroutine still opening it.
	if r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
		r.Close()
	}
}

func TestDir(t *testing.T) {
	base := t.TempDir()
	ctx := context.Background()
	// A dangling symlink gets its directory made.
	mustSymlink(t, "made", filepath.Join(base, "link"))
	d, err := OpenDir(filepath.Join(base, "link"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if fi, err := os.Stat(filepath.Join(base, "made")); err != nil || !fi.IsDir() {
		t.Fatalf("not made: %v", err)
	}
	inside := filepath.Join(base, "made")
	os.WriteFile(filepath.Join(inside, "target"), []byte("old"), 0o600)
	mustSymlink(t, "target", filepath.Join(inside, "in"))
	mustSymlink(t, base, filepath.Join(inside, "out"))
	mustSymlink(t, "../x", filepath.Join(inside, "up"))
	os.WriteFile(filepath.Join(inside, "file"), nil, 0o644)

	f, err := d.Create(ctx, "in")
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("new"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(inside, "target")); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	if l, _ := os.Readlink(filepath.Join(inside, "in")); l != "target" {
		t.Errorf("link now %q", l)
	}
	// A new file, directly and through a directory's symlink that stays
	// inside: written whole, 0644, nothing else left beside it.
	os.Mkdir(filepath.Join(inside, "realsub"), 0o755)
	mustSymlink(t, "realsub", filepath.Join(inside, "sub"))
	for _, rel := range []string{"new", filepath.Join("sub", "new")} {
		f, err := d.Create(ctx, rel)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		f.Write([]byte("fresh"))
		if err := f.Commit(); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
	}
	for _, p := range []string{filepath.Join(inside, "new"), filepath.Join(inside, "realsub", "new")} {
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v %v", p, fi, err)
		}
		if b, _ := os.ReadFile(p); string(b) != "fresh" {
			t.Errorf("%s holds %q", p, b)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(inside, "realsub")); len(entries) != 1 {
		t.Errorf("realsub holds %d entries, want only new", len(entries))
	}
	// Below a dangling symlink that stays inside: the missing directory
	// is said, nothing is written anywhere.
	mustSymlink(t, "missing", filepath.Join(inside, "dangling"))
	if _, err := d.Create(ctx, filepath.Join("dangling", "x")); err == nil || errors.Is(err, ErrOutside) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("dangling/x: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(inside, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the dangling link's target was made: %v", err)
	}
	for _, rel := range []string{"up", filepath.Join("out", "x"), filepath.Join("out", "new"), filepath.Join("..", "new"), strings.Join([]string{"sub", "..", "..", "new"}, string(filepath.Separator))} {
		if _, err := d.Create(ctx, rel); !errors.Is(err, ErrOutside) {
			t.Errorf("%s: %v", rel, err)
		}
	}
	if entries, _ := os.ReadDir(base); len(entries) != 2 {
		t.Errorf("%d entries beside the output directory, want its link and itself", len(entries))
	}
	if err := d.MkdirAll(filepath.Join("out", "x")); !errors.Is(err, ErrOutside) {
		t.Errorf("mkdir out/x: %v", err)
	}
	want := filepath.Join(base, "link", "file") + " is a file, not a directory"
	if err := d.MkdirAll(filepath.Join("file", "x")); err == nil || err.Error() != want {
		t.Errorf("mkdir file/x: %v", err)
	}
}

func TestWhat(t *testing.T) {
	for mode, want := range map[fs.FileMode]string{
		0:                                 "a file",
		fs.ModeDir:                        "a directory",
		fs.ModeSymlink:                    "a symlink",
		fs.ModeNamedPipe:                  "a FIFO",
		fs.ModeSocket:                     "a socket",
		fs.ModeDevice | fs.ModeCharDevice: "a character device",
		fs.ModeDevice:                     "a block device",
		fs.ModeIrregular:                  "a special file",
	} {
		if got := What(mode); got != want {
			t.Errorf("%v: %q, want %q", mode, got, want)
		}
	}
}
