package cli

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// The tests in this file attack every command with hostile values in every
// positional argument and every string flag: empty, huge, not UTF-8, and
// full of shell metacharacters. Each run talks to its own refusing server
// (every request answered with an error, so nothing can succeed by accident)
// that counts the requests it got.

// hostileValues are the values every argument and string flag is given.
var hostileValues = []struct{ name, value string }{
	{"empty", ""},
	{"huge", strings.Repeat("a", 1<<20)},
	{"not-utf8", "b\xff\xfe\xc3"},
	{"subshell", "$(touch pwned)"},
	{"semicolon", "x; touch pwned"},
	{"pipe", "x | touch pwned"},
	{"backticks", "`touch pwned`"},
	{"newline", "line1\nline2"},
	{"dotdot", "../../pwned"},
	{"redirect", "> pwned"},
}

// refusingServer answers every request with an AWS-style error and counts
// what it got.
type refusingServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
}

func newRefusingServer(t testing.TB) *refusingServer {
	s := &refusingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		s.mu.Lock()
		s.requests = append(s.requests, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			// IAM and STS: the query protocol's error document.
			io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidInput</Code><Message>refused by the test server</Message></Error><RequestId>1</RequestId></ErrorResponse>`)
			return
		}
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidRequest</Code><Message>refused by the test server</Message></Error>`)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *refusingServer) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// allCommands is every command that runs (no subcommands of its own),
// cobra's help and completion commands included.
func allCommands(root *cobra.Command) []*cobra.Command {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var out []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.HasSubCommands() {
				walk(sub)
			} else {
				out = append(out, sub)
			}
		}
	}
	walk(root)
	return out
}

// validArg is a value each kind of argument accepts, for the arguments
// not under attack; checked says the tool checks the value before any
// request (so a hostile one must be a usage error), and which hostile
// values pass that check.
var validArg = map[string]struct {
	value   string
	checked bool
	passes  []string
}{
	"BUCKET":    {"hostile-bucket", true, nil},
	"KEY":       {"k.txt", true, []string{"subshell", "semicolon", "pipe", "backticks", "newline", "dotdot", "redirect"}},
	"USERNAME":  {"hostile-user", true, nil},
	"ROLE_NAME": {"hostile-role", true, nil},
	"PATH":      {"", false, nil}, // an existing file, filled in by the test
	"OBJECT":    {"", false, nil},
	"POLICY":    {"", false, nil},       // the file, which holds no JSON
	"COMMAND":   {"create", false, nil}, // help [command]
}

// requiredFlags are what a command needs besides its arguments to get as
// far as its first request.
var requiredFlags = map[string][]string{
	"localserver": {"-d", "15m", "-p", "0"},
}

type hostileCase struct {
	name string
	args []string
	// server is where the run's requests go.
	server *refusingServer
	// usageArg, when set, is the argument the run must be refused for,
	// with no request made.
	usageArg string
}

func TestHostileArguments(t *testing.T) {
	base := t.TempDir()
	cwd := filepath.Join(base, "a", "b")
	noErr(t, os.MkdirAll(cwd, 0o755))
	upload := filepath.Join(t.TempDir(), "upload.txt")
	noErr(t, os.WriteFile(upload, []byte("hello\n"), 0o644))
	// Metacharacters must create nothing, here or above.
	t.Chdir(cwd)
	// An --endpoint-url under attack falls back to the environment's.
	fallback := newRefusingServer(t)
	t.Setenv("AWS_ENDPOINT_URL", fallback.URL)

	root := NewRootCmd(NewFactory(&IOStreams{}))
	var cases []hostileCase
	for _, c := range allCommands(root) {
		path := strings.Fields(c.CommandPath())[1:]
		names := argNames(c)
		baseArgs := func() []string {
			var args []string
			for _, n := range names {
				va, ok := validArg[argBase(n)]
				if !ok {
					t.Fatalf("%s: no valid value known for argument %s: add one to validArg", c.CommandPath(), n)
				}
				v := va.value
				if v == "" {
					v = upload
				}
				args = append(args, v)
			}
			return args
		}
		withServer := func(args []string) ([]string, *refusingServer) {
			srv := newRefusingServer(t)
			full := append(slices.Clone(path), args...)
			full = append(full, requiredFlags[c.Name()]...)
			if c.Flags().Lookup("endpoint-url") != nil {
				full = append(full, "--endpoint-url", srv.URL)
			}
			return full, srv
		}
		for i, n := range names {
			for _, hv := range hostileValues {
				args := baseArgs()
				args[i] = hv.value
				full, srv := withServer(args)
				hc := hostileCase{name: c.CommandPath() + "/" + n + "/" + hv.name, args: full, server: srv}
				if va := validArg[argBase(n)]; va.checked && !slices.Contains(va.passes, hv.name) {
					hc.usageArg = n
				}
				cases = append(cases, hc)
			}
		}
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			switch fl.Value.Type() {
			case "string", "stringArray", "stringSlice":
			default:
				return
			}
			for _, hv := range hostileValues {
				full, srv := withServer(baseArgs())
				// Given last, the hostile value wins over the defaults above.
				full = append(full, "--"+fl.Name, hv.value)
				cases = append(cases, hostileCase{name: c.CommandPath() + "/--" + fl.Name + "/" + hv.name, args: full, server: srv})
			}
		})
	}
	if len(cases) < 500 {
		t.Fatalf("only %d cases: the command tree was not walked", len(cases))
	}

	t.Run("run", func(t *testing.T) {
		for _, hc := range cases {
			t.Run(hc.name, func(t *testing.T) {
				t.Parallel()
				checkHostileRun(t, hc)
			})
		}
	})

	// No metacharacter ran a command: nothing was created, here or above,
	// but what a value named literally (get-objects -o makes its directory).
	literal := map[string]bool{base: true, filepath.Join(base, "a"): true, cwd: true}
	for _, hv := range hostileValues {
		literal[filepath.Join(cwd, hv.value)] = true
	}
	filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !literal[p] {
			rel, _ := filepath.Rel(base, p)
			t.Errorf("a run created %q", rel)
		}
		return nil
	})
}

// reportsFailures are the commands whose output is the outcome of each of
// their calls, as the reference's: they exit 0 when the calls fail.
var reportsFailures = map[string]bool{"debug-bucket": true}

// hostileRunTimeout bounds one run: every request is refused at once, so
// a run that takes longer is stuck.
const hostileRunTimeout = 30 * time.Second

func checkHostileRun(t *testing.T, hc hostileCase) {
	ctx, cancel := context.WithTimeout(context.Background(), hostileRunTimeout)
	defer cancel()
	var out, errOut bytes.Buffer
	code := Run(ctx, hc.args, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if ctx.Err() != nil {
		t.Fatalf("still running after %s (exit %d)", hostileRunTimeout, code)
	}
	checkNoCrash(t, code, out.String(), errOut.String())
	requests := hc.server.got()
	if hc.usageArg != "" {
		want := "Error: Invalid value for '" + hc.usageArg + "': "
		if code != 2 || !strings.Contains(errOut.String(), want) {
			t.Errorf("exit %d, want 2 with %q; stderr:\n%s", code, want, short(errOut.String()))
		}
		if len(requests) > 0 {
			t.Errorf("%d requests sent for an invalid %s: %v", len(requests), hc.usageArg, short(strings.Join(requests, ", ")))
		}
	}
	if code == 0 && len(requests) > 0 && !reportsFailures[hc.args[0]] {
		t.Errorf("exit 0 although all %d requests were refused; stdout:\n%s", len(requests), short(out.String()))
	}
}

// checkNoCrash asserts a run ended as the tool promises: exit 0, or exit 1
// or 2 with exactly one "Error:" line, and never a panic or stack trace.
func checkNoCrash(t *testing.T, code int, stdout, stderr string) {
	t.Helper()
	for _, bad := range []string{"panic", "goroutine ", "runtime error", "internal error", ".go:"} {
		if strings.Contains(stderr, bad) || strings.Contains(stdout, bad) {
			t.Errorf("output holds %q:\nstdout: %s\nstderr: %s", bad, short(stdout), short(stderr))
		}
	}
	errorLines := 0
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "Error:") {
			errorLines++
		}
	}
	switch code {
	case 0:
	case 1, 2:
		if errorLines != 1 {
			t.Errorf("exit %d with %d Error: lines, want 1; stderr:\n%s", code, errorLines, short(stderr))
		}
	default:
		t.Errorf("exit %d, want 0, 1 or 2; stderr:\n%s", code, short(stderr))
	}
}

// short cuts long output for messages.
func short(s string) string {
	if len(s) > 600 {
		return s[:600] + "..."
	}
	return s
}

// The real binary, run in an empty directory: metacharacters reach no shell,
// and its exit paths print no trace. (One argument may be at most 128 KiB
// on Linux, so "huge" is smaller here.)
func TestHostileArgumentsBinary(t *testing.T) {
	bin := testenv.Binary(t)
	srv := newRefusingServer(t)
	for _, hv := range hostileValues {
		value := hv.value
		if hv.name == "huge" {
			value = strings.Repeat("a", 100<<10)
		}
		for _, args := range [][]string{
			{"delete-bucket", value, "--endpoint-url", srv.URL},
			{"create", value, "--dry-run"},
			{"create", "hostile-bucket", "--dry-run", "--prefix", value},
			{"create", "hostile-bucket", "--dry-run", "--tag", value},
			{"get-object", "hostile-bucket", value, "--endpoint-url", srv.URL},
			{"list-bucket", "hostile-bucket", "--prefix", value, "--endpoint-url", srv.URL},
			{"completion", value},
		} {
			t.Run(hv.name+"/"+args[0], func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				ctx, cancel := context.WithTimeout(context.Background(), hostileRunTimeout)
				defer cancel()
				cmd := exec.CommandContext(ctx, bin, args...)
				cmd.Dir = dir
				r, _ := runCmd(t, cmd, nil)
				checkNoCrash(t, r.Code, r.Stdout, r.Stderr)
				if entries, _ := os.ReadDir(dir); len(entries) > 0 {
					t.Errorf("the run created %s", entries[0].Name())
				}
			})
		}
	}
	for _, r := range srv.got() {
		if !strings.Contains(r, "hostile-bucket") {
			t.Errorf("a request for no valid bucket: %s", short(r))
		}
	}
}
