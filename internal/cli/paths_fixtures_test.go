package cli

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// Fixtures for the tests of output and input paths: symlinks, FIFOs,
// devices, sockets, and a way to run the tool as a user that file
// permissions apply to.

func mkfifo(t *testing.T, path string) string {
	t.Helper()
	noErr(t, syscall.Mkfifo(path, 0o644))
	return path
}

func symlink(t *testing.T, target, link string) string {
	t.Helper()
	noErr(t, os.Symlink(target, link))
	return link
}

func writeFile(t *testing.T, path, body string, perm fs.FileMode) string {
	t.Helper()
	noErr(t, os.WriteFile(path, []byte(body), perm))
	noErr(t, os.Chmod(path, perm))
	return path
}

// nullDevice returns a character device that discards what is written to
// it: a private copy of /dev/null made in dir when running as root (so a
// regression replaces the copy, not the machine's /dev/null), else
// /dev/null itself, which an ordinary user cannot replace.
func nullDevice(t *testing.T, dir string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return os.DevNull
	}
	path := filepath.Join(dir, "null")
	// Major 1, minor 3, as Linux numbers /dev/null.
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("cannot make a device node: %v", err)
	}
	return path
}

// listenUnix makes a Unix socket at path, closed when the test ends.
func listenUnix(t *testing.T, path string) string {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Skipf("cannot make a socket: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return path
}

// readFIFO reads everything written to the FIFO at path, in the
// background. If the tool never opens it, the reader is released when the
// test ends.
func readFIFO(t *testing.T, path string) <-chan string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			got <- "open: " + err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	t.Cleanup(func() {
		if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	return got
}

// writeFIFO writes body to the FIFO at path in the background, once a
// reader opens it; released when the test ends if none does.
func writeFIFO(t *testing.T, path, body string) {
	t.Helper()
	go func() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString(body)
		f.Close()
	}()
	t.Cleanup(func() {
		if r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			r.Close()
		}
	})
}

// wait gives up on a channel after a while: a command that blocks on a
// FIFO must fail the test, not hang it.
func wait[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: no answer after 30 s", what)
		panic("unreachable")
	}
}

// runLimited runs the tool in-process and fails the test if it does not
// end within 30 s (a command blocked on a FIFO would otherwise hang the
// whole test binary).
func runLimited(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	done := make(chan result, 1)
	go func() { done <- run(t, stdin, args...) }()
	return wait(t, strings.Join(args, " "), done)
}

// isMode checks what stands at path (not following a symlink).
func isMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if got := fi.Mode().Type(); got != want {
		t.Errorf("%s is now %v, want %v", path, got, want)
	}
}

// isLink checks that link is still a symlink to target.
func isLink(t *testing.T, link, target string) {
	t.Helper()
	got, err := os.Readlink(link)
	if err != nil || got != target {
		t.Errorf("%s: link to %q (%v), want %q", link, got, err, target)
	}
}

// hasFile checks a regular file's content and permission bits.
func hasFile(t *testing.T, path, body string, perm fs.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	b, _ := os.ReadFile(path)
	if !fi.Mode().IsRegular() || string(b) != body || fi.Mode().Perm() != perm {
		t.Errorf("%s: %v %q, want a regular file %v %q", path, fi.Mode(), b, perm, body)
	}
}

// noTemporaries checks that no temporary file was left in dir.
func noTemporaries(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, en := range entries {
		if strings.HasSuffix(en.Name(), ".part") || strings.Contains(en.Name(), ".tmp-") {
			t.Errorf("left behind in %s: %s", dir, en.Name())
		}
	}
}

// restricted runs the tool as a user that file permissions apply to: the
// test's own user when that is not root, else nobody (uid 65534) through
// the real binary, since root reads and writes whatever it likes.
type restricted struct {
	t *testing.T
	// dir is a directory the tool's user owns, for the test's files.
	dir string
	// bin is the binary run as nobody; empty when running in-process.
	bin string
}

const nobody = 65534

func newRestricted(t *testing.T) *restricted {
	t.Helper()
	if os.Geteuid() != 0 {
		r := &restricted{t: t, dir: t.TempDir()}
		// Let the test's own cleanup remove what it made unwritable.
		t.Cleanup(func() {
			filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
				if d != nil && d.IsDir() {
					os.Chmod(p, 0o755)
				}
				return nil
			})
		})
		return r
	}
	base := must(os.MkdirTemp("", "s3c-restricted")).ok(t)
	t.Cleanup(func() { os.RemoveAll(base) })
	bin := filepath.Join(base, "s3-credentials")
	src, err := os.ReadFile(testenv.Binary(t))
	if err == nil {
		err = os.WriteFile(bin, src, 0o755)
	}
	dir := filepath.Join(base, "work")
	if err == nil {
		err = os.Mkdir(dir, 0o755)
	}
	if err == nil {
		err = os.Chmod(base, 0o755)
	}
	if err == nil {
		err = os.Chown(dir, nobody, nobody)
	}
	if err != nil {
		t.Fatal(err)
	}
	return &restricted{t: t, dir: dir, bin: bin}
}

// give hands path over to the tool's user.
func (r *restricted) give(paths ...string) {
	r.t.Helper()
	if r.bin == "" {
		return
	}
	for _, p := range paths {
		noErr(r.t, os.Lchown(p, nobody, nobody))
	}
}

func (r *restricted) run(args ...string) result {
	r.t.Helper()
	if r.bin == "" {
		return runLimited(r.t, "", args...)
	}
	cmd := exec.Command(r.bin, args...)
	cmd.Dir = r.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.WaitDelay = time.Second
	done := make(chan error, 1)
	noErr(r.t, cmd.Start())
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		r.t.Fatalf("%v: no answer after 30 s", args)
	}
	res := result{Stdout: out.String(), Stderr: errOut.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		res.Code = ee.ExitCode()
	} else if err != nil {
		r.t.Fatal(err)
	}
	return res
}
