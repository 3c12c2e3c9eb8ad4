package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

var volatile = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`"(AKIA|ASIA)[A-Z0-9]{16}"`), `"${1}XXXXXXXXXXXXXXXX"`},
	{regexp.MustCompile(`(aws_access_key_id=)(AKIA|ASIA)[A-Z0-9]{16}`), `${1}${2}XXXXXXXXXXXXXXXX`},
	{regexp.MustCompile(`("SecretAccessKey": ")[^"]+"`), `${1}SECRET"`},
	{regexp.MustCompile(`(aws_secret_access_key=).+`), `${1}SECRET`},
	{regexp.MustCompile(`("SessionToken": ")[^"]+"`), `${1}TOKEN"`},
	{regexp.MustCompile(`(aws_session_token=).+`), `${1}TOKEN`},
	{regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00:00`), `YYYY-MM-DD HH:MM:SS+00:00`},
}

// normalize replaces keys, secrets and times, which differ on every run.
func normalize(s string) string {
	for _, v := range volatile {
		s = v.re.ReplaceAllString(s, v.repl)
	}
	return s
}

func (e *e2e) ctx() context.Context { return context.Background() }

func (e *e2e) makeBucket(name string) {
	e.t.Helper()
	must(e.Clients.S3.CreateBucket(e.ctx(), &s3.CreateBucketInput{Bucket: aws.String(name)})).ok(e.t)
}

// inlinePolicies returns a user's inline policy documents by name, as compact JSON.
func (e *e2e) inlinePolicies(user string) map[string]string {
	e.t.Helper()
	names := must(e.Clients.IAM.ListUserPolicies(e.ctx(), &iam.ListUserPoliciesInput{UserName: aws.String(user)})).ok(e.t)
	docs := map[string]string{}
	for _, n := range names.PolicyNames {
		p := must(e.Clients.IAM.GetUserPolicy(e.ctx(), &iam.GetUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(n)})).ok(e.t)
		text, _ := url.QueryUnescape(aws.ToString(p.PolicyDocument))
		v, err := pyjson.Decode([]byte(text))
		if err != nil {
			e.t.Fatalf("policy %s is not JSON: %s", n, text)
		}
		docs[n] = string(pyjson.EncodeCompact(v))
	}
	return docs
}

func (e *e2e) accessKeys(user string) []string {
	e.t.Helper()
	out := must(e.Clients.IAM.ListAccessKeys(e.ctx(), &iam.ListAccessKeysInput{UserName: aws.String(user)})).ok(e.t)
	var ids []string
	for _, k := range out.AccessKeyMetadata {
		ids = append(ids, aws.ToString(k.AccessKeyId))
	}
	return ids
}

func (e *e2e) userExists(user string) bool {
	_, err := e.Clients.IAM.GetUser(e.ctx(), &iam.GetUserInput{UserName: aws.String(user)})
	return err == nil
}

func compactPolicy(v any) string { return string(pyjson.EncodeCompact(v)) }

func decodeJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return m
}

func TestCreatePermanentVariants(t *testing.T) {
	t.Parallel()
	readWrite := func(b, prefix string) string {
		return compactPolicy(policy.Wrap(policy.ReadWriteStatements(b, policy.Scope{Prefixes: []string{prefix}})...))
	}
	statement := `{"Effect": "Allow", "Action": "textract:*", "Resource": "*"}`
	for _, tc := range []struct {
		name     string
		args     []string
		user     string
		boundary string
		policies map[string]string
	}{
		{"read-write", []string{"create", "bkt-one"}, "s3.read-write.bkt-one", "arn:aws:iam::aws:policy/AmazonS3FullAccess",
			map[string]string{"s3.read-write.bkt-one": readWrite("bkt-one", "*")}},
		{"read-only", []string{"create", "bkt-one", "--read-only"}, "s3.read-only.bkt-one", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
			map[string]string{"s3.read-only.bkt-one": compactPolicy(policy.Wrap(policy.ReadOnlyStatements("bkt-one", policy.Scope{Prefixes: []string{"*"}})...))}},
		{"write-only", []string{"create", "bkt-one", "--write-only"}, "s3.write-only.bkt-one", "arn:aws:iam::aws:policy/AmazonS3FullAccess",
			map[string]string{"s3.write-only.bkt-one": compactPolicy(policy.Wrap(policy.WriteOnlyStatements("bkt-one", policy.Scope{Prefixes: []string{"*"}})...))}},
		{"prefix", []string{"create", "bkt-one", "--prefix", "uploads/"}, "s3.read-write.bkt-one", "arn:aws:iam::aws:policy/AmazonS3FullAccess",
			map[string]string{"s3.read-write.bkt-one": readWrite("bkt-one", "uploads/")}},
		{"two buckets", []string{"create", "bkt-one", "bkt-two"}, "s3.read-write.bkt-one,bkt-two", "arn:aws:iam::aws:policy/AmazonS3FullAccess",
			map[string]string{"s3.read-write.bkt-one": readWrite("bkt-one", "*"), "s3.read-write.bkt-two": readWrite("bkt-two", "*")}},
		{"statement", []string{"create", "bkt-one", "--statement", statement}, "s3.custom.bkt-one", "",
			map[string]string{"s3.custom.bkt-one": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetBucketLocation"],"Resource":["arn:aws:s3:::bkt-one"]},{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAcl","s3:GetObjectLegalHold","s3:GetObjectRetention","s3:GetObjectTagging"],"Resource":["arn:aws:s3:::bkt-one/*"]},{"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":["arn:aws:s3:::bkt-one/*"]},{"Effect":"Allow","Action":"textract:*","Resource":"*"}]}`}},
		{"policy", []string{"create", "bkt-one", "bkt-two", "--policy", policyFileLiteral}, "s3.custom.bkt-one,bkt-two", "",
			map[string]string{
				"s3.custom.bkt-one": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt-one/*"}]}`,
				"s3.custom.bkt-two": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt-two/*"}]}`,
			}},
		{"boundary none", []string{"create", "bkt-one", "--user-permissions-boundary", "none"}, "s3.read-write.bkt-one", "",
			map[string]string{"s3.read-write.bkt-one": readWrite("bkt-one", "*")}},
		{"custom boundary", []string{"create", "bkt-one", "--user-permissions-boundary", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}, "s3.read-write.bkt-one", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
			map[string]string{"s3.read-write.bkt-one": readWrite("bkt-one", "*")}},
		{"username", []string{"create", "bkt-one", "--username", "alice"}, "alice", "arn:aws:iam::aws:policy/AmazonS3FullAccess",
			map[string]string{"s3.read-write.bkt-one": readWrite("bkt-one", "*")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t)
			e.makeBucket("bkt-one")
			e.makeBucket("bkt-two")
			// moto does not keep users' permissions boundaries: read the
			// one sent from the CreateUser request itself.
			rec, proxyURL := newRecorder(t, e.moto.URL)
			r := e.ok(append(tc.args, "--endpoint-url", proxyURL)...)
			key := decodeJSON(t, r.Stdout)
			if key["UserName"] != tc.user || key["Status"] != "Active" {
				t.Errorf("printed key %v", key)
			}
			if got, sent := rec.param("CreateUser", "PermissionsBoundary"); !sent || got != tc.boundary {
				t.Errorf("boundary %q (CreateUser sent: %v), want %q", got, sent, tc.boundary)
			}
			if got := e.inlinePolicies(tc.user); !maps.Equal(got, tc.policies) {
				t.Errorf("inline policies\n%v\nwant\n%v", got, tc.policies)
			}
			if ids := e.accessKeys(tc.user); len(ids) != 1 || ids[0] != key["AccessKeyId"] {
				t.Errorf("access keys %v, printed %v", ids, key["AccessKeyId"])
			}
			if strings.Contains(r.Stderr, key["SecretAccessKey"].(string)) {
				t.Error("secret printed on stderr")
			}
		})
	}
}

func TestCreatePublicAndWebsiteBucketState(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.ok("create", "site-bucket", "-c", "--website")
	pab := must(e.Clients.S3.GetPublicAccessBlock(e.ctx(), &s3.GetPublicAccessBlockInput{Bucket: aws.String("site-bucket")})).ok(t)
	c := pab.PublicAccessBlockConfiguration
	if aws.ToBool(c.BlockPublicAcls) || aws.ToBool(c.IgnorePublicAcls) || aws.ToBool(c.BlockPublicPolicy) || aws.ToBool(c.RestrictPublicBuckets) {
		t.Errorf("public access block %+v, want all false", c)
	}
	bp := must(e.Clients.S3.GetBucketPolicy(e.ctx(), &s3.GetBucketPolicyInput{Bucket: aws.String("site-bucket")})).ok(t)
	v, _ := pyjson.Decode([]byte(aws.ToString(bp.Policy)))
	if got, want := compactPolicy(v), compactPolicy(policy.PublicRead("site-bucket")); got != want {
		t.Errorf("bucket policy %s, want %s", got, want)
	}
	w := must(e.Clients.S3.GetBucketWebsite(e.ctx(), &s3.GetBucketWebsiteInput{Bucket: aws.String("site-bucket")})).ok(t)
	if aws.ToString(w.IndexDocument.Suffix) != "index.html" || aws.ToString(w.ErrorDocument.Key) != "error.html" {
		t.Errorf("website %+v %+v", w.IndexDocument, w.ErrorDocument)
	}
}

func TestCreateTemporary(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("bkt-one")
	r := e.ok("create", "bkt-one", "--duration", "20m", "--read-only")
	creds := decodeJSON(t, r.Stdout)
	for _, k := range []string{"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"} {
		if creds[k] == nil {
			t.Errorf("missing %s in %v", k, creds)
		}
	}
	role := must(e.Clients.IAM.GetRole(e.ctx(), &iam.GetRoleInput{RoleName: aws.String("s3-credentials.AmazonS3FullAccess")})).ok(t)
	if aws.ToInt32(role.Role.MaxSessionDuration) != 43200 {
		t.Errorf("MaxSessionDuration %d", aws.ToInt32(role.Role.MaxSessionDuration))
	}
	trust, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	tv, _ := pyjson.Decode([]byte(trust))
	if got := compactPolicy(tv); got != `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}` {
		t.Errorf("trust policy %s", got)
	}
	att, err := e.Clients.IAM.ListAttachedRolePolicies(e.ctx(), &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("s3-credentials.AmazonS3FullAccess")})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/AmazonS3FullAccess" {
		t.Errorf("attached %v %v", att, err)
	}
	// The second run reuses the role.
	r = e.ok("create", "bkt-one", "-d", "12h")
	if !strings.Contains(r.Stderr, "Assume role against arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess for 43200s") {
		t.Errorf("stderr %q", r.Stderr)
	}
}

// Roles made by old versions of the reference allowed one-hour sessions.
func TestCreateTemporaryRaisesOldRoleMaxSessionDuration(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("bkt-one")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	must(e.Clients.IAM.CreateRole(e.ctx(), &iam.CreateRoleInput{
		RoleName: aws.String("s3-credentials.AmazonS3FullAccess"), AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(3600),
	})).ok(t)
	r := e.ok("create", "bkt-one", "-d", "2h")
	if !strings.Contains(r.Stderr, "Updated role s3-credentials.AmazonS3FullAccess: MaxSessionDuration was 3600 seconds, now 43200\n") {
		t.Errorf("stderr %q", r.Stderr)
	}
	role, _ := e.Clients.IAM.GetRole(e.ctx(), &iam.GetRoleInput{RoleName: aws.String("s3-credentials.AmazonS3FullAccess")})
	if aws.ToInt32(role.Role.MaxSessionDuration) != 43200 {
		t.Errorf("MaxSessionDuration still %d", aws.ToInt32(role.Role.MaxSessionDuration))
	}
	// One hour fits: no update, no line.
	if r := e.ok("create", "bkt-one", "-d", "1h"); strings.Contains(r.Stderr, "Updated role") {
		t.Errorf("updated again: %q", r.Stderr)
	}
}

// recorder is a proxy in front of moto that notes the access key id that
// signed each request, and which service it went to.
type recorder struct {
	mu    sync.Mutex
	keys  map[string]map[string]bool // key id -> services
	forms []url.Values               // IAM and STS query-protocol requests
}

// param returns the value of name in the first request of action.
func (r *recorder) param(action, name string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range r.forms {
		if f.Get("Action") == action {
			return f.Get(name), true
		}
	}
	return "", false
}

var credentialRE = regexp.MustCompile(`Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/`)

func newRecorder(t *testing.T, target string) (*recorder, string) {
	u, _ := url.Parse(target)
	rec := &recorder{keys: map[string]map[string]bool{}}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m := credentialRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			rec.mu.Lock()
			if rec.keys[m[1]] == nil {
				rec.keys[m[1]] = map[string]bool{}
			}
			rec.keys[m[1]][m[2]] = true
			rec.mu.Unlock()
		}
		if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if form, err := url.ParseQuery(string(body)); err == nil {
				rec.mu.Lock()
				rec.forms = append(rec.forms, form)
				rec.mu.Unlock()
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

func (r *recorder) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var parts []string
	for k, svcs := range r.keys {
		var s []string
		for svc := range svcs {
			s = append(s, svc)
		}
		sort.Strings(s)
		parts = append(parts, k+":"+strings.Join(s, ","))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// --auth (JSON, INI, stdin) and --access-key sign every request: IAM, STS and S3.
func TestAuthAppliesToEveryClient(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	jsonFile := filepath.Join(dir, "auth.json")
	os.WriteFile(jsonFile, []byte(`{"AccessKeyId": "AKIAJSONJSONJSONJSON", "SecretAccessKey": "s", "SessionToken": "t"}`), 0o600)
	iniFile := filepath.Join(dir, "auth.ini")
	os.WriteFile(iniFile, []byte("[nothing]\nregion = x\n\n[creds]\naws_access_key_id = AKIAINIINIINIINIINII\naws_secret_access_key = s\n"), 0o600)
	for _, tc := range []struct {
		name, stdin, key string
		args             []string
	}{
		{"json", "", "AKIAJSONJSONJSONJSON", []string{"-a", jsonFile}},
		{"ini", "", "AKIAINIINIINIINIINII", []string{"--auth", iniFile}},
		{"stdin", "[default]\naws_access_key_id=AKIASTDINSTDINSTDINX\naws_secret_access_key=s\n", "AKIASTDINSTDINSTDINX", []string{"-a", "-"}},
		{"flags", "", "AKIAFLAGFLAGFLAGFLAG", []string{"--access-key", "AKIAFLAGFLAGFLAGFLAG", "--secret-key", "s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t)
			rec, proxyURL := newRecorder(t, e.moto.URL)
			args := append([]string{"create", "auth-bucket", "-c", "-d", "15m", "--endpoint-url", proxyURL}, tc.args...)
			r := run(t, tc.stdin, args...)
			if r.Code != 0 {
				t.Fatalf("exit %d: %s", r.Code, r.Stderr)
			}
			r = run(t, tc.stdin, append([]string{"create", "auth-bucket", "--endpoint-url", proxyURL}, tc.args...)...)
			if r.Code != 0 {
				t.Fatalf("exit %d: %s", r.Code, r.Stderr)
			}
			if got, want := rec.summary(), tc.key+":iam,s3,sts"; got != want {
				t.Errorf("requests signed by %s, want %s", got, want)
			}
		})
	}
}

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"AccessKeyId": `), 0o600)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"whoami", "-a", bad, "--access-key", "x"}, "Error: --auth cannot be used with --access-key, --secret-key or --session-token\n"},
		{[]string{"whoami", "-a", bad}, "Error: --auth file contained invalid JSON\n"},
		// As click.File: a usage error.
		{[]string{"whoami", "-a", filepath.Join(dir, "missing")}, "Usage: s3-credentials whoami [OPTIONS]\nTry 's3-credentials whoami --help' for help.\n\n" +
			"Error: Invalid value for '-a' / '--auth': '" + filepath.Join(dir, "missing") + "': No such file or directory\n"},
		{[]string{"whoami", "--access-key", "x"}, "Error: both an access key and a secret key are needed"},
	} {
		r := run(t, "", tc.args...)
		code := 1
		if strings.HasPrefix(tc.msg, "Usage:") {
			code = 2
		}
		if r.Code != code || !strings.HasPrefix(r.Stderr, tc.msg) {
			t.Errorf("%v: exit %d stderr %q, want %q", tc.args, r.Code, r.Stderr, tc.msg)
		}
	}
}

// --endpoint-url alone (no AWS_ENDPOINT_URL, no endpoint on the run)
// reaches moto for all three services, S3 with path-style addressing.
func TestEndpointURLFlag(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	r := run(t, "", "create", "flag-bucket", "-c", "--endpoint-url", e.moto.URL)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if len(e.accessKeys("s3.read-write.flag-bucket")) != 1 {
		t.Error("no key created")
	}
}
