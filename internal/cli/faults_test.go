package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

// fault is what the proxy does with one request.
type fault int

const (
	pass      fault = iota
	drop            // close the connection without forwarding or answering
	lostReply       // forward it, then close the connection instead of answering
	status500       // answer 500 InternalError
	slowDown        // answer 503 SlowDown (S3) / Throttling (IAM, STS)
	acted500        // forward it, then answer 500 InternalError, as a load balancer whose backend acted may
)

// faultAt is the plan that does f to the n-th request (from 0) of op, and
// passes every other.
func faultAt(op string, n int, f fault) func(string, int) fault {
	return func(o string, i int) fault {
		if o == op && i == n {
			return f
		}
		return pass
	}
}

// unanswered are the fates of a request the server acted on without the
// tool learning so: the SDK sends it again.
var unanswered = []struct {
	name  string
	fault fault
}{{"lost answer", lostReply}, {"500 after acting", acted500}}

// faultProxy sits between the tool and moto and misbehaves as planned.
type faultProxy struct {
	t      *testing.T
	target *url.URL
	// plan decides the fate of a request from the operation's name and how
	// many times that operation was asked for before.
	plan func(op string, attempt int) fault

	mu       sync.Mutex
	attempts map[string]int
	log      []string
}

func newFaultProxy(t *testing.T, e *e2e, plan func(op string, attempt int) fault) *faultProxy {
	t.Helper()
	target := must(url.Parse(e.moto.URL)).ok(t)
	p := &faultProxy{t: t, target: target, plan: plan, attempts: map[string]int{}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	// The tool goes through the proxy; e.Clients still reach moto directly.
	e.endpoint = srv.URL
	// Retry at once: the waits between attempts are not what is tested.
	e.maxBackoff = 20 * time.Millisecond
	return p
}

// opName is the AWS operation of a request: the Action of IAM and STS
// query requests, or method and path for S3.
func opName(r *http.Request, body []byte) string {
	if v, err := url.ParseQuery(string(body)); err == nil && v.Get("Action") != "" {
		return v.Get("Action")
	}
	return r.Method + " " + r.URL.Path
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	op := opName(r, body)
	p.mu.Lock()
	n := p.attempts[op]
	p.attempts[op]++
	f := p.plan(op, n)
	p.log = append(p.log, fmt.Sprintf("%s#%d:%d", op, n, f))
	p.mu.Unlock()

	isS3 := strings.Contains(op, " ")
	switch f {
	case drop:
		hangUp(w)
		return
	case status500:
		writeError(w, isS3, http.StatusInternalServerError, "InternalError", "injected failure")
		return
	case slowDown:
		code := "Throttling"
		if isS3 {
			code = "SlowDown"
		}
		writeError(w, isS3, http.StatusServiceUnavailable, code, "Please reduce your request rate.")
		return
	}

	resp, data, err := relay(r, p.target.String(), body)
	if err != nil {
		hangUp(w)
		return
	}
	switch f {
	case lostReply:
		hangUp(w) // done on the server, but the answer never arrives
		return
	case acted500:
		writeError(w, isS3, http.StatusInternalServerError, "InternalError", "injected failure after the server acted")
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(data)
}

func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func writeError(w http.ResponseWriter, isS3 bool, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	if isS3 {
		fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message><RequestId>fault</RequestId></Error>", code, msg)
		return
	}
	fmt.Fprintf(w, "<ErrorResponse><Error><Type>Receiver</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>fault</RequestId></ErrorResponse>", code, msg)
}

func (p *faultProxy) count(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.attempts[op]
}

// iamState is what IAM holds for a user: inline policy names and keys, or
// nil when the user does not exist.
func (e *e2e) iamState(user string) *userState {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.Clients.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(user)}); err != nil {
		if awsclient.IsNotFound(err) {
			return nil
		}
		e.t.Fatal(err)
	}
	pols := must(e.Clients.IAM.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(user)})).ok(e.t)
	keys := must(e.Clients.IAM.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})).ok(e.t)
	s := &userState{Policies: pols.PolicyNames}
	for _, k := range keys.AccessKeyMetadata {
		s.Keys = append(s.Keys, aws.ToString(k.AccessKeyId))
	}
	return s
}

type userState struct {
	Policies []string
	Keys     []string
}

// bucket makes a bucket on moto directly.
func (e *e2e) bucket(name string) {
	e.t.Helper()
	must(e.Clients.S3.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)})).ok(e.t)
}

// Connections dropped before the request reaches the server: whoami tries
// again and succeeds, within the tool's attempts (more than the SDK's 3).
func TestFaultsWhoamiDroppedConnections(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	p := newFaultProxy(t, e, func(op string, n int) fault {
		if n < awsclient.DefaultMaxAttempts-1 {
			return drop
		}
		return pass
	})
	r := e.ok("whoami")
	if !strings.Contains(r.Stdout, `"Account": "123456789012"`) {
		t.Errorf("stdout %q", r.Stdout)
	}
	if got := p.count("GetCallerIdentity"); got != awsclient.DefaultMaxAttempts {
		t.Errorf("GetCallerIdentity tried %d times, want %d", got, awsclient.DefaultMaxAttempts)
	}
}

// Every call first meets throttling and 500s: create still finishes, with
// the same output as without them.
func TestFaultsCreateThroughThrottlingAnd500s(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.bucket("faulty")
	p := newFaultProxy(t, e, func(op string, n int) fault {
		switch n {
		case 0:
			return slowDown
		case 1:
			return status500
		}
		return pass
	})
	r := e.ok("create", "faulty")
	want := "Created  user: 's3.read-write.faulty' with permissions boundary: 'arn:aws:iam::aws:policy/AmazonS3FullAccess'\n" +
		"Attached policy s3.read-write.faulty to user s3.read-write.faulty\n" +
		"Created access key for user: s3.read-write.faulty\n"
	if r.Stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.Stderr, want)
	}
	s := e.iamState("s3.read-write.faulty")
	if s == nil || len(s.Keys) != 1 || len(s.Policies) != 1 || !strings.Contains(r.Stdout, s.Keys[0]) {
		t.Errorf("IAM state %+v, stdout %s", s, r.Stdout)
	}
	for _, op := range []string{"CreateUser", "PutUserPolicy", "CreateAccessKey"} {
		if got := p.count(op); got != 3 {
			t.Errorf("%s tried %d times, want 3", op, got)
		}
	}
}

// An outage longer than the attempts, starting half-way: create fails
// with a clear message and undoes what it did.
func TestFaultsCreateGivesUpAndUndoes(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.bucket("faulty")
	newFaultProxy(t, e, func(op string, n int) fault {
		if op == "CreateAccessKey" {
			return status500
		}
		return pass
	})
	r := e.run("create", "faulty")
	if r.Code != 1 {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	wantErr := fmt.Sprintf("Error: gave up after %d attempts: InternalError: injected failure\n", awsclient.DefaultMaxAttempts)
	if !strings.HasSuffix(r.Stderr, wantErr) {
		t.Errorf("stderr does not end with %q:\n%s", wantErr, r.Stderr)
	}
	for _, line := range []string{
		"Undone: deleted inline policy s3.read-write.faulty from user s3.read-write.faulty\n",
		"Undone: deleted user s3.read-write.faulty\n",
	} {
		if !strings.Contains(r.Stderr, line) {
			t.Errorf("stderr lacks %q:\n%s", line, r.Stderr)
		}
	}
	if r.Stdout != "" {
		t.Errorf("stdout %q", r.Stdout)
	}
	if s := e.iamState("s3.read-write.faulty"); s != nil {
		t.Errorf("user left behind: %+v", s)
	}
}

// The server acts on a request but the tool does not learn so (the answer
// is lost, or a 500 comes back): the SDK sends it again. create must still
// end with exactly one user, one policy and one key: a CreateUser that then
// finds the user it made carries on, and the extra key of a repeated
// CreateAccessKey is deleted.
func TestFaultsCreateLostReplies(t *testing.T) {
	t.Parallel()
	for _, u := range unanswered {
		for _, op := range []string{"CreateUser", "PutUserPolicy", "CreateAccessKey"} {
			t.Run(u.name+"/"+op, func(t *testing.T) {
				t.Parallel()
				e := newE2E(t)
				e.bucket("faulty")
				newFaultProxy(t, e, faultAt(op, 0, u.fault))
				r := e.run("create", "faulty")
				s := e.iamState("s3.read-write.faulty")
				if r.Code != 0 {
					t.Fatalf("create failed (%s), leaving %+v", strings.TrimSpace(r.Stderr), s)
				}
				if s == nil || len(s.Keys) != 1 || len(s.Policies) != 1 || !strings.Contains(r.Stdout, s.Keys[0]) {
					t.Errorf("IAM state %+v\nstdout %s\nstderr %s", s, r.Stdout, r.Stderr)
				}
				// The key the lost answer carried is deleted, and that is said.
				if deleted := strings.Contains(r.Stderr, "Deleted access key "); deleted != (op == "CreateAccessKey") {
					t.Errorf("stderr:\n%s", r.Stderr)
				}
			})
		}
	}
}

// Temporary credentials through throttling: the role is created once and
// AssumeRole retried.
func TestFaultsCreateTemporary(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.bucket("faulty")
	newFaultProxy(t, e, func(op string, n int) fault {
		if n < 2 {
			return []fault{drop, slowDown}[n]
		}
		return pass
	})
	r := e.ok("create", "faulty", "-d", "15m", "--read-only")
	checkOneRole(t, e, r)
}

// The answer to CreateRole is lost, or a 500 after the role was made: the
// SDK's second attempt finds the role, which is then used.
func TestFaultsCreateRoleLostReply(t *testing.T) {
	t.Parallel()
	for _, u := range unanswered {
		t.Run(u.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t)
			e.bucket("faulty")
			newFaultProxy(t, e, faultAt("CreateRole", 0, u.fault))
			checkOneRole(t, e, e.ok("create", "faulty", "-d", "15m"))
		})
	}
}

func checkOneRole(t *testing.T, e *e2e, r result) {
	t.Helper()
	if !strings.Contains(r.Stdout, `"SessionToken"`) {
		t.Errorf("stdout %s", r.Stdout)
	}
	roles := must(e.Clients.IAM.ListRoles(context.Background(), &iam.ListRolesInput{})).ok(t)
	if len(roles.Roles) != 1 {
		t.Fatalf("%d roles", len(roles.Roles))
	}
	att := must(e.Clients.IAM.ListAttachedRolePolicies(context.Background(), &iam.ListAttachedRolePoliciesInput{RoleName: roles.Roles[0].RoleName})).ok(t)
	if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyName) != "AmazonS3FullAccess" {
		t.Errorf("role policies %+v", att.AttachedPolicies)
	}
}

// An existing user with one key: the unanswered attempt's key takes the
// second slot, so the repeated CreateAccessKey is refused. That key is
// deleted and the key made again; the user ends with its old key and the
// new one.
func TestFaultsCreateLostReplyExistingUser(t *testing.T) {
	t.Parallel()
	for _, u := range unanswered {
		t.Run(u.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t)
			e.bucket("faulty")
			ctx := context.Background()
			must(e.Clients.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})).ok(t)
			old := must(e.Clients.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})).ok(t)
			newFaultProxy(t, e, faultAt("CreateAccessKey", 0, u.fault))
			r := e.ok("create", "faulty", "--username", "alice")
			checkOldAndPrinted(t, e, "alice", aws.ToString(old.AccessKey.AccessKeyId), r)
		})
	}
}

// rotate-key, whose CreateAccessKey the server acts on unanswered: the
// key made again is printed, the one nobody saw is deleted and that is
// said, and the old key stays.
func TestFaultsRotateKeyUnanswered(t *testing.T) {
	t.Parallel()
	for _, u := range unanswered {
		t.Run(u.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t)
			old := e.makeUser("alice", 1)
			newFaultProxy(t, e, faultAt("CreateAccessKey", 0, u.fault))
			checkOldAndPrinted(t, e, "alice", old[0], e.ok("rotate-key", "alice"))
		})
	}
}

// checkOldAndPrinted checks that user holds two keys, old and the one r
// printed, and that r said it deleted a key.
func checkOldAndPrinted(t *testing.T, e *e2e, user, old string, r result) {
	t.Helper()
	s := e.iamState(user)
	if s == nil || len(s.Keys) != 2 || !slices.Contains(s.Keys, old) {
		t.Fatalf("IAM state %+v\nstderr %s", s, r.Stderr)
	}
	for _, k := range s.Keys {
		if k != old && !strings.Contains(r.Stdout, k) {
			t.Errorf("key %s is neither the old one nor the one printed:\n%s", k, r.Stdout)
		}
	}
	if !strings.Contains(r.Stderr, "Deleted access key ") {
		t.Errorf("stderr:\n%s", r.Stderr)
	}
}

// relayed is the head of an answer relay passed on.
type relayed struct {
	StatusCode int
	Header     http.Header
}

// relay sends r, with body, to target (scheme and host) as the test
// proxies do, and returns the answer with its body read.
func relay(r *http.Request, target string, body []byte) (relayed, []byte, error) {
	out, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return relayed{}, nil, err
	}
	out.Header = r.Header.Clone()
	out.ContentLength = int64(len(body))
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		return relayed{}, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return relayed{StatusCode: resp.StatusCode, Header: resp.Header}, data, err
}

// CreateBucket acted on unanswered: the SDK's second attempt finds the
// bucket this run made, in us-east-1 and outside it, and create carries on
// as if the first answer had come.
func TestFaultsCreateBucketUnanswered(t *testing.T) {
	t.Parallel()
	for _, u := range unanswered {
		for _, region := range []string{"", "eu-west-1"} {
			t.Run(u.name+"/"+region, func(t *testing.T) {
				t.Parallel()
				e := newE2E(t)
				newFaultProxy(t, e, faultAt("PUT /new-bucket", 0, u.fault))
				args := []string{"create", "new-bucket", "-c"}
				if region != "" {
					args = append(args, "--bucket-region", region)
				}
				r := e.run(args...)
				if r.Code != 0 || !strings.Contains(r.Stderr, "Created bucket: new-bucket") {
					t.Fatalf("exit %d\nstderr %s", r.Code, r.Stderr)
				}
				if s := e.iamState("s3.read-write.new-bucket"); s == nil || len(s.Keys) != 1 || !strings.Contains(r.Stdout, s.Keys[0]) {
					t.Errorf("IAM state %+v\nstdout %s", s, r.Stdout)
				}
			})
		}
	}
}
