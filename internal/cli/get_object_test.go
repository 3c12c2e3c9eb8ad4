package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// binary runs the real binary against moto, named by AWS_ENDPOINT_URL in
// the child's environment only.
func (e *e2e) binary(stdin []byte, args ...string) (stdout, stderr []byte, code int) {
	e.t.Helper()
	r, _ := runCmd(e.t, e.binaryCmd(args...), bytes.NewReader(stdin))
	return []byte(r.Stdout), []byte(r.Stderr), r.Code
}

// Through the real binary: bytes in on stdin, out on stdout, unchanged,
// across a multipart upload (16 MiB parts).
func TestObjectStreamingThroughBinary(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("moves 20 MiB")
	}
	e := newE2E(t)
	e.makeBucket("stream")
	data := make([]byte, 20*1024*1024+7)
	rand.Read(data)
	_, stderr, code := e.binary(data, "put-object", "stream", "blob", "-")
	if code != 0 {
		t.Fatalf("put-object exit %d: %s", code, stderr)
	}
	if string(stderr) != "Uploading\n" {
		t.Errorf("put-object stderr: %q", stderr)
	}
	stdout, stderr, code := e.binary(nil, "get-object", "stream", "blob")
	if code != 0 || len(stderr) != 0 {
		t.Fatalf("get-object exit %d: %s", code, stderr)
	}
	if !bytes.Equal(stdout, data) {
		t.Errorf("got %d bytes back, want %d (equal: false)", len(stdout), len(data))
	}
	_, stderr, code = e.binary(nil, "get-object", "stream", "nope")
	if code != 1 || string(stderr) != "Error: NoSuchKey: The specified key does not exist.\n" {
		t.Errorf("missing key: %d %q", code, stderr)
	}
}

// Ctrl-C during a streamed upload ends it with exit 1 and aborts the
// multipart upload, leaving no parts behind.
func TestPutObjectInterruptAbortsMultipart(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("streams 17 MiB")
	}
	e := newE2E(t)
	e.makeBucket("intr")
	cmd := e.binaryCmd("put-object", "intr", "slow", "-", "-s", "--concurrency", "1")
	stdin := must(cmd.StdinPipe()).ok(t)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	noErr(t, cmd.Start())
	defer cmd.Process.Kill()
	// More than one part, then the writer goes quiet with the pipe open.
	go stdin.Write(bytes.Repeat([]byte("z"), 17*1024*1024))
	uploads := func() int {
		out := must(e.Clients.S3.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String("intr")})).ok(t)
		return len(out.Uploads)
	}
	deadline := time.Now().Add(30 * time.Second)
	for uploads() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no multipart upload started; stderr: %s", errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	noErr(t, cmd.Process.Signal(syscall.SIGINT))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("put-object did not stop after SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 || errOut.String() != "Error: interrupted\n" {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	if n := uploads(); n != 0 {
		t.Errorf("%d multipart uploads left behind", n)
	}
	stdin.Close()
}

// binaryCmd is the real binary with args, pointed at e's endpoint through
// its own environment (not the test process's).
func (e *e2e) binaryCmd(args ...string) *exec.Cmd {
	e.t.Helper()
	cmd := exec.Command(testenv.Binary(e.t), args...)
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+e.endpoint)
	return cmd
}
