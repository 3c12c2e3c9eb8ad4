package cli

import (
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

// --key on create, policy, localserver and create-role: a key must be one
// S3 could hold.
func TestKeyUsageErrors(t *testing.T) {
	long := strings.Repeat("k", 1025)
	for _, cmd := range [][]string{
		{"create", "bkt", "--dry-run"},
		{"policy", "bkt"},
		{"localserver", "bkt", "-d", "1h"},
		{"create-role", "app", "bkt", "--dry-run"},
	} {
		for _, tc := range []struct{ key, msg string }{
			{"", "Error: Invalid value for '--key': the key must not be empty (use --prefix for a whole bucket or a prefix).\n"},
			{"a\xffb", "Error: Invalid value for '--key': \"a\\xffb\" is not valid UTF-8, which S3 keys must be.\n"},
			{long, "Error: Invalid value for '--key': the key is 1025 bytes long; S3 keys are at most 1024.\n"},
		} {
			r := run(t, "", append(cmd, "--key", "fine", "--key", tc.key)...)
			if r.Code != 2 || !strings.HasSuffix(r.Stderr, tc.msg) || !strings.HasPrefix(r.Stderr, "Usage: s3-credentials "+cmd[0]) || r.Stdout != "" {
				t.Errorf("%v --key %.20q: exit %d stdout %q stderr:\n%s", cmd, tc.key, r.Code, r.Stdout, r.Stderr)
			}
		}
	}
	// 1024 bytes is allowed.
	if r := run(t, "", "policy", "bkt", "--key", long[:1024]); r.Code != 0 {
		t.Errorf("1024-byte key: exit %d %s", r.Code, r.Stderr)
	}
}

func TestPolicyKeys(t *testing.T) {
	r := run(t, "", "policy", "bkt", "--read-only", "--key", "reports/2026*.csv", "--key", "a?b$c", "--prefix", "in/")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	golden(t, "key/policy-read-only.out", r.Stdout)
	r = run(t, "", "policy", "bk1", "bk2", "--write-only", "--key", "exact.txt")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	golden(t, "key/policy-write-only.out", r.Stdout)
	r = run(t, "", "create", "bkt", "--key", "x*", "--dry-run")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	golden(t, "key/create-dry-run.out", r.Stdout)
}

// On moto: the user's inline policy, the session policy of temporary
// credentials and of localserver all name exactly the keys.
func TestKeyPolicies(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("key-bucket")
	scope := policy.Scope{Keys: []string{"data/one.csv", "weird*name?$"}}
	want := compactPolicy(policy.Wrap(policy.Statements(policy.ReadWrite, "key-bucket", scope)...))
	if !strings.Contains(want, `"arn:aws:s3:::key-bucket/weird${*}name${?}${$}"`) || strings.Contains(want, `"arn:aws:s3:::key-bucket"`) {
		t.Fatalf("the expected policy is not what --key means: %s", want)
	}
	e.ok("create", "key-bucket", "--key", "data/one.csv", "--key", "weird*name?$", "--username", "keyed")
	if got := e.inlinePolicies("keyed")["s3.read-write.key-bucket"]; got != want {
		t.Errorf("inline policy\n got  %s\n want %s", got, want)
	}

	rec, proxyURL := newRecorder(t, e.moto.URL)
	e.ok("create", "key-bucket", "--key", "data/one.csv", "--key", "weird*name?$", "-d", "15m", "--endpoint-url", proxyURL)
	session, _ := rec.param("AssumeRole", "Policy")
	if got := compactText(t, session); got != want {
		t.Errorf("session policy\n got  %s\n want %s", got, want)
	}

	rec, proxyURL = newRecorder(t, e.moto.URL)
	startLocalserver(t, e, "key-bucket", "--read-only", "--key", "data/one.csv", "-d", "15m", "-p", "0", "--host", "127.0.0.1", "--endpoint-url", proxyURL)
	session, _ = rec.param("AssumeRole", "Policy")
	ro := string(pyjson.EncodeCompact(policy.Wrap(policy.Statements(policy.ReadOnly, "key-bucket", policy.Scope{Keys: []string{"data/one.csv"}})...)))
	if got := compactText(t, session); got != ro {
		t.Errorf("localserver session policy\n got  %s\n want %s", got, ro)
	}
}
