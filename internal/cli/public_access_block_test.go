package cli

import (
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
