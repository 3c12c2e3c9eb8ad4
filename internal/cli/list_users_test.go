package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Golden files of the account commands live under testdata/account/. The
// values moto makes up afresh on every run are normalised before comparing:
// every timestamp (Python str(datetime) form) becomes <date>, and each id
// moto generated (user, role and policy ids, access key ids) becomes
// <id:NAME> for the thing it belongs to. Everything else is byte for byte.
//
// With S3C_REFERENCE set to a command running the Python reference (for
// example "python3 -m s3_credentials.cli"), every test that calls
// sameAsReference also runs the reference on the same moto state and
// requires the very same stdout and exit code, unnormalised.

var acctPyDate = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?\+00:00`)

// acctNormalizer replaces volatile values with stable placeholders.
type acctNormalizer struct{ pairs []string }

func (n *acctNormalizer) add(value, placeholder string) {
	if value != "" {
		n.pairs = append(n.pairs, value, placeholder)
	}
}

func (n *acctNormalizer) apply(s string) string {
	if len(n.pairs) > 0 {
		s = strings.NewReplacer(n.pairs...).Replace(s)
	}
	return acctPyDate.ReplaceAllString(s, "<date>")
}

// sameAsReference runs the reference with args against this test's moto
// and requires its stdout and exit code to equal got's.
func (e *e2e) sameAsReference(got result, args ...string) {
	e.t.Helper()
	e.compareReference(got, false, args...)
}

// sameAsReferenceWithStderr also requires the same stderr.
func (e *e2e) sameAsReferenceWithStderr(got result, args ...string) {
	e.t.Helper()
	e.compareReference(got, true, args...)
}

func (e *e2e) compareReference(got result, withStderr bool, args ...string) {
	e.t.Helper()
	ref, ok := runReference(e.t, append(args, "--endpoint-url", e.moto.URL)...)
	if !ok {
		return
	}
	if ref.Stdout != got.Stdout || ref.Code != got.Code || (withStderr && ref.Stderr != got.Stderr) {
		e.t.Errorf("%v differs from the reference\n--- reference (exit %d)\n%s%s\n--- ours (exit %d)\n%s%s",
			args, ref.Code, ref.Stdout, ref.Stderr, got.Code, got.Stdout, got.Stderr)
	}
}

func acctCtx() context.Context { return context.Background() }

// acctCreateUser makes an IAM user on moto and registers its id with n.
func (e *e2e) acctCreateUser(n *acctNormalizer, in *iam.CreateUserInput) {
	e.t.Helper()
	out := must(e.Clients.IAM.CreateUser(acctCtx(), in)).ok(e.t)
	if n != nil {
		n.add(aws.ToString(out.User.UserId), "<id:"+aws.ToString(in.UserName)+">")
	}
}

func TestListUsers(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	r := e.ok("list-users")
	if r.Stdout != "[]\n" {
		t.Errorf("no users: got %q, want []", r.Stdout)
	}
	e.sameAsReference(r, "list-users")

	n := &acctNormalizer{}
	e.acctCreateUser(n, &iam.CreateUserInput{UserName: aws.String("alice")})
	e.acctCreateUser(n, &iam.CreateUserInput{UserName: aws.String("bob"), Path: aws.String("/team/"),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("data, \"ops\"")}}})
	e.acctCreateUser(n, &iam.CreateUserInput{UserName: aws.String("s3.read-write.b\u00e9")})

	for _, tc := range []struct{ name, flag string }{
		{"list-users.json", ""},
		{"list-users.nl", "--nl"},
		{"list-users.csv", "--csv"},
		{"list-users.tsv", "--tsv"},
	} {
		args := []string{"list-users"}
		if tc.flag != "" {
			args = append(args, tc.flag)
		}
		r := e.ok(args...)
		golden(t, "account/"+tc.name, n.apply(r.Stdout))
		if r.Stderr != "" {
			t.Errorf("%v: unexpected stderr %q", args, r.Stderr)
		}
		e.sameAsReference(r, args...)
	}
}

// TestListUsersPaginates lists more users than fit on a page. moto 5.2
// ignores MaxItems on ListUsers, so a fake IAM serves the pages.
func TestListUsersPaginates(t *testing.T) {
	t.Parallel()
	fake := &acctFakeIAM{total: 7, pageSize: 3}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	r := run(t, "", "list-users", "--nl", "--endpoint-url", srv.URL)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n") {
		m := regexp.MustCompile(`"UserName": "([^"]+)"`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line without UserName: %q", line)
		}
		got = append(got, m[1])
	}
	want := "user-000000,user-000001,user-000002,user-000003,user-000004,user-000005,user-000006"
	if strings.Join(got, ",") != want {
		t.Errorf("got users %v, want %s", got, want)
	}
	fake.mu.Lock()
	pages := len(fake.pages)
	fake.mu.Unlock()
	if pages != 3 {
		t.Errorf("%d pages fetched, want 3", pages)
	}
}

// TestListUsersFailsMidway: a page that fails after the first was printed
// ends the command with the AWS error and exit 1, no crash.
func TestListUsersFailsMidway(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(&acctFakeIAM{total: 500, pageSize: 100, failPage: 2})
	defer srv.Close()
	r := run(t, "", "list-users", "--csv", "--endpoint-url", srv.URL)
	if r.Code != 1 || r.Stderr != "Error: AccessDenied: not allowed to list users\n" {
		t.Errorf("got exit %d, stderr %q", r.Code, r.Stderr)
	}
	if n := strings.Count(r.Stdout, "\r\n"); n != 201 {
		t.Errorf("%d CSV lines before the failure, want 201 (header and two pages)", n)
	}
}

// acctFakeIAM serves ListUsers pages of pageSize users out of total, the way
// IAM does (Marker / IsTruncated). beforePage, when set, runs before page
// n (counted from 0, told by the request's Marker) is answered, each time
// it is asked for.
type acctFakeIAM struct {
	total, pageSize int
	beforePage      func(page int)
	// failPage, when above zero, is a page answered with an AccessDenied.
	failPage int
	mu       sync.Mutex
	// pages are the pages asked for, counted once each: the SDK may send a
	// request again (it retries when its connection is closed as it drains
	// an answer it has already read), so pages are told apart by Marker, not
	// by the order of the requests.
	pages map[int]bool
}

func (f *acctFakeIAM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Form.Get("Action") != "ListUsers" {
		w.WriteHeader(400)
		fmt.Fprint(w, `<ErrorResponse><Error><Code>InvalidAction</Code><Message>only ListUsers</Message></Error></ErrorResponse>`)
		return
	}
	start := 0
	fmt.Sscan(r.Form.Get("Marker"), &start)
	n := start / f.pageSize
	f.mu.Lock()
	if f.pages == nil {
		f.pages = map[int]bool{}
	}
	f.pages[n] = true
	f.mu.Unlock()
	if f.beforePage != nil {
		f.beforePage(n)
	}
	if f.failPage > 0 && n == f.failPage {
		w.WriteHeader(403)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed to list users</Message></Error><RequestId>1</RequestId></ErrorResponse>`)
		return
	}
	end := start + f.pageSize
	if end > f.total {
		end = f.total
	}
	var b strings.Builder
	b.WriteString(`<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><Users>`)
	for i := start; i < end; i++ {
		fmt.Fprintf(&b, `<member><Path>/</Path><UserName>user-%06d</UserName><UserId>AIDA%016d</UserId><Arn>arn:aws:iam::123456789012:user/user-%06d</Arn><CreateDate>2024-01-02T03:04:05Z</CreateDate></member>`, i, i, i)
	}
	b.WriteString(`</Users>`)
	if end < f.total {
		fmt.Fprintf(&b, `<IsTruncated>true</IsTruncated><Marker>%d</Marker>`, end)
	} else {
		b.WriteString(`<IsTruncated>false</IsTruncated>`)
	}
	b.WriteString(`</ListUsersResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListUsersResponse>`)
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, b.String())
}

// acctSignalWriter reports when what was written so far contains want.
type acctSignalWriter struct {
	mu   sync.Mutex
	b    strings.Builder
	want string
	seen chan struct{}
	once sync.Once
}

func (s *acctSignalWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Write(p)
	if strings.Contains(s.b.String(), s.want) {
		s.once.Do(func() { close(s.seen) })
	}
	return len(p), nil
}

// TestListUsersStreams proves the first page is printed before the second
// is fetched: the fake IAM holds page two back until user 0 is on stdout.
func TestListUsersStreams(t *testing.T) {
	t.Parallel()
	for _, flag := range []string{"", "--nl", "--csv"} {
		out := &acctSignalWriter{want: "user-000000", seen: make(chan struct{})}
		fake := &acctFakeIAM{total: 250, pageSize: 100}
		fake.beforePage = func(page int) {
			if page == 1 {
				select {
				case <-out.seen:
				case <-time.After(10 * time.Second):
					t.Errorf("%q: page 2 was asked for before page 1 was printed", flag)
				}
			}
		}
		srv := httptest.NewServer(fake)
		args := []string{"list-users", "--endpoint-url", srv.URL}
		if flag != "" {
			args = append(args, flag)
		}
		streams := &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &strings.Builder{}}
		code := Run(context.Background(), args, streams)
		srv.Close()
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, streams.ErrOut)
		}
		if c := strings.Count(out.b.String(), "user-0"); c != 250*2 { // name and ARN
			t.Errorf("%q: %d mentions of users, want 500", flag, c)
		}
	}
}
