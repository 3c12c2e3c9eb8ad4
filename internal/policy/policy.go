// Package policy builds the IAM policy documents the tool grants: per-bucket
// statements for read-write, read-only and write-only access (optionally
// limited to a key prefix), the public-read bucket policy, and custom
// policies with $!BUCKET_NAME!$ substituted. Pure functions: no AWS, no CLI.
package policy

import (
	"strings"

	"github.com/s3-credentials/s3-credentials/internal/output"
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

// normalizePrefix appends "*" to a prefix that does not end in one, so "foo/"
// grants "foo/*" and the default "*" grants the whole bucket.
func normalizePrefix(prefix string) string {
	if !strings.HasSuffix(prefix, "*") {
		prefix += "*"
	}
	return prefix
}

func statement(actions []string, resource string) output.Map {
	return output.Map{
		{Key: "Effect", Value: "Allow"},
		{Key: "Action", Value: actions},
		{Key: "Resource", Value: []string{resource}},
	}
}

func bucketARN(bucket string) string { return "arn:aws:s3:::" + bucket }

func objectARN(bucket, prefix string) string { return "arn:aws:s3:::" + bucket + "/" + prefix }

// ReadOnlyStatements lets the holder list the bucket (only under prefix when
// one is given) and read its objects.
func ReadOnlyStatements(bucket, prefix string) []any {
	prefix = normalizePrefix(prefix)
	var stmts []any
	if prefix != "*" {
		stmts = append(stmts,
			statement([]string{"s3:GetBucketLocation"}, bucketARN(bucket)),
			append(statement([]string{"s3:ListBucket"}, bucketARN(bucket)), output.Field{
				Key: "Condition", Value: output.Map{{Key: "StringLike", Value: output.Map{
					{Key: "s3:prefix", Value: []string{prefix}},
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
	}, objectARN(bucket, prefix)))
}

// ReadWriteStatements adds writing and deleting objects to ReadOnlyStatements.
func ReadWriteStatements(bucket, prefix string) []any {
	prefix = normalizePrefix(prefix)
	return append(ReadOnlyStatements(bucket, prefix),
		statement([]string{"s3:PutObject", "s3:DeleteObject"}, objectARN(bucket, prefix)))
}

// WriteOnlyStatements lets the holder put objects and nothing else.
func WriteOnlyStatements(bucket, prefix string) []any {
	return []any{statement([]string{"s3:PutObject"}, objectARN(bucket, normalizePrefix(prefix)))}
}

// Statements returns the statements of permission p for one bucket.
func Statements(p Permission, bucket, prefix string) []any {
	switch p {
	case ReadOnly:
		return ReadOnlyStatements(bucket, prefix)
	case WriteOnly:
		return WriteOnlyStatements(bucket, prefix)
	default:
		return ReadWriteStatements(bucket, prefix)
	}
}

// Wrap puts statements into a policy document.
func Wrap(statements []any) output.Map {
	if statements == nil {
		statements = []any{}
	}
	return output.Map{{Key: "Version", Value: Version}, {Key: "Statement", Value: statements}}
}

// ForBuckets is the document granting p on every bucket, followed by the
// extra statements: what `policy` prints and what a session policy holds.
func ForBuckets(p Permission, buckets []string, prefix string, extra []any) output.Map {
	var stmts []any
	for _, b := range buckets {
		stmts = append(stmts, Statements(p, b, prefix)...)
	}
	return Wrap(append(stmts, extra...))
}

// PublicRead is the bucket policy that lets anyone GET the bucket's objects.
func PublicRead(bucket string) output.Map {
	return output.Map{
		{Key: "Version", Value: Version},
		{Key: "Statement", Value: []any{output.Map{
			{Key: "Sid", Value: "AllowAllGetObject"},
			{Key: "Effect", Value: "Allow"},
			{Key: "Principal", Value: "*"},
			{Key: "Action", Value: []string{"s3:GetObject"}},
			{Key: "Resource", Value: []string{objectARN(bucket, "*")}},
		}}},
	}
}

// Substitute parses a custom policy with the placeholder replaced by bucket.
// The text was validated as JSON before, but the bucket name could still
// break it (a quote in the name), so the error is returned.
func Substitute(policyText, bucket string) (any, error) {
	return output.Decode([]byte(strings.ReplaceAll(policyText, BucketNamePlaceholder, bucket)))
}
