package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/roles"
	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// These tests end a run of the real binary in every way a process can be
// ended: they run it against moto behind a proxy that slows every request
// down and, while a chosen request is in flight, send it SIGINT (Ctrl-C),
// SIGTERM or SIGHUP (a closed terminal), or close the pipe its standard
// output or standard error goes to (the next command in a pipeline has
// exited). A signal lands either before the request reaches the server or
// after the server acted on it but before its answer got back. Every
// request of a clean run is chosen in turn, in every way. Afterwards moto
// must hold nothing the run made unless standard error names it under "Left
// in place" (or, for put-objects, as uploaded); when standard error itself
// was closed, nothing may be left at all, unless the run completed and
// printed what it made. The tool must have ended by itself with exit 1,
// saying why, without a stack trace, or completed with exit 0.

// interruptDelay slows down every request, as a distant endpoint would. The
// chosen request is held until the tool gives up on it, so the interrupt
// always lands in flight; a longer delay would only make the runs slower.
const interruptDelay = 30 * time.Millisecond

// holdFor bounds how long the proxy holds the chosen request waiting for the
// tool to give up on it; a request the tool deliberately lets finish (one
// that must not be lost, such as CreateMultipartUpload) is answered then.
const holdFor = 1500 * time.Millisecond

type phase int

const (
	// midRequest: the interrupt lands while the request is on its way; it
	// never reaches the server. A closed stream is closed then, and the
	// request goes on.
	midRequest phase = iota
	// answerLost: the server acted on the request; the interrupt lands
	// before the answer arrives, and the answer is lost.
	answerLost
)

func (ph phase) String() string { return [...]string{"mid-request", "answer-lost"}[ph] }

// ending is a way a run is cut short.
type ending int

const (
	bySIGINT ending = iota
	bySIGTERM
	bySIGHUP
	byClosedStdout
	byClosedStderr
)

// endings are the ways every request of every variant is cut short.
var endings = []ending{bySIGINT, bySIGTERM, bySIGHUP, byClosedStdout, byClosedStderr}

func (k ending) String() string {
	return [...]string{"SIGINT", "SIGTERM", "SIGHUP", "stdout-closed", "stderr-closed"}[k]
}

// signal is the signal sent, for the endings that send one.
func (k ending) signal() (syscall.Signal, bool) {
	switch k {
	case bySIGINT:
		return syscall.SIGINT, true
	case bySIGTERM:
		return syscall.SIGTERM, true
	case bySIGHUP:
		return syscall.SIGHUP, true
	}
	return 0, false
}

// phases are the moments at which op is cut short this way. Ctrl-C also
// lands after the server acted, when op changes something (losing the
// answer of a read is no different from interrupting it on its way). The
// other signals reach the same handler as Ctrl-C, so what the tool does
// after an answer is lost is the same for them: they land once, on the
// request's way, as a closed stream is closed.
func (k ending) phases(op string) []phase {
	if k == bySIGINT && !readOnly(op) {
		return []phase{midRequest, answerLost}
	}
	return []phase{midRequest}
}

// interruptAt names the n-th request (from 0) of an operation, and how the
// run is cut short there.
type interruptAt struct {
	op  string
	n   int
	ph  phase
	how ending
	// fault, when set, is done to the request instead of an interrupt:
	// lostReply or acted500, after moto acted on it.
	fault fault
}

// interruptProxy forwards to moto, slowly, and interrupts the tool at one
// chosen request.
type interruptProxy struct {
	target string
	delay  time.Duration // added to every request
	at     *interruptAt  // nil: never interrupts
	// again, when set, is sent as a second interrupt at the first request
	// after the first one; that request is held.
	again syscall.Signal

	started chan struct{}
	proc    *os.Process
	// closeStream closes the reading end of the tool's standard output or
	// error ("stdout", "stderr").
	closeStream func(which string)

	mu       sync.Mutex
	counts   map[string]int
	ops      []string  // "Op#n" in arrival order
	fired    int       // interrupts sent
	signaled time.Time // when the last one was
	// chosenPath is the URL path of the chosen request.
	chosenPath string
}

func newInterruptProxy(t *testing.T, e *e2e, at *interruptAt) (*interruptProxy, string) {
	target := e.endpoint // moto, or a front of a test's own before it
	if target == "" {
		target = e.moto.URL
	}
	delay := e.proxyDelay
	if delay == 0 {
		delay = interruptDelay
	}
	p := &interruptProxy{target: target, delay: delay, at: at, started: make(chan struct{}), counts: map[string]int{}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv.URL
}

// awsOp names the AWS operation of a request: the Action of an IAM or STS
// query request, or the S3 operation told by method, path and query.
func awsOp(r *http.Request, body []byte) string {
	if v, err := url.ParseQuery(string(body)); err == nil && v.Get("Action") != "" {
		return v.Get("Action")
	}
	q := r.URL.Query()
	has := func(k string) bool { _, ok := q[k]; return ok }
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)
	object := len(parts) == 2 && parts[1] != ""
	switch r.Method {
	case http.MethodHead:
		if object {
			return "HeadObject"
		}
		return "HeadBucket"
	case http.MethodGet:
		switch {
		case has("versions"):
			return "ListObjectVersions"
		case has("uploads"):
			return "ListMultipartUploads"
		case object:
			return "GetObject"
		case parts[0] == "":
			return "ListBuckets"
		}
		return "ListObjects"
	case http.MethodPut:
		if object {
			if has("partNumber") {
				return "UploadPart"
			}
			return "PutObject"
		}
		for _, sub := range []string{"tagging", "publicAccessBlock", "policy", "website"} {
			if has(sub) {
				return "PutBucket-" + sub
			}
		}
		return "CreateBucket"
	case http.MethodPost:
		switch {
		case has("uploads"):
			return "CreateMultipartUpload"
		case has("uploadId"):
			return "CompleteMultipartUpload"
		case has("delete"):
			return "DeleteObjects"
		}
	case http.MethodDelete:
		switch {
		case has("uploadId"):
			return "AbortMultipartUpload"
		case object:
			return "DeleteObject"
		}
		return "DeleteBucket"
	}
	return r.Method + " " + r.URL.Path
}

// interrupt cuts the run short the chosen way.
func (p *interruptProxy) interrupt() {
	<-p.started
	p.mu.Lock()
	p.fired++
	p.signaled = time.Now()
	p.mu.Unlock()
	switch p.at.how {
	case byClosedStdout:
		p.closeStream("stdout")
	case byClosedStderr:
		p.closeStream("stderr")
	default:
		sig, _ := p.at.how.signal()
		_ = p.proc.Signal(sig)
	}
}

func (p *interruptProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	op := awsOp(r, body)
	p.mu.Lock()
	n := p.counts[op]
	p.counts[op]++
	p.ops = append(p.ops, fmt.Sprintf("%s#%d", op, n))
	chosen := p.at != nil && p.at.op == op && p.at.n == n && p.fired == 0
	second := p.again != 0 && p.fired == 1 && !chosen
	if chosen {
		p.chosenPath = r.URL.Path
	}
	p.mu.Unlock()

	time.Sleep(p.delay)
	if chosen && p.at.fault != pass {
		_, _, _, err := p.forward(r, body)
		if err != nil || p.at.fault == lostReply {
			hangUp(w)
			return
		}
		q, _ := url.ParseQuery(string(body))
		writeError(w, q.Get("Action") == "", http.StatusInternalServerError, "InternalError", "injected failure after the server acted")
		return
	}
	if second {
		// Held until the tool is gone: a second Ctrl-C must end it at once.
		p.mu.Lock()
		p.fired++
		p.signaled = time.Now()
		p.mu.Unlock()
		_ = p.proc.Signal(p.again)
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		hangUp(w)
		return
	}
	if chosen && !p.at.sends() {
		// The stream is closed while the tool waits for this request,
		// which then goes on as usual.
		p.interrupt()
	} else if chosen && p.at.ph == midRequest {
		p.interrupt()
		select {
		case <-r.Context().Done():
			return // the tool gave up on it: it never reaches the server
		case <-time.After(holdFor):
		}
	}
	status, header, data, err := p.forward(r, body)
	if err != nil {
		hangUp(w)
		return
	}
	if chosen && p.at.ph == answerLost {
		p.interrupt()
		select {
		case <-r.Context().Done():
			return // done on the server, but the answer never arrives
		case <-time.After(holdFor):
		}
	}
	for k, v := range header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	w.Write(data)
}

// forward sends the request to moto; it is carried out whether or not the
// tool is still waiting for it.
func (p *interruptProxy) forward(r *http.Request, body []byte) (int, http.Header, []byte, error) {
	out, err := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	out.Header = r.Header.Clone()
	out.ContentLength = int64(len(body))
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data, err
}

func (p *interruptProxy) log() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.ops)
}

// toolRun is how one run of the binary ended.
type toolRun struct {
	Stdout, Stderr string
	Code           int
	Signaled       bool // killed by the signal rather than exiting
	Took           time.Duration
	// SinceSignal is how long it ran on after the last SIGINT.
	SinceSignal time.Duration
	Ops         []string
	// At is where it was interrupted (nil: it was not), at the request
	// for ChosenPath.
	At         *interruptAt
	ChosenPath string
}

func (r toolRun) String() string {
	return fmt.Sprintf("exit %d (signaled %v) after %s\nrequests: %s\nstdout:\n%s\nstderr:\n%s", r.Code, r.Signaled, r.Took.Round(time.Millisecond), strings.Join(r.Ops, " "), r.Stdout, r.Stderr)
}

// sends says whether the run is cut short by a signal (else by a closed
// stream).
func (at *interruptAt) sends() bool { _, ok := at.how.signal(); return ok }

// capture reads one of the tool's output streams through a pipe until the
// tool closes it, or until the test closes it as a reader that exits would.
type capture struct {
	r    *os.File
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{}
}

func newCapture(t *testing.T) (c *capture, w *os.File) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c = &capture{r: r, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		defer r.Close()
		b := make([]byte, 32*1024)
		for {
			n, err := r.Read(b)
			c.mu.Lock()
			c.buf.Write(b[:n])
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return c, w
}

// close takes what the tool wrote so far and closes the reading end: the
// tool's next write fails with EPIPE.
func (c *capture) close() {
	_ = c.r.SetReadDeadline(time.Now()) // reads what is there, then stops
	<-c.done
}

func (c *capture) String() string {
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// runInterrupted runs the binary with args through a proxy interrupting it
// at at (nil: never), in dir; again, when not 0, is a second signal sent at
// the next request.
func runInterrupted(t *testing.T, e *e2e, dir string, at *interruptAt, again syscall.Signal, args ...string) toolRun {
	t.Helper()
	p, endpoint := newInterruptProxy(t, e, at)
	cmd := exec.Command(testenv.Binary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+endpoint)
	out, outW := newCapture(t)
	errOut, errW := newCapture(t)
	cmd.Stdout, cmd.Stderr = outW, errW
	p.mu.Lock() // the proxy is already serving
	p.again = again
	p.closeStream = func(which string) {
		if which == "stdout" {
			out.close()
		} else {
			errOut.close()
		}
	}
	p.mu.Unlock()
	start := time.Now()
	noErr(t, cmd.Start())
	outW.Close()
	errW.Close()
	p.proc = cmd.Process
	close(p.started)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%v still running after 90 s\nrequests: %v\nstderr: %s", args, p.log(), errOut.String())
	}
	r := toolRun{Stdout: out.String(), Stderr: errOut.String(), Took: time.Since(start), Ops: p.log(), At: at}
	p.mu.Lock()
	r.ChosenPath = p.chosenPath
	if p.fired > 0 {
		r.SinceSignal = time.Since(p.signaled)
	}
	p.mu.Unlock()
	t.Logf("ran %s, %d requests", r.Took.Round(time.Millisecond), len(r.Ops))
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.Code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.Signaled = true
		}
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

// interruptVariant is one command line whose every request is interrupted
// in turn.
type interruptVariant struct {
	name string
	// serial variants cut their runs short one at a time: those that
	// touch state shared by the whole account (the tool's role), and those
	// that send moto large uploads.
	serial bool
	// mayFinish: an interrupt during the last request may find that it was
	// carried out, and the run complete; it then exits 0 as a clean run.
	mayFinish bool
	// setup prepares moto for one run, naming what it makes after id, and
	// returns the arguments and the check of the outcome (clean: the run
	// was not interrupted and must succeed).
	setup func(t *testing.T, e *e2e, dir, id string) (args []string, check func(t *testing.T, r toolRun, clean bool))
}

// interruptVariants are the command lines whose every request is cut short.
func interruptVariants() []interruptVariant {
	return []interruptVariant{
		createNewUserVariant(), createExistingUserVariant(), createNewBucketVariant(), createRoleVariant(),
		rotateDeactivateVariant(), rotateDeleteVariant(), deleteBucketVariant(),
		putObjectsVariant("put-objects", map[string]int{"a.txt": 1000, "b.txt": 2000, "c.txt": 3000}, false),
		putObjectsVariant("put-objects multipart", map[string]int{"big.bin": 17 << 20}, true),
		putObjectVariant(),
	}
}

// TestInterrupt cuts create, rotate-key, put-object(s) and delete-bucket
// short at every request, in every way a process can be ended.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary hundreds of times")
	}
	everyVariant(t, "v", eachInterruption, func(t *testing.T, _ *e2e, v interruptVariant, r toolRun, check func(*testing.T, toolRun, bool)) {
		checkEnded(t, v, r, check)
	})
}

// everyVariant runs each interrupt variant clean, then once for each
// cutting short that each names among the clean run's requests, and hands
// that run and the variant's check to end. tag starts the variant's ids.
func everyVariant(t *testing.T, tag string, each func(*testing.T, []string, func(*testing.T, interruptAt, int)),
	end func(t *testing.T, e *e2e, v interruptVariant, r toolRun, check func(*testing.T, toolRun, bool))) {
	e := newE2E(t)
	testenv.Binary(t)
	for vi, v := range interruptVariants() {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args, check := v.setup(t, subE2E(t, e), dir, fmt.Sprintf("%s%d", tag, vi))
			r := runInterrupted(t, e, dir, nil, 0, args...)
			check(t, r, true)
			if t.Failed() {
				return
			}
			each(t, r.Ops, func(t *testing.T, at interruptAt, ci int) {
				if !v.serial {
					t.Parallel()
				}
				dir := t.TempDir()
				args, check := v.setup(t, subE2E(t, e), dir, fmt.Sprintf("%s%dc%d", tag, vi, ci))
				r := runInterrupted(t, e, dir, &at, 0, args...)
				end(t, e, v, r, check)
			})
		})
	}
}

// eachInterruption runs fn as a subtest for every way of cutting short
// every request of ops (a clean run's, "Op#n"), numbering them from 0.
func eachInterruption(t *testing.T, ops []string, fn func(t *testing.T, at interruptAt, i int)) {
	ci := 0
	for _, how := range endings {
		for _, o := range ops {
			i := strings.LastIndexByte(o, '#')
			var n int
			fmt.Sscan(o[i+1:], &n)
			for _, ph := range how.phases(o[:i]) {
				at, id := interruptAt{op: o[:i], n: n, ph: ph, how: how}, ci
				ci++
				t.Run(fmt.Sprintf("%s/%s#%d/%s", how, at.op, at.n, at.ph), func(t *testing.T) { fn(t, at, id) })
			}
		}
	}
}

// checkEnded checks a run cut short: how it ended, then, with the
// variant's check, what it left.
func checkEnded(t *testing.T, v interruptVariant, r toolRun, check func(*testing.T, toolRun, bool)) {
	t.Helper()
	t.Logf("%s at %s#%d (%s): exit %d, leaving %s", r.At.how, r.At.op, r.At.n, r.At.ph, r.Code, lastLine(r.Stderr))
	switch {
	case r.Code == 0 && (v.mayFinish || !r.At.sends()):
		// Too late to stop anything, or the stream was not written again:
		// the run completed, and everything it made was printed.
		check(t, r, true)
		return
	case r.At.sends():
		checkInterrupted(t, r)
	case r.At.how == byClosedStdout:
		checkStopped(t, r, "Error: could not write to standard output: the program reading it has exited (broken pipe)")
	default:
		checkStopped(t, r, "")
	}
	check(t, r, false)
}

// checkStopped checks a run stopped by a closed stream: it ended by itself
// with exit 1, its last line (when standard error is open) saying why.
func checkStopped(t *testing.T, r toolRun, lastLine string) {
	t.Helper()
	if r.Signaled || r.Code != 1 {
		t.Errorf("want exit 1 after the %s\n%s", r.At.how, r)
	}
	if lastLine == "" {
		return
	}
	if !strings.HasSuffix(r.Stderr, "\n"+lastLine+"\n") {
		t.Errorf("stderr does not end with %q\n%s", lastLine, r)
	}
	noTrace(t, r)
}

// unheard says whether standard error was closed during the run: nothing
// printed after that point was seen, so nothing may be left that the run
// made, unless the run completed.
func unheard(r toolRun) bool { return r.At != nil && r.At.how == byClosedStderr }

// readOnly says whether an operation changes nothing: losing its answer is
// no different from interrupting it on its way.
func readOnly(op string) bool {
	for _, p := range []string{"Get", "List", "Head", "GET ", "HEAD "} { // "GET /path": faultProxy's names for S3
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// subE2E is e for a subtest: its helpers fail t.
func subE2E(t *testing.T, e *e2e) *e2e { return &e2e{t: t, moto: e.moto, Clients: e.Clients} }

// checkInterrupted checks what every run stopped by a signal must do: end
// promptly by itself with exit 1, saying so on the last line, without a
// stack trace.
func checkInterrupted(t *testing.T, r toolRun) {
	t.Helper()
	if r.Signaled || r.Code != 1 {
		t.Errorf("want exit 1 after one %s\n%s", r.At.how, r)
	}
	if r.SinceSignal > 30*time.Second {
		t.Errorf("ran on %s after the signal", r.SinceSignal)
	}
	noTrace(t, r)
	lines := strings.Split(strings.TrimSuffix(r.Stderr, "\n"), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "Error: ") || !strings.Contains(last, "interrupted") {
		t.Errorf("last line %q does not say it was interrupted\n%s", last, r)
	}
}

// lastLine is the last line of s.
func lastLine(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// noTrace fails t when stderr holds a stack trace or the SDK's words for
// a cancelled call.
func noTrace(t *testing.T, r toolRun) {
	t.Helper()
	for _, bad := range []string{"goroutine ", "panic", "runtime.", "context canceled", "RequestCanceled"} {
		if strings.Contains(r.Stderr, bad) {
			t.Errorf("stderr holds %q\n%s", bad, r)
		}
	}
}

// leftInPlace is what stderr lists under "Left in place", or "".
func leftInPlace(stderr string) string {
	for _, l := range strings.Split(stderr, "\n") {
		if s, ok := strings.CutPrefix(l, "Left in place: "); ok {
			return s
		}
	}
	return ""
}

// noUndoFailures fails t when an undo step failed: moto answers every
// request, so everything can be undone.
func noUndoFailures(t *testing.T, r toolRun) {
	t.Helper()
	if strings.Contains(r.Stderr, "Could not undo") {
		t.Errorf("an undo step failed\n%s", r)
	}
	// moto stays up: nothing the run meant to delete may be said to be
	// left over.
	if strings.Contains(r.Stderr, "could not be deleted") {
		t.Errorf("a deletion is said to have failed\n%s", r)
	}
}

// checkBucketNamed checks that a bucket the run may have created exists
// exactly when stderr names it as left in place.
func checkBucketNamed(t *testing.T, e *e2e, r toolRun, bucket string) {
	t.Helper()
	named := strings.Contains(leftInPlace(r.Stderr), "bucket "+bucket+", created by this run")
	if exists := e.bucketExists(bucket); exists != named {
		t.Errorf("bucket %s exists: %v, named as left in place: %v\n%s", bucket, exists, named, r)
	}
}

// createdKey is the access key id printed on stdout, or "".
func createdKey(stdout string) string {
	const marker = `"AccessKeyId": "`
	i := strings.Index(stdout, marker)
	if i < 0 {
		return ""
	}
	rest := stdout[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

// create BUCKET1 BUCKET2 --username NEW: the user, its two policies and its
// key are all undone.
func createNewUserVariant() interruptVariant {
	return interruptVariant{name: "create new user", setup: func(t *testing.T, e *e2e, dir, id string) ([]string, func(*testing.T, toolRun, bool)) {
		b1, b2, user := "intr-"+id+"-a", "intr-"+id+"-b", "intr-user-"+id
		e.makeBucket(b1)
		e.makeBucket(b2)
		return []string{"create", b1, b2, "--username", user}, func(t *testing.T, r toolRun, clean bool) {
			s := e.iamState(user)
			if clean {
				if r.Code != 0 || s == nil || len(s.Policies) != 2 || len(s.Keys) != 1 || createdKey(r.Stdout) != s.Keys[0] {
					t.Fatalf("clean run: state %+v\n%s", s, r)
				}
				return
			}
			noUndoFailures(t, r)
			if s != nil {
				t.Errorf("user left behind: %+v\n%s", s, r)
			}
			if r.Stdout != "" || leftInPlace(r.Stderr) != "" {
				t.Errorf("nothing should be printed or left\n%s", r)
			}
		}
	}}
}

// create BUCKET --username EXISTING, where the user already holds a key and
// an older version of the policy: the key made is deleted, the policy
// restored.
func createExistingUserVariant() interruptVariant {
	return interruptVariant{name: "create existing user", setup: func(t *testing.T, e *e2e, dir, id string) ([]string, func(*testing.T, toolRun, bool)) {
		bucket, user := "intr-"+id, "intr-old-"+id
		e.makeBucket(bucket)
		oldKeys := e.makeUser(user, 1)
		policyName := "s3.read-write." + bucket
		e.acctPutUserPolicy(user, policyName, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::old"}]}`)
		before := e.inlinePolicies(user)
		return []string{"create", bucket, "--username", user, "--replace-policy"}, func(t *testing.T, r toolRun, clean bool) {
			keys, policies := e.accessKeys(user), e.inlinePolicies(user)
			if clean {
				if r.Code != 0 || len(keys) != 2 || !slices.Contains(keys, createdKey(r.Stdout)) || policies[policyName] == before[policyName] {
					t.Fatalf("clean run: keys %v policies %v\n%s", keys, policies, r)
				}
				return
			}
			noUndoFailures(t, r)
			if !slices.Equal(keys, oldKeys) {
				t.Errorf("keys %v, had %v\n%s", keys, oldKeys, r)
			}
			if fmt.Sprint(policies) != fmt.Sprint(before) {
				t.Errorf("policies %v, had %v\n%s", policies, before, r)
			}
			if r.Stdout != "" || leftInPlace(r.Stderr) != "" {
				t.Errorf("nothing should be printed or left\n%s", r)
			}
		}
	}}
}

// create NEW -c: the user is undone, the bucket kept and named.
func createNewBucketVariant() interruptVariant {
	return interruptVariant{name: "create -c", setup: func(t *testing.T, e *e2e, dir, id string) ([]string, func(*testing.T, toolRun, bool)) {
		bucket := "intr-new-" + id
		user := "s3.read-write." + bucket
		return []string{"create", bucket, "-c"}, func(t *testing.T, r toolRun, clean bool) {
			s := e.iamState(user)
			if clean {
				if r.Code != 0 || s == nil || !e.bucketExists(bucket) || createdKey(r.Stdout) != s.Keys[0] {
					t.Fatalf("clean run: state %+v\n%s", s, r)
				}
				return
			}
			noUndoFailures(t, r)
			if s != nil {
				t.Errorf("user left behind: %+v\n%s", s, r)
			}
			checkBucketNamed(t, e, r, bucket)
		}
	}}
}

// create NEW -c --duration 15m with no role yet: the bucket is kept and
// named; the role is deleted unless it was complete, and then named.
func createRoleVariant() interruptVariant {
	return interruptVariant{name: "create -c --duration", serial: true, setup: func(t *testing.T, e *e2e, dir, id string) ([]string, func(*testing.T, toolRun, bool)) {
		bucket := "intr-tmp-" + id
		deleteToolRole(t, e)
		return []string{"create", bucket, "-c", "--duration", "15m"}, func(t *testing.T, r toolRun, clean bool) {
			attached, exists := toolRole(t, e)
			if clean {
				if r.Code != 0 || !exists || !attached || !strings.Contains(r.Stdout, `"SessionToken"`) {
					t.Fatalf("clean run: role exists %v, attached %v\n%s", exists, attached, r)
				}
				return
			}
			noUndoFailures(t, r)
			if r.Stdout != "" {
				t.Errorf("credentials printed\n%s", r)
			}
			named := strings.Contains(leftInPlace(r.Stderr), "role "+roles.ToolRole)
			if exists && (!attached || !named) || !exists && named {
				t.Errorf("role exists %v, its policy attached %v, named as left in place %v\n%s", exists, attached, named, r)
			}
			checkBucketNamed(t, e, r, bucket)
		}
	}}
}

// toolRole says whether the tool's role exists and has its policy.
func toolRole(t *testing.T, e *e2e) (attached, exists bool) {
	t.Helper()
	out, err := e.Clients.IAM.ListAttachedRolePolicies(context.Background(), &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(roles.ToolRole)})
	if awsclient.IsNotFound(err) {
		return false, false
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out.AttachedPolicies {
		if aws.ToString(p.PolicyArn) == credentials.S3FullAccessARN {
			return true, true
		}
	}
	return false, true
}

func deleteToolRole(t *testing.T, e *e2e) {
	t.Helper()
	ctx := context.Background()
	name := aws.String(roles.ToolRole)
	_, _ = e.Clients.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: name, PolicyArn: aws.String(credentials.S3FullAccessARN)})
	if _, err := e.Clients.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: name}); err != nil && !awsclient.IsNotFound(err) {
		t.Fatal(err)
	}
}

// rotate-key USER --deactivate-old, the user holding one active key.
func rotateDeactivateVariant() interruptVariant {
	return interruptVariant{name: "rotate-key --deactivate-old", mayFinish: true, setup: func(t *testing.T, e *e2e, dir, id string) ([]string, func(*testing.T, toolRun, bool)) {
		user := "intr-rot-" + id
		old := e.makeUser(user, 1)[0]
		return []string{"rotate-key", user, "--deactivate-old"}, func(t *testing.T, r toolRun, clean bool) {
			status := e.keyStatus(user)
			printed := createdKey(r.Stdout)
			if clean {
				if r.Code != 0 || len(status) != 2 || status[printed] != "Active" || status[old] != "Inactive" {
					t.Fatalf("clean run: keys %v\n%s", status, r)
				}
				return
			}
			checkRotated(t, r, status, map[string]string{old: "Active"}, "deactivate")
		}
	}}
}

// rotate-key USER --delete-old, the user holding an inactive and an active
// key: the inactive one is deleted first to make room.
func rotateDeleteVariant() interruptVariant {
	return interruptVariant{name: "rotate-key --delete-old", mayFinish: true, setup: func(t *testing.T, e *e2e, dir, id string) ([]string, func(*testing.T, toolRun, bool)) {
		user := "intr-rotd-" + id
		keys := e.makeUser(user, 2)
		e.deactivate(user, keys[0])
		return []string{"rotate-key", user, "--delete-old"}, func(t *testing.T, r toolRun, clean bool) {
			status := e.keyStatus(user)
			printed := createdKey(r.Stdout)
			if clean {
				if r.Code != 0 || len(status) != 1 || status[printed] != "Active" {
					t.Fatalf("clean run: keys %v\n%s", status, r)
				}
				return
			}
			before := map[string]string{keys[0]: "Inactive", keys[1]: "Active"}
			// Deleting the inactive key to make room is the first change,
			// not undone (it was on its way out), but said.
			if _, ok := status[keys[0]]; !ok {
				if !unheard(r) && !strings.Contains(r.Stderr, "Deleted inactive access key "+keys[0]) {
					t.Errorf("inactive key %s deleted without saying so\n%s", keys[0], r)
				}
				delete(before, keys[0])
			}
			checkRotated(t, r, status, before, "delete")
		}
	}}
}

// checkRotated checks an interrupted rotation: either no new key was shown
// and the keys are as they were, or the new key was shown, exists, and each
// old key was retired (verb: deactivate or delete) or is named as left
// unchanged.
func checkRotated(t *testing.T, r toolRun, status, before map[string]string, verb string) {
	t.Helper()
	printed := createdKey(r.Stdout)
	if printed == "" {
		if !sameStatus(status, before) {
			t.Errorf("keys %v, had %v, and no new key was shown\n%s", status, before, r)
		}
		return
	}
	if status[printed] != "Active" {
		t.Errorf("printed key %s is %q\n%s", printed, status[printed], r)
	}
	for id, was := range before {
		now, exists := status[id]
		changed := !exists || now != was
		namedUnchanged := strings.Contains(r.Stderr, "could not "+verb+" "+id)
		if unheard(r) && !changed {
			continue // an old key, known before the run, that could not be named
		}
		if changed == namedUnchanged {
			t.Errorf("old key %s was %s and is now %q (exists %v); stderr names it as not changed: %v\n%s", id, was, now, exists, namedUnchanged, r)
		}
	}
}

// put-objects BUCKET FILES...: no incomplete multipart upload is left, and
// what reached the bucket is what stderr says was uploaded.
//
// Small files are sent with one request each; a file larger than the part
// size (16 MiB) in a multipart upload, here of two parts. They go in two
// variants, as moto takes a while over each large upload.
func putObjectsVariant(name string, files map[string]int, serial bool) interruptVariant {
	return interruptVariant{name: name, serial: serial, setup: func(t *testing.T, e *e2e, dir, id string) ([]string, func(*testing.T, toolRun, bool)) {
		bucket := "intr-put-" + id
		e.makeBucket(bucket)
		args := []string{"put-objects", bucket}
		var names []string
		for name, size := range files {
			data := make([]byte, size)
			rand.Read(data)
			noErr(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
			names = append(names, name)
		}
		sort.Strings(names)
		args = append(args, names...)
		return args, func(t *testing.T, r toolRun, clean bool) {
			uploads := must(e.Clients.S3.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})).ok(t)
			if len(uploads.Uploads) > 0 {
				t.Errorf("%d incomplete multipart uploads left\n%s", len(uploads.Uploads), r)
			}
			got := map[string]int{}
			out := must(e.Clients.S3.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})).ok(t)
			for _, o := range out.Contents {
				got[aws.ToString(o.Key)] = int(aws.ToInt64(o.Size))
			}
			if clean {
				if r.Code != 0 || fmt.Sprint(got) != fmt.Sprint(files) {
					t.Fatalf("clean run: objects %v\n%s", got, r)
				}
				return
			}
			uploaded, perhaps := listedAfter(r.Stderr, "Uploaded: "), listedAfter(r.Stderr, "Perhaps uploaded: ")
			for key, size := range got {
				if size != files[key] {
					t.Errorf("object %s has %d bytes, the file %d\n%s", key, size, files[key], r)
				}
				if !unheard(r) && !slices.Contains(uploaded, key) && !slices.Contains(perhaps, key) {
					t.Errorf("object %s uploaded without saying so\n%s", key, r)
				}
			}
			for _, key := range uploaded {
				if _, ok := got[key]; !ok {
					t.Errorf("%s said to be uploaded, but is not in the bucket\n%s", key, r)
				}
			}
			// An upload carried out without an answer is looked up, and
			// found.
			if r.At.ph == answerLost && (r.At.op == "PutObject" || r.At.op == "CompleteMultipartUpload") {
				key := strings.TrimPrefix(r.ChosenPath, "/"+bucket+"/")
				if !slices.Contains(uploaded, key) {
					t.Errorf("%s was stored, but is not said to be uploaded\n%s", key, r)
				}
			}
		}
	}}
}

// put-object BUCKET KEY FILE, a file large enough for a multipart upload:
// no incomplete upload is left, and the object is either absent or whole.
func putObjectVariant() interruptVariant {
	return interruptVariant{name: "put-object multipart", serial: true, setup: func(t *testing.T, e *e2e, dir, id string) ([]string, func(*testing.T, toolRun, bool)) {
		bucket := "intr-put1-" + id
		e.makeBucket(bucket)
		const size = 17 << 20
		data := make([]byte, size)
		rand.Read(data)
		noErr(t, os.WriteFile(filepath.Join(dir, "big.bin"), data, 0o644))
		return []string{"put-object", bucket, "big.bin", "big.bin"}, func(t *testing.T, r toolRun, clean bool) {
			uploads := must(e.Clients.S3.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})).ok(t)
			if len(uploads.Uploads) > 0 {
				t.Errorf("%d incomplete multipart uploads left\n%s", len(uploads.Uploads), r)
			}
			head, err := e.Clients.S3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("big.bin")})
			exists := err == nil
			if err != nil && !awsclient.IsNotFound(err) {
				t.Fatal(err)
			}
			if clean && (r.Code != 0 || !exists) {
				t.Fatalf("clean run: object exists %v\n%s", exists, r)
			}
			if exists && aws.ToInt64(head.ContentLength) != size {
				t.Errorf("object has %d bytes, the file %d\n%s", aws.ToInt64(head.ContentLength), size, r)
			}
		}
	}}
}

// listedAfter is the comma-separated list on the stderr line starting with
// prefix, up to any parenthesis.
func listedAfter(stderr, prefix string) []string {
	for _, l := range strings.Split(stderr, "\n") {
		if s, ok := strings.CutPrefix(l, prefix); ok {
			if i := strings.Index(s, " ("); i >= 0 {
				s = s[:i]
			}
			return strings.Split(s, ", ")
		}
	}
	return nil
}

// delete-bucket BUCKET --force, the bucket holding three objects and an
// incomplete multipart upload: stderr says what is left.
func deleteBucketVariant() interruptVariant {
	return interruptVariant{name: "delete-bucket --force", setup: func(t *testing.T, e *e2e, dir, id string) ([]string, func(*testing.T, toolRun, bool)) {
		bucket := "intr-del-" + id
		e.makeBucket(bucket)
		e.putObjects(bucket, "k1", "k2", "k3")
		e.startUpload(bucket, "k4")
		return []string{"delete-bucket", bucket, "--force"}, func(t *testing.T, r toolRun, clean bool) {
			exists := e.bucketExists(bucket)
			if clean {
				want := "Aborted 1 incomplete multipart upload in " + bucket + "\nDeleted 3 objects from " + bucket + "\nDeleted bucket: " + bucket + "\n"
				if r.Code != 0 || exists || !unheard(r) && r.Stderr != want {
					t.Fatalf("clean run: bucket exists %v\n%s", exists, r)
				}
				return
			}
			if unheard(r) {
				return // what is left of the bucket was asked to go, and cannot be named
			}
			left := leftInPlace(r.Stderr)
			if !exists {
				if left != "" || !strings.Contains(r.Stderr, "Deleted bucket: "+bucket+"\n") {
					t.Errorf("the bucket is gone, and stderr should say so\n%s", r)
				}
				return
			}
			uploads := must(e.Clients.S3.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})).ok(t)
			var parts []string
			if n := e.versionCount(bucket); n > 0 {
				parts = append(parts, countOf(n, "object"))
			}
			if n := len(uploads.Uploads); n > 0 {
				parts = append(parts, countOf(n, "incomplete multipart upload"))
			}
			want := "bucket " + bucket + ", holding " + strings.Join(parts, " and ")
			if len(parts) == 0 {
				want = "bucket " + bucket + ", empty"
			}
			if left != want {
				t.Errorf("left in place: %q, want %q\n%s", left, want, r)
			}
		}
	}}
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// A second Ctrl-C (or SIGTERM, or hang-up) while the first one's undo is
// under way ends the tool at once, killed by the signal as a shell expects
// (exit status 130 for Ctrl-C); a second SIGQUIT, whose own end would be a
// dump of every goroutine, exits with the status a shell gives it (131).
func TestInterruptTwice(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("intr-twice")
	for _, tc := range []struct {
		how  ending
		sig  syscall.Signal
		code int // 0: killed by the signal
	}{
		{bySIGINT, syscall.SIGINT, 0},
		{bySIGTERM, syscall.SIGTERM, 0},
		{bySIGHUP, syscall.SIGHUP, 0},
		{bySIGINT, syscall.SIGQUIT, 128 + int(syscall.SIGQUIT)},
	} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			at := &interruptAt{op: "CreateAccessKey", ph: answerLost, how: tc.how}
			// A user of its own: the undo cut short leaves the first one's key.
			r := runInterrupted(t, e, t.TempDir(), at, tc.sig, "create", "intr-twice", "--username", "twice-"+tc.sig.String())
			if tc.code == 0 && !r.Signaled {
				t.Fatalf("not ended by the second %v\n%s", tc.sig, r)
			}
			if tc.code != 0 && (r.Signaled || r.Code != tc.code) {
				t.Fatalf("want exit %d after the second %v\n%s", tc.code, tc.sig, r)
			}
			if r.SinceSignal > 3*time.Second {
				t.Errorf("ran on %s after the second signal", r.SinceSignal)
			}
			if r.Stdout != "" {
				t.Errorf("stdout %q", r.Stdout)
			}
			// The first signal said the undo was under way and how to stop
			// it; the second says the clean-up was cut short.
			for _, line := range []string{
				"Interrupted: undoing what this run changed (press Ctrl-C again to stop at once)\n",
				"Stopped at once by a second interrupt, without finishing the clean-up\n",
			} {
				if !strings.Contains(r.Stderr, line) {
					t.Errorf("stderr lacks %q\n%s", line, r)
				}
			}
			if strings.Contains(r.Stderr, "goroutine ") {
				t.Errorf("stderr holds a trace\n%s", r)
			}
		})
	}
}

// TestUnansweredAtEveryRequest lets moto act on each request that changes
// something, of every command the interrupt suite cuts short, and then
// loses its answer or answers 500 instead (as a load balancer whose backend
// was slow). The SDK sends the request again; the run must end exactly as a
// clean run does: exit 0, what it printed is what exists, nothing extra
// (no second key, no error about a user or role "made by someone else").
func TestUnansweredAtEveryRequest(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary about a hundred times")
	}
	everyVariant(t, "u", eachUnanswered, func(t *testing.T, e *e2e, _ interruptVariant, r toolRun, check func(*testing.T, toolRun, bool)) {
		noTrace(t, r)
		if r.At.op == "CreateMultipartUpload" {
			abortEmptyUpload(t, e, r)
		}
		check(t, r, true)
	})
}

// eachUnanswered runs fn as a subtest for every request of ops (a clean
// run's, "Op#n") that changes something, and every fault in unanswered,
// numbering them from 0.
func eachUnanswered(t *testing.T, ops []string, fn func(t *testing.T, at interruptAt, i int)) {
	ci := 0
	for _, o := range ops {
		i := strings.LastIndexByte(o, '#')
		var n int
		fmt.Sscan(o[i+1:], &n)
		if readOnly(o[:i]) {
			continue
		}
		for _, u := range unanswered {
			at, id := interruptAt{op: o[:i], n: n, fault: u.fault}, ci
			ci++
			t.Run(fmt.Sprintf("%s#%d/%s", at.op, at.n, u.name), func(t *testing.T) { fn(t, at, id) })
		}
	}
}

// abortEmptyUpload aborts the one multipart upload that a CreateMultipartUpload
// moto acted on unanswered started, and that the run left: it holds no part,
// and nothing tells it from another writer's upload of the same key, so the
// tool leaves it (docs/interrupts.md). Any other upload left is not touched.
func abortEmptyUpload(t *testing.T, e *e2e, r toolRun) {
	t.Helper()
	bucket, _, _ := strings.Cut(strings.TrimPrefix(r.ChosenPath, "/"), "/")
	ctx := context.Background()
	uploads := must(e.Clients.S3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})).ok(t)
	empty := 0
	for _, up := range uploads.Uploads {
		parts := must(e.Clients.S3.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(bucket), Key: up.Key, UploadId: up.UploadId})).ok(t)
		if len(parts.Parts) == 0 {
			empty++
			must(e.Clients.S3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket), Key: up.Key, UploadId: up.UploadId})).ok(t)
		}
	}
	if empty != 1 {
		t.Errorf("%d empty multipart uploads left, want the one the unanswered attempt started\n%s", empty, r)
	}
}
