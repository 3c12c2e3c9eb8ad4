package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/policy"
)

// The trust rule: every limit create says it puts on credentials holds for
// every Allow statement of every policy it attaches, whatever the
// policy's source and the credentials' kind. These tests generate the
// combinations of the options that make a policy and those that limit it,
// and check each document against what was asked and what was said.

// combo is one way of asking create for credentials.
type combo struct {
	temporary bool
	perm      string // "", "--read-only", "--write-only"
	buckets   []string
	prefix    string
	key       string
	custom    string // "", "statement", "deny", "policy"
	sourceIP  string
	expires   bool
	tls       bool
	kms       bool
}

// testKMSKey is the key --kms-key names in the combinations.
const testKMSKey = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func (c combo) args(t *testing.T, dir string) []string {
	args := append([]string{"create"}, c.buckets...)
	if c.perm != "" {
		args = append(args, c.perm)
	}
	if c.prefix != "" {
		args = append(args, "--prefix", c.prefix)
	}
	if c.key != "" {
		args = append(args, "--key", c.key)
	}
	switch c.custom {
	case "statement":
		args = append(args, "--statement", `{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::*","arn:aws:s3:::*/*"]}`)
	case "deny":
		args = append(args, "--statement", `{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}`)
	case "policy":
		file := filepath.Join(dir, "policy.json")
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::$!BUCKET_NAME!$/*"},` +
			`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::$!BUCKET_NAME!$","Condition":{"StringEquals":{"s3:prefix":"x/"}}}]}`
		noErr(t, os.WriteFile(file, []byte(doc), 0o600))
		args = append(args, "--policy", file)
	}
	if c.sourceIP != "" {
		args = append(args, "--source-ip", c.sourceIP)
	}
	if c.expires {
		args = append(args, "--expires", "30d")
	}
	if c.tls {
		args = append(args, "--require-tls")
	}
	if c.kms {
		args = append(args, "--kms-key", testKMSKey)
	}
	if c.temporary {
		args = append(args, "-d", "1h")
	}
	return args
}

// combos are every combination (expires only with permanent credentials,
// which are the only ones it applies to).
func combos() []combo {
	var all []combo
	for _, temporary := range []bool{false, true} {
		for _, perm := range []string{"", "--read-only", "--write-only"} {
			for _, buckets := range [][]string{{"trust-one"}, {"trust-one", "trust-two"}} {
				for _, prefix := range []string{"", "in/", "a?b/"} {
					for _, key := range []string{"", "k*1"} {
						for _, custom := range []string{"", "statement", "deny", "policy"} {
							for _, ip := range []string{"", "10.0.0.0/8"} {
								for _, expires := range []bool{false, true} {
									if expires && temporary {
										continue
									}
									for _, tls := range []bool{false, true} {
										all = append(all, combo{temporary, perm, buckets, prefix, key, custom, ip, expires, tls, tls && ip != ""})
									}
								}
							}
						}
					}
				}
			}
		}
	}
	return all
}

// checkDocument checks one attached policy against what was asked: every
// Allow statement carries each limit, and the generated statements reach
// no further than the prefix and permission asked for.
func checkDocument(t *testing.T, c combo, said limitsSaid, name, text string) {
	t.Helper()
	var doc struct{ Statement json.RawMessage }
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("%s is not JSON: %v\n%s", name, err, text)
	}
	var stmts []map[string]json.RawMessage
	if bytes.HasPrefix(doc.Statement, []byte("{")) {
		var one map[string]json.RawMessage
		_ = json.Unmarshal(doc.Statement, &one)
		stmts = append(stmts, one)
	} else if err := json.Unmarshal(doc.Statement, &stmts); err != nil {
		t.Fatalf("%s: statements: %v", name, err)
	}
	allows := 0
	for i, st := range stmts {
		var effect string
		_ = json.Unmarshal(st["Effect"], &effect)
		if effect == "Deny" {
			continue
		}
		allows++
		var cond map[string]map[string]any
		_ = json.Unmarshal(st["Condition"], &cond)
		where := fmt.Sprintf("%s statement %d %s", name, i+1, compactJSON(st))
		if c.sourceIP != "" || len(said.sourceIPs) > 0 {
			ips := stringList(cond["IpAddress"]["aws:SourceIp"])
			if len(ips) == 0 {
				t.Errorf("%s: no aws:SourceIp limit", where)
			}
			for _, ip := range ips {
				if ip != c.sourceIP || (len(said.sourceIPs) > 0 && !slices.Contains(said.sourceIPs, ip)) {
					t.Errorf("%s: source %s, asked %q, said %v", where, ip, c.sourceIP, said.sourceIPs)
				}
			}
		}
		if c.expires || !said.expires.IsZero() {
			at, _ := cond["DateLessThan"]["aws:CurrentTime"].(string)
			when, err := time.Parse(time.RFC3339, at)
			if err != nil {
				t.Errorf("%s: no aws:CurrentTime limit", where)
			} else if !said.expires.IsZero() && when.After(said.expires) {
				t.Errorf("%s: works until %s, said %s", where, when, said.expires)
			}
		}
		if c.tls || said.tls {
			if v := fmt.Sprint(cond["Bool"]["aws:SecureTransport"]); v != "true" {
				t.Errorf("%s: no aws:SecureTransport limit", where)
			}
		}
		if c.custom == "" && c.prefix != "" {
			for _, r := range stringList(jsonValue(st["Resource"])) {
				inKey := c.key != "" && strings.HasSuffix(r, "/"+policy.LiteralKey(c.key))
				if strings.HasPrefix(r, "arn:aws:s3:::") && strings.Contains(r, "/") && !strings.HasSuffix(r, "/"+policy.LiteralPrefix(c.prefix)) && !inKey {
					t.Errorf("%s: resource %s outside prefix %s", where, r, c.prefix)
				}
			}
		}
		if c.custom == "" && c.perm == "--read-only" {
			for _, a := range stringList(jsonValue(st["Action"])) {
				if strings.Contains(a, "Put") || strings.Contains(a, "Delete") {
					t.Errorf("%s: read-only credentials may %s", where, a)
				}
			}
		}
	}
	if allows == 0 {
		t.Errorf("%s allows nothing: %s", name, text)
	}
	if c.kms && c.custom != "policy" && !strings.Contains(text, testKMSKey) {
		t.Errorf("%s: no grant on the KMS key: %s", name, text)
	}
}

// limitsSaid are the limits create's step lines state.
type limitsSaid struct {
	sourceIPs []string
	expires   time.Time
	tls       bool
}

var (
	saidFrom    = regexp.MustCompile(`(?m)^The credentials work only from (.+)$`)
	saidExpires = regexp.MustCompile(`(?m)^The credentials stop working at (\S+);`)
)

func readLimitsSaid(t *testing.T, stderr string) limitsSaid {
	t.Helper()
	var s limitsSaid
	if m := saidFrom.FindStringSubmatch(stderr); m != nil {
		s.sourceIPs = strings.Split(m[1], ", ")
	}
	s.tls = strings.Contains(stderr, "\nThe credentials work only over TLS (HTTPS); plain HTTP is refused\n")
	if m := saidExpires.FindStringSubmatch(stderr); m != nil {
		var err error
		if s.expires, err = time.Parse(time.RFC3339, m[1]); err != nil {
			t.Fatalf("said expiry %q: %v", m[1], err)
		}
	}
	return s
}

func stringList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func jsonValue(raw json.RawMessage) any {
	var v any
	_ = json.Unmarshal(raw, &v)
	return v
}

func compactJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// dryRunDocuments are the policy documents a dry run prints, by what it
// says of them.
func dryRunDocuments(t *testing.T, stdout string) map[string]string {
	t.Helper()
	docs := map[string]string{}
	lines := strings.Split(stdout, "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] != "{" {
			continue
		}
		end := slices.Index(lines[i:], "}")
		if end < 0 {
			t.Fatalf("unterminated document in\n%s", stdout)
		}
		docs[fmt.Sprintf("%d: %s", i, lines[i-1])] = strings.Join(lines[i:i+end+1], "\n")
		i += end
	}
	return docs
}

// Every combination, as the dry run shows the documents the real run
// attaches (both come from the same request): each limit on every Allow
// statement, or the combination refused before any change. No AWS is
// needed, so all of them run.
func TestLimitsHoldForEveryStatementOfEveryCombination(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	refused := 0
	for _, c := range combos() {
		args := append(c.args(t, dir), "--dry-run")
		r := run(t, "", args...)
		if r.Code == 1 && strings.Contains(r.Stderr, "allows at most") {
			// Over IAM's or STS's size limit once the limits are counted:
			// refused before any change, as it must be.
			refused++
			continue
		}
		if r.Code != 0 {
			t.Errorf("%v: exit %d\n%s", args, r.Code, r.Stderr)
			continue
		}
		docs := dryRunDocuments(t, r.Stdout)
		if len(docs) == 0 {
			t.Fatalf("%v: no documents in\n%s", args, r.Stdout)
		}
		said := limitsSaid{}
		if c.expires {
			// The dry run states the expiry in the user's tag.
			m := regexp.MustCompile(`s3-credentials:expires=(\S+)`).FindStringSubmatch(r.Stdout)
			if m == nil {
				t.Fatalf("%v: the dry run does not say the expiry:\n%s", args, r.Stdout)
			}
			said.expires, _ = time.Parse(time.RFC3339, m[1])
		}
		for name, doc := range docs {
			checkDocument(t, c, said, fmt.Sprintf("%v %s", args, name), doc)
		}
	}
	if n := len(combos()); n < 500 || refused > n/4 {
		t.Fatalf("%d combinations, %d over the size limits", n, refused)
	}
}

// A sample of the combinations, run for real against moto: the limits
// stated on standard error hold for every Allow statement of the
// documents IAM holds for the user (permanent credentials) or of the
// session policy sent to AssumeRole (temporary ones).
func TestLimitsStatedHoldForWhatIsAttached(t *testing.T) {
	t.Parallel()
	all := combos()
	rng := rand.New(rand.NewSource(18))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	var sample []combo
	dir := t.TempDir()
	for _, c := range all {
		if c.sourceIP == "" && !c.expires && !c.tls {
			continue
		}
		// Within IAM's size limits, as the dry run tells.
		if r := run(t, "", append(c.args(t, dir), "--dry-run")...); r.Code != 0 {
			continue
		}
		sample = append(sample, c)
		if len(sample) == 24 {
			break
		}
	}
	for i, c := range sample {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			e := newE2E(t)
			for _, b := range c.buckets {
				e.makeBucket(b)
			}
			var mu sync.Mutex
			var sessionPolicies []string
			e.countRequests(func(w http.ResponseWriter, r *http.Request) bool {
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") == "AssumeRole" {
					mu.Lock()
					sessionPolicies = append(sessionPolicies, form.Get("Policy"))
					mu.Unlock()
				}
				return false
			})
			args := c.args(t, t.TempDir())
			if !c.temporary {
				args = append(args, "--username", "trust-user")
			}
			r := e.ok(args...)
			said := readLimitsSaid(t, r.Stderr)
			if (c.sourceIP != "") != (len(said.sourceIPs) > 0) || c.expires == said.expires.IsZero() || c.tls != said.tls {
				t.Errorf("%v: the limits asked and those said differ:\n%s", args, r.Stderr)
			}
			docs := map[string]string{}
			if c.temporary {
				for i, p := range sessionPolicies {
					docs[fmt.Sprint("session policy ", i)] = p
				}
			} else {
				docs = e.inlinePolicies("trust-user")
			}
			if len(docs) == 0 {
				t.Fatalf("%v: nothing attached", args)
			}
			for name, doc := range docs {
				checkDocument(t, c, said, fmt.Sprintf("%v %s", args, name), doc)
			}
		})
	}
}

// A limit that cannot be added to a statement is refused before any
// change, with exit 2, whatever the policy's source and the credentials'
// kind.
func TestLimitsThatCannotBeAppliedAreRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	policyFile := func(stmt string) string {
		f := filepath.Join(dir, fmt.Sprintf("p%d.json", len(stmt)))
		noErr(t, os.WriteFile(f, []byte(`{"Version":"2012-10-17","Statement":[`+stmt+`]}`), 0o600))
		return f
	}
	ownIP := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}`
	ownTime := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2099-01-01T00:00:00Z"}}}`
	everything := `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--statement", ownIP, "--source-ip", "10.0.0.0/8"}, "--source-ip cannot be applied to --statement 1: it already tests aws:SourceIp with IpAddress"},
		{[]string{"--statement", ownIP, "--source-ip", "10.0.0.0/8", "-d", "1h"}, "--source-ip cannot be applied to --statement 1"},
		{[]string{"--policy", policyFile(ownIP), "--source-ip", "10.0.0.0/8"}, "--source-ip cannot be applied to statement 1 of --policy"},
		{[]string{"--policy", policyFile(ownIP), "--source-ip", "10.0.0.0/8", "-d", "1h"}, "--source-ip cannot be applied to statement 1 of --policy"},
		{[]string{"--statement", ownTime, "--expires", "1d"}, "--expires cannot be applied to --statement 1: it already tests aws:CurrentTime with DateLessThan"},
		{[]string{"--policy", policyFile(ownTime), "--expires", "1d"}, "--expires cannot be applied to statement 1 of --policy"},
		// SeaweedFS grants a user's s3:* on every bucket whatever its
		// conditions: refused for users, kept for sessions.
		{[]string{"--statement", everything, "--source-ip", "10.0.0.0/8", "--expires", "1d"}, "--source-ip cannot be applied to --statement 1: it grants s3:* on every bucket"},
		{[]string{"--policy", policyFile(everything), "--expires", "1d"}, "--expires cannot be applied to statement 1 of --policy: it grants s3:* on every bucket"},
		{[]string{"--statement", `{"Effect":"Allow","Action":["S3:*"],"Resource":["arn:aws:s3:::*"]}`, "--source-ip", "10.0.0.0/8"}, "it grants s3:* on every bucket"},
	} {
		for _, dryRun := range []bool{true, false} {
			args := append(append([]string{"create", "trust-one"}, tc.args...), "--endpoint-url", "http://127.0.0.1:1")
			if dryRun {
				args = append(args, "--dry-run")
			}
			r := run(t, "", args...)
			if r.Code != 2 || !strings.Contains(r.Stderr, tc.want) || r.Stdout != "" {
				t.Errorf("%v: exit %d, stdout %q, stderr:\n%s", args, r.Code, r.Stdout, r.Stderr)
			}
		}
	}
	// Temporary credentials keep a condition on s3:* on every bucket.
	r := run(t, "", "create", "trust-one", "--statement", everything, "--source-ip", "10.0.0.0/8", "-d", "1h", "--dry-run")
	if r.Code != 0 || !strings.Contains(r.Stdout, `"Action": "s3:*",`) || strings.Count(r.Stdout, `"aws:SourceIp"`) != 4 {
		t.Errorf("exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// A second create for a user that exists never changes, without being
// asked, what the user's earlier keys may do: their prefix, their time
// limit, their source networks. Running the same command again still
// gives a second key; --replace-policy replaces the policy and says what
// changed; --tag tags the existing user.
func TestExistingUserIsNotWidenedSilently(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("widen-one")
	first := e.ok("create", "widen-one", "--read-only", "--prefix", "a/", "--source-ip", "10.0.0.0/8")
	key := decodeJSON(t, first.Stdout)["AccessKeyId"].(string)
	const user = "s3.read-only.widen-one"
	before := e.inlinePolicies(user)
	for _, args := range [][]string{
		{"create", "widen-one", "--read-only"},
		{"create", "widen-one", "--read-only", "--prefix", "a/"},
		{"create", "widen-one", "--read-only", "--source-ip", "10.0.0.0/8"},
		{"create", "widen-one", "--read-only", "--prefix", "b/", "--source-ip", "10.0.0.0/8"},
		{"create", "widen-one", "--read-only", "--prefix", "a/", "--source-ip", "10.0.0.0/16"},
	} {
		r := e.run(args...)
		if r.Code != 1 || r.Stdout != "" || !strings.Contains(r.Stderr, "User "+user+" already exists, and this run would change what its access key "+key+" may do") ||
			!strings.Contains(r.Stderr, "Pass --replace-policy to replace the policy") {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s", args, r.Code, r.Stdout, r.Stderr)
		}
		if got := e.inlinePolicies(user); !maps.Equal(got, before) {
			t.Fatalf("%v changed the policy:\n%v", args, got)
		}
		if keys := e.accessKeys(user); len(keys) != 1 {
			t.Fatalf("%v: keys %v", args, keys)
		}
	}
	// What would change is said in the terms of the options.
	r := e.run("create", "widen-one", "--read-only")
	for _, want := range []string{"policy s3.read-only.widen-one: ", "reach prefix a/ -> the whole bucket", "source networks 10.0.0.0/8 -> anywhere"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, r.Stderr)
		}
	}
	// The same command again: a second key, the policy as it was.
	e.ok("create", "widen-one", "--read-only", "--prefix", "a/", "--source-ip", "10.0.0.0/8")
	if keys := e.accessKeys(user); len(keys) != 2 {
		t.Fatalf("keys %v", keys)
	}
	if got := e.inlinePolicies(user); !maps.Equal(got, before) {
		t.Fatalf("the same command changed the policy:\n%v", got)
	}
	// Asked for: replaced, and said. (The user is at IAM's two keys, so
	// another user shows it.)
	e.ok("create", "widen-one", "--read-only", "--prefix", "a/", "--username", "widen-two")
	r = e.ok("create", "widen-one", "--read-only", "--username", "widen-two", "--replace-policy", "--tag", "team=data")
	if !strings.Contains(r.Stderr, "Replaced the earlier policy s3.read-only.widen-one of user widen-two (reach prefix a/ -> the whole bucket): its access key ") ||
		!strings.Contains(r.Stderr, "Tagged user widen-two with team=data") {
		t.Errorf("stderr:\n%s", r.Stderr)
	}
	if tags := e.userTags("widen-two"); tags["team"] != "data" {
		t.Errorf("tags %v", tags)
	}
	// A new policy for another bucket on an existing user says that the
	// earlier keys get it too.
	e.makeBucket("widen-three")
	earlier := decodeJSON(t, e.ok("create", "widen-one", "--read-only", "--username", "widen-four", "--tag", "team=data").Stdout)["AccessKeyId"].(string)
	r = e.ok("create", "widen-three", "--read-only", "--username", "widen-four", "--tag", "team=ops")
	if !strings.Contains(r.Stderr, "The policy applies to the user's earlier access key "+earlier+" too") || !strings.Contains(r.Stderr, "Tagged user widen-four with team=ops (was data)") {
		t.Errorf("stderr:\n%s", r.Stderr)
	}
}

// A user made with --expires takes only keys with the same time limit: a
// plain create would give its first key a policy that never expires.
func TestExpiringUserKeepsItsLimit(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("expiry-one")
	at := time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	e.ok("create", "expiry-one", "--read-only", "--expires", at)
	const user = "s3.read-only.expiry-one"
	before := e.inlinePolicies(user)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "expiry-one", "--read-only"}, "User " + user + " was made with --expires: its credentials stop working at " + at},
		{[]string{"create", "expiry-one", "--read-only", "--replace-policy"}, "was made with --expires"},
		{[]string{"create", "expiry-one", "--read-only", "--expires", "60d"}, "was made with --expires " + at + ", not "},
		{[]string{"create", "expiry-one", "--read-only", "--expires", "1d", "--username", "plain"}, ""},
	} {
		if tc.want == "" {
			e.ok("create", "expiry-one", "--username", "plain")
			tc.want = "User plain already exists, without a time limit"
		}
		r := e.run(tc.args...)
		if r.Code != 1 || r.Stdout != "" || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s", tc.args, r.Code, r.Stdout, r.Stderr)
		}
	}
	if got := e.inlinePolicies(user); !maps.Equal(got, before) {
		t.Fatalf("the policy changed:\n%v", got)
	}
	// The same limit: a second key.
	r := e.ok("create", "expiry-one", "--read-only", "--expires", at)
	if !strings.Contains(r.Stderr, "The credentials stop working at "+at) {
		t.Errorf("stderr:\n%s", r.Stderr)
	}
	if keys := e.accessKeys(user); len(keys) != 2 {
		t.Errorf("keys %v", keys)
	}
}

// The tool's own marks cannot be set with --tag: prune trusts them.
func TestToolTagsCannotBeForged(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"s3-credentials:expires", "S3-Credentials:Expires", "s3-credentials:anything"} {
		for _, cmd := range [][]string{{"create", "tag-bucket"}, {"create", "tag-bucket", "-d", "1h"}, {"create-role", "tag-role", "tag-bucket"}} {
			args := append(cmd, "--tag", key+"=2020-01-01T00:00:00Z", "--dry-run")
			r := run(t, "", args...)
			if r.Code != 2 || !strings.Contains(r.Stderr, "tag keys starting with 's3-credentials:' are the tool's own marks") || r.Stdout != "" {
				t.Errorf("%v: exit %d\n%s", args, r.Code, r.Stderr)
			}
		}
	}
}

// Two options that read standard input are refused before anything is
// read or sent; a --policy that is no policy document is refused before
// any change.
func TestStandardInputIsReadOnce(t *testing.T) {
	t.Parallel()
	auth := `{"AccessKeyId": "AKIAX", "SecretAccessKey": "secret-that-must-not-show"}`
	for _, args := range [][]string{
		{"create", "stdin-bucket", "-a", "-", "--policy", "-", "--dry-run"},
		{"create", "stdin-bucket", "--auth", "-", "--policy", "-"},
		{"put-object", "stdin-bucket", "k", "-", "-a", "-"},
		{"set-bucket-policy", "stdin-bucket", "--policy-file", "-", "-a", "-"},
	} {
		r := run(t, auth, append(args, "--endpoint-url", "http://127.0.0.1:1")...)
		if r.Code != 2 || !strings.Contains(r.Stderr, "both read standard input, which can be read only once") ||
			strings.Contains(r.Stdout+r.Stderr, "secret-that-must-not-show") {
			t.Errorf("%v: exit %d\nstdout %s\nstderr %s", args, r.Code, r.Stdout, r.Stderr)
		}
	}
	for stdin, want := range map[string]string{
		`[]`:                            "Invalid value for '--policy': JSON must be an object",
		`{"Version": "2012-10-17"}`:     "the policy has no Statement",
		`{"Statement": "s3:GetObject"}`: "the policy's Statement must be an object or a list of objects",
		`{"Statement": [{}, 7]}`:        "statement 2 of the policy is not a JSON object",
	} {
		for _, extra := range [][]string{{"--dry-run"}, {"--endpoint-url", "http://127.0.0.1:1", "--access-key", "a", "--secret-key", "b"}} {
			r := run(t, stdin, append([]string{"create", "stdin-bucket", "--policy", "-"}, extra...)...)
			if r.Code != 2 || !strings.Contains(r.Stderr, want) {
				t.Errorf("--policy %s %v: exit %d\n%s", stdin, extra, r.Code, r.Stderr)
			}
		}
	}
}

// A network that limits nothing is warned about, wherever --source-ip is
// taken.
func TestEveryAddressIsWarnedAbout(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ips  []string
		want string
	}{
		{[]string{"0.0.0.0/0"}, "Warning: --source-ip 0.0.0.0/0 allows every IPv4 address and no IPv6 one"},
		{[]string{"::/0"}, "Warning: --source-ip ::/0 allows every IPv6 address and no IPv4 one"},
		{[]string{"0.0.0.0/0", "::/0"}, "they limit nothing"},
		{[]string{"10.9.8.7/0"}, "Warning: --source-ip 0.0.0.0/0 allows every IPv4 address"},
	} {
		for _, cmd := range [][]string{{"policy", "ip-bucket"}, {"create", "ip-bucket", "--dry-run"}, {"create", "ip-bucket", "-d", "1h", "--dry-run"}, {"create-role", "ip-role", "ip-bucket", "--dry-run"}} {
			args := append([]string{}, cmd...)
			for _, ip := range tc.ips {
				args = append(args, "--source-ip", ip)
			}
			r := run(t, "", args...)
			if r.Code != 0 || !strings.Contains(r.Stderr, tc.want) {
				t.Errorf("%v: exit %d\n%s", args, r.Code, r.Stderr)
			}
		}
	}
	if r := run(t, "", "policy", "ip-bucket", "--source-ip", "10.0.0.0/8"); strings.Contains(r.Stderr, "Warning") {
		t.Errorf("a real network warned about: %s", r.Stderr)
	}
}

// createdRoleSaid is the line that says the tool's role was made (in the
// test account).
const createdRoleSaid = "Created role s3-credentials.AmazonS3FullAccess, the tool's role for temporary credentials: it holds AmazonS3FullAccess, " +
	"each session is narrowed by its session policy, and identities of account 123456789012 allowed sts:AssumeRole may assume it\n"

// Making the tool's role is a change to the account, and said, by every
// command that may make it.
func TestMakingTheRoleIsSaid(t *testing.T) {
	t.Parallel()
	const said = "Created role s3-credentials.AmazonS3FullAccess, the tool's role for temporary credentials: it holds AmazonS3FullAccess"
	e := newE2E(t)
	for _, args := range [][]string{
		{"create", "role-bucket", "-d", "15m"},
		{"presign", "role-bucket", "k.txt", "--scoped"},
		{"presign-post", "role-bucket", "--prefix", "in/", "--scoped"},
	} {
		e.moto.Reset(t)
		e.makeBucket("role-bucket")
		r := e.ok(args...)
		if strings.Count(r.Stderr, said) != 1 {
			t.Errorf("%v: stderr\n%s", args, r.Stderr)
		}
		if r = e.ok(args...); strings.Contains(r.Stderr, "Created role") {
			t.Errorf("%v: the role was said to be made again:\n%s", args, r.Stderr)
		}
	}
}

// create, create-role and set-bucket-policy run check-policy's checks on
// the user's own statements before any change: an error refuses with exit
// 2 and no request; a warning goes to standard error and the run goes on.
func TestOwnStatementsAreChecked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	typo := `{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::chk-bucket/*"}`
	nothing := `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::chk-bucket/*"}`
	file := filepath.Join(dir, "bucket-policy.json")
	noErr(t, os.WriteFile(file, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::chk-bucket/*"}]}`), 0o600))
	policyFile := filepath.Join(dir, "policy.json")
	noErr(t, os.WriteFile(policyFile, []byte(`{"Version":"2012-10-17","Statement":[`+nothing+`]}`), 0o600))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "chk-bucket", "--statement", typo}, `s3.custom.chk-bucket: Statement[3]: "s3:GetObjekt": S3 has no action GetObjekt (unknown-action)`},
		{[]string{"create", "chk-bucket", "--statement", nothing, "-d", "1h"}, "session policy: Statement[3]: \"s3:ListBucket\": s3:ListBucket acts on buckets"},
		{[]string{"create", "chk-bucket", "--policy", policyFile}, "s3.custom.chk-bucket: Statement[0]: \"s3:ListBucket\""},
		{[]string{"create-role", "chk-role", "chk-bucket", "--statement", typo}, "(unknown-action)"},
		{[]string{"set-bucket-policy", "chk-bucket", "--policy-file", file}, `bucket policy: Statement[0]: "s3:GetObjekt"`},
	} {
		for _, dryRun := range []bool{false, true} {
			args := append(append([]string{}, tc.args...), "--endpoint-url", "http://127.0.0.1:1", "--access-key", "a", "--secret-key", "b")
			if dryRun {
				if tc.args[0] == "set-bucket-policy" {
					continue
				}
				args = append(args, "--dry-run")
			}
			r := run(t, "", args...)
			if r.Code != 2 || r.Stdout != "" || !strings.Contains(r.Stderr, "the policy would be refused by AWS or grant nothing where it means to; nothing was changed:\n  ") ||
				!strings.Contains(r.Stderr, tc.want) {
				t.Errorf("%v: exit %d, stdout %q\n%s", args, r.Code, r.Stdout, r.Stderr)
			}
		}
	}
	// Warnings: said, and the run goes on. (What a statement plainly asks
	// for, s3:* or every bucket, is not warned about: its author chose it.)
	e := newE2E(t)
	e.makeBucket("chk-bucket")
	r := e.ok("create", "chk-bucket", "--statement", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::chk-bucket/*","Condition":{"StringEquals":{"s3:prefix":"x/"}}}`, "--username", "chk-user")
	if !strings.Contains(r.Stderr, `Warning: s3.custom.chk-bucket: Statement[3]: "s3:prefix": `) || !strings.Contains(r.Stderr, "(condition-never-holds)") {
		t.Errorf("stderr:\n%s", r.Stderr)
	}
	r = e.ok("create", "chk-bucket", "--statement", `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`, "--username", "chk-user-2")
	if strings.Contains(r.Stderr, "Warning") {
		t.Errorf("a deliberate grant warned about:\n%s", r.Stderr)
	}
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::chk-bucket/*"}]}`
	r = e.runStdin(public, "set-bucket-policy", "chk-bucket", "--policy-file", "-")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Warning: bucket policy: Statement[0]: ") || !strings.Contains(r.Stderr, "(public)") {
		t.Errorf("exit %d\n%s", r.Code, r.Stderr)
	}
	if got := e.bucketPolicy("chk-bucket"); !strings.Contains(got, "s3:GetObject") {
		t.Errorf("the policy was not set: %s", got)
	}
}
