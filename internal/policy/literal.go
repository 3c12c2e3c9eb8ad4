package policy

import "strings"

// literalKeyEscapes writes the characters IAM gives a meaning to in a
// Resource ARN the way IAM reads them literally: * and ? are wildcards and $
// starts a policy variable, while ${*}, ${?} and ${$} stand for the
// characters themselves (policy language version 2012-10-17).
var literalKeyEscapes = strings.NewReplacer("*", "${*}", "?", "${?}", "$", "${$}")

// LiteralKey is key as it must appear in a policy's Resource
// (arn:aws:s3:::BUCKET/KEY) to match that one key and no other: a key
// holding *, ? or $ would otherwise grant whatever the wildcards match, or
// name a policy variable. A prefix escaped this way can be followed by a
// wildcard of its own: LiteralKey(prefix) + "*".
func LiteralKey(key string) string {
	return literalKeyEscapes.Replace(key)
}

// ObjectARN is the ARN of exactly one object: arn:aws:s3:::BUCKET/KEY with
// the key escaped by LiteralKey.
func ObjectARN(bucket, key string) string {
	return "arn:aws:s3:::" + bucket + "/" + LiteralKey(key)
}
