package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

func TestMain(m *testing.M) {
	testenv.IsolateAWSEnv("")
	os.Exit(testenv.Run(m))
}

type result struct {
	stdout, stderr string
	code           int
}

func runBin(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(testenv.Binary(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}
}

// The real binary: exit codes, stream separation, and no Go panics or
// stack traces whatever the arguments.
func TestBinaryExitCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"--version"}, 0},
		{[]string{"--help"}, 0},
		{[]string{"policy", "bkt", "--read-only"}, 0},
		{[]string{"create", "bkt", "--dry-run"}, 0},
		{[]string{"policy"}, 2},
		{[]string{"nope"}, 2},
		{[]string{"create", "bkt", "-d", "1y"}, 2},
		{[]string{"create", "bkt", "--read-only", "--write-only"}, 1},
		{[]string{"policy", "bkt-a", "bkt-b", "--public-bucket"}, 1},
		{[]string{"create", "bkt", "--statement", "\xff\xfe{"}, 2},
		{[]string{"create", strings.Repeat("x", 300), "--dry-run"}, 2},
		{[]string{"whoami", "--auth", "/nonexistent/file"}, 2}, // as click.File: a usage error
	} {
		r := runBin(t, "", nil, tc.args...)
		if r.code != tc.code {
			t.Errorf("%q: exit %d, want %d (stderr %q)", tc.args, r.code, tc.code, r.stderr)
		}
		for _, bad := range []string{"panic", "goroutine ", ".go:"} {
			if strings.Contains(r.stderr, bad) {
				t.Errorf("%q: stderr looks like a crash: %s", tc.args, r.stderr)
			}
		}
		if tc.code != 0 && r.stdout != "" && tc.args[0] != "--help" {
			t.Errorf("%q: failed but wrote to stdout: %q", tc.args, r.stdout)
		}
	}
}

func TestBinaryAgainstMoto(t *testing.T) {
	t.Parallel()
	m := testenv.StartMoto(t)
	ep := "--endpoint-url=" + m.URL
	r := runBin(t, "", nil, "create", "bin-bucket", "-c", ep)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var key map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &key); err != nil {
		t.Fatalf("stdout is not only the JSON key: %v\n%s", err, r.stdout)
	}
	if !strings.HasPrefix(r.stderr, "Created bucket: bin-bucket\n") {
		t.Errorf("stderr %q", r.stderr)
	}
	// The printed key works as an --auth file from standard input.
	r = runBin(t, r.stdout, nil, "whoami", "-a", "-", ep)
	if r.code != 0 || !strings.Contains(r.stdout, `"Arn": "arn:aws:iam::123456789012:user/s3.read-write.bin-bucket"`) {
		t.Errorf("whoami with the new key: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	// No region anywhere: us-east-1.
	r = runBin(t, "", []string{"AWS_REGION=", "AWS_DEFAULT_REGION="}, "whoami", ep)
	if r.code != 0 {
		t.Errorf("no region: exit %d %s", r.code, r.stderr)
	}
	// An AWS error is "Error: Code: message", exit 1.
	r = runBin(t, "", nil, "create", "missing-bucket", ep)
	if r.code != 1 || r.stderr != "Error: Bucket does not exist: missing-bucket - try --create-bucket to create it\n" {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

// SIGINT while waiting on AWS ends the run promptly with exit 1, no trace.
func TestBinaryInterrupt(t *testing.T) {
	t.Parallel()
	// A listener that accepts and never answers.
	l, accepted, err := listenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cmd := exec.Command(testenv.Binary(t), "whoami", "--endpoint-url", "http://"+l.Addr().String())
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Once the request is in, the binary is surely past installing its
	// signal handler (a fixed sleep was not enough on a loaded machine).
	select {
	case <-accepted:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the binary did not connect within 60s")
	}
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("did not stop within 10s of SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	if !strings.HasPrefix(errOut.String(), "Error: ") || strings.Contains(errOut.String(), "goroutine") {
		t.Errorf("stderr %q", errOut.String())
	}
}

// Every signal that ends a session (Ctrl-C, SIGTERM, a hang-up, Ctrl-\)
// stops the work the same way: the command ends by itself with exit 1,
// saying it was interrupted, without a trace. (A second one, during an
// undo, is TestInterruptTwice in internal/cli.)
func TestBinaryStopSignals(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			code, signaled, stderr := signalWhoami(t, sig)
			if signaled || code != 1 || stderr != "Error: interrupted\n" {
				t.Errorf("%v: exit %d (signaled %v), stderr %q", sig, code, signaled, stderr)
			}
		})
	}
}

// Started with hang-ups ignored (nohup, or a shell that traps HUP to
// nothing), the tool leaves them ignored: a hang-up does not stop the
// work; SIGTERM still does.
func TestBinaryKeepsIgnoredHangUpIgnored(t *testing.T) {
	t.Parallel()
	cmd, errOut, done := startWhoami(t, "sh", "-c", `trap '' HUP; exec "$0" "$@"`)
	cmd.Process.Signal(syscall.SIGHUP)
	select {
	case <-done:
		t.Fatalf("ended by an ignored hang-up: exit %d, stderr %q", cmd.ProcessState.ExitCode(), errOut.String())
	case <-time.After(500 * time.Millisecond):
	}
	waitSignaled(t, cmd, done, syscall.SIGTERM)
	if code := cmd.ProcessState.ExitCode(); code != 1 || errOut.String() != "Error: interrupted\n" {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

// startWhoami starts a whoami (through the command prefix, if any) on an
// endpoint that accepts the connection and never answers, and returns
// once it has connected: the process, its standard error, and a channel
// that is closed when it has ended.
func startWhoami(t *testing.T, prefix ...string) (*exec.Cmd, *bytes.Buffer, chan struct{}) {
	t.Helper()
	l, accepted, err := listenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	args := append(prefix, testenv.Binary(t), "whoami", "--endpoint-url", "http://"+l.Addr().String())
	cmd := exec.Command(args[0], args[1:]...)
	errOut := &bytes.Buffer{}
	cmd.Stderr = errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-accepted:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the binary did not connect within 60s")
	}
	return cmd, errOut, done
}

// waitSignaled sends sig and waits for the process to end, at most 10s.
func waitSignaled(t *testing.T, cmd *exec.Cmd, done chan struct{}, sig syscall.Signal) {
	t.Helper()
	cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("did not stop within 10s of %v", sig)
	}
}

// signalWhoami sends sig to a whoami waiting on an endpoint that never
// answers, and returns how the process ended.
func signalWhoami(t *testing.T, sig syscall.Signal) (code int, signaled bool, stderr string) {
	t.Helper()
	cmd, errOut, done := startWhoami(t)
	waitSignaled(t, cmd, done, sig)
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	return cmd.ProcessState.ExitCode(), ws.Signaled(), errOut.String()
}

// A closed pipe on standard output or standard error is a failed write,
// not a SIGPIPE that kills the process: a reading command ends quietly
// with status 141 (128 + SIGPIPE, as a filter in a pipeline does), and
// create undoes what it made.
func TestBinaryClosedPipes(t *testing.T) {
	t.Parallel()
	m := testenv.StartMoto(t)
	ep := "--endpoint-url=" + m.URL
	if r := runBin(t, "", nil, "create", "pipe-bucket", "-c", "--username", "setup", ep); r.code != 0 {
		t.Fatalf("setup: %s", r.stderr)
	}
	for _, tc := range []struct {
		args         []string
		closedStream string // "stdout" or "stderr"
		code         int
		stderr       string // its end, when stderr is open
	}{
		{[]string{"policy", "pipe-bucket"}, "stdout", 141, ""},
		{[]string{"list-users", ep}, "stdout", 141, ""},
		{[]string{"create", "pipe-bucket", "--username", "piped-out", ep}, "stdout", 1,
			"Undone: deleted user piped-out\nError: could not write to standard output: the program reading it has exited (broken pipe)\n"},
		{[]string{"create", "pipe-bucket", "--username", "piped-err", ep}, "stderr", 1, ""},
		{[]string{"rotate-key", "setup", "--delete-old", ep}, "stdout", 1,
			"since it could not be handed over; the old keys are unchanged\nError: could not write to standard output: the program reading it has exited (broken pipe)\n"},
	} {
		r, signaled := runClosed(t, tc.closedStream, tc.args...)
		if signaled || r.code != tc.code {
			t.Errorf("%q, %s closed: exit %d (signaled %v), want %d; stderr %q", tc.args, tc.closedStream, r.code, signaled, tc.code, r.stderr)
		}
		if tc.closedStream == "stdout" && !strings.HasSuffix(r.stderr, tc.stderr) || tc.stderr == "" && r.stderr != "" {
			t.Errorf("%q, %s closed: stderr %q, want it to end %q", tc.args, tc.closedStream, r.stderr, tc.stderr)
		}
	}
	for _, user := range []string{"piped-out", "piped-err"} {
		if r := runBin(t, "", nil, "list-user-policies", user, ep); r.code == 0 {
			t.Errorf("user %s left behind", user)
		}
	}
	r := runBin(t, "", nil, "audit", "pipe-bucket", "--nl", ep)
	if strings.Count(r.stdout, `"Name": "setup"`) != 1 || strings.Count(r.stdout, `"AccessKeyId"`) != 1 {
		t.Errorf("the user whose rotation could not be printed should keep its one key:\n%s", r.stdout)
	}
}

// runClosed runs the binary with one of its output streams a pipe whose
// reading end is already closed; the other goes to a buffer.
func runClosed(t *testing.T, stream string, args ...string) (result, bool) {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	pr.Close()
	defer pw.Close()
	cmd := exec.Command(testenv.Binary(t), args...)
	var buf bytes.Buffer
	if stream == "stdout" {
		cmd.Stdout, cmd.Stderr = pw, &buf
	} else {
		cmd.Stdout, cmd.Stderr = &buf, pw
	}
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	r := result{code: cmd.ProcessState.ExitCode()}
	if stream == "stdout" {
		r.stderr = buf.String()
	} else {
		r.stdout = buf.String()
	}
	return r, ws.Signaled()
}
