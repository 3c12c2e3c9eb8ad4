package cli

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/roles"
	"github.com/s3-credentials/s3-credentials/policy"
)

func (e *e2e) userTags(user string) map[string]string {
	e.t.Helper()
	out := must(e.Clients.IAM.ListUserTags(e.ctx(), &iam.ListUserTagsInput{UserName: aws.String(user)})).ok(e.t)
	tags := map[string]string{}
	for _, t := range out.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags
}

// --expires and --source-ip on create: the conditions on every generated
// statement, the expiry tag on the new user, and the refusals.
func TestCreateExpiresAndSourceIP(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("life-one")
	r := e.ok("create", "life-one", "--read-only", "--prefix", "in/", "--expires", "30d", "--source-ip", "203.0.113.9", "--source-ip", "2001:db8::/32", "--username", "temp-reader")
	if !strings.Contains(r.Stderr, "The credentials stop working at ") {
		t.Errorf("stderr does not say when they expire:\n%s", r.Stderr)
	}
	tag := e.userTags("temp-reader")[credentials.ExpiresTag]
	when, err := time.Parse(time.RFC3339, tag)
	if err != nil || time.Until(when) < 29*24*time.Hour || time.Until(when) > 31*24*time.Hour {
		t.Fatalf("expiry tag %q (%v)", tag, err)
	}
	want := policy.Wrap(policy.ReadOnlyStatements("life-one", policy.Scope{
		Prefixes: []string{"in/"}, Limits: policy.Limits{SourceIPs: []string{"203.0.113.9/32", "2001:db8::/32"}, Expires: when},
	})...)
	if got := e.inlinePolicies("temp-reader")["s3.read-only.life-one"]; got != compactPolicy(want) {
		t.Errorf("policy\n got  %s\n want %s", got, compactPolicy(want))
	}
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"create", "life-one", "--expires", "1h", "-d", "1h"}, 2, "--expires is for permanent credentials"},
		{[]string{"create", "life-one", "--expires", "2020-01-01T00:00:00Z"}, 2, "is not in the future"},
		{[]string{"create", "life-one", "--expires", "soon"}, 2, "Invalid value for '--expires'"},
		{[]string{"create", "life-one", "--source-ip", "10.0.0.0/33"}, 2, "Invalid value for '--source-ip'"},
		{[]string{"create", "life-one", "--expires", "1d", "--username", "temp-reader"}, 1, "User temp-reader was made with --expires " + tag + ", not "},
		{[]string{"create", "life-one", "--read-only", "--prefix", "in/", "--username", "temp-reader"}, 1, "User temp-reader was made with --expires: its credentials stop working at " + tag},
		{[]string{"create", "life-one", "--expires", "100000w"}, 2, "'100000w' is longer than 100 years"},
	} {
		r := e.run(tc.args...)
		if r.Code != tc.code || !strings.Contains(r.Stderr, tc.err) || r.Stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tc.args, r.Code, r.Stdout, r.Stderr)
		}
	}
	// Temporary credentials get the network condition in their session
	// policy (moto does not report it, so the dry run shows it).
	r = e.ok("create", "life-one", "-d", "15m", "--source-ip", "10.0.0.0/8", "--dry-run")
	if !strings.Contains(r.Stdout, `"aws:SourceIp": [`+"\n") || !strings.Contains(r.Stdout, `"10.0.0.0/8"`) {
		t.Errorf("session policy:\n%s", r.Stdout)
	}
	e.ok("create", "life-one", "-d", "15m", "--source-ip", "10.0.0.0/8")
}

// prune deletes the users whose expiry has passed, as delete-user does, and
// nothing else; --dry-run only names them.
func TestPrune(t *testing.T) {
	e := newE2E(t)
	past := time.Now().Add(-time.Hour).UTC().Format(policy.TimeFormat)
	future := time.Now().Add(time.Hour).UTC().Format(policy.TimeFormat)
	mk := func(name string, tags ...string) {
		in := &iam.CreateUserInput{UserName: aws.String(name)}
		for i := 0; i+1 < len(tags); i += 2 {
			in.Tags = append(in.Tags, iamtypes.Tag{Key: aws.String(tags[i]), Value: aws.String(tags[i+1])})
		}
		must(e.Clients.IAM.CreateUser(e.ctx(), in)).ok(t)
	}
	mk("expired-1", credentials.ExpiresTag, past, "team", "x")
	mk("expired-2", credentials.ExpiresTag, "2001-02-03T04:05:06Z")
	mk("not-yet", credentials.ExpiresTag, future)
	mk("no-tag")
	mk("odd-tag", credentials.ExpiresTag, "next tuesday")
	e.acctPutUserPolicy("expired-1", "s3.read-only.life", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`)
	e.acctNewKey("expired-1")
	// Tagged as expired, but holding what create never makes: a person's
	// account, left alone whatever the tag says.
	mk("person-1", credentials.ExpiresTag, past)
	must(e.Clients.IAM.CreateLoginProfile(e.ctx(), &iam.CreateLoginProfileInput{UserName: aws.String("person-1"), Password: aws.String("Secret-pass-123")})).ok(t)
	mk("person-2", credentials.ExpiresTag, past)
	must(e.Clients.IAM.CreateGroup(e.ctx(), &iam.CreateGroupInput{GroupName: aws.String("admins")})).ok(t)
	must(e.Clients.IAM.AddUserToGroup(e.ctx(), &iam.AddUserToGroupInput{UserName: aws.String("person-2"), GroupName: aws.String("admins")})).ok(t)
	e.acctPutUserPolicy("person-2", "hand-written", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`)

	r := e.ok("prune", "--dry-run")
	if r.Stdout != "expired-1\nexpired-2\n" || !strings.Contains(r.Stderr, "Would delete user expired-1: expired at "+past) ||
		!strings.Contains(r.Stderr, `Warning: user odd-tag has s3-credentials:expires="next tuesday", which is not a time; left alone`) {
		t.Fatalf("dry run: %q\n%s", r.Stdout, r.Stderr)
	}
	for _, want := range []string{
		"Skipped user person-1: it expired at " + past + ", but it also has a console password, which create never makes",
		"Skipped user person-2: it expired at " + past + ", but it also has inline policy hand-written; group admins, which create never makes",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("the dry run does not say %q:\n%s", want, r.Stderr)
		}
	}
	for _, u := range []string{"expired-1", "expired-2", "not-yet", "no-tag", "odd-tag"} {
		if !e.userExists(u) {
			t.Fatalf("the dry run deleted %s", u)
		}
	}
	r = e.ok("prune")
	if r.Stdout != "expired-1\nexpired-2\n" || !strings.Contains(r.Stderr, "User: expired-1\n  Deleted policy: s3.read-only.life\n  Deleted access key: ") {
		t.Fatalf("prune: %q\n%s", r.Stdout, r.Stderr)
	}
	for u, exists := range map[string]bool{"expired-1": false, "expired-2": false, "not-yet": true, "no-tag": true, "odd-tag": true, "person-1": true, "person-2": true} {
		if e.userExists(u) != exists {
			t.Errorf("%s exists: %v, want %v", u, !exists, exists)
		}
	}
	if r := e.ok("prune"); r.Stdout != "" {
		t.Errorf("second prune: %q", r.Stdout)
	}
}

// revoke-sessions puts the console's revocation policy on the role, with a
// cutoff that moves forward each time; a missing role is an error.
func TestRevokeSessions(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("life-rev")
	if r := e.run("revoke-sessions"); r.Code != 1 || r.Stderr != "Error: Role s3-credentials.AmazonS3FullAccess does not exist\n" {
		t.Fatalf("no role yet: %d %q", r.Code, r.Stderr)
	}
	e.ok("create", "life-rev", "-d", "15m") // makes the role
	cutoff := func() string {
		out := must(e.Clients.IAM.GetRolePolicy(e.ctx(), &iam.GetRolePolicyInput{RoleName: aws.String(roles.ToolRole), PolicyName: aws.String(roles.RevokePolicyName)})).ok(t)
		doc, _ := url.QueryUnescape(aws.ToString(out.PolicyDocument))
		var c string
		if i := strings.Index(doc, `"aws:TokenIssueTime":"`); i >= 0 {
			c = doc[i+len(`"aws:TokenIssueTime":"`):]
			c = c[:strings.IndexByte(c, '"')]
		}
		if !strings.Contains(doc, `"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"DateLessThan":`) {
			t.Errorf("revocation policy %s", doc)
		}
		return c
	}
	before := time.Now()
	r := e.ok("revoke-sessions")
	first := cutoff()
	when, err := time.Parse(time.RFC3339, first)
	if err != nil || when.Before(before.Add(-time.Second)) || when.After(time.Now().Add(time.Second)) {
		t.Fatalf("cutoff %q (%v)", first, err)
	}
	if !strings.Contains(r.Stdout, `"RevokedBefore": "`+first+`"`) || !strings.Contains(r.Stderr, "Credentials issued from now on are unaffected; a running localserver hands out fresh ones at its next refresh") {
		t.Errorf("stdout %s\nstderr %s", r.Stdout, r.Stderr)
	}
	time.Sleep(1100 * time.Millisecond) // IAM's clock is read to the second
	e.ok("revoke-sessions")
	if second := cutoff(); second <= first {
		t.Errorf("second cutoff %s not after %s", second, first)
	}
	if r := e.run("revoke-sessions", "--role", "nope"); r.Code != 1 || !strings.Contains(r.Stderr, "Role nope does not exist") {
		t.Errorf("--role nope: %d %q", r.Code, r.Stderr)
	}
}

// The cutoff is IAM's time, from the Date of its answer rounded up to the
// next second, not this machine's: a clock here that is off cannot spare
// a session. The skew is said.
func TestRevokeSessionsUsesIAMsClock(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("life-clock")
	e.ok("create", "life-clock", "-d", "15m")
	target, _ := url.Parse(e.moto.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		resp.Header.Set("Date", "Sat, 01 Jan 2050 10:20:30 GMT")
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	e.endpoint = srv.URL
	r := e.ok("revoke-sessions")
	if !strings.Contains(r.Stdout, `"RevokedBefore": "2050-01-01T10:20:31.000Z"`) {
		t.Errorf("stdout %s", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "Note: this machine's clock is ") || !strings.Contains(r.Stderr, " behind IAM's; the cutoff is IAM's time") {
		t.Errorf("stderr %s", r.Stderr)
	}
}
