package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// update rewrites golden files: go test ./internal/cli -update
var update = flag.Bool("update", false, "rewrite golden files")

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

// run executes the tool in-process, as main does, with stdin as input.
func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := &IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}
	code := Run(context.Background(), args, streams)
	return result{out.String(), errOut.String(), code}
}

// e2e is a test against a fresh moto server.
type e2e struct {
	t    *testing.T
	moto *testenv.Moto
	// Clients talk to moto directly, to set up and check state.
	Clients *awsclient.Clients
}

// newE2E wipes moto and points the tool at it through AWS_ENDPOINT_URL.
func newE2E(t *testing.T) *e2e {
	t.Helper()
	m := testenv.StartMoto(t)
	t.Setenv("AWS_ENDPOINT_URL", m.URL)
	cfg, err := awsclient.LoadConfig(context.Background(), awsclient.Options{EndpointURL: m.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &e2e{t: t, moto: m, Clients: awsclient.New(cfg)}
}

// run executes the tool against moto.
func (e *e2e) run(args ...string) result {
	e.t.Helper()
	return run(e.t, "", args...)
}

// ok runs the tool and fails the test unless it exits 0.
func (e *e2e) ok(args ...string) result {
	e.t.Helper()
	r := run(e.t, "", args...)
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

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file %s: %v (run go test -update to create it)", path, err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}
