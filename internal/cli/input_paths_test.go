package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// Every command that reads a file, against what is not a regular file:
// FIFOs, standard input by name, process substitution, sockets,
// directories, unreadable files. See docs/output-paths.md.

func TestPutObjectStreamsWhatCannotSeek(t *testing.T) {
	e := newE2E(t)
	e.serialEnv()
	e.makeBucket("in-bucket")
	t.Run("FIFO", func(t *testing.T) {
		fifo := mkfifo(t, filepath.Join(t.TempDir(), "fifo.json"))
		writeFIFO(t, fifo, `{"from": "fifo"}`)
		r := runLimited(t, "", "put-object", "in-bucket", "fifo", fifo)
		if r.Code != 0 || r.Stderr != "Uploading\n" {
			t.Fatalf("exit %d: %q", r.Code, r.Stderr)
		}
		// The Content-Type is still guessed from the name.
		if body, ctype := e.objGet("in-bucket", "fifo"); body != `{"from": "fifo"}` || ctype != "application/json" {
			t.Errorf("got %q %q", body, ctype)
		}
	})
	t.Run("symlink to a FIFO", func(t *testing.T) {
		dir := t.TempDir()
		fifo := mkfifo(t, filepath.Join(dir, "fifo"))
		link := symlink(t, "fifo", filepath.Join(dir, "link"))
		writeFIFO(t, fifo, "through a link")
		if r := runLimited(t, "", "put-object", "in-bucket", "linked", link, "-s"); r.Code != 0 {
			t.Fatalf("exit %d: %q", r.Code, r.Stderr)
		}
		if body, _ := e.objGet("in-bucket", "linked"); body != "through a link" {
			t.Errorf("got %q", body)
		}
	})
	t.Run("socket", func(t *testing.T) {
		sock := listenUnix(t, filepath.Join(t.TempDir(), "s"))
		r := runLimited(t, "", "put-object", "in-bucket", "sock", sock)
		if r.Code != 1 || r.Stderr != "Error: cannot read "+sock+": it is a socket\n" {
			t.Errorf("got %d %q", r.Code, r.Stderr)
		}
	})
	bin := testenv.Binary(t)
	t.Run("process substitution", func(t *testing.T) {
		// As the shell's <(echo hi): a pipe handed over as /dev/fd/3.
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "put-object", "in-bucket", "substituted", "/dev/fd/3")
		cmd.ExtraFiles = []*os.File{pr}
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		noErr(t, cmd.Start())
		pr.Close()
		pw.WriteString("hi\n")
		pw.Close()
		if err := cmd.Wait(); err != nil || errOut.String() != "Uploading\n" {
			t.Fatalf("%v: %q", err, errOut.String())
		}
		if body, _ := e.objGet("in-bucket", "substituted"); body != "hi\n" {
			t.Errorf("got %q", body)
		}
	})
	t.Run("/dev/stdin", func(t *testing.T) {
		cmd := exec.Command(bin, "put-object", "in-bucket", "stdin", "/dev/stdin", "-s")
		cmd.Stdin = strings.NewReader("piped in") // a pipe, for the child
		if out, err := cmd.CombinedOutput(); err != nil || len(out) != 0 {
			t.Fatalf("%v: %s", err, out)
		}
		if body, _ := e.objGet("in-bucket", "stdin"); body != "piped in" {
			t.Errorf("got %q", body)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		rs := newRestricted(t)
		// Owned by root when the tool runs as nobody; else write-only.
		f := writeFile(t, filepath.Join(rs.dir, "secret"), "no", 0o600)
		if rs.bin == "" {
			os.Chmod(f, 0o200)
		}
		r := rs.run("put-object", "in-bucket", "k", f)
		if r.Code != 2 || !strings.HasSuffix(r.Stderr, "Error: Invalid value for 'PATH': File '"+f+"' is not readable.\n") {
			t.Errorf("got %d %q", r.Code, r.Stderr)
		}
	})
}

// A directory holding things that are not regular files: they are never
// opened (a FIFO would block), each is named on stderr, the rest goes up
// and the exit status is 0.
func TestPutObjectsSkipsWhatIsNotAFile(t *testing.T) {
	e := newE2E(t)
	e.serialEnv()
	e.makeBucket("in-bucket")
	base := t.TempDir()
	t.Chdir(base)
	os.MkdirAll("d/sub", 0o755)
	writeFile(t, "d/a.txt", "a", 0o644)
	writeFile(t, "d/sub/b.txt", "b", 0o644)
	mkfifo(t, "d/fifo") // no writer: opening it would block
	listenUnix(t, "d/s")
	symlink(t, "missing", "d/dangling")
	symlink(t, "sub", "d/link-to-dir")
	symlink(t, "fifo", "d/link-to-fifo")
	device := "Skipped: d/null (a character device, not a regular file)\n"
	if dev := nullDevice(t, filepath.Join(base, "d")); dev == os.DevNull {
		symlink(t, dev, "d/null")
		device = "Skipped: d/null (a symlink to a character device, not a regular file)\n"
	}
	skipped := "Skipped: d/dangling (a symlink to nothing)\n" +
		"Skipped: d/fifo (a FIFO, not a regular file)\n" +
		"Skipped: d/link-to-dir (a symlink to a directory, not followed)\n" +
		"Skipped: d/link-to-fifo (a symlink to a FIFO, not a regular file)\n" +
		device +
		"Skipped: d/s (a socket, not a regular file)\n"

	r := runLimited(t, "", "put-objects", "in-bucket", "d", "--dry-run")
	if r.Code != 0 || r.Stdout != "d/a.txt => s3://in-bucket/d/a.txt\nd/sub/b.txt => s3://in-bucket/d/sub/b.txt\n" || r.Stderr != skipped {
		t.Errorf("dry run: %d %q\n%q\nwant %q", r.Code, r.Stdout, r.Stderr, skipped)
	}
	r = runLimited(t, "", "put-objects", "in-bucket", "d", "-s")
	if r.Code != 0 || r.Stderr != skipped {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
	sameKeys(t, e.objKeys("in-bucket"), "d/a.txt", "d/sub/b.txt")
	// The label counts what is uploaded.
	r = runLimited(t, "", "put-objects", "in-bucket", ".", "--prefix", "again")
	if r.Code != 0 || r.Stderr != skipped+"Uploading 2.0 bytes (2 files)\n" {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
	// Named on the command line, a FIFO is refused before anything is
	// uploaded, without opening it.
	r = runLimited(t, "", "put-objects", "in-bucket", "d/a.txt", "d/fifo", "--prefix", "named")
	if r.Code != 1 || r.Stderr != "Error: d/fifo is a FIFO, not a regular file (put-object can upload it as a stream)\n" {
		t.Errorf("named FIFO: %d %q", r.Code, r.Stderr)
	}
	sameKeys(t, e.objKeys("in-bucket"), "again/d/a.txt", "again/d/sub/b.txt", "d/a.txt", "d/sub/b.txt")
}

// What cannot be read is named by its own path, before anything is uploaded.
func TestPutObjectsUnreadable(t *testing.T) {
	e := newE2E(t)
	e.serialEnv()
	e.makeBucket("in-bucket")
	rs := newRestricted(t)
	dir := filepath.Join(rs.dir, "d")
	os.MkdirAll(filepath.Join(dir, "closed"), 0o755)
	os.MkdirAll(filepath.Join(dir, "open"), 0o755)
	a := writeFile(t, filepath.Join(dir, "a.txt"), "a", 0o644)
	inside := writeFile(t, filepath.Join(dir, "closed", "x"), "x", 0o644)
	private := writeFile(t, filepath.Join(dir, "open", "private"), "p", 0o600)
	rs.give(dir, filepath.Join(dir, "closed"), filepath.Join(dir, "open"), a, inside)
	os.Chmod(filepath.Join(dir, "closed"), 0o300) // can write and enter, cannot list
	if rs.bin == "" {
		os.Chmod(private, 0o200)
	}
	r := rs.run("put-objects", "in-bucket", dir)
	if want := "Error: cannot read " + filepath.Join(dir, "closed") + ": permission denied\n"; r.Code != 1 || r.Stderr != want {
		t.Errorf("unreadable directory: %d %q, want %q", r.Code, r.Stderr, want)
	}
	os.Chmod(filepath.Join(dir, "closed"), 0o755)
	r = rs.run("put-objects", "in-bucket", dir)
	if want := "Error: cannot read " + private + ": permission denied\n"; r.Code != 1 || r.Stderr != want {
		t.Errorf("unreadable file: %d %q, want %q", r.Code, r.Stderr, want)
	}
	r = rs.run("put-objects", "in-bucket", a, private)
	if want := "Error: cannot read " + private + ": permission denied\n"; r.Code != 1 || r.Stderr != want {
		t.Errorf("unreadable file named: %d %q, want %q", r.Code, r.Stderr, want)
	}
	sameKeys(t, e.objKeys("in-bucket"))
}

// --policy, --policy-file and -a read FIFOs and /dev/stdin.
func TestPolicyAndAuthFromStreams(t *testing.T) {
	e := newE2E(t)
	e.serialEnv()
	policy := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::from-a-stream/*"}]}`
	fifo := mkfifo(t, filepath.Join(t.TempDir(), "policy"))
	writeFIFO(t, fifo, policy)
	r := runLimited(t, "", "create", "bkt", "--dry-run", "--policy", fifo)
	if r.Code != 0 || !strings.Contains(r.Stdout, "from-a-stream") {
		t.Errorf("--policy FIFO: %d %q %q", r.Code, r.Stdout, r.Stderr)
	}
	cmd := exec.Command(testenv.Binary(t), "create", "bkt", "--dry-run", "--policy", "/dev/stdin")
	cmd.Stdin = strings.NewReader(policy)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "from-a-stream") {
		t.Errorf("--policy /dev/stdin: %v %s", err, out)
	}

	// set-bucket-policy --policy-file, the other policy reader.
	e.makeBucket("streamed-policy")
	doc := `{"Version": "2012-10-17", "Statement": [{"Sid": "FromFIFO", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::streamed-policy/*"}]}`
	policyFIFO := mkfifo(t, filepath.Join(t.TempDir(), "bucket-policy"))
	writeFIFO(t, policyFIFO, doc)
	if r := runLimited(t, "", "set-bucket-policy", "streamed-policy", "--policy-file", policyFIFO); r.Code != 0 {
		t.Errorf("--policy-file FIFO: %d %q", r.Code, r.Stderr)
	}
	if r := runLimited(t, "", "get-bucket-policy", "streamed-policy"); !strings.Contains(r.Stdout, "FromFIFO") {
		t.Errorf("policy set: %q %q", r.Stdout, r.Stderr)
	}

	rec, proxyURL := newRecorder(t, e.moto.URL)
	auth := mkfifo(t, filepath.Join(t.TempDir(), "auth"))
	writeFIFO(t, auth, `{"AccessKeyId": "AKIAFIFOFIFOFIFOFIFO", "SecretAccessKey": "s"}`)
	if r := runLimited(t, "", "whoami", "-a", auth, "--endpoint-url", proxyURL); r.Code != 0 {
		t.Errorf("-a FIFO: %d %q", r.Code, r.Stderr)
	}
	cmd = exec.Command(testenv.Binary(t), "whoami", "-a", "/dev/stdin", "--endpoint-url", proxyURL)
	cmd.Stdin = strings.NewReader("[default]\naws_access_key_id=AKIASTDINSTDINSTDINX\naws_secret_access_key=s\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("-a /dev/stdin: %v %s", err, out)
	}
	if got := rec.summary(); got != "AKIAFIFOFIFOFIFOFIFO:sts AKIASTDINSTDINSTDINX:sts" {
		t.Errorf("requests signed by %s", got)
	}
}
