package cli

// Every command against endpoints that misbehave: refuse connections, never
// complete a connection, accept and never answer, answer slowly, answer with
// an HTML page or XML of another shape, or hang one chosen call. The
// timeouts are set short through the flags, so each test takes seconds.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// fast are the timeout flags of the tests against stub endpoints: half a
// second of silence, a second to connect.
var fast = []string{"--connect-timeout", "1", "--read-timeout", "0.5"}

// viaMoto are those of tests where moto answers the calls that are not
// made to hang: long enough for moto on a loaded machine.
var viaMoto = []string{"--connect-timeout", "5", "--read-timeout", "3"}

// slack is an upper bound on a run expected to take d: enough for a
// loaded machine, far below the minutes a missing timeout costs.
func slack(d time.Duration) time.Duration { return d + 10*time.Second }

// awsCommand is one command line of each command that talks to AWS.
type awsCommand struct {
	name string
	args []string
	// stdout is what the command prints before its first call.
	stdout string
}

// awsCommands lists every command that calls AWS, with arguments that make
// it do so; dir holds the files they read and write.
func awsCommands(t *testing.T) []awsCommand {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "file.txt")
	noErr(t, os.WriteFile(file, []byte("hello\n"), 0o644))
	tree := filepath.Join(dir, "tree")
	os.MkdirAll(filepath.Join(tree, "sub"), 0o755)
	os.WriteFile(filepath.Join(tree, "a.txt"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(tree, "sub", "b.txt"), []byte("b"), 0o644)
	var keys []string
	for i := range 40 {
		keys = append(keys, fmt.Sprintf("k%02d", i))
	}
	return []awsCommand{
		{name: "whoami", args: []string{"whoami"}},
		{name: "create", args: []string{"create", "bkt"}},
		{name: "create -c", args: []string{"create", "bkt", "-c"}},
		{name: "create -d", args: []string{"create", "bkt", "-d", "15m"}},
		{name: "rotate-key", args: []string{"rotate-key", "u1"}},
		{name: "localserver", args: []string{"localserver", "bkt", "-d", "15m", "-p", "0"}},
		{name: "list-users", args: []string{"list-users"}},
		{name: "list-roles", args: []string{"list-roles"}},
		{name: "list-user-policies", args: []string{"list-user-policies"}},
		{name: "delete-user", args: []string{"delete-user", "u1"}, stdout: "User: u1\n"},
		{name: "list-buckets", args: []string{"list-buckets"}},
		{name: "list-buckets --details", args: []string{"list-buckets", "--details"}},
		{name: "delete-bucket", args: []string{"delete-bucket", "bkt", "--force"}},
		{name: "get-bucket-policy", args: []string{"get-bucket-policy", "bkt"}},
		{name: "set-bucket-policy", args: []string{"set-bucket-policy", "bkt", "--allow-all-get"}},
		{name: "get-cors-policy", args: []string{"get-cors-policy", "bkt"}},
		{name: "set-cors-policy", args: []string{"set-cors-policy", "bkt"}},
		{name: "get-public-access-block", args: []string{"get-public-access-block", "bkt"}},
		{name: "set-public-access-block", args: []string{"set-public-access-block", "bkt", "--allow-public-access"}},
		{name: "debug-bucket", args: []string{"debug-bucket", "bkt"}},
		{name: "list-bucket", args: []string{"list-bucket", "bkt"}},
		{name: "put-object", args: []string{"put-object", "bkt", "k", file}},
		{name: "put-object -", args: []string{"put-object", "bkt", "k", "-"}},
		{name: "put-objects", args: []string{"put-objects", "bkt", tree}},
		{name: "get-object", args: []string{"get-object", "bkt", "k"}},
		{name: "get-object -o", args: []string{"get-object", "bkt", "k", "-o", filepath.Join(dir, "out.txt")}},
		{name: "get-objects", args: []string{"get-objects", "bkt", "-o", filepath.Join(dir, "all")}},
		{name: "get-objects KEYS", args: append([]string{"get-objects", "bkt", "-o", filepath.Join(dir, "some")}, keys...)},
		{name: "delete-objects", args: append([]string{"delete-objects", "bkt"}, keys...)},
	}
}

// runTimed runs the tool in-process and measures it.
func runTimed(t *testing.T, args ...string) (result, time.Duration) {
	t.Helper()
	start := time.Now()
	r := run(t, "hello\n", args...)
	return r, time.Since(start)
}

// refusingURL is a loopback address nothing listens on.
func refusingURL(t *testing.T) string {
	t.Helper()
	port := must(testenv.FreePort()).ok(t)
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

// silentURL accepts connections and never answers on them, nor reads.
func silentURL(t *testing.T) string {
	t.Helper()
	l := must(net.Listen("tcp", "127.0.0.1:0")).ok(t)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

// unconnectableURL is a listening socket whose queue of connections is
// full: the kernel drops further SYNs, so connecting hangs.
func unconnectableURL(t *testing.T) string {
	t.Helper()
	fd := must(syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)).ok(t)
	t.Cleanup(func() { syscall.Close(fd) })
	noErr(t, syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	noErr(t, syscall.Listen(fd, 0))
	sa := must(syscall.Getsockname(fd)).ok(t)
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	// Fill the queue (a backlog of 0 holds one connection).
	for range 2 {
		c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
		if err != nil {
			break
		}
		t.Cleanup(func() { c.Close() })
	}
	if c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond); err == nil {
		c.Close()
		t.Skip("this kernel completes connections beyond a full backlog")
	}
	return "http://" + addr
}

// answeringURL serves every request with h.
func answeringURL(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

const portalPage = "<!DOCTYPE html>\n<html><head><title>Guest  Wi-Fi login</title></head><body><form>...</form></body></html>\n"

func portal(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		io.WriteString(w, portalPage)
	}
}

// errorLine is the pattern of an error line saying core, after what a
// command may put before it: the file it was uploading, the attempts.
func errorLine(core string) *regexp.Regexp {
	return regexp.MustCompile(`^Error: (Failed to start server: )?(uploading [^:]+: )?(gave up after \d+ attempts: )?` + core)
}

// checkFailure checks what every failing run must look like: exit 1, one
// error line matching want, nothing on stdout, no SDK text.
func checkFailure(t *testing.T, r result, want *regexp.Regexp) {
	t.Helper()
	checkFailureOut(t, r, want, "")
}

// checkFailureOut is checkFailure for a command that prints stdout before
// it calls AWS.
func checkFailureOut(t *testing.T, r result, want *regexp.Regexp, stdout string) {
	t.Helper()
	if r.Code != 1 {
		t.Errorf("exit %d, want 1\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	if r.Stdout != stdout {
		t.Errorf("stdout %q", r.Stdout)
	}
	var errLine string
	for _, l := range strings.Split(strings.TrimSuffix(r.Stderr, "\n"), "\n") {
		if strings.HasPrefix(l, "Error: ") {
			errLine = l
		}
	}
	if !want.MatchString(errLine) {
		t.Errorf("error line %q does not match %s\nstderr: %s", errLine, want, r.Stderr)
	}
	for _, bad := range []string{"operation error", "https response error", "SDK ", "deserialization failed", "goroutine"} {
		if strings.Contains(r.Stderr, bad) {
			t.Errorf("stderr has %q: %s", bad, r.Stderr)
		}
	}
}

// An endpoint that refuses connections: every command fails at once,
// naming it.
func TestHostileEveryCommandRefused(t *testing.T) {
	ep := refusingURL(t)
	want := errorLine(`could not connect to ` + regexp.QuoteMeta(ep) + `: connection refused$`)
	for _, c := range awsCommands(t) {
		t.Run(c.name, func(t *testing.T) {
			r, took := runTimed(t, append(append(c.args, "--endpoint-url", ep), fast...)...)
			checkFailureOut(t, r, want, c.stdout)
			if took > slack(time.Second) {
				t.Errorf("took %v", took)
			}
		})
	}
}

// An endpoint that accepts connections and never answers: every command
// ends after two silences of the read timeout, naming the endpoint and the
// timeout; commands working through many keys stop at the first.
func TestHostileEveryCommandSilent(t *testing.T) {
	ep := silentURL(t)
	want := errorLine(`no answer from ` + regexp.QuoteMeta(ep) + ` within 0\.5 seconds \(--read-timeout\), 2 attempts$`)
	for _, c := range awsCommands(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r, took := runTimed(t, append(append(c.args, "--endpoint-url", ep), fast...)...)
			checkFailureOut(t, r, want, c.stdout)
			// Two silences of 0.5 s and a short backoff; the rest is
			// slack for a loaded machine.
			if took < time.Second || took > slack(2*time.Second) {
				t.Errorf("took %v", took)
			}
		})
	}
}

// An endpoint that never completes a connection: the connect timeout.
func TestHostileConnectTimeout(t *testing.T) {
	ep := unconnectableURL(t)
	want := regexp.MustCompile(`^Error: could not connect to ` + regexp.QuoteMeta(ep) + ` within 0\.3 seconds \(--connect-timeout\), 2 attempts$`)
	for _, args := range [][]string{{"whoami"}, {"list-bucket", "bkt"}, {"create", "bkt"}} {
		r, took := runTimed(t, append(args, "--endpoint-url", ep, "--connect-timeout", "0.3", "--read-timeout", "5")...)
		checkFailure(t, r, want)
		if took > slack(time.Second) {
			t.Errorf("%v took %v", args, took)
		}
	}
}

// An HTML page with 200 (a captive portal, a web server at the wrong
// URL) is no answer from AWS: every command says so instead of reading
// it as an empty result.
func TestHostileEveryCommandHTML(t *testing.T) {
	ep := answeringURL(t, portal)
	want := errorLine(regexp.QuoteMeta(ep) + ` did not answer like AWS (S3|IAM|STS): [A-Za-z0-9]+ got HTTP 200 with an HTML page( titled "Guest Wi-Fi login")?; check --endpoint-url`)
	for _, c := range awsCommands(t) {
		t.Run(c.name, func(t *testing.T) {
			r, _ := runTimed(t, append(append(c.args, "--endpoint-url", ep), fast...)...)
			checkFailureOut(t, r, want, c.stdout)
		})
	}
}

// Other answers that are not AWS's: an HTML error page, text, JSON, XML
// of another shape, an empty 200. Each is named for what it is.
func TestHostileNotAWSAnswers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		args   []string
		what   string
	}{
		{"html 503", 503, portalPage, []string{"whoami"}, `HTTP 503 with an HTML page titled "Guest Wi-Fi login"`},
		{"html 404 to S3", 404, "<html><body>Not Found</body></html>", []string{"list-bucket", "bkt"}, `HTTP 404 with an HTML page`},
		{"text", 200, "OK\n", []string{"list-buckets"}, `HTTP 200 with text that is not XML \("OK"\)`},
		{"json", 200, `{"buckets": []}`, []string{"list-bucket", "bkt"}, `HTTP 200 with text that is not XML \("\{\\"buckets\\": \[\]\}"\)`},
		{"other XML to S3", 200, `<?xml version="1.0"?><Nonsense><Key>x</Key></Nonsense>`, []string{"list-bucket", "bkt"}, `ListObjectsV2 got HTTP 200 with XML whose root element is <Nonsense>, not <ListBucketResult> or <Error>`},
		{"other XML to IAM", 200, `<Result/>`, []string{"list-users"}, `ListUsers got HTTP 200 with XML whose root element is <Result>, not <ListUsersResponse> or <ErrorResponse>`},
		{"other XML to STS", 200, `<GetUserResponse/>`, []string{"whoami"}, `GetCallerIdentity got HTTP 200 with XML whose root element is <GetUserResponse>, not <GetCallerIdentityResponse> or <ErrorResponse>`},
		{"S3 error of another shape", 403, `<Oops/>`, []string{"list-bucket", "bkt"}, `HTTP 403 with XML whose root element is <Oops>, not <Error>`},
		{"empty 200 to a listing", 200, "", []string{"list-bucket", "bkt"}, `ListObjectsV2 got HTTP 200 with an empty body`},
		{"empty 200 to IAM", 200, "", []string{"list-roles"}, `ListRoles got HTTP 200 with an empty body`},
		{"broken markup", 200, "<<<>>>", []string{"list-buckets"}, `HTTP 200 with markup that is not XML \("<<<>>>"\)`},
		{"binary", 200, "\x00\x01\x02garbage", []string{"whoami"}, `HTTP 200 with text that is not XML \("\\x00\\x01\\x02garbage"\)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls int
			var mu sync.Mutex
			ep := answeringURL(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				calls++
				mu.Unlock()
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			r, _ := runTimed(t, append(append(tc.args, "--endpoint-url", ep), fast...)...)
			checkFailure(t, r, errorLine(regexp.QuoteMeta(ep)+` did not answer like AWS [A-Z0-9]+: .*`+tc.what+`; check --endpoint-url`))
			// The same page comes back however often it is asked for,
			// unless it is a 5xx.
			mu.Lock()
			defer mu.Unlock()
			if want := 1; tc.status < 500 && calls != want {
				t.Errorf("%d requests, want %d", calls, want)
			}
		})
	}
}

// What real AWS answers is not refused: objects whose bytes are an HTML
// page, a HEAD of one, a bucket policy (JSON), empty bodies of writes.
func TestHostileAWSAnswersStillAccepted(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("pages")
	page := filepath.Join(t.TempDir(), "index.html")
	os.WriteFile(page, []byte(portalPage), 0o644)
	e.ok("put-object", "pages", "index.html", page)
	r := e.ok("get-object", "pages", "index.html")
	if r.Stdout != portalPage {
		t.Errorf("get-object gave %q", r.Stdout)
	}
	e.ok("get-objects", "pages", "-o", t.TempDir())
	e.ok("set-bucket-policy", "pages", "--allow-all-get")
	if r := e.ok("get-bucket-policy", "pages"); !strings.Contains(r.Stdout, `"Statement"`) {
		t.Errorf("get-bucket-policy: %s", r.Stdout)
	}
	e.ok("list-bucket", "pages")
	e.ok("delete-objects", "pages", "index.html")
	e.ok("delete-bucket", "pages")
}

// hostileProxy stands between the tool and moto and does to each request
// what plan says.
type hostileProxy struct {
	t        *testing.T
	target   *url.URL
	plan     func(op string, attempt int) act
	URL      string
	stop     chan struct{}
	mu       sync.Mutex
	attempts map[string]int
}

type act struct {
	kind  actKind
	delay time.Duration // slow: before answering; trickle: between chunks
}

type actKind int

const (
	forward    actKind = iota
	hangBefore         // never forwarded, never answered
	hangAfter          // forwarded (done on the server), never answered
	slow               // forwarded and answered after delay
	trickle            // answered in 4 KiB chunks, delay apart
	stallBody          // the headers and half the body, then silence
	html               // a captive portal's page
	slowRead           // the request body read in 4 KiB chunks, delay apart
	forbidden          // 403 with no body, as S3 answers a HEAD
	badKey             // STS refusing the key: InvalidClientTokenId
)

func newHostileProxy(t *testing.T, e *e2e, plan func(op string, attempt int) act) *hostileProxy {
	t.Helper()
	return newHostileProxyOn(t, e, nil, plan)
}

// newHostileProxyOn serves the proxy on l (nil: any loopback port).
func newHostileProxyOn(t *testing.T, e *e2e, l net.Listener, plan func(op string, attempt int) act) *hostileProxy {
	t.Helper()
	target := must(url.Parse(e.moto.URL)).ok(t)
	p := &hostileProxy{t: t, target: target, plan: plan, stop: make(chan struct{}), attempts: map[string]int{}}
	srv := httptest.NewUnstartedServer(p)
	if l != nil {
		srv.Listener.Close()
		srv.Listener = l
	}
	srv.Start()
	t.Cleanup(func() {
		close(p.stop)
		srv.Close()
	})
	p.URL = srv.URL
	return p
}

// narrowListener is a loopback listener whose connections have a small
// receive window: what the proxy has not read yet stays in the sender's
// queue, as on a slow link.
func narrowListener(t *testing.T) net.Listener {
	t.Helper()
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
	}}
	l := must(lc.Listen(context.Background(), "tcp", "127.0.0.1:0")).ok(t)
	return l
}

func (p *hostileProxy) count(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.attempts[op]
}

func (p *hostileProxy) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-p.stop:
	}
}

func (p *hostileProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	var a act
	var op string
	if r.Header.Get("Content-Type") == "application/x-www-form-urlencoded" || r.ContentLength < 64*1024 && r.ContentLength >= 0 {
		body, _ = io.ReadAll(r.Body)
		op = opName(r, body)
	} else {
		op = r.Method + " " + r.URL.Path
	}
	p.mu.Lock()
	n := p.attempts[op]
	p.attempts[op]++
	a = p.plan(op, n)
	p.mu.Unlock()

	switch a.kind {
	case hangBefore:
		p.hang(r)
		return
	case html:
		portal(w, r)
		return
	case forbidden:
		w.WriteHeader(http.StatusForbidden)
		return
	case badKey:
		writeError(w, false, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	if body == nil {
		var buf bytes.Buffer
		chunk := make([]byte, 4096)
		for {
			if a.kind == slowRead {
				time.Sleep(a.delay)
			}
			n, err := r.Body.Read(chunk)
			buf.Write(chunk[:n])
			if err != nil {
				break
			}
		}
		body = buf.Bytes()
	}
	resp, data, err := relay(r, p.target.String(), body)
	if err != nil {
		hangUp(w)
		return
	}
	switch a.kind {
	case hangAfter:
		p.hang(r)
		return
	case slow:
		select {
		case <-time.After(a.delay):
		case <-p.stop:
		}
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	switch a.kind {
	case trickle:
		rc := http.NewResponseController(w)
		for len(data) > 0 {
			n := min(4096, len(data))
			w.Write(data[:n])
			rc.Flush()
			data = data[n:]
			if len(data) > 0 {
				time.Sleep(a.delay)
			}
		}
	case stallBody:
		w.Write(data[:len(data)/2])
		http.NewResponseController(w).Flush()
		p.hang(r)
	default:
		w.Write(data)
	}
}

// Slow answers within the read timeout are waited for: every call takes
// a second more than moto needs, with a read timeout of 5 s.
func TestHostileSlowAnswersWithinTimeout(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("slow-bucket")
	p := newHostileProxy(t, e, func(string, int) act { return act{kind: slow, delay: time.Second} })
	file := filepath.Join(t.TempDir(), "f.txt")
	os.WriteFile(file, []byte("slow but sure\n"), 0o644)
	ep := []string{"--endpoint-url", p.URL, "--read-timeout", "5", "--connect-timeout", "1"}
	run := func(args ...string) result {
		t.Helper()
		r := run(t, "", append(args, ep...)...)
		if r.Code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.Code, r.Stderr)
		}
		return r
	}
	run("whoami")
	run("put-object", "slow-bucket", "f.txt", file)
	if r := run("get-object", "slow-bucket", "f.txt"); r.Stdout != "slow but sure\n" {
		t.Errorf("get-object: %q", r.Stdout)
	}
	run("list-bucket", "slow-bucket")
	r := run("create", "slow-bucket")
	if !strings.Contains(r.Stdout, `"AccessKeyId"`) {
		t.Errorf("create: %s", r.Stdout)
	}
	if n := p.count("CreateAccessKey"); n != 1 {
		t.Errorf("CreateAccessKey asked %d times", n)
	}
}

// The read timeout is a silence, not a limit on the transfer: a download
// whose bytes keep coming for far longer than it is completes, and so does
// an upload over a slow link, whose last bytes are still on their way long
// after the tool wrote them.
func TestHostileLongTransfersAreNotCut(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("big-bucket")
	data := bytes.Repeat([]byte("0123456789abcdef"), 4*1024) // 64 KiB: 16 chunks
	must(e.Clients.S3.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("big-bucket"), Key: aws.String("big"), Body: bytes.NewReader(data),
	})).ok(t)
	p := newHostileProxyOn(t, e, narrowListener(t), func(op string, _ int) act {
		switch {
		case strings.HasPrefix(op, "GET /big-bucket/big"):
			return act{kind: trickle, delay: 400 * time.Millisecond}
		case strings.HasPrefix(op, "PUT /big-bucket/up"):
			return act{kind: slowRead, delay: 25 * time.Millisecond}
		}
		return act{}
	})
	// 4 s: well under the transfers (6.4 s down, about 10 s up), and room
	// for moto's own answer on a loaded machine (2.5 s was not always).
	ep := []string{"--endpoint-url", p.URL, "--read-timeout", "4"}
	start := time.Now()
	r := run(t, "", append([]string{"get-object", "big-bucket", "big"}, ep...)...)
	if r.Code != 0 || r.Stdout != string(data) {
		t.Fatalf("get-object: exit %d, %d bytes: %s", r.Code, len(r.Stdout), r.Stderr)
	}
	if took := time.Since(start); took < 6*time.Second {
		t.Fatalf("the download took %v: not trickled", took)
	}
	out := filepath.Join(t.TempDir(), "big")
	if r := run(t, "", append([]string{"get-object", "big-bucket", "big", "-o", out}, ep...)...); r.Code != 0 {
		t.Fatalf("get-object -o: exit %d: %s", r.Code, r.Stderr)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, data) {
		t.Errorf("get-object -o wrote %d bytes", len(got))
	}
	up := filepath.Join(t.TempDir(), "up")
	size := 1536 * 1024 // 384 reads of 4 KiB, 25 ms apart: about 10 s
	os.WriteFile(up, bytes.Repeat([]byte("u"), size), 0o644)
	start = time.Now()
	if r := run(t, "", append([]string{"put-object", "big-bucket", "up", up}, ep...)...); r.Code != 0 {
		t.Fatalf("put-object: exit %d: %s", r.Code, r.Stderr)
	}
	if took := time.Since(start); took < 6*time.Second {
		t.Errorf("the upload took %v: not read slowly", took)
	}
	if body, _ := e.objGet("big-bucket", "up"); len(body) != size {
		t.Errorf("uploaded %d bytes", len(body))
	}
}

// A download that stops half-way fails after the read timeout, naming the
// endpoint, instead of waiting forever; the file is not left half-written.
func TestHostileDownloadStallsHalfWay(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("stall-bucket")
	must(e.Clients.S3.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("stall-bucket"), Key: aws.String("obj"), Body: bytes.NewReader(bytes.Repeat([]byte("x"), 64*1024)),
	})).ok(t)
	p := newHostileProxy(t, e, func(op string, _ int) act {
		if op == "GET /stall-bucket/obj" {
			return act{kind: stallBody}
		}
		return act{}
	})
	want := regexp.MustCompile(`^Error: ` + regexp.QuoteMeta(p.URL) + ` went silent for 3 seconds in the middle of an answer \(--read-timeout\)`)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"get-object", "stall-bucket", "obj"},
		{"get-object", "stall-bucket", "obj", "-o", filepath.Join(dir, "obj")},
	} {
		var out, errOut bytes.Buffer
		start := time.Now()
		code := Run(context.Background(), append(args, append([]string{"--endpoint-url", p.URL}, viaMoto...)...),
			&IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
		took := time.Since(start)
		r := result{"", errOut.String(), code}
		checkFailure(t, r, want)
		if took > slack(6*time.Second) {
			t.Errorf("%v took %v", args, took)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

// A call that never gets an answer is tried twice, whatever the retry
// settings: a silent endpoint cannot restart the clock for minutes.
func TestHostileSilenceIsRetriedOnce(t *testing.T) {
	e := newE2E(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "10")
	for _, k := range []actKind{hangBefore, hangAfter} {
		p := newHostileProxy(t, e, func(op string, _ int) act {
			if op == "GetCallerIdentity" {
				return act{kind: k}
			}
			return act{}
		})
		r, took := runTimed(t, append([]string{"whoami", "--endpoint-url", p.URL}, fast...)...)
		checkFailure(t, r, regexp.MustCompile(`^Error: no answer from `+regexp.QuoteMeta(p.URL)+` within 0\.5 seconds \(--read-timeout\), 2 attempts$`))
		if n := p.count("GetCallerIdentity"); n != awsclient.SilentAttempts {
			t.Errorf("asked %d times, want %d", n, awsclient.SilentAttempts)
		}
		if took > slack(time.Second) {
			t.Errorf("took %v", took)
		}
	}
}

// One silence is forgiven: the second attempt's answer is used. When the
// server acted on the first attempt (CreateAccessKey made a key whose
// answer never came), the extra key is found and deleted.
func TestHostileOneSilenceThenAnswer(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("once-bucket")
	p := newHostileProxy(t, e, func(op string, n int) act {
		switch {
		case op == "CreateUser" && n == 0:
			return act{kind: hangBefore}
		case op == "CreateAccessKey" && n == 0:
			return act{kind: hangAfter}
		}
		return act{}
	})
	r := run(t, "", append([]string{"create", "once-bucket", "--endpoint-url", p.URL}, viaMoto...)...)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	s := e.iamState("s3.read-write.once-bucket")
	if s == nil || len(s.Keys) != 1 || len(s.Policies) != 1 || !strings.Contains(r.Stdout, s.Keys[0]) {
		t.Errorf("IAM state %+v\nstdout %s", s, r.Stdout)
	}
	if !strings.Contains(r.Stderr, "Deleted access key ") {
		t.Errorf("the lost key is not said to be deleted:\n%s", r.Stderr)
	}
	if p.count("CreateUser") != 2 || p.count("CreateAccessKey") != 2 {
		t.Errorf("CreateUser asked %d times, CreateAccessKey %d", p.count("CreateUser"), p.count("CreateAccessKey"))
	}
}

// A call that hangs half-way through create times out, and everything
// the run made is undone: the user, the policy of the first bucket, and
// the second policy, which the server may have stored before going silent.
func TestHostileCreateHangsHalfWay(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind actKind
	}{{"before the server acts", hangBefore}, {"after the server acted", hangAfter}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t)
			e.makeBucket("hang-one")
			e.makeBucket("hang-two")
			p := newHostileProxy(t, e, func(op string, n int) act {
				if op == "PutUserPolicy" && n >= 1 { // the second bucket's, every attempt
					return act{kind: tc.kind}
				}
				return act{}
			})
			r, took := runTimed(t, append([]string{"create", "hang-one", "hang-two", "--username", "hung", "--endpoint-url", p.URL}, viaMoto...)...)
			checkFailure(t, r, regexp.MustCompile(`^Error: no answer from `+regexp.QuoteMeta(p.URL)+` within 3 seconds \(--read-timeout\), 2 attempts$`))
			if s := e.iamState("hung"); s != nil {
				t.Errorf("left behind: %+v\nstderr: %s", s, r.Stderr)
			}
			for _, line := range []string{"Undone: deleted user hung\n", "Undone: deleted inline policy s3.read-write.hang-one from user hung\n"} {
				if !strings.Contains(r.Stderr, line) {
					t.Errorf("stderr lacks %q:\n%s", line, r.Stderr)
				}
			}
			if strings.Contains(r.Stderr, "Left in place") {
				t.Errorf("stderr: %s", r.Stderr)
			}
			if took > slack(6*time.Second) {
				t.Errorf("took %v", took)
			}
		})
	}
}

// A HEAD refused with a bare 403 may mean a bad key: STS says which.
func TestHostileForbiddenBucketWithBadKey(t *testing.T) {
	e := newE2E(t)
	for _, tc := range []struct {
		name   string
		sts    actKind
		stderr string
	}{
		{"the key is invalid", badKey, "Error: the access key is invalid: AWS does not know it (STS GetCallerIdentity: InvalidClientTokenId: The security token included in the request is invalid.)\n"},
		{"the key is fine", forward, "Error: Bucket nonexist exists but these credentials may not access it (403 Forbidden)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newHostileProxy(t, e, func(op string, _ int) act {
				switch op {
				case "HEAD /nonexist":
					return act{kind: forbidden}
				case "GetCallerIdentity":
					return act{kind: tc.sts}
				}
				return act{}
			})
			r := run(t, "", "create", "nonexist", "-c", "--endpoint-url", p.URL)
			if r.Code != 1 || r.Stderr != tc.stderr {
				t.Errorf("exit %d, stderr %q, want %q", r.Code, r.Stderr, tc.stderr)
			}
			if n := p.count("CreateBucket") + p.count("PUT /nonexist"); n != 0 {
				t.Errorf("tried to create the bucket")
			}
		})
	}
}

// An answer cut short by a closed connection: every command says so (after
// retrying), instead of the SDK's decoding error. The uploads are left out:
// their answer is complete once its 200 has come, and get-object has
// already passed on the bytes that came.
func TestHostileEveryCommandCutShort(t *testing.T) {
	ep := cutShortURL(t)
	want := errorLine(`the answer from ` + regexp.QuoteMeta(ep) + ` broke off half-way: (unexpected EOF|connection reset by peer|connection closed)$`)
	for _, c := range awsCommands(t) {
		if strings.HasPrefix(c.name, "put-object") {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			r, _ := runTimed(t, append(append(c.args, "--endpoint-url", ep), fast...)...)
			stdout := c.stdout
			if c.name == "get-object" {
				stdout = r.Stdout
				if !strings.HasPrefix(cutShortBody, stdout) {
					t.Errorf("stdout %q", stdout)
				}
			}
			checkFailureOut(t, r, want, stdout)
		})
	}
}

// XML of another shape, 200 to every request: no command takes it for an
// answer (an empty listing, a success).
func TestHostileEveryCommandGarbageXML(t *testing.T) {
	ep := answeringURL(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		if r.Method != http.MethodHead {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Nonsense><Key>x</Key></Nonsense>`)
		}
	})
	want := errorLine(regexp.QuoteMeta(ep) + ` did not answer like AWS (S3|IAM|STS): [A-Za-z0-9]+ got HTTP 200 with ` +
		`(XML whose root element is <Nonsense>, (not <[A-Za-z]+>( or <[A-Za-z]+>)?|where S3 answers [A-Za-z]+ with (no document|the policy's JSON))|a body without an ETag or any x-amz- header); check --endpoint-url`)
	for _, c := range awsCommands(t) {
		t.Run(c.name, func(t *testing.T) {
			r, _ := runTimed(t, append(append(c.args, "--endpoint-url", ep), fast...)...)
			checkFailureOut(t, r, want, c.stdout)
		})
	}
}
