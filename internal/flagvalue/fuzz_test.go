package flagvalue

import (
	"bytes"
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

// Hostile --statement and --policy values: each is accepted or
// refused with one of the documented messages, never a panic.

func FuzzParseStatement(f *testing.F) {
	for _, s := range []string{
		`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`,
		`{"Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": "true"}}}`,
		`{"Effect": "Allow"}`, `[]`, `"x"`, `null`, `{`, `{"Effect":1,"Action":2,"Resource":3}`, `{"a":1} {"b":2}`,
		`{"Effect": "Allow", "Action": "x", "Resource": "\ud800"}`, `{"Effect": 1e999, "Action": -0, "Resource": 1.5e-7}`,
		"{\"Effect\": \"\xff\", \"Action\": \"\", \"Resource\": \"\"}",
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseStatement(s)
		if err != nil {
			msg := err.Error()
			if msg != "Invalid JSON string" && msg != "JSON must be an object" && !strings.HasPrefix(msg, "Statement JSON missing required keys: ") {
				t.Fatalf("ParseStatement(%q): unexpected message %q", s, msg)
			}
			return
		}
		for _, k := range []string{"Effect", "Action", "Resource"} {
			if _, ok := m.Get(k); !ok {
				t.Fatalf("ParseStatement(%q) accepted a statement without %s", s, k)
			}
		}
		// What is accepted goes into policies: it must encode to JSON that
		// reads back the same.
		enc := pyjson.EncodeCompact(m)
		back, err := pyjson.Decode(enc)
		if err != nil && bytes.Contains(enc, []byte("Infinity")) {
			// A number beyond float64: Python writes Infinity too, and AWS
			// refuses the policy with MalformedPolicyDocument.
			return
		}
		if err != nil {
			t.Fatalf("statement %q encodes to %q, which does not decode: %v", s, enc, err)
		}
		if again := pyjson.EncodeCompact(back); !bytes.Equal(again, enc) {
			t.Fatalf("statement %q: %q re-encodes as %q", s, enc, again)
		}
	})
}

func FuzzReadPolicy(f *testing.F) {
	for _, s := range []string{
		`{"Version": "2012-10-17", "Statement": []}`, `[]`, `{"Statement": [1]}`,
		`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::$!BUCKET_NAME!$/*"}]}`,
		`  {`, `{}`, `{"a": [1, 2, {"b": null}]}`, `{} x`, "{\"\\u0000\": 1}", `{"a":"$!BUCKET_NAME!$"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Literal JSON: the value itself.
		if strings.HasPrefix(strings.TrimSpace(s), "{") {
			got, err := ReadPolicy(s, nil)
			if err != nil {
				if err.Error() != "Invalid JSON string" && !shapeRefused(s, err) {
					t.Fatalf("ReadPolicy(%q): unexpected message %q", s, err)
				}
			} else {
				if got != s {
					t.Fatalf("ReadPolicy(%q) returned %q", s, got)
				}
				checkSubstitutes(t, got)
			}
		}
		// The same text on standard input.
		got, err := ReadPolicy("-", strings.NewReader(s))
		if err != nil {
			if err.Error() != "Input contained invalid JSON" && !shapeRefused(s, err) {
				t.Fatalf("ReadPolicy(-) of %q: unexpected message %q", s, err)
			}
			return
		}
		if got != s {
			t.Fatalf("ReadPolicy(-) of %q returned %q", s, got)
		}
		checkSubstitutes(t, got)
	})
}

// shapeRefused says err is the refusal of JSON that is no policy document.
func shapeRefused(s string, err error) bool {
	v, derr := pyjson.Decode([]byte(s))
	serr := checkPolicyShape(v)
	return derr == nil && serr != nil && serr.Error() == err.Error()
}

// checkSubstitutes: an accepted policy with any bucket name substituted is
// still JSON, or refused with an error.
func checkSubstitutes(t *testing.T, text string) {
	t.Helper()
	for _, b := range []string{"my-bucket", `we"ird\bucket`} {
		doc, err := policy.Substitute(text, b)
		if err != nil {
			continue
		}
		v, err := pyjson.Decode(doc)
		if err != nil {
			t.Fatalf("policy %q with bucket %q: Substitute accepted invalid JSON: %v", text, b, err)
		}
		if _, err := pyjson.Decode(pyjson.Encode(v, 4)); err != nil {
			t.Fatalf("policy %q with bucket %q encodes to invalid JSON: %v", text, b, err)
		}
	}
}
