//go:build enforcement

// Package enforcement proves, against SeaweedFS (a server that enforces IAM
// user policies and STS session policies), that the credentials `create`
// hands out can do what they were made for and nothing else. Every check is
// a real S3 call signed with the new credentials.
//
//	go test -tags enforcement ./test/enforcement/
//
// or scripts/enforcement.sh, which also builds weed when needed.
package enforcement

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// creds is what `create` printed.
type creds struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
}

// adminCreds reads the admin key file.
func (s *server) adminCreds(t *testing.T) creds {
	t.Helper()
	data, err := os.ReadFile(s.AdminJSON)
	if err != nil {
		t.Fatal(err)
	}
	var c creds
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// s3For is an S3 client signing with c. No retries: a refusal is final.
func (s *server) s3For(c creds) *s3.Client {
	return s3.New(s3.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(s.Endpoint),
		UsePathStyle:     true,
		Credentials:      awscreds.NewStaticCredentialsProvider(c.AccessKeyId, c.SecretAccessKey, c.SessionToken),
		RetryMaxAttempts: 1,
	})
}

func (s *server) iamAdmin(t *testing.T) *iam.Client {
	c := s.adminCreds(t)
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.Endpoint),
		Credentials:  awscreds.NewStaticCredentialsProvider(c.AccessKeyId, c.SecretAccessKey, ""),
	})
}

// create runs the real binary's create with the admin key and returns the
// credentials it printed.
func (s *server) create(t *testing.T, args ...string) creds {
	t.Helper()
	args = append(append([]string{"create"}, args...), "--endpoint-url", s.Endpoint, "-a", s.AdminJSON)
	cmd := exec.Command(testenv.Binary(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("s3-credentials %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var c creds
	if err := json.Unmarshal(stdout.Bytes(), &c); err != nil || c.AccessKeyId == "" || c.SecretAccessKey == "" {
		t.Fatalf("create printed no credentials (%v):\n%s", err, stdout.String())
	}
	t.Logf("s3-credentials %s\n%s", strings.Join(args[:len(args)-4], " "), strings.TrimSpace(stderr.String()))
	return c
}

// The buckets of one run. Names are random so that a long-lived server
// (SEAWEED_ENDPOINT) can be used again and again.
type fixture struct {
	A, B, C string
}

var (
	fixOnce sync.Once
	fix     fixture
	fixErr  error
)

// objects every bucket holds.
// foo/y.txt and foo/x.txt2 are the siblings --key foo/x.txt must not reach.
// aXb/x.txt is what --prefix a?b/ must not reach.
var fixtureKeys = []string{"foo/x.txt", "foo/y.txt", "foo/x.txt2", "bar/x.txt", "public/x.txt", "private/x.txt", "top.txt", "aXb/x.txt"}

func buckets(t *testing.T) (*server, fixture) {
	t.Helper()
	s := seaweed(t)
	fixOnce.Do(func() {
		suffix := randomHex(4)
		fix = fixture{A: "enf-a-" + suffix, B: "enf-b-" + suffix, C: "enf-c-" + suffix}
		admin := s.s3For(s.adminCreds(t))
		ctx := context.Background()
		for _, b := range []string{fix.A, fix.B, fix.C} {
			if _, err := admin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
				fixErr = fmt.Errorf("create bucket %s: %w", b, err)
				return
			}
			for _, k := range fixtureKeys {
				if _, err := admin.PutObject(ctx, &s3.PutObjectInput{
					Bucket: aws.String(b), Key: aws.String(k), Body: strings.NewReader("content of " + k),
				}); err != nil {
					fixErr = fmt.Errorf("put %s/%s: %w", b, k, err)
					return
				}
			}
		}
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return s, fix
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// op is one S3 call.
type op struct {
	Name   string // GetObject, PutObject, DeleteObject, ListObjectsV2
	Bucket string // "a", "b" or "c": resolved against the fixture
	Key    string // object key, or the listing's prefix ("" for none)
}

func (o op) String(f fixture) string {
	b := o.bucketName(f)
	switch o.Name {
	case "ListObjectsV2":
		if o.Key == "" {
			return fmt.Sprintf("ListObjectsV2 %s (no prefix)", b)
		}
		return fmt.Sprintf("ListObjectsV2 %s prefix=%s", b, o.Key)
	default:
		return fmt.Sprintf("%s %s/%s", o.Name, b, o.Key)
	}
}

func (o op) bucketName(f fixture) string {
	switch o.Bucket {
	case "a":
		return f.A
	case "b":
		return f.B
	case "c":
		return f.C
	}
	return o.Bucket
}

func (o op) run(ctx context.Context, c *s3.Client, f fixture) error {
	b := aws.String(o.bucketName(f))
	switch o.Name {
	case "GetObject":
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String(o.Key)})
		if err == nil {
			out.Body.Close()
		}
		return err
	case "PutObject":
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(o.Key), Body: strings.NewReader("written by the enforcement suite")})
		return err
	case "DeleteObject":
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String(o.Key)})
		return err
	case "ListObjectsV2":
		in := &s3.ListObjectsV2Input{Bucket: b}
		if o.Key != "" {
			in.Prefix = aws.String(o.Key)
		}
		_, err := c.ListObjectsV2(ctx, in)
		return err
	}
	panic("unknown op " + o.Name)
}

func get(bucket, key string) op     { return op{"GetObject", bucket, key} }
func put(bucket, key string) op     { return op{"PutObject", bucket, key} }
func del(bucket, key string) op     { return op{"DeleteObject", bucket, key} }
func list(bucket, prefix string) op { return op{"ListObjectsV2", bucket, prefix} }

// errorCode is the S3 error code of err and its HTTP status.
func errorCode(err error) (string, int) {
	var ae smithy.APIError
	code := ""
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *awshttp.ResponseError
	status := 0
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

// A row of the report: one S3 call and its outcome.
type row struct {
	Case, Kind, Call, Want, Got string
}

var (
	reportMu sync.Mutex
	report   []row
)

func record(r row) {
	reportMu.Lock()
	report = append(report, r)
	reportMu.Unlock()
}

// allowed asserts the call succeeds. A brand-new key can take a moment to
// reach the S3 gateway, so refusals are retried for a few seconds.
func allowed(t *testing.T, name, kind string, c *s3.Client, f fixture, o op) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := o.run(ctx, c, f)
		if err == nil {
			record(row{name, kind, o.String(f), "allowed", "allowed"})
			return
		}
		code, status := errorCode(err)
		if status != http.StatusForbidden || time.Now().After(deadline) {
			record(row{name, kind, o.String(f), "allowed", "refused: " + code})
			t.Errorf("%s: want allowed, got %v", o.String(f), err)
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// waitLive waits until a brand-new key is known to the S3 gateway, for
// credentials that may do nothing that shows it: the refusal of o is then
// AccessDenied (a policy decision), not InvalidAccessKeyId.
func waitLive(t *testing.T, c *s3.Client, f fixture, o op) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _ := errorCode(o.run(context.Background(), c, f))
		if code == "AccessDenied" || code == "" || time.Now().After(deadline) {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// denied asserts the call is refused with 403 AccessDenied: a policy
// decision, not a missing object or an unknown key.
func denied(t *testing.T, name, kind string, c *s3.Client, f fixture, o op) {
	t.Helper()
	err := o.run(context.Background(), c, f)
	code, status := errorCode(err)
	switch {
	case err == nil:
		record(row{name, kind, o.String(f), "AccessDenied", "ALLOWED"})
		t.Errorf("%s: want AccessDenied, but it was allowed", o.String(f))
	case code != "AccessDenied" || status != http.StatusForbidden:
		record(row{name, kind, o.String(f), "AccessDenied", fmt.Sprintf("%s (%d)", code, status)})
		t.Errorf("%s: want 403 AccessDenied, got %v", o.String(f), err)
	default:
		record(row{name, kind, o.String(f), "AccessDenied", "AccessDenied"})
	}
}

// scenario is one way of calling create and what the result may and may not do.
type scenario struct {
	Name    string
	Buckets []string // "a", "b", "c"
	Flags   []string // besides the buckets; "$A" is bucket a's name
	Allow   []op     // checked first: they also wait for the new key to be live
	Deny    []op
}

const customPolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::$!BUCKET_NAME!$/public/*"]}]}`

var scenarios = []scenario{
	{
		Name: "read-write", Buckets: []string{"a"},
		Allow: []op{get("a", "foo/x.txt"), list("a", ""), put("a", "rw/new.txt"), del("a", "rw/new.txt")},
		Deny:  []op{get("b", "foo/x.txt"), put("b", "rw/new.txt"), list("b", ""), del("b", "top.txt")},
	},
	{
		Name: "read-only", Buckets: []string{"a"}, Flags: []string{"--read-only"},
		Allow: []op{get("a", "foo/x.txt"), list("a", "")},
		Deny:  []op{put("a", "ro/new.txt"), del("a", "top.txt"), get("b", "foo/x.txt"), list("b", "")},
	},
	{
		Name: "write-only", Buckets: []string{"a"}, Flags: []string{"--write-only"},
		Allow: []op{put("a", "wo/new.txt")},
		Deny:  []op{get("a", "foo/x.txt"), list("a", ""), del("a", "top.txt"), put("b", "wo/new.txt")},
	},
	{
		Name: "--prefix foo/", Buckets: []string{"a"}, Flags: []string{"--prefix", "foo/"},
		Allow: []op{get("a", "foo/x.txt"), put("a", "foo/new.txt"), list("a", "foo/"), del("a", "foo/new.txt")},
		Deny: []op{get("a", "bar/x.txt"), get("a", "top.txt"), put("a", "bar/new.txt"), del("a", "top.txt"),
			list("a", ""), list("a", "bar/"), get("b", "foo/x.txt")},
	},
	{
		Name: "--read-only --prefix foo/", Buckets: []string{"a"}, Flags: []string{"--read-only", "--prefix", "foo/"},
		Allow: []op{get("a", "foo/x.txt"), list("a", "foo/")},
		Deny:  []op{put("a", "foo/new.txt"), get("a", "bar/x.txt"), list("a", ""), list("a", "bar/")},
	},
	{
		// Several --prefix: each granted, a third (public/) and the rest denied.
		Name: "--prefix foo/ --prefix bar/", Buckets: []string{"a"}, Flags: []string{"--prefix", "foo/", "--prefix", "bar/"},
		Allow: []op{get("a", "foo/x.txt"), get("a", "bar/x.txt"), put("a", "foo/new.txt"), put("a", "bar/new.txt"),
			list("a", "foo/"), list("a", "bar/"), del("a", "bar/new.txt")},
		Deny: []op{get("a", "public/x.txt"), get("a", "top.txt"), put("a", "public/new.txt"), del("a", "top.txt"),
			list("a", ""), list("a", "public/"), get("b", "foo/x.txt")},
	},
	{
		// Exact keys: the keys named and nothing beside them, not even a key
		// one of them is a prefix of, and no listing.
		Name: "--key foo/x.txt --key keyed/new.txt", Buckets: []string{"a"}, Flags: []string{"--key", "foo/x.txt", "--key", "keyed/new.txt"},
		Allow: []op{get("a", "foo/x.txt"), put("a", "keyed/new.txt"), get("a", "keyed/new.txt"), del("a", "keyed/new.txt")},
		Deny: []op{get("a", "foo/y.txt"), get("a", "foo/x.txt2"), put("a", "foo/y.txt"), put("a", "keyed/new.txt2"),
			del("a", "foo/y.txt"), get("a", "top.txt"), list("a", ""), list("a", "foo/"), get("b", "foo/x.txt")},
	},
	{
		Name: "--read-only --key foo/x.txt", Buckets: []string{"a"}, Flags: []string{"--read-only", "--key", "foo/x.txt"},
		Allow: []op{get("a", "foo/x.txt")},
		Deny:  []op{put("a", "foo/x.txt"), del("a", "foo/x.txt"), get("a", "foo/x.txt2"), get("a", "foo/y.txt"), list("a", "")},
	},
	{
		Name: "two buckets", Buckets: []string{"a", "b"},
		Allow: []op{get("a", "foo/x.txt"), get("b", "foo/x.txt"), put("a", "two/new.txt"), put("b", "two/new.txt"),
			list("a", ""), list("b", "")},
		Deny: []op{get("c", "foo/x.txt"), put("c", "two/new.txt"), list("c", "")},
	},
	{
		Name: "--statement", Buckets: []string{"a"},
		Flags: []string{"--read-only",
			"--statement", `{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::$A/uploads/*"}`,
			"--statement", `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::$C/public/*"}`},
		Allow: []op{get("a", "foo/x.txt"), put("a", "uploads/new.txt"), get("c", "public/x.txt")},
		Deny:  []op{put("a", "foo/new.txt"), get("c", "private/x.txt"), list("c", ""), get("b", "public/x.txt")},
	},
	{
		// SeaweedFS on 127.0.0.1 sees the suite's requests come from there.
		Name: "--source-ip 127.0.0.1 (the caller's)", Buckets: []string{"a"}, Flags: []string{"--source-ip", "127.0.0.1", "--source-ip", "192.0.2.0/24"},
		Allow: []op{get("a", "foo/x.txt"), list("a", ""), put("a", "ip/new.txt"), del("a", "ip/new.txt")},
		Deny:  []op{get("b", "foo/x.txt"), put("b", "ip/new.txt")},
	},
	{
		// Another network: every statement refuses, a --statement too
		// (limits_test.go tries every policy source).
		Name: "--source-ip 192.0.2.1 (not the caller's)", Buckets: []string{"a"},
		Flags: []string{"--source-ip", "192.0.2.1",
			"--statement", `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::$A/public/*"}`},
		Deny: []op{get("a", "public/x.txt"), get("a", "foo/x.txt"), list("a", ""), put("a", "ip/new.txt"), del("a", "top.txt"), get("b", "foo/x.txt")},
	},
	{
		// A wildcard in --prefix is matched literally: a?b/ does not reach
		// aXb/. (SeaweedFS knows no ${?} escape, so it refuses a?b/ too.)
		Name: "--prefix a?b/ --prefix foo/", Buckets: []string{"a"}, Flags: []string{"--read-only", "--prefix", "a?b/", "--prefix", "foo/"},
		Allow: []op{get("a", "foo/x.txt")},
		Deny:  []op{get("a", "aXb/x.txt"), list("a", "aXb/"), get("a", "top.txt")},
	},
	{
		Name: "--policy", Buckets: []string{"a", "b"}, Flags: []string{"--policy", customPolicy},
		Allow: []op{get("a", "public/x.txt"), get("b", "public/x.txt")},
		Deny: []op{get("a", "private/x.txt"), put("a", "public/new.txt"), list("a", ""), list("a", "public/"),
			get("c", "public/x.txt")},
	},
}

func (sc scenario) args(f fixture, username string) []string {
	var args []string
	for _, b := range sc.Buckets {
		args = append(args, op{Bucket: b}.bucketName(f))
	}
	for _, fl := range sc.Flags {
		args = append(args, strings.NewReplacer("$A", f.A, "$B", f.B, "$C", f.C).Replace(fl))
	}
	if username != "" {
		args = append(args, "--username", username)
	}
	return args
}

func (sc scenario) check(t *testing.T, kind string, s *server, f fixture, c creds) {
	client := s.s3For(c)
	if len(sc.Allow) == 0 {
		waitLive(t, client, f, sc.Deny[0])
	}
	for _, o := range sc.Allow {
		allowed(t, sc.Name, kind, client, f, o)
	}
	for _, o := range sc.Deny {
		denied(t, sc.Name, kind, client, f, o)
	}
}

// TestPermanentCredentials: IAM user, inline policy per bucket, access key.
func TestPermanentCredentials(t *testing.T) {
	s, f := buckets(t)
	for i, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			// A user of its own for each run: the default name would collect
			// keys on a long-lived server.
			user := fmt.Sprintf("enf-%d-%s", i, randomHex(3))
			c := s.create(t, sc.args(f, user)...)
			if c.SessionToken != "" {
				t.Fatalf("permanent credentials came with a session token")
			}
			sc.check(t, "permanent", s, f, c)
		})
	}
}

// TestTemporaryCredentials: AssumeRole on the tool's role with a session policy.
func TestTemporaryCredentials(t *testing.T) {
	s, f := buckets(t)
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			c := s.create(t, append(sc.args(f, ""), "--duration", "15m")...)
			if c.SessionToken == "" {
				t.Fatalf("temporary credentials came without a session token")
			}
			sc.check(t, "temporary", s, f, c)
		})
	}
}

// TestDeletedUserKeyIsRefused deletes the user behind a working key, the
// way delete-user does (inline policies, keys, then the user), and expects
// the key to stop working.
func TestDeletedUserKeyIsRefused(t *testing.T) {
	s, f := buckets(t)
	user := "enf-deleted-" + randomHex(3)
	c := s.create(t, f.A, "--read-only", "--username", user)
	client := s.s3For(c)
	const name = "deleted user"
	allowed(t, name, "permanent", client, f, get("a", "foo/x.txt"))

	ctx := context.Background()
	im := s.iamAdmin(t)
	pols, err := im.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(user)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pols.PolicyNames {
		if _, err := im.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(p)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: aws.String(c.AccessKeyId)}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(user)}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(user)}); err == nil {
		t.Fatalf("user %s still exists after DeleteUser", user)
	}

	// Deletion may take a moment to reach the S3 gateway.
	deadline := time.Now().Add(10 * time.Second)
	start := time.Now()
	for _, o := range []op{get("a", "foo/x.txt"), list("a", "")} {
		for {
			err := o.run(ctx, client, f)
			code, status := errorCode(err)
			if err != nil && status == http.StatusForbidden {
				record(row{name, "permanent", o.String(f) + " after the user was deleted", "refused", "refused: " + code})
				t.Logf("%s refused with %s after %s", o.String(f), code, time.Since(start).Round(time.Millisecond))
				break
			}
			if time.Now().After(deadline) {
				got := "ALLOWED"
				if err != nil {
					got = err.Error()
				}
				record(row{name, "permanent", o.String(f) + " after the user was deleted", "refused", got})
				t.Errorf("%s with the deleted user's key: want 403, got %s", o.String(f), got)
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}

// TestTamperedSessionTokenIsRefused alters a genuine session token: a
// widened session policy with the original signature, a flipped signature
// byte, and no token at all must all be refused.
func TestTamperedSessionTokenIsRefused(t *testing.T) {
	s, f := buckets(t)
	c := s.create(t, f.A, "--read-only", "--duration", "15m")
	const name = "tampered session token"
	allowed(t, name, "temporary (genuine token)", s.s3For(c), f, get("a", "foo/x.txt"))
	denied(t, name, "temporary (genuine token)", s.s3For(c), f, put("a", "tamper/new.txt"))

	variants := map[string]string{}
	parts := strings.Split(c.SessionToken, ".")
	if len(parts) == 3 {
		// The server issues JWTs; rewrite the claims so the session policy
		// allows everything, keeping the server's signature.
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatalf("session token payload: %v", err)
		}
		var claims map[string]any
		if err := json.Unmarshal(payload, &claims); err != nil {
			t.Fatalf("session token claims: %v", err)
		}
		widened := false
		for k, v := range claims {
			if s, ok := v.(string); ok && strings.Contains(s, "Statement") {
				claims[k] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
				widened = true
			}
		}
		if !widened {
			t.Fatalf("no session policy found in the token's claims: %s", payload)
		}
		forged, _ := json.Marshal(claims)
		variants["policy widened, signature kept"] = parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2]
	}
	tok := []byte(c.SessionToken)
	i := len(tok) - 5
	if tok[i] == 'A' {
		tok[i] = 'B'
	} else {
		tok[i] = 'A'
	}
	variants["one character of the signature changed"] = string(tok)
	variants["no session token"] = ""

	names := make([]string, 0, len(variants))
	for k := range variants {
		names = append(names, k)
	}
	sort.Strings(names)
	ctx := context.Background()
	for _, v := range names {
		forged := c
		forged.SessionToken = variants[v]
		client := s.s3For(forged)
		for _, o := range []op{get("a", "foo/x.txt"), put("a", "tamper/new.txt")} {
			err := o.run(ctx, client, f)
			code, status := errorCode(err)
			kind := "temporary (" + v + ")"
			if err == nil {
				record(row{name, kind, o.String(f), "refused", "ALLOWED"})
				t.Errorf("%s with %s: allowed", o.String(f), v)
				continue
			}
			if status != http.StatusForbidden && status != http.StatusBadRequest {
				record(row{name, kind, o.String(f), "refused", err.Error()})
				t.Errorf("%s with %s: want a 403 or 400 refusal, got %v", o.String(f), v, err)
				continue
			}
			record(row{name, kind, o.String(f), "refused", fmt.Sprintf("refused: %s (%d)", code, status)})
		}
	}
}

// TestAdminControl is the control experiment: every call the scenarios
// expect to be denied succeeds with the admin key, so the refusals above
// come from the policies of the new credentials, not from missing buckets or
// objects. (DeleteObject is left out: it would remove the fixture.)
func TestAdminControl(t *testing.T) {
	s, f := buckets(t)
	admin := s.s3For(s.adminCreds(t))
	seen := map[op]bool{}
	for _, sc := range scenarios {
		for _, o := range sc.Deny {
			if o.Name == "DeleteObject" || seen[o] {
				continue
			}
			seen[o] = true
			allowed(t, "admin (control)", "permanent", admin, f, o)
		}
	}
}

// TestZReport writes the table of what was checked to ENFORCEMENT_REPORT,
// when set (scripts/enforcement.sh does; docs/enforcement.md holds a copy).
// Named to run last.
func TestZReport(t *testing.T) {
	path := os.Getenv("ENFORCEMENT_REPORT")
	if path == "" {
		t.Skip("ENFORCEMENT_REPORT not set")
	}
	reportMu.Lock()
	defer reportMu.Unlock()
	var b strings.Builder
	b.WriteString("| Credentials | Kind | S3 call | Expected | Result |\n|---|---|---|---|---|\n")
	for _, r := range report {
		call := strings.NewReplacer(fix.A, "A", fix.B, "B", fix.C, "C").Replace(r.Call)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.Case, r.Kind, call, r.Want, r.Got)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
