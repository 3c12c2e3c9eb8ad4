package cli

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// Every command that writes a file, against whatever can stand at its
// path: FIFOs, devices, sockets, directories, unwritable places, symlinks
// (more in testdata/script/get_object*_output_*.txtar). See
// docs/output-paths.md for the rules these tests hold the commands to.

const payload = "the object's bytes"

func TestGetObjectOutputSpecialFiles(t *testing.T) {
	e := newE2E(t)
	e.serialEnv()
	e.makeBucket("out")
	e.putObj("out", "k", payload)
	t.Run("FIFO with a reader", func(t *testing.T) {
		fifo := mkfifo(t, filepath.Join(t.TempDir(), "fifo"))
		got := readFIFO(t, fifo)
		if r := runLimited(t, "", "get-object", "out", "k", "-o", fifo); r.Code != 0 {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		if s := wait(t, "reader", got); s != payload {
			t.Errorf("reader got %q", s)
		}
		isMode(t, fifo, fs.ModeNamedPipe)
	})
	t.Run("FIFO, missing key", func(t *testing.T) {
		// The reader is not left waiting: it sees the end of the stream.
		fifo := mkfifo(t, filepath.Join(t.TempDir(), "fifo"))
		got := readFIFO(t, fifo)
		r := runLimited(t, "", "get-object", "out", "nope", "-o", fifo)
		if r.Code != 1 || !strings.Contains(r.Stderr, "NoSuchKey") {
			t.Errorf("got %d %q", r.Code, r.Stderr)
		}
		if s := wait(t, "reader", got); s != "" {
			t.Errorf("reader got %q", s)
		}
		isMode(t, fifo, fs.ModeNamedPipe)
	})
	t.Run("character device", func(t *testing.T) {
		dev := nullDevice(t, t.TempDir())
		if r := runLimited(t, "", "get-object", "out", "k", "-o", dev); r.Code != 0 {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		isMode(t, dev, fs.ModeDevice|fs.ModeCharDevice)
		noTemporaries(t, filepath.Dir(dev))
	})
	t.Run("symlink to a character device", func(t *testing.T) {
		dir := t.TempDir()
		dev := nullDevice(t, dir)
		link := symlink(t, dev, filepath.Join(dir, "link"))
		if r := runLimited(t, "", "get-object", "out", "k", "-o", link); r.Code != 0 {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		isLink(t, link, dev)
		isMode(t, dev, fs.ModeDevice|fs.ModeCharDevice)
	})
	t.Run("socket", func(t *testing.T) {
		sock := listenUnix(t, filepath.Join(t.TempDir(), "s"))
		r := runLimited(t, "", "get-object", "out", "k", "-o", sock)
		if r.Code != 1 || r.Stderr != "Error: cannot write "+sock+": it is a socket\n" {
			t.Errorf("got %d %q", r.Code, r.Stderr)
		}
		isMode(t, sock, fs.ModeSocket)
	})
}

// The real binary writing to its own standard output through the names
// the system gives it. /dev/stdout itself is not used: a regression would
// replace it for the whole machine.
func TestGetObjectOutputToOwnStdout(t *testing.T) {
	e := newE2E(t)
	e.serialEnv()
	e.makeBucket("out")
	e.putObj("out", "k", payload)
	bin := testenv.Binary(t)
	dir := t.TempDir()
	viaLink := symlink(t, "/dev/stdout", filepath.Join(dir, "stdout"))
	for _, path := range []string{"/dev/fd/1", "/proc/self/fd/1", viaLink} {
		// Standard output a pipe, then a file the shell opened for us.
		cmd := exec.Command(bin, "get-object", "out", "k", "-o", path)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil || out.String() != payload || errOut.Len() != 0 {
			t.Errorf("%s to a pipe: %v, stdout %q, stderr %q", path, err, out.String(), errOut.String())
		}
		// As the shell's >> opens it: the object is appended, as it would
		// be without -o, not written over what is there.
		redirect := writeFile(t, filepath.Join(dir, "redirected"), "head\n", 0o644)
		f := must(os.OpenFile(redirect, os.O_WRONLY|os.O_APPEND, 0)).ok(t)
		cmd = exec.Command(bin, "get-object", "out", "k", "-o", path)
		cmd.Stdout, cmd.Stderr = f, &errOut
		err := cmd.Run()
		f.Close()
		if b, _ := os.ReadFile(redirect); err != nil || string(b) != "head\n"+payload || errOut.Len() != 0 {
			t.Errorf("%s to a file: %v, file %q, stderr %q", path, err, b, errOut.String())
		}
		// A socket, as some service managers give: it cannot be opened
		// by name, only written through the descriptor.
		fds := must(syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)).ok(t)
		ours, theirs := os.NewFile(uintptr(fds[0]), "ours"), os.NewFile(uintptr(fds[1]), "theirs")
		cmd = exec.Command(bin, "get-object", "out", "k", "-o", path)
		cmd.Stdout, cmd.Stderr = theirs, &errOut
		err = cmd.Run()
		theirs.Close()
		b, _ := io.ReadAll(ours)
		ours.Close()
		if err != nil || string(b) != payload || errOut.Len() != 0 {
			t.Errorf("%s to a socket: %v, read %q, stderr %q", path, err, b, errOut.String())
		}
		noTemporaries(t, dir)
	}
	isLink(t, viaLink, "/dev/stdout")
}

func TestGetObjectOutputPermissions(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("out")
	e.putObj("out", "k", payload)
	r := newRestricted(t)
	locked := filepath.Join(r.dir, "locked")
	os.Mkdir(locked, 0o755)
	inLocked := writeFile(t, filepath.Join(locked, "f"), "old", 0o644)
	readOnly := writeFile(t, filepath.Join(r.dir, "ro"), "old", 0o444)
	r.give(locked, inLocked, readOnly)
	os.Chmod(locked, 0o555)

	res := r.run("get-object", "out", "k", "-o", filepath.Join(locked, "new"))
	if res.Code != 1 || res.Stderr != "Error: cannot write "+filepath.Join(locked, "new")+": permission denied\n" {
		t.Errorf("new file in a read-only directory: %d %q", res.Code, res.Stderr)
	}
	// Replacing a writable file needs its directory writable too.
	res = r.run("get-object", "out", "k", "-o", inLocked)
	if res.Code != 1 || res.Stderr != "Error: cannot write "+inLocked+": permission denied\n" {
		t.Errorf("file in a read-only directory: %d %q", res.Code, res.Stderr)
	}
	// A read-only file is not replaced, though its directory is writable
	// (the reference's click check, word for word).
	res = r.run("get-object", "out", "k", "-o", readOnly)
	if res.Code != 2 || !strings.HasSuffix(res.Stderr, "Error: Invalid value for '-o' / '--output': File '"+readOnly+"' is not writable.\n") {
		t.Errorf("read-only file: %d %q", res.Code, res.Stderr)
	}
	hasFile(t, inLocked, "old", 0o644)
	hasFile(t, readOnly, "old", 0o444)
	noTemporaries(t, r.dir)
}

func TestGetObjectsOutputDirectory(t *testing.T) {
	e := newE2E(t)
	e.serialEnv()
	e.makeBucket("out")
	e.putObj("out", "a.txt", "A")
	e.putObj("out", "d/b.txt", "B")
	for _, tc := range []struct {
		name string
		make func(t *testing.T, dir string) string
		what string
	}{
		{"FIFO", func(t *testing.T, dir string) string { return mkfifo(t, filepath.Join(dir, "fifo")) }, "a FIFO"},
		{"device", func(t *testing.T, dir string) string { return nullDevice(t, dir) }, "a character device"},
		{"socket", func(t *testing.T, dir string) string { return listenUnix(t, filepath.Join(dir, "s")) }, "a socket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.make(t, t.TempDir())
			mode, _ := os.Lstat(path)
			r := runLimited(t, "", "get-objects", "out", "-o", path, "-s")
			if r.Code != 2 || !strings.HasSuffix(r.Stderr, "Error: Invalid value for '-o' / '--output': Directory '"+path+"' is "+tc.what+".\n") {
				t.Errorf("got %d %q", r.Code, r.Stderr)
			}
			isMode(t, path, mode.Mode().Type())
		})
	}
	t.Run("permissions", func(t *testing.T) {
		r := newRestricted(t)
		locked := filepath.Join(r.dir, "locked")
		os.Mkdir(locked, 0o755)
		r.give(locked)
		os.Chmod(locked, 0o555)
		res := r.run("get-objects", "out", "-o", locked, "-s")
		if res.Code != 2 || !strings.HasSuffix(res.Stderr, "Error: Invalid value for '-o' / '--output': Directory '"+locked+"' is not writable.\n") {
			t.Errorf("read-only directory: %d %q", res.Code, res.Stderr)
		}
		res = r.run("get-objects", "out", "-o", filepath.Join(locked, "sub"), "-s")
		if res.Code != 1 || res.Stderr != "Error: cannot create directory "+filepath.Join(locked, "sub")+": permission denied\n" {
			t.Errorf("new directory in a read-only one: %d %q", res.Code, res.Stderr)
		}
	})
}

// Within the output directory, each file follows the rules of get-object -o;
// a symlink that leads out of the directory is refused.
func TestGetObjectsOutputEntries(t *testing.T) {
	e := newE2E(t)
	e.serialEnv()
	e.makeBucket("out")
	for _, k := range []string{"to-file", "dangling", "fifo", "private", "isdir", "sub/under-file", "outside"} {
		e.putObj("out", k, "body of "+k)
	}
	base := t.TempDir()
	dir := filepath.Join(base, "out")
	os.MkdirAll(filepath.Join(dir, "isdir"), 0o755)
	os.MkdirAll(filepath.Join(dir, "real"), 0o755)
	target := writeFile(t, filepath.Join(dir, "real", "target"), "old", 0o644)
	symlink(t, "real/target", filepath.Join(dir, "to-file"))
	symlink(t, "real/new", filepath.Join(dir, "dangling"))
	writeFile(t, filepath.Join(dir, "private"), "old", 0o600)
	writeFile(t, filepath.Join(dir, "sub"), "a file where a directory is needed", 0o644)
	outside := writeFile(t, filepath.Join(base, "outside-target"), "old", 0o644)
	symlink(t, outside, filepath.Join(dir, "outside"))
	fifo := mkfifo(t, filepath.Join(dir, "fifo"))
	got := readFIFO(t, fifo)

	r := runLimited(t, "", "get-objects", "out", "-o", dir, "-s")
	wantErr := "Error: Refused: outside (would be written outside the output directory)\n" +
		"Failed: isdir: " + filepath.Join(dir, "isdir") + " is a directory\n" +
		"Failed: sub/under-file: " + filepath.Join(dir, "sub") + " is a file, not a directory\n"
	if r.Code != 1 || r.Stderr != wantErr {
		t.Errorf("got %d %q\nwant %q", r.Code, r.Stderr, wantErr)
	}
	isLink(t, filepath.Join(dir, "to-file"), "real/target")
	hasFile(t, target, "body of to-file", 0o644)
	isLink(t, filepath.Join(dir, "dangling"), "real/new")
	hasFile(t, filepath.Join(dir, "real", "new"), "body of dangling", 0o644)
	hasFile(t, filepath.Join(dir, "private"), "body of private", 0o600)
	hasFile(t, outside, "old", 0o644)
	if s := wait(t, "reader", got); s != "body of fifo" {
		t.Errorf("FIFO reader got %q", s)
	}
	isMode(t, fifo, fs.ModeNamedPipe)
	noTemporaries(t, dir)
	noTemporaries(t, filepath.Join(dir, "real"))
}

// The credential commands write secrets: only to a regular file or a
// missing path, checked before anything is made in AWS, --force or not.
func TestCredentialOutputRefusesSpecialFiles(t *testing.T) {
	e := newE2E(t)
	e.serialEnv()
	e.makeBucket("cred-bucket")
	e.makeUser("rotated", 1)
	commands := map[string][]string{
		"create":     {"create", "cred-bucket", "--username", "made-by-create"},
		"rotate-key": {"rotate-key", "rotated"},
	}
	unchanged := func(t *testing.T) {
		t.Helper()
		if e.userExists("made-by-create") {
			t.Error("create made its user")
		}
		if n := len(e.accessKeys("rotated")); n != 1 {
			t.Errorf("rotate-key made a key: %d keys", n)
		}
	}
	for _, tc := range []struct {
		name string
		make func(t *testing.T, dir string) string
		what string
	}{
		{"symlink to a file", func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, "target"), "old", 0o600)
			return symlink(t, "target", filepath.Join(dir, "link"))
		}, "a symlink"},
		{"dangling symlink", func(t *testing.T, dir string) string {
			return symlink(t, "missing", filepath.Join(dir, "link"))
		}, "a symlink"},
		{"symlink into another directory", func(t *testing.T, dir string) string {
			return symlink(t, filepath.Join(t.TempDir(), "creds"), filepath.Join(dir, "link"))
		}, "a symlink"},
		{"FIFO", func(t *testing.T, dir string) string { return mkfifo(t, filepath.Join(dir, "fifo")) }, "a FIFO"},
		{"device", func(t *testing.T, dir string) string { return nullDevice(t, dir) }, "a character device"},
		{"socket", func(t *testing.T, dir string) string { return listenUnix(t, filepath.Join(dir, "s")) }, "a socket"},
		{"directory", func(t *testing.T, dir string) string { return dir }, "a directory"},
	} {
		for name, cmd := range commands {
			for _, force := range []bool{false, true} {
				t.Run(tc.name+"/"+name+"/force="+map[bool]string{false: "no", true: "yes"}[force], func(t *testing.T) {
					dir := t.TempDir()
					path := tc.make(t, dir)
					before, _ := os.Lstat(path)
					var link string
					if before.Mode()&fs.ModeSymlink != 0 {
						link, _ = os.Readlink(path)
					}
					args := append(append([]string{}, cmd...), "--output", path)
					if force {
						args = append(args, "--force")
					}
					r := runLimited(t, "", args...)
					want := "Error: " + path + " is " + tc.what + ": credentials are only written to a regular file (or - for standard output)\n"
					if r.Code != 1 || r.Stderr != want || r.Stdout != "" {
						t.Errorf("got %d %q %q\nwant %q", r.Code, r.Stdout, r.Stderr, want)
					}
					isMode(t, path, before.Mode().Type())
					if link != "" {
						isLink(t, path, link)
					}
					if tc.name == "symlink to a file" {
						hasFile(t, filepath.Join(dir, "target"), "old", 0o600)
					}
					noTemporaries(t, dir)
					unchanged(t)
				})
			}
		}
	}
	t.Run("permissions", func(t *testing.T) {
		rs := newRestricted(t)
		locked := filepath.Join(rs.dir, "locked")
		os.Mkdir(locked, 0o755)
		rs.give(locked)
		os.Chmod(locked, 0o555)
		for name, cmd := range commands {
			path := filepath.Join(locked, "creds.json")
			res := rs.run(append(append([]string{}, cmd...), "--output", path)...)
			if res.Code != 1 || res.Stderr != "Error: cannot write "+path+": permission denied\n" {
				t.Errorf("%s: got %d %q", name, res.Code, res.Stderr)
			}
		}
		unchanged(t)
	})
}
