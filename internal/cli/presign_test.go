package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/presign"
	"github.com/s3-credentials/s3-credentials/internal/roles"
)

// Bad input is a usage error (exit 2) before anything is signed or sent.
func TestPresignUsageErrors(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	long := strings.Repeat("k", presign.MaxKeyBytes+1)
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"presign", "b"}, "Missing argument 'KEY'."},
		{[]string{"presign", "my-bucket", "k", "--method", "DELETE"}, "Invalid value for '--method': 'DELETE' is not one of 'GET', 'PUT'."},
		{[]string{"presign", "my-bucket", "k", "--expires", "8d"}, "Invalid value for '--expires': '8d' is longer than 7 days, the most a SigV4 signature allows."},
		{[]string{"presign", "my-bucket", "k", "--expires", "604801"}, "Invalid value for '--expires': '604801' is longer than 7 days"},
		{[]string{"presign", "my-bucket", "k", "--expires", "0"}, "Invalid value for '--expires': a link must last at least 1 second."},
		{[]string{"presign", "my-bucket", "k", "--expires", "-1h"}, "Invalid value for '--expires': '-1h' is not a length of time"},
		{[]string{"presign", "my-bucket", "k", "--expires", "soon"}, "Invalid value for '--expires': 'soon' is not a length of time: use seconds (3600, 2.5), or a number with a unit s, m, h, d or w (90m, 1.5h, 1h30m, 30d, 2w)."},
		{[]string{"presign", "my-bucket", "k", "--expires", "2.5s"}, "Invalid value for '--expires': '2.5s' is not a whole number of seconds."},
		{[]string{"presign", "my-bucket", "k", "--expires", "13h", "--scoped"}, "Invalid value for '--expires': '13h' is longer than 12 hours, the longest session that can sign a --scoped link."},
		{[]string{"presign", "my-bucket", "k", "--content-type", "text/plain"}, "--content-type is signed only into upload URLs: add --method PUT"},
		{[]string{"presign", "my-bucket", "k", "--method", "put", "--content-type", "text/plain\r\nX-Amz-Acl: public-read"}, "Invalid value for '--content-type'"},
		{[]string{"presign", "my-bucket", "k", "--method", "put", "--content-type", ""}, "Invalid value for '--content-type'"},
		{[]string{"presign", "", "k"}, "Invalid value for 'BUCKET': the bucket name is empty"},
		{[]string{"presign", "a/b", "k"}, `Invalid value for 'BUCKET': 'a/b' is not a bucket name`},
		{[]string{"presign", "my-bucket", ""}, "Invalid value for 'KEY': the key is empty"},
		{[]string{"presign", "my-bucket", "a\xffb"}, `Invalid value for 'KEY': "a\xffb" is not an object key: keys are UTF-8 text.`},
		{[]string{"presign", "my-bucket", long}, "Invalid value for 'KEY': '" + strings.Repeat("k", 64) + "...' (1025 bytes) is not an object key: keys are at most 1024 bytes long."},
		{[]string{"presign-post", "my-bucket"}, "Say where uploads go: --key KEY for one key, or --prefix PREFIX for any key under it (--prefix '' for the whole bucket)"},
		{[]string{"presign-post", "my-bucket", "--key", "a", "--prefix", "b/"}, "--key and --prefix cannot be used together"},
		{[]string{"presign-post", "my-bucket", "--key", ""}, "Invalid value for '--key': the key is empty."},
		{[]string{"presign-post", "my-bucket", "--prefix", long}, "Invalid value for '--prefix': the prefix is 1025 bytes long"},
		{[]string{"presign-post", "my-bucket", "--key", "k", "--max-size", "10M"}, "Invalid value for '--max-size': '10M' has an unknown unit 'M'"},
		{[]string{"presign-post", "my-bucket", "--key", "k", "--max-size", "lots"}, "Invalid value for '--max-size': 'lots' is not a size"},
		{[]string{"presign-post", "my-bucket", "--key", "k", "--max-size", "0"}, "Invalid value for '--max-size': '0' is not between 1 byte and 5GiB"},
		{[]string{"presign-post", "my-bucket", "--key", "k", "--max-size", "6GiB"}, "Invalid value for '--max-size': '6GiB' is not between 1 byte and 5GiB"},
		{[]string{"presign-post", "my-bucket", "--key", "k", "--expires", "1d", "--scoped"}, "Invalid value for '--expires': '1d' is longer than 12 hours"},
		{[]string{"presign-post", "my-bucket", "--key", "k", "--content-type", "a\nb"}, "Invalid value for '--content-type'"},
		{[]string{"presign-post", "", "--key", "k"}, "Invalid value for 'BUCKET': the bucket name is empty"},
	} {
		r := run(t, "", append(tc.args, "--endpoint-url", srv.URL)...)
		if r.Code != 2 || !strings.Contains(r.Stderr, "Error: "+tc.err) || !strings.HasPrefix(r.Stderr, "Usage: s3-credentials presign") || r.Stdout != "" {
			t.Errorf("%q: exit %d\nstdout %q\nstderr %q\nwant %q", tc.args, r.Code, r.Stdout, r.Stderr, tc.err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

var urlLine = regexp.MustCompile(`^http://\S+\n$`)

// A presigned PUT uploads and a presigned GET downloads, through plain
// HTTP with no credentials; stdout holds the URL alone and no secret.
func TestPresignGetPut(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("share-bucket")
	key := "dir/a b+c?*$é.txt"
	auth := []string{"--access-key", "AKIDPRESIGN", "--secret-key", "the-secret-of-the-caller"}

	r := e.ok(append([]string{"presign", "share-bucket", key, "--method", "PUT", "--content-type", "text/csv", "--expires", "15m"}, auth...)...)
	if !urlLine.MatchString(r.Stdout) || !strings.Contains(r.Stdout, "X-Amz-Expires=900&") || !strings.Contains(r.Stdout, "X-Amz-SignedHeaders=content-type%3Bhost") {
		t.Fatalf("stdout %q", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "Upload (sending the header Content-Type: text/csv) URL valid for 15m, until ") {
		t.Errorf("stderr %q", r.Stderr)
	}
	if strings.Contains(r.Stdout+r.Stderr, "the-secret-of-the-caller") {
		t.Error("the secret key was printed")
	}
	req, _ := http.NewRequest(http.MethodPut, strings.TrimSpace(r.Stdout), strings.NewReader("a,b\n1,2\n"))
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT: %s", resp.Status)
	}

	r = e.ok(append([]string{"presign", "share-bucket", key}, auth...)...)
	if !urlLine.MatchString(r.Stdout) || strings.Contains(r.Stdout, "Checksum") || !strings.Contains(r.Stdout, "/share-bucket/dir/a%20b%2Bc%3F%2A%24%C3%A9.txt?") {
		t.Fatalf("stdout %q", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "Download URL valid for 1h, until ") || strings.Contains(r.Stderr, "Warning") {
		t.Errorf("stderr %q", r.Stderr)
	}
	if r := e.ok("presign", "share-bucket", "a/../b"); !strings.Contains(r.Stderr, "Warning: the key has a '.' or '..' path segment") {
		t.Errorf("no warning for a dot segment: %q", r.Stderr)
	}
	resp = must(http.Get(strings.TrimSpace(r.Stdout))).ok(t) //nolint:bodyclose // closed below: the linter cannot follow must
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "a,b\n1,2\n" || resp.Header.Get("Content-Type") != "text/csv" {
		t.Errorf("GET: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Type"))
	}
}

// --scoped signs with a new session of the tool's role (created here, as
// create --duration would) and says so; the URL carries that session's
// key and token, not the caller's.
func TestPresignScoped(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("share-bucket")
	e.putObj("share-bucket", "r*port?.pdf", "pdf")
	r := e.ok("presign", "share-bucket", "r*port?.pdf", "--scoped", "--expires", "3s")
	u := must(url.Parse(strings.TrimSpace(r.Stdout))).ok(t)
	q := u.Query()
	if q.Get("X-Amz-Security-Token") == "" || strings.HasPrefix(q.Get("X-Amz-Credential"), "testing/") || q.Get("X-Amz-Expires") != "3" {
		t.Errorf("not signed by a session: %s", r.Stdout)
	}
	want := "Signed by session s3.custom.share-bucket of role " + roles.ToolRole + " (access key " + strings.Split(q.Get("X-Amz-Credential"), "/")[0] +
		"), which may only s3:GetObject on arn:aws:s3:::share-bucket/r${*}port${?}.pdf\n"
	if !strings.HasPrefix(r.Stderr, createdRoleSaid) || !strings.Contains(r.Stderr, "\n"+want) || !strings.Contains(r.Stderr, "Download URL valid for 3s, until ") {
		t.Errorf("stderr %q\nwant prefix %q", r.Stderr, want)
	}
	resp := must(http.Get(u.String())).ok(t) //nolint:bodyclose // closed below: the linter cannot follow must
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "pdf" {
		t.Errorf("GET: %d %q", resp.StatusCode, body)
	}
	// The role now exists and is reused next time.
	r = e.ok("presign-post", "share-bucket", "--prefix", "in/", "--scoped", "--expires", "12h")
	if !strings.HasPrefix(r.Stderr, "Signed by session s3.custom.share-bucket of role "+roles.ToolRole) ||
		!strings.Contains(r.Stderr, "which may only s3:PutObject on arn:aws:s3:::share-bucket/in/*\n") {
		t.Errorf("stderr %q", r.Stderr)
	}
	var form struct{ Fields map[string]string }
	if err := json.Unmarshal([]byte(r.Stdout), &form); err != nil || form.Fields["x-amz-security-token"] == "" {
		t.Errorf("no session token in the form (%v): %s", err, r.Stdout)
	}
}

// postForm parses presign-post's JSON, keeping the field order.
type postForm struct {
	URL    string
	Fields [][2]string
}

func parseForm(t *testing.T, stdout string) postForm {
	t.Helper()
	var raw struct {
		URL    string          `json:"url"`
		Fields json.RawMessage `json:"fields"`
	}
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	f := postForm{URL: raw.URL}
	dec := json.NewDecoder(bytes.NewReader(raw.Fields))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		var v string
		noErr(t, dec.Decode(&v))
		f.Fields = append(f.Fields, [2]string{k.(string), v})
	}
	return f
}

// post uploads content as a file named name with the form.
// post sends the form with a file and returns the answer's status.
func (f postForm) post(t *testing.T, name, content string) int {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, fl := range f.Fields {
		mw.WriteField(fl[0], fl[1])
	}
	part, _ := mw.CreateFormFile("file", name)
	part.Write([]byte(content))
	mw.Close()
	resp := must(http.Post(f.URL, mw.FormDataContentType(), &body)).ok(t) //nolint:bodyclose // closed below: the linter cannot follow must
	resp.Body.Close()
	return resp.StatusCode
}

func TestPresignPost(t *testing.T) {
	e := newE2E(t)
	e.serialEnv()
	e.makeBucket("share-bucket")
	r := e.ok("presign-post", "share-bucket", "--prefix", "uploads/", "--max-size", "1KB", "--content-type", "text/plain", "--expires", "2h")
	f := parseForm(t, r.Stdout)
	if f.URL != e.moto.URL+"/share-bucket" {
		t.Errorf("url %s", f.URL)
	}
	var names []string
	for _, fl := range f.Fields {
		names = append(names, fl[0])
	}
	if got := strings.Join(names, " "); got != "key Content-Type x-amz-algorithm x-amz-credential x-amz-date policy x-amz-signature" {
		t.Errorf("fields %s", got)
	}
	if f.Fields[0][1] != "uploads/${filename}" || f.Fields[1][1] != "text/plain" {
		t.Errorf("fields %v", f.Fields[:2])
	}
	for _, want := range []string{
		"Upload form for bucket share-bucket: any key starting with uploads/, at most 1 KB (1000 bytes), stored as text/plain\n",
		"Form valid for 2h, until ",
		"\nUpload FILE with curl:\n\ncurl \\\n  --form-string 'key=uploads/${filename}' \\\n",
		"  -F 'file=@FILE' \\\n  " + f.URL + "\n\nOr save this page as upload.html",
		`<input type="hidden" name="key" value="uploads/${filename}">`,
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	if status := f.post(t, "hello.txt", "hello"); status != 204 {
		t.Errorf("POST: %d", status)
	}
	if got := e.objKeys("share-bucket"); strings.Join(got, ",") != "uploads/hello.txt" {
		t.Errorf("keys %v", got)
	}

	// The curl command printed works as printed.
	curl, err := exec.LookPath("curl")
	if err != nil {
		return
	}
	file := filepath.Join(t.TempDir(), "from curl.txt")
	os.WriteFile(file, []byte("sent by curl"), 0o644)
	cmd := regexp.MustCompile(`(?s)\n(curl \\\n.*?)\n\n`).FindStringSubmatch(r.Stderr)
	if cmd == nil {
		t.Fatalf("no curl command in %s", r.Stderr)
	}
	script := strings.Replace(cmd[1], "'file=@FILE'", "'file=@'"+presign.ShellQuote(file), 1)
	script = strings.Replace(script, "curl ", curl+" -sS -w '%{http_code}' ", 1)
	out, err := exec.Command("sh", "-c", script).CombinedOutput()
	if err != nil || string(out) != "204" {
		t.Errorf("curl: %v %s", err, out)
	}
	if got := e.objKeys("share-bucket"); strings.Join(got, ",") != "uploads/from curl.txt,uploads/hello.txt" {
		t.Errorf("keys %v", got)
	}
}

// An exact --key makes a form for that key only; the policy says so.
func TestPresignPostExactKey(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("share-bucket")
	r := e.ok("presign-post", "share-bucket", "--key", "inbox/report.pdf")
	f := parseForm(t, r.Stdout)
	if f.Fields[0] != [2]string{"key", "inbox/report.pdf"} {
		t.Errorf("key field %v", f.Fields[0])
	}
	var policy string
	for _, fl := range f.Fields {
		if fl[0] == "policy" {
			policy = fl[1]
		}
	}
	doc, _ := base64Decode(policy)
	if !strings.Contains(doc, `{"key":"inbox/report.pdf"}`) || strings.Contains(doc, "content-length-range") {
		t.Errorf("policy %s", doc)
	}
	if !strings.Contains(r.Stderr, "Upload form for bucket share-bucket: key inbox/report.pdf\n") {
		t.Errorf("stderr %q", r.Stderr)
	}
}

func TestReportValidity(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var b strings.Builder
	reportValidity(&b, "Download URL", time.Hour, now.Add(time.Hour), presign.SignerInfo{CredentialsExpire: now.Add(20 * time.Minute)}, false)
	want := "Download URL valid for 1h, until 2030-01-02T03:24:05Z\n" +
		"Warning: the credentials that signed it expire at 2030-01-02T03:24:05Z, before the 1h asked for; it stops working then. --scoped signs with a session that lasts as long as the link.\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	reportValidity(&b, "Form", time.Hour, now.Add(time.Hour), presign.SignerInfo{CredentialsExpire: now.Add(2 * time.Hour)}, false)
	if b.String() != "Form valid for 1h, until 2030-01-02T04:04:05Z\n" {
		t.Errorf("got %q", b.String())
	}
}

func base64Decode(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	return string(b), err
}
