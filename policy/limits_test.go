package policy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

var testLimits = Limits{SourceIPs: []string{"10.0.0.0/8"}, Expires: time.Date(2027, 5, 6, 7, 8, 9, 0, time.UTC)}

// A statement given as text keeps its members in their order, its own
// conditions included, and gets the limits after them.
func TestApplyKeepsTheStatementAndAddsTheLimits(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`,
			`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-05-06T07:08:09Z"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}}`},
		{`{"Sid":"x","Condition":{"StringEquals":{"s3:x-amz-acl":"private"}},"Effect":"Allow","Action":["s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}`,
			`{"Sid":"x","Condition":{"StringEquals":{"s3:x-amz-acl":"private"},"DateLessThan":{"aws:CurrentTime":"2027-05-06T07:08:09Z"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}},"Effect":"Allow","Action":["s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}`},
		// Another key under the same operator: both must hold.
		{`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:VpcSourceIp":"10.1.0.0/16"}}}`,
			`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:VpcSourceIp":"10.1.0.0/16","aws:SourceIp":["10.0.0.0/8"]},"DateLessThan":{"aws:CurrentTime":"2027-05-06T07:08:09Z"}}}`},
		// Anything that is not a Deny gets the limits.
		{`{"Effect":"allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}`,
			`{"Effect":"allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-05-06T07:08:09Z"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}}`},
		{`{"Action":"s3:GetObject","Resource":"*"}`,
			`{"Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-05-06T07:08:09Z"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}}`},
		{`{"Effect":"Deny","Action":"s3:*","Resource":"*"}`, `{"Effect":"Deny","Action":"s3:*","Resource":"*"}`},
	} {
		got, err := testLimits.Apply(RawStatement(json.RawMessage(tc.in)), "--statement 1")
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if s := compact(got); s != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.in, s, tc.want)
		}
	}
}

// A statement that already tests a limit's key with its operator cannot
// take the limit as well: refused, naming the statement and the flag.
func TestApplyRefusesWhatItCannotAdd(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:sourceip":"0.0.0.0/0"}}}`,
			"--source-ip cannot be applied to --statement 2: it already tests aws:sourceip with IpAddress"},
		{`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}`,
			"--expires cannot be applied to --statement 2: it already tests aws:CurrentTime with DateLessThan"},
		{`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":"yes"}`, "its Condition is not a JSON object"},
		{`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":[]}}`, "its IpAddress condition is not a JSON object"},
		{`["not", "a", "statement"]`, "it is not a JSON object"},
	} {
		ok := RawStatement(json.RawMessage(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`))
		_, err := testLimits.ApplyAll([]Statement{ok, RawStatement(json.RawMessage(tc.in))})
		var le *LimitError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.in, err, tc.want)
		}
	}
}

// A --policy document: every statement, in a list or alone.
func TestApplyToDocument(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-05-06T07:08:09Z"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}}}`},
		{`{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}],"Version":"2012-10-17"}`,
			`{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-05-06T07:08:09Z"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}}],"Version":"2012-10-17"}`},
	} {
		doc, err := pyjson.Decode([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		got, err := testLimits.ApplyToDocument(doc)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if s := string(pyjson.EncodeCompact(got)); s != tc.want {
			t.Errorf("got  %s\nwant %s", s, tc.want)
		}
		// The input is not changed.
		if s := string(pyjson.EncodeCompact(doc)); s != tc.in {
			t.Errorf("input changed: %s", s)
		}
	}
	for _, in := range []string{`[]`, `{"Version":"2012-10-17"}`, `{"Statement":"x"}`, `{"Statement":[{"Effect":"Allow"},1]}`} {
		doc, _ := pyjson.Decode([]byte(in))
		var le *LimitError
		if _, err := testLimits.ApplyToDocument(doc); !errors.As(err, &le) {
			t.Errorf("%s: got %v", in, err)
		}
	}
	// No limits: nothing is checked or changed.
	doc, _ := pyjson.Decode([]byte(`[]`))
	if got, err := (Limits{}).ApplyToDocument(doc); err != nil || string(pyjson.EncodeCompact(got)) != `[]` {
		t.Errorf("got %v %v", got, err)
	}
}

// LimitsOf reads back what every Allow statement carries.
func TestLimitsOf(t *testing.T) {
	gen, err := ForBuckets(ReadWrite, []string{"a", "b"}, Scope{Prefixes: []string{"x/"}, Limits: testLimits},
		RawStatement(json.RawMessage(`{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}`)),
		RawStatement(json.RawMessage(`{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::c/*"}`)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := LimitsOf([]byte(compact(gen)))
	if err != nil || strings.Join(got.SourceIPs, ",") != "10.0.0.0/8" || !got.Expires.Equal(testLimits.Expires) {
		t.Errorf("got %+v %v", got, err)
	}
	// One Allow statement without them: no limit.
	for _, text := range []string{
		`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}},{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`,
		`{"Statement":[]}`,
		`{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"soon"}}}}`,
	} {
		got, err := LimitsOf([]byte(text))
		if err != nil || !got.IsZero() {
			t.Errorf("%s: got %+v %v", text, got, err)
		}
	}
}

// Wildcards and variables in a prefix are matched literally, in resources
// and in the ListBucket condition; a final * stays the wildcard.
func TestPrefixWildcardsAreLiteral(t *testing.T) {
	for prefix, want := range map[string]string{
		"a?b/":              "a${?}b/*",
		"p${aws:username}/": "p${$}{aws:username}/*",
		"x*y/":              "x${*}y/*",
		"x*y/*":             "x${*}y/*",
		"plain/":            "plain/*",
		"plain/*":           "plain/*",
		"**":                "${*}*",
		"*":                 "*",
	} {
		if got := LiteralPrefix(prefix); got != want {
			t.Errorf("LiteralPrefix(%q) = %q, want %q", prefix, got, want)
		}
	}
	got := compact(ReadOnlyStatements("b", Scope{Prefixes: []string{"a?b/"}}))
	for _, want := range []string{`"s3:prefix":["a${?}b/*"]`, `"arn:aws:s3:::b/a${?}b/*"`} {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %s", got, want)
		}
	}
	if strings.Contains(got, `a?b`) {
		t.Errorf("an unescaped wildcard: %s", got)
	}
}
