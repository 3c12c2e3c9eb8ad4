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
