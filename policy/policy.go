// Package policy builds the IAM policy documents that s3-credentials
// grants: read-write, read-only or write-only access to S3 buckets,
// optionally limited to key prefixes, and the bucket policy that makes a
// bucket's objects public. It is pure: no AWS calls, no command line.
//
// Documents marshal with encoding/json to the JSON IAM expects, members in
// the order the AWS documentation writes them:
//
//	doc := policy.ForBuckets(policy.ReadOnly, []string{"my-bucket"}, policy.Scope{Prefixes: []string{"reports/"}})
//	text, err := json.Marshal(doc)
//
// The s3-credentials command prints exactly these documents (as Python's
// json module formats them, for compatibility with the tool it replaces).
package policy

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Permission is the access level credentials are made for.
type Permission string

const (
	ReadWrite Permission = "read-write"
	ReadOnly  Permission = "read-only"
	WriteOnly Permission = "write-only"
	// Custom names credentials made from a policy or statements of the
	// user's own (s3-credentials --policy or --statement).
	Custom Permission = "custom"
)

// Version is the IAM policy language version every document uses.
const Version = "2012-10-17"

// BucketNamePlaceholder is replaced by each bucket's name in a custom
// policy (see Substitute).
const BucketNamePlaceholder = "$!BUCKET_NAME!$"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document. A statement written by
// someone else, whose members and their order must be kept as they are,
// is carried with RawStatement.
type Statement struct {
	Sid       string    `json:"Sid,omitempty"`
	Effect    string    `json:"Effect"`
	Principal any       `json:"Principal,omitempty"`
	Action    []string  `json:"Action"`
	Resource  []string  `json:"Resource"`
	Condition Condition `json:"Condition,omitempty"`

	raw json.RawMessage
}

// Condition maps condition operators (StringLike, IpAddress, ...) to the
// keys they test and the values they allow.
type Condition map[string]map[string]any

// RawStatement is a statement given as JSON text, kept as it is.
func RawStatement(text json.RawMessage) Statement { return Statement{raw: text} }

// MarshalJSON writes the statement, or the raw statement it carries.
func (s Statement) MarshalJSON() ([]byte, error) {
	if s.raw != nil {
		return s.raw, nil
	}
	type plain Statement // the same fields, without this method
	return json.Marshal(plain(s))
}

// Wrap puts statements into a policy document.
func Wrap(statements ...Statement) Document {
	if statements == nil {
		statements = []Statement{}
	}
	return Document{Version: Version, Statement: statements}
}

// Scope narrows what generated statements grant: where (prefixes, keys)
// and, through its Limits, from where and until when.
type Scope struct {
	// Prefixes are key prefixes; "*" is appended to each that does not
	// end in one, so "foo/" grants "foo/*". Any other *, ? or $ in a prefix
	// is matched literally (see LiteralPrefix). No prefixes and no keys, or
	// "*" among the prefixes, means the whole bucket.
	Prefixes []string
	// Keys are exact object keys: the object actions on those objects
	// only, and nothing on the bucket itself. Wildcards in them are matched
	// literally (see LiteralKey).
	Keys []string
	// KMS are the customer managed keys buckets' objects are encrypted
	// with, by bucket: their grants (KMSStatement) follow the bucket's.
	KMS map[string][]KMSKey
	// Limits go on every Allow statement: generated ones, and those given
	// with the generated ones (ForBuckets' extra statements).
	Limits
}

// patterns are the object patterns the scope grants: normalised prefixes
// (see Scope), then the literal keys, repeats dropped. wholeBucket says the
// bucket is not narrowed at all.
func (s Scope) patterns() (prefixes, keys []string, wholeBucket bool) {
	seen := map[string]bool{}
	for _, p := range s.Prefixes {
		p = LiteralPrefix(p)
		if p == "*" {
			return []string{"*"}, nil, true
		}
		if !seen[p] {
			seen[p] = true
			prefixes = append(prefixes, p)
		}
	}
	for _, k := range s.Keys {
		k = LiteralKey(k)
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if len(prefixes) == 0 && len(keys) == 0 {
		return []string{"*"}, nil, true
	}
	return prefixes, keys, false
}

// LiteralKey writes an object key for a policy's Resource so that it
// matches only itself: IAM reads * and ? as wildcards and ${...} as a
// variable, so *, ? and $ become ${*}, ${?} and ${$}.
func LiteralKey(key string) string {
	var b strings.Builder
	for _, r := range key {
		switch r {
		case '*', '?', '$':
			b.WriteString("${" + string(r) + "}")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// LiteralPrefix writes a key prefix as the pattern of the keys under it:
// the prefix matched literally (as LiteralKey writes it) followed by the
// wildcard "*". A prefix that already ends in "*" keeps that one as the
// wildcard, as the reference tool read it ("foo/*" is "foo/"); "*" alone is
// every key.
func LiteralPrefix(prefix string) string {
	return LiteralKey(strings.TrimSuffix(prefix, "*")) + "*"
}

// TimeFormat is how Expires is written in policies (ISO 8601, UTC, to the
// second), and how s3-credentials tags users with it.
const TimeFormat = "2006-01-02T15:04:05Z"

func (s Scope) restrictAll(stmts []Statement) []Statement {
	for i := range stmts {
		stmts[i] = s.restrict(stmts[i])
	}
	return stmts
}

func allow(actions, resources []string) Statement {
	return Statement{Effect: "Allow", Action: actions, Resource: resources}
}

// BucketARN is the ARN of a bucket.
func BucketARN(bucket string) string { return "arn:aws:s3:::" + bucket }

// ObjectARN is the ARN of the objects of bucket matching pattern, as IAM
// reads it: * and ? are wildcards ("uploads/*").
func ObjectARN(bucket, pattern string) string { return "arn:aws:s3:::" + bucket + "/" + pattern }

// KeyARN is the ARN of exactly one object, its key escaped by LiteralKey.
func KeyARN(bucket, key string) string { return ObjectARN(bucket, LiteralKey(key)) }

func objectARNs(bucket string, patterns []string) []string {
	arns := make([]string, len(patterns))
	for i, p := range patterns {
		arns[i] = ObjectARN(bucket, p)
	}
	return arns
}

// readActions are the object reads read-only and read-write allow.
var readActions = []string{
	"s3:GetObject",
	"s3:GetObjectAcl",
	"s3:GetObjectLegalHold",
	"s3:GetObjectRetention",
	"s3:GetObjectTagging",
}

// ReadOnlyStatements let the holder list the bucket (only under the scope's
// prefixes, when it has any; not at all when it names keys only) and read
// its objects there.
func ReadOnlyStatements(bucket string, s Scope) []Statement {
	prefixes, keys, whole := s.patterns()
	var stmts []Statement
	switch {
	case whole:
		stmts = append(stmts, allow([]string{"s3:ListBucket", "s3:GetBucketLocation"}, []string{BucketARN(bucket)}))
	case len(prefixes) > 0:
		list := allow([]string{"s3:ListBucket"}, []string{BucketARN(bucket)})
		list.Condition = Condition{"StringLike": {"s3:prefix": prefixes}}
		stmts = append(stmts, allow([]string{"s3:GetBucketLocation"}, []string{BucketARN(bucket)}), list)
	}
	stmts = append(stmts, allow(readActions, objectARNs(bucket, append(prefixes, keys...))))
	return s.restrictAll(stmts)
}

// ReadWriteStatements add writing and deleting objects to ReadOnlyStatements.
func ReadWriteStatements(bucket string, s Scope) []Statement {
	prefixes, keys, _ := s.patterns()
	return append(ReadOnlyStatements(bucket, s),
		s.restrict(allow([]string{"s3:PutObject", "s3:DeleteObject"}, objectARNs(bucket, append(prefixes, keys...)))))
}

// WriteOnlyStatements let the holder put objects and nothing else.
func WriteOnlyStatements(bucket string, s Scope) []Statement {
	prefixes, keys, _ := s.patterns()
	return []Statement{s.restrict(allow([]string{"s3:PutObject"}, objectARNs(bucket, append(prefixes, keys...))))}
}

// Statements are the statements of permission p for one bucket, within the
// scope, and the grant on the bucket's KMS key when it has one.
func Statements(p Permission, bucket string, s Scope) []Statement {
	var stmts []Statement
	switch p {
	case ReadOnly:
		stmts = ReadOnlyStatements(bucket, s)
	case WriteOnly:
		stmts = WriteOnlyStatements(bucket, s)
	default:
		stmts = ReadWriteStatements(bucket, s)
	}
	for _, key := range s.KMS[bucket] {
		stmts = append(stmts, KMSStatement(p, bucket, s, key))
	}
	return stmts
}

// ForBuckets is the document granting p on every bucket within the scope,
// followed by the extra statements: what `s3-credentials policy` prints and
// what a session policy holds. The scope's limits go on the extra Allow
// statements too; a LimitError says why one cannot take them.
func ForBuckets(p Permission, buckets []string, s Scope, extra ...Statement) (Document, error) {
	var stmts []Statement
	for _, b := range buckets {
		stmts = append(stmts, Statements(p, b, s)...)
	}
	extra, err := s.Limits.ApplyAll(extra)
	if err != nil {
		return Document{}, err
	}
	return Wrap(append(stmts, extra...)...), nil
}

// PublicRead is the bucket policy that lets anyone GET the bucket's objects.
func PublicRead(bucket string) Document {
	return Wrap(Statement{
		Sid:       "AllowAllGetObject",
		Effect:    "Allow",
		Principal: "*",
		Action:    []string{"s3:GetObject"},
		Resource:  []string{ObjectARN(bucket, "*")},
	})
}

// Substitute replaces the placeholder in a custom policy by the bucket's
// name. The result must still be JSON (a quote in the name would break
// it), so it is checked.
func Substitute(policyText, bucket string) (json.RawMessage, error) {
	text := strings.ReplaceAll(policyText, BucketNamePlaceholder, bucket)
	if !json.Valid([]byte(text)) {
		return nil, errors.New("not valid JSON once " + BucketNamePlaceholder + " is replaced by " + strconv.Quote(bucket))
	}
	return json.RawMessage(text), nil
}
