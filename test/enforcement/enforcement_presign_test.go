//go:build enforcement

package enforcement

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/presign"
	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// run runs the real binary with the admin key against the server and
// returns its standard output and error.
func (s *server) run(t *testing.T, args ...string) (string, string) {
	t.Helper()
	args = append(args, "--endpoint-url", s.Endpoint, "-a", s.AdminJSON)
	cmd := exec.Command(testenv.Binary(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("s3-credentials %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// presignURL runs presign and returns the URL it printed.
func (s *server) presignURL(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut := s.run(t, append([]string{"presign"}, args...)...)
	t.Logf("presign %s\n%s", strings.Join(args, " "), strings.TrimSpace(errOut))
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, s.Endpoint+"/") {
		t.Fatalf("presign printed %q", out)
	}
	return strings.TrimSpace(out)
}

// answer is what the server said to one plain HTTP request.
type answer struct {
	Status int
	Code   string // S3 error code, when there is one
	Body   string
}

func (a answer) String() string {
	if a.Code != "" {
		return a.Code + " (" + http.StatusText(a.Status) + ")"
	}
	return http.StatusText(a.Status)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	a := answer{Status: resp.StatusCode, Body: string(body)}
	var e struct{ Code string }
	if resp.StatusCode >= 300 && xml.Unmarshal(body, &e) == nil {
		a.Code = e.Code
	}
	return a
}

func httpGet(t *testing.T, u string) answer {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return do(t, req)
}

func httpPut(t *testing.T, u, contentType, body string) answer {
	req, _ := http.NewRequest(http.MethodPut, u, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return do(t, req)
}

// expect records a plain-HTTP call and checks its outcome: allowed (2xx,
// and the body when want is set) or refused with 4xx and, when given, the
// S3 error code.
func expect(t *testing.T, name, call string, got answer, allow bool, code string) {
	t.Helper()
	want := "allowed"
	if !allow {
		want = "refused"
		if code != "" {
			want += ": " + code
		}
	}
	res := "allowed"
	if got.Status >= 300 {
		res = "refused: " + got.String()
	}
	record(row{name, "link", call, want, res})
	switch {
	case allow && got.Status >= 300:
		t.Errorf("%s: want allowed, got %s\n%s", call, got, got.Body)
	case !allow && got.Status < 300:
		t.Errorf("%s: want refused, but it was allowed", call)
	case !allow && (got.Status < 400 || got.Status >= 500):
		t.Errorf("%s: want a 4xx refusal, got %s\n%s", call, got, got.Body)
	case !allow && code != "" && got.Code != code:
		t.Errorf("%s: want %s, got %s\n%s", call, code, got, got.Body)
	}
}

// TestPresignedURLs: links signed with the admin key download and upload
// exactly what they were signed for.
func TestPresignedURLs(t *testing.T) {
	s, f := buckets(t)
	const name = "presign"

	u := s.presignURL(t, f.A, "foo/x.txt")
	got := httpGet(t, u)
	expect(t, name, "GET A/foo/x.txt", got, true, "")
	if got.Body != "content of foo/x.txt" {
		t.Errorf("downloaded %q", got.Body)
	}
	// Anything signed that changes breaks the signature.
	expect(t, name, "GET A/foo/x.txt, key in the URL changed to A/bar/x.txt", httpGet(t, strings.Replace(u, "/foo/x.txt?", "/bar/x.txt?", 1)), false, "SignatureDoesNotMatch")
	expect(t, name, "GET A/foo/x.txt, X-Amz-Expires raised", httpGet(t, strings.Replace(u, "X-Amz-Expires=3600", "X-Amz-Expires=7200", 1)), false, "SignatureDoesNotMatch")

	// An odd key, percent-encoded the way the server decodes it.
	odd := "presign/a b+c&d=é(1).txt"
	putURL := s.presignURL(t, f.A, odd, "--method", "PUT", "--content-type", "text/plain", "--expires", "15m")
	expect(t, name, "PUT with another Content-Type than signed", httpPut(t, putURL, "text/html", "<b>no</b>"), false, "SignatureDoesNotMatch")
	expect(t, name, "PUT A/"+odd+" (Content-Type signed)", httpPut(t, putURL, "text/plain", "uploaded through a link"), true, "")
	back := httpGet(t, s.presignURL(t, f.A, odd))
	expect(t, name, "GET A/"+odd, back, true, "")
	if back.Body != "uploaded through a link" {
		t.Errorf("read back %q", back.Body)
	}
	head, err := s.s3For(s.adminCreds(t)).HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(f.A), Key: aws.String(odd)})
	if err != nil || aws.ToString(head.ContentType) != "text/plain" {
		t.Errorf("stored object: %v, Content-Type %q", err, aws.ToString(head.ContentType))
	}
}

// TestPresignedURLExpires: a 3-second link works at once and is refused
// once its time is up.
func TestPresignedURLExpires(t *testing.T) {
	s, f := buckets(t)
	for _, scoped := range []bool{false, true} {
		name, args := "presign --expires 3s", []string{f.A, "foo/x.txt", "--expires", "3s"}
		if scoped {
			name, args = "presign --scoped --expires 3s", append(args, "--scoped")
		}
		u := s.presignURL(t, args...)
		signed, err := time.Parse("20060102T150405Z", mustQuery(t, u, "X-Amz-Date"))
		if err != nil {
			t.Fatal(err)
		}
		expect(t, name, "GET A/foo/x.txt at once", httpGet(t, u), true, "")
		time.Sleep(time.Until(signed.Add(5 * time.Second)))
		got := httpGet(t, u)
		expect(t, name, "GET A/foo/x.txt 5 s after signing", got, false, "AccessDenied")
		if !strings.Contains(got.Body, "expired") {
			t.Errorf("refused, but not for expiry: %s", got.Body)
		}
	}
}

func mustQuery(t *testing.T, u, param string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Query().Get(param)
}

// TestScopedPresign: a --scoped link is signed by a session (its access key
// and token are in the URL, not the admin's) and works for its key; a
// session with the same session policy can do nothing else, through links
// or direct calls.
func TestScopedPresign(t *testing.T) {
	s, f := buckets(t)
	const name = "presign --scoped"
	admin := s.adminCreds(t)

	u := s.presignURL(t, f.A, "foo/x.txt", "--scoped", "--expires", "15m")
	if k := strings.Split(mustQuery(t, u, "X-Amz-Credential"), "/")[0]; k == admin.AccessKeyId || mustQuery(t, u, "X-Amz-Security-Token") == "" {
		t.Fatalf("not signed by a session: %s", u)
	}
	got := httpGet(t, u)
	expect(t, name, "GET A/foo/x.txt", got, true, "")
	if got.Body != "content of foo/x.txt" {
		t.Errorf("downloaded %q", got.Body)
	}
	putURL := s.presignURL(t, f.A, "presign/scoped.txt", "--method", "PUT", "--scoped")
	expect(t, name, "PUT A/presign/scoped.txt", httpPut(t, putURL, "", "scoped upload"), true, "")

	// The same session policy the command asks for, on a session of our own.
	req := presign.Request{Method: "GET", Bucket: f.A, Key: "foo/x.txt", Expires: 15 * time.Minute}
	sess := s.scopedSession(t, f.A, req.Scope())
	c := s.s3For(creds{sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken})
	const kind = "scoped session: s3:GetObject on A/foo/x.txt only"
	allowed(t, kind, "temporary", c, f, get("a", "foo/x.txt"))
	for _, o := range []op{get("a", "bar/x.txt"), get("a", "foo/x.txt2"), put("a", "foo/x.txt"), del("a", "foo/x.txt"), list("a", ""), list("a", "foo/"), get("b", "foo/x.txt")} {
		denied(t, kind, "temporary", c, f, o)
	}
	// Links the session signs are held to its policy too.
	signer := &presign.Signer{S3: c}
	for _, r := range []presign.Request{
		{Method: "GET", Bucket: f.A, Key: "bar/x.txt", Expires: time.Minute},
		{Method: "PUT", Bucket: f.A, Key: "foo/x.txt", Expires: time.Minute},
	} {
		link, err := signer.URL(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		var got answer
		if r.Method == "GET" {
			got = httpGet(t, link.URL)
		} else {
			got = httpPut(t, link.URL, "", "overwrite")
		}
		expect(t, kind, r.Method+" A/"+r.Key+" through a link the session signed", got, false, "AccessDenied")
	}
}

// scopedSession assumes the tool's role with the session policy of scope,
// as --scoped does, and returns the session's credentials.
func (s *server) scopedSession(t *testing.T, bucket string, scope presign.Scope) *credentials.Session {
	t.Helper()
	admin := s.adminCreds(t)
	provider := awscreds.NewStaticCredentialsProvider(admin.AccessKeyId, admin.SecretAccessKey, "")
	creator := &credentials.Creator{
		IAM:    iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.Endpoint), Credentials: provider}),
		STS:    sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.Endpoint), Credentials: provider}),
		S3:     s.s3For(admin),
		Region: "us-east-1",
	}
	sess, err := creator.AssumeSession(context.Background(), &credentials.Request{
		Buckets: []string{bucket}, PolicyText: scope.SessionPolicy(), DurationSeconds: 900,
	})
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// form is what presign-post printed.
type form struct {
	URL    string
	Fields [][2]string
}

func (s *server) presignPost(t *testing.T, args ...string) form {
	t.Helper()
	out, errOut := s.run(t, append([]string{"presign-post"}, args...)...)
	t.Logf("presign-post %s\n%s", strings.Join(args, " "), strings.SplitN(errOut, "\n\n", 2)[0])
	var raw struct {
		URL    string          `json:"url"`
		Fields json.RawMessage `json:"fields"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	f := form{URL: raw.URL}
	dec := json.NewDecoder(bytes.NewReader(raw.Fields))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		var v string
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		f.Fields = append(f.Fields, [2]string{k.(string), v})
	}
	return f
}

// post sends the form with a file; change overrides fields by name.
func (f form) post(t *testing.T, filename string, size int, change map[string]string) answer {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, fl := range f.Fields {
		v := fl[1]
		if c, ok := change[fl[0]]; ok {
			v = c
		}
		mw.WriteField(fl[0], v)
	}
	part, _ := mw.CreateFormFile("file", filename)
	part.Write(bytes.Repeat([]byte("x"), size))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, f.URL, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(t, req)
}

// TestPresignedPost: an upload form admits files within its size cap under
// its prefix, and refuses larger files, other keys and altered policies.
func TestPresignedPost(t *testing.T) {
	s, f := buckets(t)
	const name = "presign-post --prefix post/ --max-size 100"
	fm := s.presignPost(t, f.A, "--prefix", "post/", "--max-size", "100", "--content-type", "text/plain")

	expect(t, name, "POST 100 bytes as post/ok.txt", fm.post(t, "ok.txt", 100, nil), true, "")
	head, err := s.s3For(s.adminCreds(t)).HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(f.A), Key: aws.String("post/ok.txt")})
	if err != nil || aws.ToInt64(head.ContentLength) != 100 || aws.ToString(head.ContentType) != "text/plain" {
		t.Errorf("stored object: %v %+v", err, head)
	}
	expect(t, name, "POST 101 bytes", fm.post(t, "big.txt", 101, nil), false, "EntityTooLarge")
	expect(t, name, "POST with key outside the prefix (other/x.txt)", fm.post(t, "x.txt", 10, map[string]string{"key": "other/x.txt"}), false, "AccessDenied")
	expect(t, name, "POST with another Content-Type", fm.post(t, "x.txt", 10, map[string]string{"Content-Type": "text/html"}), false, "AccessDenied")
	var policy string
	for _, fl := range fm.Fields {
		if fl[0] == "policy" {
			policy = fl[1]
		}
	}
	widened := strings.Replace(mustDecode(t, policy), `"post/"`, `""`, 1)
	expect(t, name, "POST with the policy widened to any key, signature kept", fm.post(t, "x.txt", 10, map[string]string{"key": "other/x.txt", "policy": encode(widened)}), false, "SignatureDoesNotMatch")

	// An exact key admits that key only.
	one := s.presignPost(t, f.A, "--key", "post/exact.bin")
	expect(t, "presign-post --key post/exact.bin", "POST as post/exact.bin", one.post(t, "anything", 5, nil), true, "")
	expect(t, "presign-post --key post/exact.bin", "POST as post/exact.bin2", one.post(t, "anything", 5, map[string]string{"key": "post/exact.bin2"}), false, "AccessDenied")
}

// TestScopedPresignedPost: a --scoped form is signed by a session of the
// role whose session policy allows s3:PutObject under the prefix and
// nothing else. SeaweedFS 4.53 checks POST signatures against its own
// access keys only, never a session's, so it refuses the form itself with
// InvalidAccessKeyId; the session's scope is proven with direct calls and
// with PUT links the session signs.
func TestScopedPresignedPost(t *testing.T) {
	s, f := buckets(t)
	const name = "presign-post --scoped --prefix spost/"
	admin := s.adminCreds(t)
	fm := s.presignPost(t, f.A, "--prefix", "spost/", "--max-size", "1KiB", "--scoped")
	fields := map[string]string{}
	for _, fl := range fm.Fields {
		fields[fl[0]] = fl[1]
	}
	if fields["x-amz-security-token"] == "" || strings.HasPrefix(fields["x-amz-credential"], admin.AccessKeyId+"/") {
		t.Fatalf("not signed by a session: %v", fm.Fields)
	}
	got := fm.post(t, "ok.txt", 1024, nil)
	if got.Code == "InvalidAccessKeyId" {
		record(row{name, "link", "POST 1 KiB as spost/ok.txt", "allowed (on AWS)", "refused: InvalidAccessKeyId: SeaweedFS 4.53 accepts no session credentials on POST"})
		t.Logf("SeaweedFS refuses session-signed POST forms (InvalidAccessKeyId); checking the session's scope instead")
	} else {
		expect(t, name, "POST 1 KiB as spost/ok.txt", got, true, "")
		expect(t, name, "POST 1025 bytes", fm.post(t, "big.txt", 1025, nil), false, "EntityTooLarge")
		expect(t, name, "POST with key outside the prefix (other/x.txt)", fm.post(t, "x.txt", 10, map[string]string{"key": "other/x.txt"}), false, "AccessDenied")
	}

	sess := s.scopedSession(t, f.A, presign.PostRequest{Bucket: f.A, Key: "spost/", StartsWith: true}.Scope())
	c := s.s3For(creds{sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken})
	const kind = "scoped session: s3:PutObject on A/spost/* only"
	allowed(t, kind, "temporary", c, f, put("a", "spost/direct.txt"))
	for _, o := range []op{put("a", "other/x.txt"), put("a", "spostx/x.txt"), get("a", "spost/direct.txt"), get("a", "foo/x.txt"), list("a", "spost/"), del("a", "spost/direct.txt"), put("b", "spost/x.txt")} {
		denied(t, kind, "temporary", c, f, o)
	}
	signer := &presign.Signer{S3: c}
	for _, tc := range []struct {
		key   string
		allow bool
	}{{"spost/linked.txt", true}, {"other/linked.txt", false}} {
		link, err := signer.URL(context.Background(), presign.Request{Method: "PUT", Bucket: f.A, Key: tc.key, Expires: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		code := ""
		if !tc.allow {
			code = "AccessDenied"
		}
		expect(t, kind, "PUT A/"+tc.key+" through a link the session signed", httpPut(t, link.URL, "", "linked"), tc.allow, code)
	}
}

func mustDecode(t *testing.T, b64 string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func encode(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
