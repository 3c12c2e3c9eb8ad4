package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/localserver"
	"github.com/s3-credentials/s3-credentials/internal/testenv"
	"github.com/s3-credentials/s3-credentials/policy"
)

// lsBuffer is a stderr the server goroutines and the test share.
type lsBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lsBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lsBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lsServer is `localserver` running in-process.
type lsServer struct {
	t      *testing.T
	URL    string // http://127.0.0.1:PORT
	stderr *lsBuffer
	stdout *lsBuffer
	cancel context.CancelFunc
	done   chan int
}

var servingLine = regexp.MustCompile(`at (http://\S+):(\d+)/\n`)

// startLocalserver runs the command with args against e's moto and waits
// until it listens.
func startLocalserver(t *testing.T, e *e2e, args ...string) *lsServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &lsServer{t: t, stderr: &lsBuffer{}, stdout: &lsBuffer{}, cancel: cancel, done: make(chan int, 1)}
	streams := &IOStreams{In: strings.NewReader(""), Out: s.stdout, ErrOut: s.stderr}
	go func() { s.done <- e.exec(ctx, streams, append([]string{"localserver"}, args...)...) }()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(s.stderr.String(), "Press Ctrl+C to stop\n") {
		select {
		case code := <-s.done:
			t.Fatalf("localserver exited %d before listening:\n%s", code, s.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("localserver did not start:\n%s", s.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	m := servingLine.FindStringSubmatch(s.stderr.String())
	if m == nil {
		t.Fatalf("no serving line:\n%s", s.stderr.String())
	}
	s.URL = m[1] + ":" + m[2]
	t.Cleanup(func() { s.stop() })
	return s
}

// stop cancels the command's context, as Ctrl+C does, and returns its exit code.
func (s *lsServer) stop() int {
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code
		return code
	case <-time.After(10 * time.Second):
		s.t.Fatal("localserver did not stop")
		return -1
	}
}

func (s *lsServer) get(path string, header ...string) (int, []byte) {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp := must(http.DefaultClient.Do(req)).ok(s.t) //nolint:bodyclose // closed below: the linter cannot follow must
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestLocalserverUsageErrors(t *testing.T) {
	t.Parallel()
	// Messages and exit codes as the reference gives them.
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{nil, 2, "Usage: s3-credentials localserver [OPTIONS] BUCKETS...\nTry 's3-credentials localserver --help' for help.\n\nError: Missing argument 'BUCKETS...'.\n"},
		{[]string{"bkt"}, 2, "Error: Missing option '-d' / '--duration'.\n"},
		{[]string{"bkt", "-d", "1m"}, 2, "Error: Invalid value for '-d' / '--duration': Duration must be between 15 minutes and 12 hours\n"},
		{[]string{"bkt", "-d", "1h", "-p", "abc"}, 2, "Error: Invalid value for '-p' / '--port': 'abc' is not a valid integer.\n"},
		{[]string{"bkt", "-d", "1h", "-p", "70000"}, 2, "Error: Invalid value for '-p' / '--port': 70000 is not a valid port number.\n"},
		{[]string{"bkt", "-d", "1h", "--statement", "{}"}, 2, "Error: Invalid value for '--statement': Statement JSON missing required keys: Action, Effect, Resource\n"},
		{[]string{"bkt", "-d", "1h", "--read-only", "--write-only"}, 1, "Error: Cannot use --read-only and --write-only at the same time\n"},
		{[]string{"bkt", "-d", "1h", "--token", "x", "--generate-token"}, 2, "Error: Cannot use --token and --generate-token at the same time\n"},
		{[]string{"bkt", "-d", "1h", "--token", ""}, 2, "Error: Invalid value for '--token': the token must not be empty.\n"},
	} {
		r := run(t, "", append([]string{"localserver"}, tc.args...)...)
		if r.Code != tc.code || !strings.HasSuffix(r.Stderr, tc.err) || r.Stdout != "" {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit %d, ending:\n%s", tc.args, r.Code, r.Stderr, tc.code, tc.err)
		}
	}
}

func TestLocalserverMissingBucket(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("ls-present")
	r := e.run("localserver", "ls-present", "ls-missing", "-d", "15m", "-p", "0")
	if r.Code != 1 || r.Stderr != "Error: Bucket does not exist: ls-missing\n" || r.Stdout != "" {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
}

// The served credentials work for S3 calls, in both formats, and the
// command prints the reference's start-up lines.
//
// Serial: the SDK part sets AWS_CONTAINER_CREDENTIALS_FULL_URI and the key variables (t.Setenv).
func TestLocalserverServesWorkingCredentials(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("ls-bucket")
	s := startLocalserver(t, e, "ls-bucket", "--duration", "15m", "-p", "0", "--host", "127.0.0.1")
	port := strings.TrimPrefix(s.URL, "http://127.0.0.1:")
	wantStart := fmt.Sprintf(`Generating initial credentials...
`+createdRoleSaid+`Serving read-write credentials for bucket 'ls-bucket' at http://127.0.0.1:%s/
Duration: 900 seconds
For AWS SDKs and the aws CLI: AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:%s/container-credentials
Press Ctrl+C to stop
`, port, port)
	if got := s.stderr.String(); got != wantStart {
		t.Fatalf("start-up lines:\n%s\nwant:\n%s", got, wantStart)
	}

	code, body := s.get("/")
	if code != 200 {
		t.Fatalf("GET /: %d %s", code, body)
	}
	shape := regexp.MustCompile(`^\{
  "Version": 1,
  "AccessKeyId": "ASIA[A-Z0-9]{16}",
  "SecretAccessKey": "[^"]+",
  "SessionToken": "[^"]+",
  "Expiration": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00"
\}$`)
	if !shape.Match(body) {
		t.Fatalf("GET / body:\n%s", body)
	}
	var pc struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	noErr(t, json.Unmarshal(body, &pc))
	exp, err := time.Parse(time.RFC3339, pc.Expiration)
	if err != nil || time.Until(exp) < 14*time.Minute || time.Until(exp) > 16*time.Minute {
		t.Fatalf("Expiration %s (%v)", pc.Expiration, err)
	}

	// Real S3 calls with them.
	s3c := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.moto.URL),
		UsePathStyle: true,
		Credentials:  awscreds.NewStaticCredentialsProvider(pc.AccessKeyId, pc.SecretAccessKey, pc.SessionToken),
	})
	if _, err := s3c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("ls-bucket"), Key: aws.String("hello.txt"), Body: strings.NewReader("hi")}); err != nil {
		t.Fatalf("PutObject with served credentials: %v", err)
	}
	list, err := s3c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("ls-bucket")})
	if err != nil || len(list.Contents) != 1 {
		t.Fatalf("ListObjectsV2: %v", err)
	}
	// STS sees the assumed role with the reference's session name.
	stsc := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.moto.URL),
		Credentials: awscreds.NewStaticCredentialsProvider(pc.AccessKeyId, pc.SecretAccessKey, pc.SessionToken)})
	id, err := stsc.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || !strings.HasSuffix(aws.ToString(id.Arn), ":assumed-role/s3-credentials.AmazonS3FullAccess/s3.read-write.ls-bucket") {
		t.Fatalf("caller identity: %v %v", aws.ToString(id.Arn), err)
	}

	// The container format carries the same credentials.
	code, body = s.get("/container-credentials")
	var cc struct{ AccessKeyId, SecretAccessKey, Token, Expiration string }
	if err := json.Unmarshal(body, &cc); err != nil || code != 200 {
		t.Fatalf("container: %d %s", code, body)
	}
	if cc.AccessKeyId != pc.AccessKeyId || cc.SecretAccessKey != pc.SecretAccessKey || cc.Token != pc.SessionToken {
		t.Fatal("the two formats serve different credentials")
	}
	if code, body := s.get("/elsewhere"); code != 404 || string(body) != `{"error": "Not found"}` {
		t.Fatalf("404: %d %s", code, body)
	}
	// A browser page rebinding its name to 127.0.0.1 gets nothing.
	if code, body := s.get("/", "Host", "rebind.example:"+port); code != 403 {
		t.Fatalf("foreign Host: %d %s", code, body)
	}
	if code, _ := s.get("/", "Host", "localhost:"+port); code != 200 {
		t.Fatalf("Host localhost: %d", code)
	}

	// An SDK pointed at the server with AWS_CONTAINER_CREDENTIALS_FULL_URI.
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", s.URL+"/container-credentials")
	cfg := must(config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"))).ok(t)
	got, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || got.AccessKeyID != pc.AccessKeyId || got.Source == "" || !got.CanExpire {
		t.Fatalf("SDK container credentials: %+v %v", got.AccessKeyID, err)
	}
	sdkS3 := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(e.moto.URL)
		o.UsePathStyle = true
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	if _, err := sdkS3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("ls-bucket"), Key: aws.String("hello.txt")}); err != nil {
		t.Fatalf("GetObject through container credentials: %v", err)
	}

	if code := s.stop(); code != 0 {
		t.Fatalf("exit %d after Ctrl+C\n%s", code, s.stderr.String())
	}
	out := s.stderr.String()
	if !strings.HasSuffix(out, "Shutting down server...\n") {
		t.Fatalf("no shutdown line:\n%s", out)
	}
	logLines := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d - 127\.0\.0\.1 "GET (\S+) HTTP/1\.1" (\d+) \d+ [\d.]+ms$`).FindAllStringSubmatch(out, -1)
	if len(logLines) != 6 {
		t.Fatalf("want 6 access-log lines:\n%s", out)
	}
	for _, secret := range []string{pc.SecretAccessKey, pc.SessionToken} {
		if strings.Contains(out, secret) {
			t.Fatal("stderr holds a secret")
		}
	}
	if s.stdout.String() != "" {
		t.Fatalf("stdout: %q", s.stdout.String())
	}
}

func TestLocalserverSeveralBucketsAndToken(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("ls-one")
	e.makeBucket("ls-two")
	s := startLocalserver(t, e, "ls-one", "ls-two", "-d", "1h", "-p", "0", "--host", "127.0.0.1", "--read-only", "--generate-token")
	out := s.stderr.String()
	if !strings.Contains(out, "Serving read-only credentials for buckets 'ls-one', 'ls-two' at ") {
		t.Fatalf("start-up:\n%s", out)
	}
	m := regexp.MustCompile(`Authorization header \(AWS_CONTAINER_AUTHORIZATION_TOKEN\): ([0-9a-f]{64})\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no generated token:\n%s", out)
	}
	token := m[1]
	if code, _ := s.get("/"); code != 401 {
		t.Fatalf("without token: %d", code)
	}
	if code, _ := s.get("/", "Authorization", "Bearer "+strings.Repeat("0", 64)); code != 401 {
		t.Fatalf("wrong token: %d", code)
	}
	code, body := s.get("/", "Authorization", "Bearer "+token)
	if code != 200 {
		t.Fatalf("with token: %d %s", code, body)
	}
	var pc struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	_ = json.Unmarshal(body, &pc)
	stsc := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.moto.URL),
		Credentials: awscreds.NewStaticCredentialsProvider(pc.AccessKeyId, pc.SecretAccessKey, pc.SessionToken)})
	id, err := stsc.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || !strings.HasSuffix(aws.ToString(id.Arn), "/s3.read-only.ls-one,ls-two") {
		t.Fatalf("caller identity: %v %v", aws.ToString(id.Arn), err)
	}
	s.stop()
	if n := strings.Count(s.stderr.String(), token); n != 1 {
		t.Fatalf("token printed %d times", n)
	}
}

func TestLocalserverWarnsWithoutTokenOnAllInterfaces(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("ls-open")
	s := startLocalserver(t, e, "ls-open", "-d", "15m", "-p", "0", "--host", "0.0.0.0")
	if !strings.Contains(s.stderr.String(), "Warning: listening on 0.0.0.0:") {
		t.Fatalf("no warning:\n%s", s.stderr.String())
	}
	s.stop()
	s = startLocalserver(t, e, "ls-open", "-d", "15m", "-p", "0", "--host", "0.0.0.0", "--token", "abc")
	if strings.Contains(s.stderr.String(), "Warning") || strings.Contains(s.stderr.String(), "abc") {
		t.Fatalf("warning or token shown:\n%s", s.stderr.String())
	}
}

// stsFailingProxy forwards to moto but fails AssumeRole while fail is set.
func stsFailingProxy(t *testing.T, target string, fail *bool, mu *sync.Mutex) string {
	u, _ := url.Parse(target)
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		mu.Lock()
		failing := *fail
		mu.Unlock()
		if failing && bytes.Contains(body, []byte("Action=AssumeRole")) {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(403)
			fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>1</RequestId></ErrorResponse>`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A failure to get the first credentials ends the command with the AWS error.
func TestLocalserverStartupFailure(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("ls-fail")
	fail, mu := true, &sync.Mutex{}
	proxy := stsFailingProxy(t, e.moto.URL, &fail, mu)
	r := e.run("localserver", "ls-fail", "-d", "15m", "-p", "0", "--endpoint-url", proxy)
	want := "Generating initial credentials...\n" + createdRoleSaid + "Error: Failed to start server: InvalidClientTokenId: The security token included in the request is invalid.\n"
	if r.Code != 1 || r.Stderr != want {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
}

// awsCLI returns the path of the aws CLI, or skips (fails under CI).
func awsCLI(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("aws")
	if err != nil {
		testenv.Unavailable(t, "aws CLI", "install it with: pip install awscli")
	}
	return p
}

// awsEnv is an environment for the aws CLI with no credentials of its own.
func awsEnv(t *testing.T, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	dir := t.TempDir()
	return append(env, append([]string{
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none"),
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"),
		"AWS_EC2_METADATA_DISABLED=true",
	}, extra...)...)
}

func runAWS(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(awsCLI(t), args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// The aws CLI reads the credentials through credential_process and through
// AWS_CONTAINER_CREDENTIALS_FULL_URI (with the token).
func TestLocalserverAWSCLI(t *testing.T) {
	t.Parallel()
	awsCLI(t)
	curl, err := exec.LookPath("curl")
	if err != nil {
		testenv.Unavailable(t, "curl", "install curl")
	}
	e := newE2E(t)
	e.makeBucket("ls-cli")
	must(e.Clients.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("ls-cli"), Key: aws.String("seen-by-cli.txt"), Body: strings.NewReader("x")})).ok(t)
	s := startLocalserver(t, e, "ls-cli", "-d", "15m", "-p", "0", "--host", "127.0.0.1", "--token", "cli-secret-token")
	assumed := "assumed-role/s3-credentials.AmazonS3FullAccess/s3.read-write.ls-cli"

	t.Run("credential_process", func(t *testing.T) {
		dir := t.TempDir()
		cfgFile := filepath.Join(dir, "config")
		cfg := fmt.Sprintf("[profile ls]\nregion = us-east-1\ncredential_process = %s -sf -H \"Authorization: Bearer cli-secret-token\" %s/\n", curl, s.URL)
		noErr(t, os.WriteFile(cfgFile, []byte(cfg), 0o600))
		env := awsEnv(t, "AWS_CONFIG_FILE="+cfgFile)
		if out := runAWS(t, env, "--profile", "ls", "--endpoint-url", e.moto.URL, "sts", "get-caller-identity"); !strings.Contains(out, assumed) {
			t.Fatalf("get-caller-identity:\n%s", out)
		}
		if out := runAWS(t, env, "--profile", "ls", "--endpoint-url", e.moto.URL, "s3", "ls", "s3://ls-cli/"); !strings.Contains(out, "seen-by-cli.txt") {
			t.Fatalf("s3 ls:\n%s", out)
		}
	})
	t.Run("container", func(t *testing.T) {
		env := awsEnv(t,
			"AWS_CONTAINER_CREDENTIALS_FULL_URI="+s.URL+"/container-credentials",
			"AWS_CONTAINER_AUTHORIZATION_TOKEN=cli-secret-token")
		if out := runAWS(t, env, "--endpoint-url", e.moto.URL, "sts", "get-caller-identity"); !strings.Contains(out, assumed) {
			t.Fatalf("get-caller-identity:\n%s", out)
		}
		if out := runAWS(t, env, "--endpoint-url", e.moto.URL, "s3", "ls", "s3://ls-cli/"); !strings.Contains(out, "seen-by-cli.txt") {
			t.Fatalf("s3 ls:\n%s", out)
		}
		// Without the token the CLI gets nothing.
		cmd := exec.Command(awsCLI(t), "--endpoint-url", e.moto.URL, "sts", "get-caller-identity")
		cmd.Env = awsEnv(t, "AWS_CONTAINER_CREDENTIALS_FULL_URI="+s.URL+"/container-credentials")
		if out, err := cmd.CombinedOutput(); err == nil {
			t.Fatalf("worked without the token:\n%s", out)
		}
	})
	s.stop()
	log := s.stderr.String()
	if !strings.Contains(log, `"GET / HTTP/1.1" 200`) || !strings.Contains(log, `"GET /container-credentials HTTP/1.1" 200`) || !strings.Contains(log, `"GET /container-credentials HTTP/1.1" 401`) {
		t.Fatalf("access log:\n%s", log)
	}
	if strings.Contains(log, "cli-secret-token") {
		t.Fatal("token in the log")
	}
}

// STS failing and recovering, against moto through a proxy that can fail
// AssumeRole, with the server's clock moved by hand: the real source, cache
// and handler, and the real AWS error text in the 500 body.
func TestLocalserverSTSFailureAndRecovery(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("ls-flaky")
	fail, mu := false, &sync.Mutex{}
	setFail := func(v bool) { mu.Lock(); fail = v; mu.Unlock() }
	proxy := stsFailingProxy(t, e.moto.URL, &fail, mu)
	cfg := must(awsclient.LoadConfig(context.Background(), awsclient.Options{EndpointURL: proxy}, nil)).ok(t)
	c := awsclient.New(cfg)
	var calls atomic.Int64
	src := &sessionSource{
		creator: &credentials.Creator{IAM: c.IAM, STS: countingSTS{c.STS, &calls}, S3: c.S3},
		req:     &credentials.Request{Buckets: []string{"ls-flaky"}, Permission: policy.ReadWrite, DurationSeconds: 900},
	}
	var clockMu sync.Mutex
	now := time.Now()
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	advance := func(d time.Duration) { clockMu.Lock(); now = now.Add(d); clockMu.Unlock() }
	logs := &lsBuffer{}
	cache := localserver.NewCache(src, clock, localserver.LineWriter(logs))
	cache.ErrorText = awsclient.ErrorMessage
	srv := httptest.NewServer(&localserver.Handler{Cache: cache})
	defer srv.Close()
	var lastExpiration string
	getKey := func() (int, string) {
		resp := must(http.Get(srv.URL + "/")).ok(t) //nolint:bodyclose // closed below: the linter cannot follow must
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		if resp.StatusCode != 200 {
			return resp.StatusCode, fmt.Sprint(m["error"])
		}
		lastExpiration, _ = m["Expiration"].(string)
		return 200, m["AccessKeyId"].(string)
	}
	code, first := getKey()
	if code != 200 || calls.Load() != 1 {
		t.Fatalf("first: %d %s, %d AssumeRole calls", code, first, calls.Load())
	}
	// The clock starts when moto issued the session (its Expiration less
	// the 15 minutes), however long getting it took on a loaded machine.
	exp, err := time.Parse(time.RFC3339, lastExpiration)
	if err != nil {
		t.Fatalf("Expiration %q: %v", lastExpiration, err)
	}
	clockMu.Lock()
	now = exp.Add(-15 * time.Minute)
	clockMu.Unlock()

	// STS fails from the refresh window on: the current credentials are served.
	setFail(true)
	advance(9*time.Minute + time.Second)
	if code, key := getKey(); code != 200 || key != first {
		t.Fatalf("in the refresh window with STS down: %d %s", code, key)
	}
	waitUntil(t, "logged failure", func() bool { return strings.Contains(logs.String(), "Could not refresh credentials") })
	if !strings.Contains(logs.String(), "InvalidClientTokenId: The security token included in the request is invalid.; still serving the current ones") {
		t.Fatalf("log: %s", logs.String())
	}
	// Past the hand-out limit: a 500 with the AWS error, and the server lives on.
	advance(3 * time.Minute)
	code, msg := getKey()
	if code != 500 || msg != "InvalidClientTokenId: The security token included in the request is invalid." {
		t.Fatalf("near expiry with STS down: %d %s", code, msg)
	}
	// STS recovers.
	setFail(false)
	advance(localserver.MaxBackoff)
	code, key := getKey()
	if code != 200 || key == first {
		t.Fatalf("after recovery: %d %s (first %s)", code, key, first)
	}
	if code, again := getKey(); code != 200 || again != key {
		t.Fatalf("not cached after recovery: %s", again)
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// countingSTS counts AssumeRole calls.
type countingSTS struct {
	credentials.STSAPI
	n *atomic.Int64
}

func (c countingSTS) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, opts ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	c.n.Add(1)
	return c.STSAPI.AssumeRole(ctx, in, opts...)
}

func TestLocalserverPortInUse(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("ls-busy")
	ln := must(net.Listen("tcp", "127.0.0.1:0")).ok(t)
	defer ln.Close()
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	r := e.run("localserver", "ls-busy", "-d", "15m", "--host", "127.0.0.1", "-p", port)
	if r.Code != 1 || !strings.HasPrefix(r.Stderr, "Generating initial credentials...\n"+createdRoleSaid+"Error: Failed to start server: ") ||
		!strings.Contains(r.Stderr, "address already in use") {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
}

// 500 concurrent clients at a cold cache, then at an expiring one, against
// moto: exactly one real AssumeRole each time.
func TestLocalserverConcurrentAssumeRoleCount(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("ls-crowd")
	var calls atomic.Int64
	src := &sessionSource{
		creator: &credentials.Creator{IAM: e.Clients.IAM, STS: countingSTS{e.Clients.STS, &calls}, S3: e.Clients.S3},
		req:     &credentials.Request{Buckets: []string{"ls-crowd"}, Permission: policy.ReadOnly, DurationSeconds: 3600},
	}
	var clockMu sync.Mutex
	now := time.Now()
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	cache := localserver.NewCache(src, clock, nil)
	srv := httptest.NewServer(&localserver.Handler{Cache: cache})
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 500}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	crowd := func() map[string]int {
		const n = 500
		keys := map[string]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := client.Get(srv.URL + "/")
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				var m struct{ AccessKeyId string }
				if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
					t.Errorf("%d %v", resp.StatusCode, err)
					return
				}
				mu.Lock()
				keys[m.AccessKeyId]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		return keys
	}
	if keys := crowd(); calls.Load() != 1 || len(keys) != 1 {
		t.Fatalf("cold cache: %d AssumeRole calls, %d different keys", calls.Load(), len(keys))
	}
	// Past the hand-out limit (last 12 minutes of the hour) everyone waits
	// for the same single refresh.
	clockMu.Lock()
	now = now.Add(49 * time.Minute)
	clockMu.Unlock()
	keys := crowd()
	if calls.Load() != 2 || len(keys) != 1 {
		t.Fatalf("expiring cache: %d AssumeRole calls in total, keys %v", calls.Load(), keys)
	}
}
