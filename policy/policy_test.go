package policy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
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
	doc, err := ForBuckets(WriteOnly, []string{"a", "b"}, Scope{}, extra)
	if err != nil {
		t.Fatal(err)
	}
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

// Keys give the object actions on exactly those objects, and nothing on
// the bucket; with prefixes, both.
func TestKeys(t *testing.T) {
	for _, tc := range []struct {
		perm  Permission
		scope Scope
		want  string
	}{
		{ReadOnly, Scope{Keys: []string{"a.txt", "b*.txt"}},
			`[{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAcl","s3:GetObjectLegalHold","s3:GetObjectRetention","s3:GetObjectTagging"],"Resource":["arn:aws:s3:::b/a.txt","arn:aws:s3:::b/b${*}.txt"]}]`},
		{WriteOnly, Scope{Keys: []string{"in/x", "in/x"}},
			`[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::b/in/x"]}]`},
		{ReadWrite, Scope{Keys: []string{"k"}},
			`[{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAcl","s3:GetObjectLegalHold","s3:GetObjectRetention","s3:GetObjectTagging"],"Resource":["arn:aws:s3:::b/k"]},` +
				`{"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":["arn:aws:s3:::b/k"]}]`},
		{ReadOnly, Scope{Prefixes: []string{"p/"}, Keys: []string{"k"}},
			`[{"Effect":"Allow","Action":["s3:GetBucketLocation"],"Resource":["arn:aws:s3:::b"]},` +
				`{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::b"],"Condition":{"StringLike":{"s3:prefix":["p/*"]}}},` +
				`{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAcl","s3:GetObjectLegalHold","s3:GetObjectRetention","s3:GetObjectTagging"],"Resource":["arn:aws:s3:::b/p/*","arn:aws:s3:::b/k"]}]`},
	} {
		if got := compact(Statements(tc.perm, "b", tc.scope)); got != tc.want {
			t.Errorf("%s %+v:\ngot  %s\nwant %s", tc.perm, tc.scope, got, tc.want)
		}
	}
	// A "*" prefix is the whole bucket, keys or not.
	if got, want := compact(Statements(ReadOnly, "b", Scope{Prefixes: []string{"*"}, Keys: []string{"k"}})), compact(Statements(ReadOnly, "b", Scope{})); got != want {
		t.Errorf("got %s", got)
	}
}

// Source networks and an expiry time go on every Allow statement, next to
// the statement's own conditions: generated ones and extra ones alike.
// Deny statements are left as they are.
func TestSourceIPsAndExpires(t *testing.T) {
	exp := time.Date(2027, 1, 2, 3, 4, 5, 999, time.FixedZone("X", 3600))
	s := Scope{Prefixes: []string{"p/"}, Limits: Limits{SourceIPs: []string{"203.0.113.0/24", "2001:db8::/32"}, Expires: exp}}
	extra := RawStatement(json.RawMessage(`{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}`))
	deny := RawStatement(json.RawMessage(`{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}`))
	doc, err := ForBuckets(ReadWrite, []string{"b"}, s, extra, deny)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(doc.Statement); n != 6 {
		t.Fatalf("%d statements", n)
	}
	const cond = `"DateLessThan":{"aws:CurrentTime":"2027-01-02T02:04:05Z"},"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}`
	for i, st := range doc.Statement[:4] {
		got := compact(st)
		if !strings.Contains(got, `"Condition":{`+cond) {
			t.Errorf("statement %d lacks the conditions: %s", i, got)
		}
	}
	if got := compact(doc.Statement[1]); !strings.Contains(got, cond+`,"StringLike":{"s3:prefix":["p/*"]}}`) {
		t.Errorf("the ListBucket statement lost its own condition: %s", got)
	}
	want := `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-01-02T02:04:05Z"},"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}}`
	if got := compact(doc.Statement[4]); got != want {
		t.Errorf("extra statement:\ngot  %s\nwant %s", got, want)
	}
	if got := compact(doc.Statement[5]); got != `{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}` {
		t.Errorf("deny statement changed: %s", got)
	}
	// Without them, nothing changes.
	if got := compact(Statements(WriteOnly, "b", Scope{})); strings.Contains(got, "Condition") {
		t.Errorf("conditions out of nowhere: %s", got)
	}
	if got, err := ForBuckets(WriteOnly, []string{"b"}, Scope{}, extra); err != nil || strings.Contains(compact(got), "Condition") {
		t.Errorf("conditions out of nowhere: %s %v", compact(got), err)
	}
}
