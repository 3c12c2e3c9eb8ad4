package cli

import (
	"os"
	"strings"
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

func TestCORSPolicyErrors(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	r := e.run("set-cors-policy", "no-such-bucket")
	if r.Code != 1 || r.Stderr != "Error: Bucket no-such-bucket does not exists\n" {
		t.Errorf("missing bucket: %+v", r)
	}
	r = e.run("get-cors-policy", "no-such-bucket")
	if r.Code != 1 || r.Stderr != "Error: NoSuchBucket: The specified bucket does not exist\n" {
		t.Errorf("missing bucket: %+v", r)
	}
	r = e.run("set-cors-policy", "b", "--max-age-seconds", "soon")
	if r.Code != 2 || !strings.HasSuffix(r.Stderr, "Error: Invalid value for '--max-age-seconds': 'soon' is not a valid integer.\n") {
		t.Errorf("bad integer: %+v", r)
	}
	// --help still works; -h wants a value.
	r = e.run("set-cors-policy", "--help")
	if r.Code != 0 || !strings.Contains(r.Stdout+r.Stderr, "--allowed-header") {
		t.Errorf("--help: %+v", r)
	}
	r = e.run("set-cors-policy", "b", "-h")
	if r.Code != 2 || !strings.HasSuffix(r.Stderr, "Error: Option '-h' requires an argument.\n") {
		t.Errorf("-h without value: %+v", r)
	}
}
