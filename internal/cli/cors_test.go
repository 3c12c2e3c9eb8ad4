package cli

import (
	"os"
	"testing"
)

func TestCORSPolicy(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.acctBucket("cors-bucket")

	r := e.run("get-cors-policy", "cors-bucket")
	if r.Code != 1 || r.Stdout != "" || r.Stderr != "Error: NoSuchCORSConfiguration: The CORS configuration does not exist\n" {
		t.Errorf("no CORS: %+v", r)
	}

	// Defaults: GET from any origin.
	r = e.ok("set-cors-policy", "cors-bucket")
	if r.Stdout != "" || r.Stderr != "" {
		t.Errorf("set-cors-policy printed %+v", r)
	}
	r = e.ok("get-cors-policy", "cors-bucket")
	golden(t, "account/get-cors-policy-default.out", r.Stdout)
	e.sameAsReference(r, "get-cors-policy", "cors-bucket")

	// Every option, short forms, repeated; -h is --allowed-header here.
	args := []string{"set-cors-policy", "cors-bucket", "-m", "GET", "--allowed-method", "PUT",
		"-h", "Authorization", "-h", "Content-Type", "-o", "https://www.example.com/",
		"--allowed-origin", "https://other.example.com", "-e", "ETag", "--expose-header", "x-amz-meta-custom",
		"--max-age-seconds", "3600"}
	e.ok(args...)
	r = e.ok("get-cors-policy", "cors-bucket")
	golden(t, "account/get-cors-policy-all.out", r.Stdout)
	e.sameAsReference(r, "get-cors-policy", "cors-bucket")
	// The reference sets the same rule.
	if os.Getenv("S3C_REFERENCE") != "" {
		e.sameAsReference(result{}, append([]string{}, args...)...)
		e.sameAsReference(r, "get-cors-policy", "cors-bucket")
	}
}
