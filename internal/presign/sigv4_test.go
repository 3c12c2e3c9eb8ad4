package presign

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// The example credentials of the AWS documentation's SigV4 examples.
const (
	exampleKeyID  = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// The documentation's presigned GET of examplebucket/test.txt, signed at
// 20130524T000000Z for 86400 seconds ("Authenticating Requests: Using Query
// Parameters (AWS Signature Version 4)"), and its canonical request.
const (
	docURL = "https://examplebucket.s3.amazonaws.com/test.txt" +
		"?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
		"&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
		"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	docCanonicalRequest = "GET\n/test.txt\n" +
		"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\n" +
		"host:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"
)

// verifyPresigned recomputes the SigV4 signature of a presigned URL from
// scratch, as S3 does on receipt, following the published algorithm. It
// returns the canonical request and an error when the signature differs.
// header holds the signed headers besides Host.
func verifyPresigned(method, rawURL string, header http.Header, secret string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	// The path exactly as sent: S3 does not encode it a second time.
	rest := strings.TrimPrefix(rawURL, u.Scheme+"://"+u.Host)
	path, rawQuery, _ := strings.Cut(rest, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", err
	}
	var pairs []string
	for k, vs := range q {
		if k == "X-Amz-Signature" {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k)+"="+uriEncode(v))
		}
	}
	sort.Strings(pairs)
	signed := strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	var canonHeaders strings.Builder
	for _, h := range signed {
		v := u.Host
		if h != "host" {
			v = strings.TrimSpace(header.Get(h))
		}
		canonHeaders.WriteString(h + ":" + v + "\n")
	}
	creq := strings.Join([]string{method, path, strings.Join(pairs, "&"), canonHeaders.String(), strings.Join(signed, ";"), "UNSIGNED-PAYLOAD"}, "\n")

	cred := strings.Split(q.Get("X-Amz-Credential"), "/")
	if len(cred) != 5 {
		return creq, fmt.Errorf("bad credential %q", q.Get("X-Amz-Credential"))
	}
	scope := strings.Join(cred[1:], "/")
	sum := sha256.Sum256([]byte(creq))
	sts := "AWS4-HMAC-SHA256\n" + q.Get("X-Amz-Date") + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	mac := func(key []byte, data string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(data))
		return h.Sum(nil)
	}
	k := mac([]byte("AWS4"+secret), cred[1])
	for _, part := range cred[2:] {
		k = mac(k, part)
	}
	if got, want := hex.EncodeToString(mac(k, sts)), q.Get("X-Amz-Signature"); got != want {
		return creq, fmt.Errorf("signature %s, recomputed %s", want, got)
	}
	return creq, nil
}

// uriEncode is SigV4's URI encoding: unreserved characters stay, every
// other byte becomes %XX in upper case.
func uriEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// The verifier reproduces the documentation's canonical request and
// signature, and rejects the URL once anything signed changes.
func TestVerifierReproducesTheDocumentedExample(t *testing.T) {
	creq, err := verifyPresigned("GET", docURL, nil, exampleSecret)
	if err != nil {
		t.Fatal(err)
	}
	if creq != docCanonicalRequest {
		t.Fatalf("canonical request:\n%s\nwant:\n%s", creq, docCanonicalRequest)
	}
	for _, tampered := range []string{
		strings.Replace(docURL, "test.txt", "test.txu", 1),
		strings.Replace(docURL, "86400", "86401", 1),
		strings.Replace(docURL, "aeeed9bb", "aeeed9bc", 1),
	} {
		if _, err := verifyPresigned("GET", tampered, nil, exampleSecret); err == nil {
			t.Errorf("tampered URL verified: %s", tampered)
		}
	}
	if _, err := verifyPresigned("PUT", docURL, nil, exampleSecret); err == nil {
		t.Error("the GET signature verified for PUT")
	}
	if _, err := verifyPresigned("GET", docURL, nil, "another secret"); err == nil {
		t.Error("verified with another secret")
	}
}

var docTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

// exampleSigner signs with the documentation's credentials at a fixed time,
// against AWS (virtual-hosted URLs) or an endpoint (path-style, as the
// tool's clients are configured with --endpoint-url).
func exampleSigner(endpoint, token string) *Signer {
	o := s3.Options{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(exampleKeyID, exampleSecret, token),
		// What config.LoadDefaultConfig gives the tool's clients.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}
	if endpoint != "" {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = true
	}
	return &Signer{S3: s3.New(o), Now: func() time.Time { return docTime }}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	testenv.Golden(t, filepath.Join("testdata", name), got)
}

// The URLs the signer makes carry a signature S3's algorithm accepts, for
// the exact canonical requests pinned in testdata/*.creq.
func TestURLSignatures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		endpoint string
		req      Request
		url      string
	}{
		{
			"get", "", Request{Method: "GET", Bucket: "examplebucket", Key: "test.txt", Expires: 86400 * time.Second},
			"https://examplebucket.s3.us-east-1.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&x-id=GetObject&X-Amz-Signature=",
		},
		{
			"put-content-type", "", Request{Method: "PUT", Bucket: "examplebucket", Key: "dir/report 1.pdf", ContentType: "application/pdf", Expires: time.Hour},
			"https://examplebucket.s3.us-east-1.amazonaws.com/dir/report%201.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=content-type%3Bhost&x-id=PutObject&X-Amz-Signature=",
		},
		{
			"get-path-style-odd-key", "http://127.0.0.1:8333", Request{Method: "GET", Bucket: "examplebucket", Key: "a b/c+d?*$&=é#%.txt", Expires: 3 * time.Second},
			"http://127.0.0.1:8333/examplebucket/a%20b/c%2Bd%3F%2A%24%26%3D%C3%A9%23%25.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=3&X-Amz-SignedHeaders=host&x-id=GetObject&X-Amz-Signature=",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			link, err := exampleSigner(tc.endpoint, "").URL(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(link.URL, tc.url) || len(link.URL) != len(tc.url)+64 {
				t.Errorf("URL\n%s\nwant\n%s<signature>", link.URL, tc.url)
			}
			if link.Method != tc.req.Method {
				t.Errorf("method %s", link.Method)
			}
			creq, err := verifyPresigned(tc.req.Method, link.URL, link.Header, exampleSecret)
			if err != nil {
				t.Errorf("%v\ncanonical request:\n%s", err, creq)
			}
			golden(t, tc.name+".creq", creq+"\n")
			golden(t, tc.name+".url", link.URL+"\n")
			if got := link.Header.Get("Content-Type"); got != tc.req.ContentType {
				t.Errorf("header to send: Content-Type %q", got)
			}
			if !link.Signed.Equal(docTime) || !link.Expires.Equal(docTime.Add(tc.req.Expires)) {
				t.Errorf("signed %s, expires %s", link.Signed, link.Expires)
			}
			if link.Signer.AccessKeyID != exampleKeyID || !link.Signer.CredentialsExpire.IsZero() {
				t.Errorf("signer %+v", link.Signer)
			}
			if strings.Contains(link.URL, exampleSecret) || strings.Contains(link.URL, url.QueryEscape(exampleSecret)) {
				t.Error("the secret is in the URL")
			}
		})
	}
}

// Temporary credentials put their session token in the URL, signed, and
// the link knows when they end.
func TestURLWithSessionToken(t *testing.T) {
	s := exampleSigner("", "the-session-token")
	end := docTime.Add(30 * time.Minute)
	o := s.S3.Options()
	o.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s3cret", SessionToken: "the-session-token", CanExpire: true, Expires: end}, nil
	})
	s.S3 = s3.New(o)
	link, err := s.URL(context.Background(), Request{Method: "GET", Bucket: "b", Key: "k", Expires: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(link.URL, "X-Amz-Security-Token=the-session-token") {
		t.Errorf("no token in %s", link.URL)
	}
	if _, err := verifyPresigned("GET", link.URL, link.Header, "s3cret"); err != nil {
		t.Error(err)
	}
	if !link.Signer.CredentialsExpire.Equal(end) || link.Signer.AccessKeyID != "ASIAEXAMPLE" {
		t.Errorf("signer %+v", link.Signer)
	}
}

func TestRequestValidate(t *testing.T) {
	ok := Request{Method: "GET", Bucket: "b", Key: "k", Expires: time.Hour}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*Request){
		"empty bucket":   func(r *Request) { r.Bucket = "" },
		"empty key":      func(r *Request) { r.Key = "" },
		"not UTF-8":      func(r *Request) { r.Key = "a\xffb" },
		"long key":       func(r *Request) { r.Key = strings.Repeat("é", 513) },
		"DELETE":         func(r *Request) { r.Method = "DELETE" },
		"lower-case get": func(r *Request) { r.Method = "get" },
		"type on GET":    func(r *Request) { r.ContentType = "text/plain" },
		"no lifetime":    func(r *Request) { r.Expires = 0 },
		"negative":       func(r *Request) { r.Expires = -time.Second },
		"over 7 days":    func(r *Request) { r.Expires = MaxExpires + time.Second },
	} {
		r := ok
		mod(&r)
		if err := r.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, err := exampleSigner("", "").URL(context.Background(), r); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
	r := ok
	r.Key = strings.Repeat("k", MaxKeyBytes)
	r.Expires = MaxExpires
	if err := r.Validate(); err != nil {
		t.Errorf("longest key and lifetime: %v", err)
	}
}

func TestHasDotSegments(t *testing.T) {
	for key, want := range map[string]bool{
		"a/b": false, ".hidden": false, "a..b": false, "...": false, "a/.../b": false,
		".": true, "..": true, "../x": true, "a/./b": true, "a/..": true, "a//./": true,
	} {
		if got := HasDotSegments(key); got != want {
			t.Errorf("HasDotSegments(%q) = %v", key, got)
		}
	}
}
