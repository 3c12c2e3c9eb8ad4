// Package policy builds the IAM policy documents the tool grants: per-bucket
// statements for read-write, read-only and write-only access (optionally
// limited to a key prefix), the public-read bucket policy, and custom
// policies with $!BUCKET_NAME!$ substituted. Pure functions: no AWS, no CLI.
package policy

import (
	"strings"

	"github.com/s3-credentials/s3-credentials/internal/pyjson"
)

// Permission is the access level credentials are made for.
type Permission string

const (
	ReadWrite Permission = "read-write"
	ReadOnly  Permission = "read-only"
	WriteOnly Permission = "write-only"
	// Custom names credentials made from --policy or --statement.
	Custom Permission = "custom"
)

// Version is the IAM policy language version every document uses.
const Version = "2012-10-17"

// BucketNamePlaceholder is replaced by each bucket's name in a --policy document.
const BucketNamePlaceholder = "$!BUCKET_NAME!$"

// normalizePrefixes appends "*" to each prefix that does not end in one, so
// "foo/" grants "foo/*", and drops repeats. No prefix, or a "*" among them,
// means the whole bucket: ["*"].
func normalizePrefixes(prefixes []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range prefixes {
		if !strings.HasSuffix(p, "*") {
			p += "*"
		}
		if p == "*" {
			return []string{"*"}
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return []string{"*"}
	}
	return out
}

func statement(actions []string, resources []string) pyjson.Map {
	return pyjson.Map{
		{Key: "Effect", Value: "Allow"},
		{Key: "Action", Value: actions},
		{Key: "Resource", Value: resources},
	}
}

func bucketARN(bucket string) []string { return []string{"arn:aws:s3:::" + bucket} }

func objectARNs(bucket string, prefixes []string) []string {
	arns := make([]string, len(prefixes))
	for i, p := range prefixes {
		arns[i] = "arn:aws:s3:::" + bucket + "/" + p
	}
	return arns
}

// ReadOnlyStatements lets the holder list the bucket (only under the
// prefixes when any are given) and read its objects there.
func ReadOnlyStatements(bucket string, prefixes ...string) []any {
	prefixes = normalizePrefixes(prefixes)
	var stmts []any
	if prefixes[0] != "*" {
		stmts = append(stmts,
			statement([]string{"s3:GetBucketLocation"}, bucketARN(bucket)),
			append(statement([]string{"s3:ListBucket"}, bucketARN(bucket)), pyjson.Field{
				Key: "Condition", Value: pyjson.Map{{Key: "StringLike", Value: pyjson.Map{
					{Key: "s3:prefix", Value: prefixes},
				}}},
			}),
		)
	} else {
		stmts = append(stmts, statement([]string{"s3:ListBucket", "s3:GetBucketLocation"}, bucketARN(bucket)))
	}
	return append(stmts, statement([]string{
		"s3:GetObject",
		"s3:GetObjectAcl",
		"s3:GetObjectLegalHold",
		"s3:GetObjectRetention",
		"s3:GetObjectTagging",
	}, objectARNs(bucket, prefixes)))
}

// ReadWriteStatements adds writing and deleting objects to ReadOnlyStatements.
func ReadWriteStatements(bucket string, prefixes ...string) []any {
	prefixes = normalizePrefixes(prefixes)
	return append(ReadOnlyStatements(bucket, prefixes...),
		statement([]string{"s3:PutObject", "s3:DeleteObject"}, objectARNs(bucket, prefixes)))
}

// WriteOnlyStatements lets the holder put objects and nothing else.
func WriteOnlyStatements(bucket string, prefixes ...string) []any {
	return []any{statement([]string{"s3:PutObject"}, objectARNs(bucket, normalizePrefixes(prefixes)))}
}

// Statements returns the statements of permission p for one bucket,
// limited to the key prefixes given (none: the whole bucket).
func Statements(p Permission, bucket string, prefixes ...string) []any {
	switch p {
	case ReadOnly:
		return ReadOnlyStatements(bucket, prefixes...)
	case WriteOnly:
		return WriteOnlyStatements(bucket, prefixes...)
	default:
		return ReadWriteStatements(bucket, prefixes...)
	}
}

// Wrap puts statements into a policy document.
func Wrap(statements []any) pyjson.Map {
	if statements == nil {
		statements = []any{}
	}
	return pyjson.Map{{Key: "Version", Value: Version}, {Key: "Statement", Value: statements}}
}

// ForBuckets is the document granting p on every bucket under the
// prefixes, followed by the extra statements: what `policy` prints and what
// a session policy holds.
func ForBuckets(p Permission, buckets []string, prefixes []string, extra []any) pyjson.Map {
	var stmts []any
	for _, b := range buckets {
		stmts = append(stmts, Statements(p, b, prefixes...)...)
	}
	return Wrap(append(stmts, extra...))
}

// PublicRead is the bucket policy that lets anyone GET the bucket's objects.
func PublicRead(bucket string) pyjson.Map {
	return pyjson.Map{
		{Key: "Version", Value: Version},
		{Key: "Statement", Value: []any{pyjson.Map{
			{Key: "Sid", Value: "AllowAllGetObject"},
			{Key: "Effect", Value: "Allow"},
			{Key: "Principal", Value: "*"},
			{Key: "Action", Value: []string{"s3:GetObject"}},
			{Key: "Resource", Value: objectARNs(bucket, []string{"*"})},
		}}},
	}
}

// Substitute parses a custom policy with the placeholder replaced by bucket.
// The text was validated as JSON before, but the bucket name could still
// break it (a quote in the name), so the error is returned.
func Substitute(policyText, bucket string) (any, error) {
	return pyjson.Decode([]byte(strings.ReplaceAll(policyText, BucketNamePlaceholder, bucket)))
}
