package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// analyzerServer answers ValidatePolicy with pages of findings (or status
// and body of an error), and keeps the requests' bodies.
type analyzerServer struct {
	mu     sync.Mutex
	bodies []map[string]any
	pages  []string // JSON answers, one per request
	status int      // when not 0: every answer is this error
	errMsg string
}

func (a *analyzerServer) url(t *testing.T) string {
	return answeringURL(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/policy/validation" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
			w.WriteHeader(http.StatusNotFound)
			return
		}
		data, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(data, &body); err != nil {
			t.Errorf("body %q: %v", data, err)
		}
		if tok := r.URL.Query().Get("nextToken"); tok != "" {
			body["nextToken"] = tok // a query parameter of the call
		}
		a.mu.Lock()
		n := len(a.bodies)
		a.bodies = append(a.bodies, body)
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("x-amzn-RequestId", "req-1")
		if a.status != 0 {
			w.Header().Set("x-amzn-ErrorType", "AccessDeniedException")
			w.WriteHeader(a.status)
			io.WriteString(w, `{"message": "`+a.errMsg+`"}`)
			return
		}
		io.WriteString(w, a.pages[min(n, len(a.pages)-1)])
	})
}

const analyzerPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"},
    {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*"}
  ]
}`

// --analyzer adds Access Analyzer's findings, every page of them, mapped
// to the tool's: ERROR an error (exit 1), the rest warnings, each at the
// statement and text its location points to.
func TestCheckPolicyAnalyzerFindings(t *testing.T) {
	t.Parallel()
	start := strings.Index(analyzerPolicy, `"s3:GetObjekt"`)
	// Offsets count characters; the policy is ASCII here.
	loc := func(stmt, from, to int) string {
		return `[{"path": [{"value": "Statement"}, {"index": ` + strconv.Itoa(stmt) + `}, {"value": "Action"}],
			"span": {"start": {"line": 1, "column": 0, "offset": ` + strconv.Itoa(from) + `}, "end": {"line": 1, "column": 0, "offset": ` + strconv.Itoa(to) + `}}}]`
	}
	a := &analyzerServer{pages: []string{
		`{"findings": [{"findingType": "ERROR", "issueCode": "INVALID_ACTION", "findingDetails": "The action s3:GetObjekt does not exist.",
			"learnMoreLink": "https://example.com", "locations": ` + loc(1, start, start+len(`"s3:GetObjekt"`)) + `}], "nextToken": "p2"}`,
		`{"findings": [{"findingType": "SUGGESTION", "issueCode": "EMPTY_ARRAY_CONDITION", "findingDetails": "Consider\n removing it.",
			"learnMoreLink": "https://example.com", "locations": []}]}`,
	}}
	ep := a.url(t)
	r := run(t, analyzerPolicy, "check-policy", "-", "--analyzer", "--endpoint-url", ep)
	want := "error: Statement[1]: \"s3:GetObjekt\": S3 has no action GetObjekt (unknown-action)\n" +
		"error: Statement[1]: \"\\\"s3:GetObjekt\\\"\": The action s3:GetObjekt does not exist. (analyzer:INVALID_ACTION)\n" +
		"warning: policy: Consider removing it. (analyzer:EMPTY_ARRAY_CONDITION)\n"
	if r.Code != 1 || r.Stdout != want || r.Stderr != "Error: The policy has 2 errors and 1 warning\n" {
		t.Errorf("exit %d\nstdout:\n%s\nwant:\n%s\nstderr: %q", r.Code, r.Stdout, want, r.Stderr)
	}
	if len(a.bodies) != 2 || a.bodies[0]["policyType"] != "IDENTITY_POLICY" || a.bodies[0]["policyDocument"] != analyzerPolicy || a.bodies[1]["nextToken"] != "p2" {
		t.Errorf("requests: %v", a.bodies)
	}

	b := &analyzerServer{pages: []string{`{"findings": []}`}}
	bucketPolicy := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}`
	r = run(t, bucketPolicy, "check-policy", "-", "--kind", "bucket", "--analyzer", "--endpoint-url", b.url(t), "--json")
	if r.Code != 0 || !strings.Contains(r.Stdout, `"Findings": []`) {
		t.Errorf("bucket: exit %d %q %q", r.Code, r.Stdout, r.Stderr)
	}
	if len(b.bodies) != 1 || b.bodies[0]["policyType"] != "RESOURCE_POLICY" || b.bodies[0]["validatePolicyResourceType"] != "AWS::S3::Bucket" {
		t.Errorf("bucket requests: %v", b.bodies)
	}
}

// Where Access Analyzer cannot be asked, a warning says why and the
// offline findings stand alone, with their own exit status.
func TestCheckPolicyAnalyzerUnavailable(t *testing.T) {
	t.Parallel()
	const clean = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}`
	denied := &analyzerServer{status: 403, errMsg: "User is not authorized to perform: access-analyzer:ValidatePolicy"}
	r := run(t, clean, "check-policy", "-", "--analyzer", "--endpoint-url", denied.url(t))
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "No findings: ") ||
		r.Stderr != "Warning: IAM Access Analyzer did not check the policy: AccessDeniedException: User is not authorized to perform: access-analyzer:ValidatePolicy (asking needs the permission access-analyzer:ValidatePolicy)\n" {
		t.Errorf("denied: exit %d %q %q", r.Code, r.Stdout, r.Stderr)
	}
	r = run(t, "not json", "check-policy", "-", "--analyzer", "--endpoint-url", denied.url(t))
	if r.Code != 1 || !strings.Contains(r.Stderr, "Warning: IAM Access Analyzer did not check the policy: the policy is not JSON\n") {
		t.Errorf("not JSON: exit %d %q", r.Code, r.Stderr)
	}
	if len(denied.bodies) != 1 {
		t.Errorf("%d requests, want 1 (none for text that is not JSON)", len(denied.bodies))
	}
	// A server that is not Access Analyzer at all (an S3-compatible one).
	r = run(t, clean, "check-policy", "-", "--analyzer", "--endpoint-url", answeringURL(t, portal))
	if r.Code != 0 || !strings.HasPrefix(r.Stderr, "Warning: IAM Access Analyzer did not check the policy: ") || strings.Count(r.Stderr, "\n") != 1 {
		t.Errorf("not Access Analyzer: exit %d %q", r.Code, r.Stderr)
	}
}
