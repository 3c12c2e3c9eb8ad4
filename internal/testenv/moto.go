// Package testenv starts the real AWS-compatible servers tests run against.
// moto (python3 -m moto.server) serves IAM, STS and S3 on one loopback
// port. Each test binary keeps a small pool of moto servers, started on
// demand and stopped by Run when the tests end; a test takes one for itself,
// so tests that each need a server can run in parallel. Where moto is
// missing, tests that need it skip saying how to install it, except under CI
// (CI=true), where they fail.
package testenv

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
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
	log *syncBuffer
}

var (
	cleanups []func()
	cleanMu  sync.Mutex
)

// Run runs the tests of a package and stops the servers they started.
// Use it from TestMain: os.Exit(testenv.Run(m)).
func Run(m *testing.M) int {
	startChildrenAsFromATerminal()
	code := m.Run()
	cleanMu.Lock()
	defer cleanMu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	return code
}

// startChildrenAsFromATerminal gives the processes the tests start
// Ctrl-C and hang-ups at their defaults, as a terminal would, even when
// the tests themselves were started with them ignored (under nohup, as a
// background job): an ignored signal stays ignored across exec, a caught
// one is reset. The tests' own process goes on not reacting to them.
func startChildrenAsFromATerminal() {
	for _, s := range []os.Signal{os.Interrupt, syscall.SIGHUP} {
		if signal.Ignored(s) {
			signal.Notify(make(chan os.Signal, 1), s)
		}
	}
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

// MotoServersEnv names the variable that sets how many moto servers a test
// binary may run at once. A parallel test holds one while it runs, so more
// servers than `go test -parallel` (GOMAXPROCS by default) never help.
const MotoServersEnv = "S3C_MOTO_SERVERS"

// motoPool hands out moto servers, one test at a time each. It starts a new
// server only when every started one is taken, up to its size.
var motoPool struct {
	once  sync.Once
	idle  chan *Moto    // started servers nobody holds
	slots chan struct{} // one token per server that may still be started

	mu   sync.Mutex
	err  error               // why moto could not start; then no test tries again
	held map[testing.TB]bool // the tests holding a server
}

// MotoServers is the size of the pool: $S3C_MOTO_SERVERS, else GOMAXPROCS
// (the default -parallel) up to 4, which is 2 on a 2-core machine.
func MotoServers() int {
	if n, err := strconv.Atoi(os.Getenv(MotoServersEnv)); err == nil && n > 0 {
		return n
	}
	return min(runtime.GOMAXPROCS(0), 4)
}

// StartMoto gives the test a moto server of its own, with all state wiped,
// for as long as the test (and its subtests) run; it goes back to the pool
// when the test ends. A test holds at most one: taking a second while
// holding one could wait forever for a free server.
func StartMoto(t testing.TB) *Moto {
	t.Helper()
	p := &motoPool
	p.mu.Lock()
	twice := p.held[t]
	p.mu.Unlock()
	if twice {
		t.Fatal("testenv: a test takes one moto server; call its Reset to wipe it")
	}
	p.once.Do(func() {
		p.held = map[testing.TB]bool{}
		n := MotoServers()
		p.idle = make(chan *Moto, n)
		p.slots = make(chan struct{}, n)
		for range n {
			p.slots <- struct{}{}
		}
	})
	var m *Moto
	select {
	case m = <-p.idle:
	default:
		select {
		case m = <-p.idle:
		case <-p.slots:
			p.mu.Lock()
			err := p.err
			p.mu.Unlock()
			if err == nil {
				if m, err = startMoto(); err != nil {
					p.mu.Lock()
					p.err = err
					p.mu.Unlock()
				}
			}
			if err != nil {
				p.slots <- struct{}{}
				Unavailable(t, "moto", fmt.Sprintf("%v; install it with: pip install 'moto[server]'", err))
			}
		}
	}
	p.mu.Lock()
	p.held[t] = true
	p.mu.Unlock()
	t.Cleanup(func() {
		p.mu.Lock()
		delete(p.held, t)
		p.mu.Unlock()
		p.idle <- m
	})
	m.Reset(t)
	return m
}

// Reset wipes all of moto's state.
func (m *Moto) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(m.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("reset moto: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset moto: %s", resp.Status)
	}
}

// Log is what the server printed so far, for failure messages.
func (m *Moto) Log() string { return m.log.String() }

// syncBuffer is a bytes.Buffer a server writes to while tests read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// motoListening is the line werkzeug, moto's server, prints once it listens.
var motoListening = regexp.MustCompile(`Running on (http://127\.0\.0\.1:[0-9]+)`)

// startMoto starts a server on a port the system picks (port 0), so servers
// started at once never race for a port, and reads the port from the line
// the server prints when it listens.
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
	log := &syncBuffer{}
	cmd := exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0")
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true", "PYTHONUNBUFFERED=1")
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		<-exited
	}
	// Importing moto takes seconds, and over 40 on a loaded 2-core machine.
	deadline := time.After(120 * time.Second)
	var url string
	for url == "" {
		select {
		case <-exited:
			return nil, fmt.Errorf("moto did not start:\n%s", log.String())
		case <-deadline:
			stop()
			return nil, fmt.Errorf("moto did not say where it listens within 120s:\n%s", log.String())
		case <-time.After(50 * time.Millisecond):
			if m := motoListening.FindStringSubmatch(log.String()); m != nil {
				url = m[1]
			}
		}
	}
	m := &Moto{URL: url, cmd: cmd, log: log}
	atExit(stop)
	if err := WaitHTTP(m.URL+"/moto-api/", 30*time.Second); err != nil {
		return nil, fmt.Errorf("moto did not answer: %v\n%s", err, log.String())
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
