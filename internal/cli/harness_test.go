package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// Tests call t.Parallel() unless they change what the whole process shares
// (t.Setenv, t.Chdir); those say so with a "Serial:" comment. Go runs every
// serial test of the package before it lets the parallel ones go, so the two
// never overlap. An e2e test has a moto server of its own for as long as it
// runs (testenv.StartMoto), and each run of the tool is pointed at it on its
// own Factory (e2e.exec).
func TestMain(m *testing.M) {
	flag.Parse()
	testenv.IsolateAWSEnv("")
	os.Exit(testenv.Run(m))
}

// result is what one run of the tool produced.
type result struct {
	Stdout, Stderr string
	Code           int
}

// must(f()).ok(t) is f's value, or the end of the test with f's error;
// noErr(t, f()) ends the test on f's error.
func must[T any](v T, err error) checked[T] { return checked[T]{v, err} }

type checked[T any] struct {
	v   T
	err error
}

func (c checked[T]) ok(t testing.TB) T {
	t.Helper()
	noErr(t, c.err)
	return c.v
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// run executes the tool in-process, as main does, with stdin as input. It
// names no endpoint: for runs that need no AWS (usage errors, --dry-run,
// policy) or that pass --endpoint-url themselves.
func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := &IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}
	code := Run(context.Background(), args, streams)
	return result{out.String(), errOut.String(), code}
}

// e2e is a test against a moto server of its own.
type e2e struct {
	t    *testing.T
	moto *testenv.Moto
	// Clients talk to moto directly, to set up and check state.
	Clients *awsclient.Clients
	// endpoint is where the tool's runs go unless they pass --endpoint-url:
	// moto, or a proxy in front of it. Each run gets it on its own Factory,
	// not through AWS_ENDPOINT_URL, so e2e tests can run in parallel.
	endpoint string
	// maxBackoff caps the tool's waits between retries (zero: the tool's
	// default); tests that inject failures shorten it.
	maxBackoff time.Duration
	// proxyDelay is how long the interrupt proxy slows each request down
	// (zero: interruptDelay).
	proxyDelay time.Duration
}

// newE2E takes a moto server for the test, wiped, and points the tool's
// runs at it.
func newE2E(t *testing.T) *e2e {
	t.Helper()
	m := testenv.StartMoto(t)
	cfg := must(awsclient.LoadConfig(context.Background(), awsclient.Options{EndpointURL: m.URL}, nil)).ok(t)
	e := &e2e{t: t, moto: m, endpoint: m.URL}
	cfg.APIOptions = append(cfg.APIOptions, fixtureRetries(t, &e.Clients))
	e.Clients = awsclient.New(cfg)
	return e
}

// factory is a Factory over streams whose clients go to e's endpoint.
func (e *e2e) factory(streams *IOStreams) *Factory {
	f := NewFactory(streams)
	f.defaultEndpoint = e.endpoint
	f.AWS.MaxBackoff = e.maxBackoff
	return f
}

// exec executes the tool in-process against e's endpoint, as Run does.
func (e *e2e) exec(ctx context.Context, streams *IOStreams, args ...string) int {
	return execute(ctx, e.factory(streams), args)
}

// runStdin executes the tool against moto with stdin as input.
func (e *e2e) runStdin(stdin string, args ...string) result {
	e.t.Helper()
	var out, errOut bytes.Buffer
	streams := &IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}
	code := e.exec(context.Background(), streams, args...)
	return result{out.String(), errOut.String(), code}
}

// run executes the tool against moto.
func (e *e2e) run(args ...string) result {
	e.t.Helper()
	return e.runStdin("", args...)
}

// ok runs the tool and fails the test unless it exits 0.
func (e *e2e) ok(args ...string) result {
	e.t.Helper()
	r := e.run(args...)
	if r.Code != 0 {
		e.t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s\nmoto log tail: %s", args, r.Code, r.Stdout, r.Stderr, tail(e.moto.Log(), 2000))
	}
	return r
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// pkgDir is the package directory, captured before any test changes the
// working directory (tests of relative paths do).
var pkgDir, _ = os.Getwd()

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	testenv.Golden(t, filepath.Join(pkgDir, "testdata", name), got)
}

// runReference runs the Python reference with args when S3C_REFERENCE names
// a command for it (e.g. "python3 -m s3_credentials.cli"); ok is false when
// it does not.
func runReference(t *testing.T, args ...string) (r result, ok bool) {
	t.Helper()
	ref := os.Getenv("S3C_REFERENCE")
	if ref == "" {
		return result{}, false
	}
	fields := strings.Fields(ref)
	cmd := exec.Command(fields[0], append(fields[1:], args...)...)
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION=us-east-1")
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running the reference: %v", err)
		}
		r.Code = ee.ExitCode()
	}
	r.Stdout, r.Stderr = out.String(), errOut.String()
	return r, true
}

// serialEnv points AWS_ENDPOINT_URL at e's endpoint for the rest of the
// test, for tests that run the tool with run() or as the real binary
// rather than through e. Such a test cannot be parallel (t.Setenv).
func (e *e2e) serialEnv() {
	e.t.Setenv("AWS_ENDPOINT_URL", e.endpoint)
}

// runCmd runs a prepared command of the real binary with stdin, and
// returns what it wrote, its exit code and how long it took. Every test
// that runs the binary goes through it.
func runCmd(t *testing.T, cmd *exec.Cmd, stdin io.Reader) (result, time.Duration) {
	t.Helper()
	cmd.Stdin = stdin
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}, took
}
