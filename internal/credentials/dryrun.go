package credentials

import (
	"fmt"
	"io"
	"strings"

	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/roles"
	"github.com/s3-credentials/s3-credentials/policy"
)

// DryRun writes what Create would do, making no AWS call. The wording is
// the reference's, which scripts may read.
//
// Like the reference's, it shows every bucket being created, as it cannot
// know which exist. Asked to create them (CreateBucket), it checks every
// name against the rules for new buckets, as the real run checks the ones
// it finds missing; otherwise a legacy name (MyBucket) passes, as it may
// name an existing bucket.
func DryRun(w io.Writer, r *Request) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if r.CreateBucket {
		for _, b := range r.Buckets {
			if err := names.CheckNewBucketName(b); err != nil {
				return err
			}
		}
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	for _, b := range r.Buckets {
		args := ""
		if r.BucketRegion != "" {
			args = " with args " + string(pyjson.Encode(pyjson.Map{{Key: "CreateBucketConfiguration", Value: pyjson.Map{
				{Key: "LocationConstraint", Value: r.BucketRegion}}}}, 4))
		}
		p("Would create bucket: '%s'%s", b, args)
		if r.public() {
			p("... then add this public access block configuration:")
			p("%s", pyjson.Encode(PublicAccessBlockOff, -1))
			p("... then attach the following bucket policy to it:")
			p("%s", pyjson.Encode(policy.PublicRead(b), 4))
		}
		if r.Website {
			p("... then configure index.html and error.html website settings")
		}
		if len(r.Tags) > 0 {
			p("... then tag it with: %s", TagList(r.Tags))
		}
	}
	if note := literalKeysNote(r.Scope.Keys); note != "" {
		p("%s", note)
	}
	if r.DurationSeconds > 0 {
		doc, err := r.SessionPolicy()
		if err != nil {
			return err
		}
		p("Would ensure role: '%s'", roles.ToolRole)
		p("Would assume role using following policy for %d seconds:", r.DurationSeconds)
		p("%s", pyjson.Encode(doc, 4))
		if len(r.Tags) > 0 {
			p("... with session tags: %s", TagList(r.Tags))
		}
		return nil
	}
	name := r.UserName()
	p("Would create%s", r.userDescription())
	for _, b := range r.Buckets {
		doc, err := r.UserPolicy(b)
		if err != nil {
			return err
		}
		p("Would attach policy called '%s' to user '%s', details:\n%s", r.PolicyName(b), name, pyjson.Encode(doc, 4))
	}
	p("Would call create access key for user '%s'", name)
	return nil
}

// literalKeysNote explains, when a --key holds *, ? or $, how the policies
// below write it ("" otherwise).
func literalKeysNote(keys []string) string {
	for _, k := range keys {
		if strings.ContainsAny(k, "*?$") {
			return "Note: in the policies below ${*}, ${?} and ${$} in a --key match a literal *, ? and $"
		}
	}
	return ""
}
