package cli

import (
	"strings"
	"testing"
)

func TestPublicAccessBlock(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.acctBucket("pab-bucket")

	r := e.run("get-public-access-block", "pab-bucket")
	if r.Code != 1 || r.Stdout != "" || r.Stderr != "Error: NoSuchPublicAccessBlockConfiguration: The public access block configuration was not found\n" {
		t.Errorf("none set: %+v", r)
	}

	for _, tc := range []struct {
		name string
		args []string
	}{
		// click's BOOL words, any case.
		{"pab-two", []string{"--block-public-acls", "YES", "--ignore-public-acls", "0"}},
		{"pab-words", []string{"--block-public-acls", "off", "--ignore-public-acls", "T", "--block-public-policy", "y", "--restrict-public-buckets", "False"}},
		{"pab-allow", []string{"--allow-public-access", "--block-public-acls", "true"}},
	} {
		args := append([]string{"set-public-access-block", "pab-bucket"}, tc.args...)
		r := e.ok(args...)
		if r.Stdout != "" {
			t.Errorf("%v: stdout %q", args, r.Stdout)
		}
		golden(t, "account/"+tc.name+".err", r.Stderr)
		e.sameAsReferenceWithStderr(r, args...)
		r = e.ok("get-public-access-block", "pab-bucket")
		golden(t, "account/"+tc.name+".out", r.Stdout)
		e.sameAsReference(r, "get-public-access-block", "pab-bucket")
	}
}

func TestPublicAccessBlockErrors(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.acctBucket("pab-bucket")
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"set-public-access-block", "pab-bucket"}, 1,
			"Error: No valid options provided. Use --help to see available options.\n"},
		{[]string{"set-public-access-block", "pab-bucket", "--block-public-acls", "maybe"}, 2,
			"Error: Invalid value for '--block-public-acls': 'maybe' is not a valid boolean. Recognized values: , 0, 1, f, false, n, no, off, on, t, true, y, yes\n"},
		{[]string{"set-public-access-block", "pab-bucket", "--restrict-public-buckets"}, 2,
			"Error: Option '--restrict-public-buckets' requires an argument.\n"},
		{[]string{"set-public-access-block", "no-such-bucket", "--allow-public-access"}, 1,
			"Error: NoSuchBucket: The specified bucket does not exist\n"},
		{[]string{"get-public-access-block", "no-such-bucket"}, 1,
			"Error: NoSuchBucket: The specified bucket does not exist\n"},
	} {
		r := e.run(tc.args...)
		if r.Code != tc.code || !strings.HasSuffix(r.Stderr, tc.stderr) || r.Stdout != "" {
			t.Errorf("%v: got exit %d, stderr %q; want exit %d, stderr ending %q", tc.args, r.Code, r.Stderr, tc.code, tc.stderr)
		}
		if tc.code == 2 && !strings.HasPrefix(r.Stderr, "Usage: s3-credentials set-public-access-block [OPTIONS] BUCKET\n") {
			t.Errorf("%v: no usage hint: %q", tc.args, r.Stderr)
		}
	}
}
