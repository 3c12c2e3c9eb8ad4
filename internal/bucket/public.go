package bucket

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

// PublicReadSid is the Sid of the statement that lets anyone read a
// bucket's objects: the one create --public writes, and set-public and
// set-private add and remove.
const PublicReadSid = "AllowAllGetObject"

// PublicAPI names the S3 calls set-public and set-private make.
type PublicAPI interface {
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	PutPublicAccessBlock(context.Context, *s3.PutPublicAccessBlockInput, ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error)
	GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	PutBucketPolicy(context.Context, *s3.PutBucketPolicyInput, ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
	DeleteBucketPolicy(context.Context, *s3.DeleteBucketPolicyInput, ...func(*s3.Options)) (*s3.DeleteBucketPolicyOutput, error)
}

// Publicity makes a bucket's objects readable by anyone, or not.
type Publicity struct {
	S3 PublicAPI
	// Steps receives one line per change made, and warnings.
	message.Steps
}

// PublicState is what set-public and set-private leave a bucket with.
type PublicState struct {
	Bucket string
	// Block is the bucket's public access block; nil when it has none
	// (nothing is blocked at the bucket's level).
	Block *s3types.PublicAccessBlockConfiguration
	// PublicRead says whether the bucket policy holds the public-read
	// statement (Sid AllowAllGetObject, s3:GetObject for everyone).
	PublicRead bool
	// OtherStatements counts the bucket policy's other statements.
	OtherStatements int
}

// Document is the state as the commands print it: the public access block
// as get-public-access-block prints it (null when there is none).
func (s *PublicState) Document() pyjson.Map {
	var block any
	if s.Block != nil {
		block = botocore.PublicAccessBlock(s.Block)
	}
	return pyjson.Map{
		{Key: "Bucket", Value: s.Bucket},
		{Key: "PublicAccessBlock", Value: block},
		{Key: "PublicReadStatement", Value: s.PublicRead},
		{Key: "OtherPolicyStatements", Value: s.OtherStatements},
	}
}

// bucketPolicy is a bucket policy as read: its document, member order
// kept, and its statements.
type bucketPolicy struct {
	doc   pyjson.Map // nil: the bucket has no policy
	stmts []any
}

// current reads the bucket's public access block and its policy, what
// SetPublic and SetPrivate start from.
func (p *Publicity) current(ctx context.Context, bucket string) (*s3types.PublicAccessBlockConfiguration, bucketPolicy, error) {
	block, err := p.block(ctx, bucket)
	if err != nil {
		return nil, bucketPolicy{}, err
	}
	pol, err := p.policy(ctx, bucket)
	if err != nil {
		return nil, bucketPolicy{}, err
	}
	return block, pol, nil
}

// SetPublic lets anyone GET the bucket's objects: BlockPublicPolicy and
// RestrictPublicBuckets are turned off (the two ACL settings keep their
// values), and the public-read statement is added to the bucket policy,
// keeping its other statements. What is already so is left alone. When
// the policy cannot be written, the block settings are put back.
func (p *Publicity) SetPublic(ctx context.Context, bucket string) (*PublicState, error) {
	block, pol, err := p.current(ctx, bucket)
	if err != nil {
		return nil, err
	}
	changed := false

	var restore func(context.Context) error
	if block != nil && (aws.ToBool(block.BlockPublicPolicy) || aws.ToBool(block.RestrictPublicBuckets)) {
		open := &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls:       aws.Bool(aws.ToBool(block.BlockPublicAcls)),
			IgnorePublicAcls:      aws.Bool(aws.ToBool(block.IgnorePublicAcls)),
			BlockPublicPolicy:     aws.Bool(false),
			RestrictPublicBuckets: aws.Bool(false),
		}
		if err := p.putBlock(ctx, bucket, open); err != nil {
			return nil, err
		}
		old := block
		restore = func(ctx context.Context) error { return p.putBlock(ctx, bucket, old) }
		block = open
		changed = true
		p.Logf("Turned off BlockPublicPolicy and RestrictPublicBuckets for bucket %s", bucket)
	}

	want := publicReadStatement(bucket)
	i := sidIndex(pol.stmts, PublicReadSid)
	if i < 0 || !isPublicRead(pol.stmts[i], bucket) {
		var text string
		if pol.doc == nil {
			// No policy: the very document create --public writes.
			text = string(pyjson.Encode(policy.PublicRead(bucket), -1))
			pol = bucketPolicy{stmts: []any{want}}
		} else {
			if i < 0 {
				pol.stmts = append(pol.stmts, want)
			} else {
				pol.stmts[i] = want
			}
			pol.doc.Set("Statement", pol.stmts)
			text = string(pyjson.Encode(pol.doc, -1))
		}
		if _, err := p.S3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(text)}); err != nil {
			if restore != nil {
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
				defer cancel()
				if rerr := restore(ctx); rerr != nil {
					p.Warnf("Could not undo: public access block of bucket %s: %s; it is left with BlockPublicPolicy and RestrictPublicBuckets off", bucket, awsclient.ErrorMessage(rerr))
				} else {
					p.Warnf("Undone: restored the previous public access block of bucket %s", bucket)
				}
			}
			return nil, err
		}
		changed = true
		switch {
		case i >= 0:
			p.Logf("Replaced statement %s of the bucket policy of %s with the public-read statement", PublicReadSid, bucket)
		case len(pol.stmts) > 1:
			p.Logf("Added the public-read statement to the bucket policy of %s, keeping its %d other statement%s", bucket, len(pol.stmts)-1, message.S(len(pol.stmts)-1))
		default:
			p.Logf("Attached a bucket policy allowing public reads to %s", bucket)
		}
	}
	if !changed {
		p.Logf("Bucket %s was public already; nothing changed", bucket)
	}
	return &PublicState{Bucket: bucket, Block: block, PublicRead: true, OtherStatements: len(pol.stmts) - 1}, nil
}

// SetPrivate takes the public-read statement out of the bucket policy
// (deleting the policy when nothing else is left in it) and turns all four
// public access block settings on. What is already so is left alone.
func (p *Publicity) SetPrivate(ctx context.Context, bucket string) (*PublicState, error) {
	block, pol, err := p.current(ctx, bucket)
	if err != nil {
		return nil, err
	}
	changed := false
	// The policy first: with BlockPublicPolicy on, AWS refuses to write a
	// policy that still grants public access in another statement.
	if sidIndex(pol.stmts, PublicReadSid) >= 0 {
		var kept []any
		for _, s := range pol.stmts {
			if m, ok := s.(pyjson.Map); ok {
				if sid, _ := m.Get("Sid"); sid == PublicReadSid {
					continue
				}
			}
			kept = append(kept, s)
		}
		pol.stmts = kept
		if len(pol.stmts) == 0 {
			if _, err := p.S3.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)}); err != nil {
				return nil, err
			}
			p.Logf("Deleted the bucket policy of %s: the public-read statement was all it held", bucket)
		} else {
			pol.doc.Set("Statement", pol.stmts)
			if _, err := p.S3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{
				Bucket: aws.String(bucket), Policy: aws.String(string(pyjson.Encode(pol.doc, -1))),
			}); err != nil {
				return nil, err
			}
			p.Logf("Removed the public-read statement from the bucket policy of %s, keeping its %d other statement%s", bucket, len(pol.stmts), message.S(len(pol.stmts)))
		}
		changed = true
	}
	for _, s := range pol.stmts {
		if opensToEveryone(s) {
			p.Warnf("Warning: the bucket policy of %s has another statement allowing everyone (Principal \"*\"); with RestrictPublicBuckets on it no longer grants anything to anyone outside the account", bucket)
			break
		}
	}
	if block == nil || !aws.ToBool(block.BlockPublicAcls) || !aws.ToBool(block.IgnorePublicAcls) ||
		!aws.ToBool(block.BlockPublicPolicy) || !aws.ToBool(block.RestrictPublicBuckets) {
		closed := &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
			BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
		}
		if err := p.putBlock(ctx, bucket, closed); err != nil {
			if changed {
				return nil, fmt.Errorf("%s (the public-read statement was removed from the bucket policy already)", awsclient.ErrorMessage(err))
			}
			return nil, err
		}
		block = closed
		changed = true
		p.Logf("Turned on all four public access block settings for bucket %s", bucket)
	}
	if !changed {
		p.Logf("Bucket %s was private already; nothing changed", bucket)
	}
	return &PublicState{Bucket: bucket, Block: block, OtherStatements: len(pol.stmts)}, nil
}

// undoTimeout bounds putting the block back after a failure; it runs after
// an interrupt too.
const undoTimeout = 30 * time.Second

func (p *Publicity) block(ctx context.Context, bucket string) (*s3types.PublicAccessBlockConfiguration, error) {
	out, err := p.S3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if awsclient.ErrorCode(err) == "NoSuchPublicAccessBlockConfiguration" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if out.PublicAccessBlockConfiguration == nil {
		return nil, nil
	}
	return out.PublicAccessBlockConfiguration, nil
}

func (p *Publicity) putBlock(ctx context.Context, bucket string, cfg *s3types.PublicAccessBlockConfiguration) error {
	_, err := p.S3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket), PublicAccessBlockConfiguration: cfg})
	return err
}

// policy reads the bucket policy; a bucket without one has none.
func (p *Publicity) policy(ctx context.Context, bucket string) (bucketPolicy, error) {
	out, err := p.S3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if awsclient.ErrorCode(err) == "NoSuchBucketPolicy" {
		return bucketPolicy{}, nil
	}
	if err != nil {
		return bucketPolicy{}, err
	}
	text := aws.ToString(out.Policy)
	if text == "" {
		return bucketPolicy{}, nil
	}
	v, err := pyjson.Decode([]byte(text))
	doc, ok := v.(pyjson.Map)
	if err != nil || !ok {
		return bucketPolicy{}, fmt.Errorf("The bucket policy of %s is not a JSON object; nothing was changed", bucket)
	}
	var stmts []any
	switch s, _ := doc.Get("Statement"); x := s.(type) {
	case []any:
		stmts = x
	case pyjson.Map:
		stmts = []any{x}
	case nil:
	default:
		return bucketPolicy{}, fmt.Errorf("The bucket policy of %s has a Statement that is neither an object nor a list; nothing was changed", bucket)
	}
	return bucketPolicy{doc: doc, stmts: stmts}, nil
}

// publicReadStatement is the statement of policy.PublicRead, as a Map.
func publicReadStatement(bucket string) pyjson.Map {
	v, err := pyjson.Decode(pyjson.EncodeCompact(policy.PublicRead(bucket).Statement[0]))
	if err != nil {
		panic(err) // a document of our own
	}
	return v.(pyjson.Map)
}

func sidIndex(stmts []any, sid string) int {
	for i, s := range stmts {
		if m, ok := s.(pyjson.Map); ok {
			if v, _ := m.Get("Sid"); v == sid {
				return i
			}
		}
	}
	return -1
}

// isPublicRead says whether a statement grants exactly what the public-read
// statement does, in any of the forms AWS may return it in (a list of one
// or a plain string).
func isPublicRead(s any, bucket string) bool {
	m, ok := s.(pyjson.Map)
	if !ok || len(m) != 5 {
		return false
	}
	eff, _ := m.Get("Effect")
	act, _ := m.Get("Action")
	res, _ := m.Get("Resource")
	return eff == "Allow" && opensToEveryone(m) &&
		sameStrings(act, "s3:GetObject") && sameStrings(res, policy.ObjectARN(bucket, "*"))
}

// opensToEveryone says whether a statement allows anyone at all.
func opensToEveryone(s any) bool {
	m, ok := s.(pyjson.Map)
	if !ok {
		return false
	}
	if eff, _ := m.Get("Effect"); eff != "Allow" {
		return false
	}
	switch p, _ := m.Get("Principal"); x := p.(type) {
	case string:
		return x == "*"
	case pyjson.Map:
		aws, _ := x.Get("AWS")
		return sameStrings(aws, "*")
	}
	return false
}

// sameStrings says whether v is want, or a list holding only want.
func sameStrings(v any, want string) bool {
	switch x := v.(type) {
	case string:
		return x == want
	case []any:
		return len(x) == 1 && x[0] == want
	}
	return false
}
