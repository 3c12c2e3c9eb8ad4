package policy

import (
	"encoding/json"
	"strings"
	"testing"
)

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

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
		if got := compact(Statements(tc.perm, "b", Scope{Prefixes: []string{tc.prefix}})); got != tc.want {
			t.Errorf("%s %q:\ngot  %s\nwant %s", tc.perm, tc.prefix, got, tc.want)
		}
	}
}

func TestForBucketsAppendsExtraAfterEveryBucket(t *testing.T) {
	extra := RawStatement(json.RawMessage(`{"Effect":"Deny","Action":"*","Resource":"*"}`))
	doc := ForBuckets(WriteOnly, []string{"a", "b"}, Scope{}, extra)
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

func TestSeveralPrefixes(t *testing.T) {
	got := compact(Statements(ReadWrite, "b", Scope{Prefixes: []string{"a/", "c/*", "a/"}}))
	want := `[{"Effect":"Allow","Action":["s3:GetBucketLocation"],"Resource":["arn:aws:s3:::b"]},` +
		`{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::b"],"Condition":{"StringLike":{"s3:prefix":["a/*","c/*"]}}},` +
		`{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAcl","s3:GetObjectLegalHold","s3:GetObjectRetention","s3:GetObjectTagging"],"Resource":["arn:aws:s3:::b/a/*","arn:aws:s3:::b/c/*"]},` +
		`{"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":["arn:aws:s3:::b/a/*","arn:aws:s3:::b/c/*"]}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// "*" among the prefixes is the whole bucket; no prefix too.
	whole := compact(Statements(ReadOnly, "b", Scope{}))
	if got := compact(Statements(ReadOnly, "b", Scope{Prefixes: []string{"a/", "*"}})); got != whole {
		t.Errorf("got %s", got)
	}
	if got := compact(WriteOnlyStatements("b", Scope{Prefixes: []string{"x/", "y"}})); got != `[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::b/x/*","arn:aws:s3:::b/y*"]}]` {
		t.Errorf("got %s", got)
	}
}
