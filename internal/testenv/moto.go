// Package testenv starts the real AWS-compatible servers tests run against.
// moto (python3 -m moto.server) serves IAM, STS and S3 on one loopback
// port. One server is started per test binary, on first use, and stopped by
// Run when the tests end. Where moto is missing, tests that need it skip
// saying how to install it, except under CI (CI=true), where they fail.
package testenv

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Moto is a running moto server.
type Moto struct {
	URL string
	cmd *exec.Cmd
	log *bytes.Buffer
}

var (
	motoOnce sync.Once
	motoSrv  *Moto
	motoErr  error
	cleanups []func()
	cleanMu  sync.Mutex
)

// Run runs the tests of a package and stops the servers they started.
// Use it from TestMain: os.Exit(testenv.Run(m)).
func Run(m *testing.M) int {
	code := m.Run()
	cleanMu.Lock()
	defer cleanMu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	return code
}

func atExit(fn func()) {
	cleanMu.Lock()
	cleanups = append(cleanups, fn)
	cleanMu.Unlock()
}

// InCI reports whether the tests run under CI, where a missing server fails.
func InCI() bool { return os.Getenv("CI") == "true" || os.Getenv("CI") == "1" }

// Unavailable skips the test with a hint, or fails it under CI.
func Unavailable(t testing.TB, what, hint string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is needed and CI=true: %s", what, hint)
	}
	t.Skipf("%s not available (%s)", what, hint)
}

// StartMoto returns the shared moto server with its state wiped, starting
// it on first use.
func StartMoto(t testing.TB) *Moto {
	t.Helper()
	motoOnce.Do(func() { motoSrv, motoErr = startMoto() })
	if motoErr != nil {
		Unavailable(t, "moto", fmt.Sprintf("%v; install it with: pip install 'moto[server]'", motoErr))
	}
	motoSrv.Reset(t)
	return motoSrv
}

// Reset wipes all of moto's state.
func (m *Moto) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(m.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("reset moto: %v", err)
	}
	resp.Body.Close()
}

// Log is what the server printed so far, for failure messages.
func (m *Moto) Log() string { return m.log.String() }

func startMoto() (*Moto, error) {
	python := os.Getenv("PYTHON")
	if python == "" {
		python = "python3"
	}
	if _, err := exec.LookPath(python); err != nil {
		return nil, fmt.Errorf("%s not found", python)
	}
	if out, err := exec.Command(python, "-c", "import moto.server, flask").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("python module moto.server not importable: %s", strings.TrimSpace(lastLine(string(out))))
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	var log bytes.Buffer
	cmd := exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cmd.Stdout = &log
	cmd.Stderr = &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	m := &Moto{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, log: &log}
	atExit(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	})
	// Importing moto takes seconds, and over 40 on a loaded 2-core machine.
	if err := WaitHTTP(m.URL+"/moto-api/", 120*time.Second); err != nil {
		return nil, fmt.Errorf("moto did not start: %v\n%s", err, log.String())
	}
	return m, nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// WaitHTTP polls url until it answers or the timeout passes.
func WaitHTTP(url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var err error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		var resp *http.Response
		resp, err = http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// Binary builds the s3-credentials binary once per test binary and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "s3-credentials-bin")
		if err != nil {
			binErr = err
			return
		}
		atExit(func() { os.RemoveAll(dir) })
		binPath = filepath.Join(dir, "s3-credentials")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/s3-credentials")
		cmd.Dir = ModuleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// ModuleRoot is the directory holding go.mod.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// IsolateAWSEnv points the AWS SDK at test credentials and away from the
// user's own config files, so tests never touch a real account.
func IsolateAWSEnv(endpoint string) {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") {
			os.Unsetenv(kv[:strings.IndexByte(kv, '=')])
		}
	}
	os.Setenv("AWS_ACCESS_KEY_ID", "testing")
	os.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	os.Setenv("AWS_REGION", "us-east-1")
	os.Setenv("AWS_CONFIG_FILE", os.DevNull)
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	if endpoint != "" {
		os.Setenv("AWS_ENDPOINT_URL", endpoint)
	}
}
