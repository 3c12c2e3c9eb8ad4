package policy

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func docBytes(t *testing.T, d Document) []byte {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every shape s3-credentials writes is recognised, with its prefixes, and
// the network and time conditions do not hide it.
func TestAnalyzeRecognisesTheToolsShapes(t *testing.T) {
	expires := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, perm := range []Permission{ReadWrite, ReadOnly, WriteOnly} {
		for _, scope := range []Scope{
			{},
			{Prefixes: []string{"uploads/"}},
			{Prefixes: []string{"a/", "b/"}},
			{Prefixes: []string{"in/"}, Limits: Limits{SourceIPs: []string{"10.0.0.0/8"}, Expires: expires}},
			{Keys: []string{"exact.txt", "odd*name?.csv"}},
		} {
			grants, err := Analyze(docBytes(t, Wrap(Statements(perm, "bkt", scope)...)))
			if err != nil {
				t.Fatal(err)
			}
			want := append([]string{}, scope.Prefixes...)
			keys := append([]string{}, scope.Keys...)
			if len(grants) != 1 || grants[0].Bucket != "bkt" || grants[0].Access != string(perm) ||
				!reflect.DeepEqual(grants[0].Prefixes, want) || !reflect.DeepEqual(grants[0].Keys, keys) {
				t.Errorf("%s %+v: got %+v", perm, scope, grants)
			}
		}
	}
}

func TestAnalyzeOtherPolicies(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []Grant
	}{
		{"AmazonS3FullAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}`,
			[]Grant{{"*", FullAccess, []string{}, []string{}}}},
		{"AmazonS3ReadOnlyAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*"],"Resource":"*"}]}`,
			[]Grant{{"*", string(Custom), []string{}, []string{}}}},
		{"s3:* on one bucket is custom", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}}`,
			[]Grant{{"b", string(Custom), []string{}, []string{}}}},
		{"one statement of the tool's three", `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/x/*"]}]}`,
			[]Grant{{"b", string(Custom), []string{"x/"}, []string{}}}},
		{"patterns and two buckets", `{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":["arn:aws:s3:::logs-*/*","arn:aws:s3:::other/k"]}]}`,
			[]Grant{{"logs-*", string(Custom), []string{}, []string{}}, {"other", "write-only", []string{}, []string{"k"}}}},
		{"Deny and non-S3 grant nothing", `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"ec2:*","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:sqs:us-east-1:1:q"}]}`,
			[]Grant{}},
		{"NotAction", `{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`,
			[]Grant{{"*", FullAccess, []string{}, []string{}}}},
	} {
		got, err := Analyze([]byte(tc.doc))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got  %+v\n want %+v", tc.name, got, tc.want)
		}
	}
	if _, err := Analyze([]byte(`{"Statement": [`)); err == nil {
		t.Error("broken JSON analysed")
	}
}

func TestGrantMatches(t *testing.T) {
	for _, tc := range []struct {
		grant, bucket string
		want          bool
	}{{"*", "x", true}, {"x", "x", true}, {"x", "y", false}, {"logs-*", "logs-2026", true}, {"logs-*", "data", false}} {
		if got := (Grant{Bucket: tc.grant}).Matches(tc.bucket); got != tc.want {
			t.Errorf("%s matches %s: %v", tc.grant, tc.bucket, got)
		}
	}
}
