package presign

import (
	"context"
	"encoding/base64"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The POST example of the AWS documentation ("Example: Browser-Based Upload
// using HTTP POST (Using AWS Signature Version 4)"): its base64 policy, with
// CRLF line ends, and the signature published for it.
const (
	docPolicy    = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
	docPolicySig = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
)

func TestSignPolicyReproducesTheDocumentedExample(t *testing.T) {
	at := time.Date(2015, 12, 29, 0, 0, 0, 0, time.UTC)
	if got := SignPolicy(exampleSecret, "us-east-1", "s3", at, docPolicy); got != docPolicySig {
		t.Errorf("signature %s, want %s", got, docPolicySig)
	}
	// Every input counts.
	for name, got := range map[string]string{
		"policy":  SignPolicy(exampleSecret, "us-east-1", "s3", at, docPolicy[:len(docPolicy)-1]),
		"date":    SignPolicy(exampleSecret, "us-east-1", "s3", at.AddDate(0, 0, 1), docPolicy),
		"region":  SignPolicy(exampleSecret, "us-east-2", "s3", at, docPolicy),
		"service": SignPolicy(exampleSecret, "us-east-1", "s4", at, docPolicy),
		"secret":  SignPolicy(exampleSecret+"x", "us-east-1", "s3", at, docPolicy),
	} {
		if got == docPolicySig {
			t.Errorf("another %s gave the same signature", name)
		}
	}
}

func fieldMap(f *Form) map[string]string {
	m := map[string]string{}
	for _, fl := range f.Fields {
		m[fl.Name] = fl.Value
	}
	return m
}

func fieldNames(f *Form) string {
	var names []string
	for _, fl := range f.Fields {
		names = append(names, fl.Name)
	}
	return strings.Join(names, " ")
}

// checkForm checks what every form must hold: the policy field is the
// policy document, signed with the secret under the form's credential.
func checkForm(t *testing.T, f *Form, secret string) {
	t.Helper()
	m := fieldMap(f)
	doc, err := base64.StdEncoding.DecodeString(m["policy"])
	if err != nil || string(doc) != f.Policy {
		t.Errorf("policy field does not decode to the policy (%v)", err)
	}
	cred := strings.Split(m["x-amz-credential"], "/")
	if len(cred) != 5 || cred[4] != "aws4_request" {
		t.Fatalf("credential %q", m["x-amz-credential"])
	}
	if want := SignPolicy(secret, cred[2], cred[3], f.Signed, m["policy"]); m["x-amz-signature"] != want {
		t.Errorf("signature %s, want %s", m["x-amz-signature"], want)
	}
	if strings.Contains(f.Policy+strings.Join(strings.Fields(fieldNames(f)), ""), secret) {
		t.Error("the secret is in the form")
	}
	for _, fl := range f.Fields {
		if strings.Contains(fl.Value, secret) {
			t.Errorf("the secret is in field %s", fl.Name)
		}
	}
}

func TestPostForms(t *testing.T) {
	for _, tc := range []struct {
		name, endpoint, token string
		req                   PostRequest
		url, fields, policy   string
		scope                 string
	}{
		{
			name: "prefix", req: PostRequest{Bucket: "examplebucket", Key: "uploads/", StartsWith: true, MaxSize: 10_000_000, ContentType: "image/png", Expires: time.Hour},
			url:    "https://examplebucket.s3.us-east-1.amazonaws.com",
			fields: "key Content-Type x-amz-algorithm x-amz-credential x-amz-date policy x-amz-signature",
			policy: `{"expiration":"2013-05-24T01:00:00.000Z","conditions":[{"bucket":"examplebucket"},["starts-with","$key","uploads/"],{"Content-Type":"image/png"},["content-length-range",0,10000000],{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},{"x-amz-date":"20130524T000000Z"}]}`,
			scope:  "s3:PutObject arn:aws:s3:::examplebucket/uploads/*",
		},
		{
			name: "exact key, path-style, session", endpoint: "http://127.0.0.1:8333", token: "tok/en+=",
			req:    PostRequest{Bucket: "examplebucket", Key: "in/a*b<&>.txt", Expires: 90 * time.Second},
			url:    "http://127.0.0.1:8333/examplebucket",
			fields: "key x-amz-algorithm x-amz-credential x-amz-date x-amz-security-token policy x-amz-signature",
			policy: `{"expiration":"2013-05-24T00:01:30.000Z","conditions":[{"bucket":"examplebucket"},{"key":"in/a*b<&>.txt"},{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},{"x-amz-date":"20130524T000000Z"},{"x-amz-security-token":"tok/en+="}]}`,
			scope:  "s3:PutObject arn:aws:s3:::examplebucket/in/a${*}b<&>.txt",
		},
		{
			name: "key with ${filename}", req: PostRequest{Bucket: "examplebucket", Key: "drop/${filename}.bak", MaxSize: 1, Expires: MaxExpires},
			url:    "https://examplebucket.s3.us-east-1.amazonaws.com",
			fields: "key x-amz-algorithm x-amz-credential x-amz-date policy x-amz-signature",
			policy: `{"expiration":"2013-05-31T00:00:00.000Z","conditions":[{"bucket":"examplebucket"},["starts-with","$key","drop/"],["content-length-range",0,1],{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},{"x-amz-date":"20130524T000000Z"}]}`,
			scope:  "s3:PutObject arn:aws:s3:::examplebucket/drop/*",
		},
		{
			name: "whole bucket", req: PostRequest{Bucket: "examplebucket", Key: "", StartsWith: true, Expires: time.Minute},
			url:    "https://examplebucket.s3.us-east-1.amazonaws.com",
			fields: "key x-amz-algorithm x-amz-credential x-amz-date policy x-amz-signature",
			policy: `{"expiration":"2013-05-24T00:01:00.000Z","conditions":[{"bucket":"examplebucket"},["starts-with","$key",""],{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},{"x-amz-date":"20130524T000000Z"}]}`,
			scope:  "s3:PutObject arn:aws:s3:::examplebucket/*",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := exampleSigner(tc.endpoint, tc.token).Post(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if f.URL != tc.url {
				t.Errorf("URL %s, want %s", f.URL, tc.url)
			}
			if got := fieldNames(f); got != tc.fields {
				t.Errorf("fields %s\nwant   %s", got, tc.fields)
			}
			if f.Policy != tc.policy {
				t.Errorf("policy\n%s\nwant\n%s", f.Policy, tc.policy)
			}
			wantKey := tc.req.Key
			if tc.req.StartsWith {
				wantKey += "${filename}"
			}
			if got := fieldMap(f)["key"]; got != wantKey {
				t.Errorf("key field %q, want %q", got, wantKey)
			}
			checkForm(t, f, exampleSecret)
			if !f.Signed.Equal(docTime) || !f.Expires.Equal(docTime.Add(tc.req.Expires)) {
				t.Errorf("signed %s expires %s", f.Signed, f.Expires)
			}
			if s := tc.req.Scope(); s.Action+" "+s.Resource != tc.scope {
				t.Errorf("scope %s %s, want %s", s.Action, s.Resource, tc.scope)
			}
		})
	}
}

// The curl command and the HTML form, byte for byte.
func TestPostFormText(t *testing.T) {
	f, err := exampleSigner("http://127.0.0.1:8333", "").Post(context.Background(),
		PostRequest{Bucket: "examplebucket", Key: "it's <here>/", StartsWith: true, MaxSize: 1 << 20, ContentType: "text/plain; charset=utf-8", Expires: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "post.curl", f.Curl("FILE")+"\n")
	golden(t, "post.html", f.HTML()+"\n")
}

// Every word of the curl command reads back, through sh, as what it quotes.
func TestShellQuote(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, s := range []string{"", "plain", "it's", "'", "''", `a"b`, "$HOME", "${filename}", "`id`", "a b\tc\nd", "*?[x]", "~", "=x", "é", "!", `\`, ";type=x", "@file", "<file"} {
		out, err := exec.Command(sh, "-c", "printf '%s' "+ShellQuote(s)).Output()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if string(out) != s {
			t.Errorf("ShellQuote(%q) = %s reads back as %q", s, ShellQuote(s), out)
		}
	}
}

func TestPostRequestValidate(t *testing.T) {
	ok := PostRequest{Bucket: "b", Key: "k", MaxSize: 10, Expires: time.Hour}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*PostRequest){
		"empty bucket":  func(r *PostRequest) { r.Bucket = "" },
		"empty key":     func(r *PostRequest) { r.Key = "" },
		"not UTF-8":     func(r *PostRequest) { r.Key = "\xc3" },
		"long prefix":   func(r *PostRequest) { r.Key = strings.Repeat("p", 1025); r.StartsWith = true },
		"negative size": func(r *PostRequest) { r.MaxSize = -1 },
		"type with LF":  func(r *PostRequest) { r.ContentType = "a\nb" },
		"over 5 GiB":    func(r *PostRequest) { r.MaxSize = MaxPostSize + 1 },
		"no lifetime":   func(r *PostRequest) { r.Expires = 0 },
		"over 7 days":   func(r *PostRequest) { r.Expires = MaxExpires + 1 },
	} {
		r := ok
		mod(&r)
		if err := r.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, err := exampleSigner("", "").Post(context.Background(), r); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
}
