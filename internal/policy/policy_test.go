package policy

import (
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/pyjson"
)

func compact(v any) string { return string(pyjson.EncodeCompact(v)) }

func TestStatements(t *testing.T) {
	const list = `{"Effect":"Allow","Action":["s3:ListBucket","s3:GetBucketLocation"],"Resource":["arn:aws:s3:::b"]}`
	const get = `{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAcl","s3:GetObjectLegalHold","s3:GetObjectRetention","s3:GetObjectTagging"],"Resource":["arn:aws:s3:::b/%s"]}`
	const put = `{"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":["arn:aws:s3:::b/%s"]}`
	const prefixList = `{"Effect":"Allow","Action":["s3:GetBucketLocation"],"Resource":["arn:aws:s3:::b"]},{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::b"],"Condition":{"StringLike":{"s3:prefix":["%s"]}}}`
	f := func(s, p string) string { return strings.ReplaceAll(s, "%s", p) }
	for _, tc := range []struct {
		perm   Permission
		prefix string
		want   string
	}{
		{ReadOnly, "*", "[" + list + "," + f(get, "*") + "]"},
		{ReadWrite, "*", "[" + list + "," + f(get, "*") + "," + f(put, "*") + "]"},
		{WriteOnly, "*", `[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::b/*"]}]`},
		{ReadOnly, "foo/", "[" + f(prefixList, "foo/*") + "," + f(get, "foo/*") + "]"},
		{ReadWrite, "foo/*", "[" + f(prefixList, "foo/*") + "," + f(get, "foo/*") + "," + f(put, "foo/*") + "]"},
		{WriteOnly, "x", `[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::b/x*"]}]`},
	} {
		if got := compact(Statements(tc.perm, "b", tc.prefix)); got != tc.want {
			t.Errorf("%s %q:\ngot  %s\nwant %s", tc.perm, tc.prefix, got, tc.want)
		}
	}
}

func TestForBucketsAppendsExtraAfterEveryBucket(t *testing.T) {
	extra := pyjson.Map{{Key: "Effect", Value: "Deny"}, {Key: "Action", Value: "*"}, {Key: "Resource", Value: "*"}}
	doc := ForBuckets(WriteOnly, []string{"a", "b"}, nil, []any{extra})
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::a/*"]},{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::b/*"]},{"Effect":"Deny","Action":"*","Resource":"*"}]}`
	if got := compact(doc); got != want {
		t.Errorf("got %s", got)
	}
}

func TestSubstitute(t *testing.T) {
	v, err := Substitute(`{"Resource": "arn:aws:s3:::$!BUCKET_NAME!$/*", "Also": "$!BUCKET_NAME!$"}`, "bkt")
	if err != nil {
		t.Fatal(err)
	}
	if got := compact(v); got != `{"Resource":"arn:aws:s3:::bkt/*","Also":"bkt"}` {
		t.Errorf("got %s", got)
	}
	if _, err := Substitute(`{"R": "$!BUCKET_NAME!$"}`, `a"b`); err == nil {
		t.Error("a quote in the name produced valid JSON?")
	}
}

func TestParseDuration(t *testing.T) {
	const form = "Duration must be of form 3600s or 15m or 2h"
	const bounds = "Duration must be between 15 minutes and 12 hours"
	for _, tc := range []struct {
		in   string
		want int
		err  string
	}{
		{"900", 900, ""}, {"900s", 900, ""}, {"15m", 900, ""}, {"1h", 3600, ""}, {"12h", 43200, ""},
		{"43200", 43200, ""}, {"720m", 43200, ""},
		{"899", 0, bounds}, {"14m", 0, bounds}, {"13h", 0, bounds}, {"43201s", 0, bounds}, {"0", 0, bounds},
		{"99999999999999999999999h", 0, bounds},
		{"", 0, form}, {"1d", 0, form}, {"-15m", 0, form}, {"15 m", 0, form}, {"1.5h", 0, form}, {"h", 0, form}, {"15M", 0, form},
	} {
		got, err := ParseDuration(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestParseStatement(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{`{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`, ""},
		{`{`, "Invalid JSON string"},
		{`"x"`, "JSON must be an object"},
		{`[]`, "JSON must be an object"},
		{`{}`, "Statement JSON missing required keys: Action, Effect, Resource"},
		{`{"Resource": 1, "Effect": 2}`, "Statement JSON missing required keys: Action"},
	} {
		_, err := ParseStatement(tc.in)
		if (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
		}
	}
}

func TestSeveralPrefixes(t *testing.T) {
	got := compact(Statements(ReadWrite, "b", "a/", "c/*", "a/"))
	want := `[{"Effect":"Allow","Action":["s3:GetBucketLocation"],"Resource":["arn:aws:s3:::b"]},` +
		`{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::b"],"Condition":{"StringLike":{"s3:prefix":["a/*","c/*"]}}},` +
		`{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAcl","s3:GetObjectLegalHold","s3:GetObjectRetention","s3:GetObjectTagging"],"Resource":["arn:aws:s3:::b/a/*","arn:aws:s3:::b/c/*"]},` +
		`{"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":["arn:aws:s3:::b/a/*","arn:aws:s3:::b/c/*"]}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// "*" among the prefixes is the whole bucket; no prefix too.
	whole := compact(Statements(ReadOnly, "b"))
	if got := compact(Statements(ReadOnly, "b", "a/", "*")); got != whole {
		t.Errorf("got %s", got)
	}
	if got := compact(WriteOnlyStatements("b", "x/", "y")); got != `[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::b/x/*","arn:aws:s3:::b/y*"]}]` {
		t.Errorf("got %s", got)
	}
}
