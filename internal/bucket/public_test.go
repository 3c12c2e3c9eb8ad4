package bucket

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// fakePublic is one bucket's public access block and policy.
type fakePublic struct {
	block  *s3types.PublicAccessBlockConfiguration // nil: none
	policy string                                  // "": none
	gone   bool                                    // the bucket does not exist
	calls  []string
	// fail makes the named call fail (once) with AccessDenied.
	fail map[string]bool
}

func (f *fakePublic) enter(op string) error {
	f.calls = append(f.calls, op)
	if f.gone {
		return &smithy.GenericAPIError{Code: "NoSuchBucket", Message: "The specified bucket does not exist"}
	}
	if f.fail[op] {
		delete(f.fail, op)
		return &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"}
	}
	return nil
}

func (f *fakePublic) GetPublicAccessBlock(_ context.Context, _ *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	if err := f.enter("GetPublicAccessBlock"); err != nil {
		return nil, err
	}
	if f.block == nil {
		return nil, &smithy.GenericAPIError{Code: "NoSuchPublicAccessBlockConfiguration", Message: "The public access block configuration was not found"}
	}
	c := *f.block
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &c}, nil
}

func (f *fakePublic) PutPublicAccessBlock(_ context.Context, in *s3.PutPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error) {
	if err := f.enter("PutPublicAccessBlock"); err != nil {
		return nil, err
	}
	c := *in.PublicAccessBlockConfiguration
	f.block = &c
	return &s3.PutPublicAccessBlockOutput{}, nil
}

func (f *fakePublic) GetBucketPolicy(_ context.Context, _ *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	if err := f.enter("GetBucketPolicy"); err != nil {
		return nil, err
	}
	if f.policy == "" {
		return nil, &smithy.GenericAPIError{Code: "NoSuchBucketPolicy", Message: "The bucket policy does not exist"}
	}
	return &s3.GetBucketPolicyOutput{Policy: aws.String(f.policy)}, nil
}

func (f *fakePublic) PutBucketPolicy(_ context.Context, in *s3.PutBucketPolicyInput, _ ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	if err := f.enter("PutBucketPolicy"); err != nil {
		return nil, err
	}
	f.policy = *in.Policy
	return &s3.PutBucketPolicyOutput{}, nil
}

func (f *fakePublic) DeleteBucketPolicy(_ context.Context, _ *s3.DeleteBucketPolicyInput, _ ...func(*s3.Options)) (*s3.DeleteBucketPolicyOutput, error) {
	if err := f.enter("DeleteBucketPolicy"); err != nil {
		return nil, err
	}
	f.policy = ""
	return &s3.DeleteBucketPolicyOutput{}, nil
}

func (f *fakePublic) changes() []string {
	var out []string
	for _, c := range f.calls {
		if !strings.HasPrefix(c, "Get") {
			out = append(out, c)
		}
	}
	return out
}

func blockOf(acls, ignore, policy, restrict bool) *s3types.PublicAccessBlockConfiguration {
	return &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(acls), IgnorePublicAcls: aws.Bool(ignore),
		BlockPublicPolicy: aws.Bool(policy), RestrictPublicBuckets: aws.Bool(restrict),
	}
}

type publicRun struct {
	p          *Publicity
	log, warns []string
}

func newPublic(f *fakePublic) *publicRun {
	r := &publicRun{}
	r.p = &Publicity{S3: f, Steps: message.Steps{
		Log:  func(s string) { r.log = append(r.log, s) },
		Warn: func(s string) { r.warns = append(r.warns, s) },
	}}
	return r
}

const (
	publicStmt  = `{"Sid":"AllowAllGetObject","Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::bkt/*"]}`
	foreignStmt = `{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}`
)

func compactPolicy(t *testing.T, text string) string {
	t.Helper()
	v, err := pyjson.Decode([]byte(text))
	if err != nil {
		t.Fatalf("policy %q: %v", text, err)
	}
	return string(pyjson.EncodeCompact(v))
}

func stateJSON(s *PublicState) string { return string(pyjson.EncodeCompact(s.Document())) }

func TestSetPublic(t *testing.T) {
	for _, tc := range []struct {
		name       string
		block      *s3types.PublicAccessBlockConfiguration
		policy     string
		wantBlock  string // the Document's PublicAccessBlock
		wantPolicy string // compact
		wantOther  int
		wantLog    []string
		wantCalls  []string
	}{
		{
			name: "new bucket: all blocked, no policy", block: blockOf(true, true, true, true),
			wantBlock:  `{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}`,
			wantPolicy: `{"Version":"2012-10-17","Statement":[` + publicStmt + `]}`,
			wantLog: []string{"Turned off BlockPublicPolicy and RestrictPublicBuckets for bucket bkt",
				"Attached a bucket policy allowing public reads to bkt"},
			wantCalls: []string{"PutPublicAccessBlock", "PutBucketPolicy"},
		},
		{
			name: "ACL settings off stay off", block: blockOf(false, false, true, false),
			wantBlock:  `{"BlockPublicAcls":false,"IgnorePublicAcls":false,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}`,
			wantPolicy: `{"Version":"2012-10-17","Statement":[` + publicStmt + `]}`,
			wantLog: []string{"Turned off BlockPublicPolicy and RestrictPublicBuckets for bucket bkt",
				"Attached a bucket policy allowing public reads to bkt"},
			wantCalls: []string{"PutPublicAccessBlock", "PutBucketPolicy"},
		},
		{
			name: "no block, foreign statement kept", policy: `{"Version": "2012-10-17", "Id": "mine", "Statement": [` + foreignStmt + `]}`,
			wantBlock:  `null`,
			wantPolicy: `{"Version":"2012-10-17","Id":"mine","Statement":[` + foreignStmt + `,` + publicStmt + `]}`,
			wantOther:  1,
			wantLog:    []string{"Added the public-read statement to the bucket policy of bkt, keeping its 1 other statement"},
			wantCalls:  []string{"PutBucketPolicy"},
		},
		{
			name: "a lone statement object", block: blockOf(true, true, false, false), policy: `{"Version": "2012-10-17", "Statement": ` + foreignStmt + `}`,
			wantBlock:  `{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}`,
			wantPolicy: `{"Version":"2012-10-17","Statement":[` + foreignStmt + `,` + publicStmt + `]}`,
			wantOther:  1,
			wantLog:    []string{"Added the public-read statement to the bucket policy of bkt, keeping its 1 other statement"},
			wantCalls:  []string{"PutBucketPolicy"},
		},
		{
			name: "our Sid, other content: replaced in place", block: blockOf(true, true, false, false),
			policy:     `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAllGetObject","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/only/*"},` + foreignStmt + `]}`,
			wantBlock:  `{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}`,
			wantPolicy: `{"Version":"2012-10-17","Statement":[` + publicStmt + `,` + foreignStmt + `]}`,
			wantOther:  1,
			wantLog:    []string{"Replaced statement AllowAllGetObject of the bucket policy of bkt with the public-read statement"},
			wantCalls:  []string{"PutBucketPolicy"},
		},
		{
			name: "public already, as AWS may return it", block: blockOf(true, true, false, false),
			policy:     `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAllGetObject","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`,
			wantBlock:  `{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}`,
			wantPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAllGetObject","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`,
			wantLog:    []string{"Bucket bkt was public already; nothing changed"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakePublic{block: tc.block, policy: tc.policy}
			r := newPublic(f)
			st, err := r.p.SetPublic(context.Background(), "bkt")
			if err != nil {
				t.Fatal(err)
			}
			want := `{"Bucket":"bkt","PublicAccessBlock":` + tc.wantBlock + `,"PublicReadStatement":true,"OtherPolicyStatements":` + string(rune('0'+tc.wantOther)) + `}`
			if got := stateJSON(st); got != want {
				t.Errorf("state\n got  %s\n want %s", got, want)
			}
			if got := compactPolicy(t, f.policy); got != tc.wantPolicy {
				t.Errorf("policy\n got  %s\n want %s", got, tc.wantPolicy)
			}
			if tc.block == nil && f.block != nil {
				t.Errorf("a block was written: %+v", f.block)
			}
			if !equal(r.log, tc.wantLog) || !equal(f.changes(), tc.wantCalls) || len(r.warns) != 0 {
				t.Errorf("log %q\ncalls %q\nwarnings %q", r.log, f.changes(), r.warns)
			}
			// A second run changes nothing and reports the same state.
			again := newPublic(f)
			f.calls = nil
			st2, err := again.p.SetPublic(context.Background(), "bkt")
			if err != nil || stateJSON(st2) != stateJSON(st) || len(f.changes()) != 0 {
				t.Errorf("second run: %v %v, calls %q", st2, err, f.calls)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The first run's exact policy text is the one create --public writes.
func TestSetPublicWritesCreatesPolicy(t *testing.T) {
	f := &fakePublic{}
	if _, err := newPublic(f).p.SetPublic(context.Background(), "bkt"); err != nil {
		t.Fatal(err)
	}
	want := `{"Version": "2012-10-17", "Statement": [{"Sid": "AllowAllGetObject", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::bkt/*"]}]}`
	if f.policy != want {
		t.Errorf("policy\n got  %s\n want %s", f.policy, want)
	}
}

func TestSetPrivate(t *testing.T) {
	for _, tc := range []struct {
		name       string
		block      *s3types.PublicAccessBlockConfiguration
		policy     string
		wantPolicy string // compact; "" for none
		wantOther  int
		wantLog    []string
		wantWarn   bool
		wantCalls  []string
	}{
		{
			name: "public bucket, nothing else in the policy", block: blockOf(true, true, false, false),
			policy:    `{"Version":"2012-10-17","Statement":[` + publicStmt + `]}`,
			wantLog:   []string{"Deleted the bucket policy of bkt: the public-read statement was all it held", "Turned on all four public access block settings for bucket bkt"},
			wantCalls: []string{"DeleteBucketPolicy", "PutPublicAccessBlock"},
		},
		{
			name: "foreign statement kept", policy: `{"Version":"2012-10-17","Statement":[` + foreignStmt + `,` + publicStmt + `]}`,
			wantPolicy: `{"Version":"2012-10-17","Statement":[` + foreignStmt + `]}`, wantOther: 1,
			wantLog:   []string{"Removed the public-read statement from the bucket policy of bkt, keeping its 1 other statement", "Turned on all four public access block settings for bucket bkt"},
			wantCalls: []string{"PutBucketPolicy", "PutPublicAccessBlock"},
		},
		{
			name: "another statement open to everyone is warned about", block: blockOf(true, true, true, true),
			policy:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}]}`,
			wantPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}]}`, wantOther: 1,
			wantLog:  []string{"Bucket bkt was private already; nothing changed"},
			wantWarn: true,
		},
		{
			name: "private already", block: blockOf(true, true, true, true),
			wantLog: []string{"Bucket bkt was private already; nothing changed"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakePublic{block: tc.block, policy: tc.policy}
			r := newPublic(f)
			st, err := r.p.SetPrivate(context.Background(), "bkt")
			if err != nil {
				t.Fatal(err)
			}
			want := `{"Bucket":"bkt","PublicAccessBlock":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true},"PublicReadStatement":false,"OtherPolicyStatements":` + string(rune('0'+tc.wantOther)) + `}`
			if got := stateJSON(st); got != want {
				t.Errorf("state\n got  %s\n want %s", got, want)
			}
			got := ""
			if f.policy != "" {
				got = compactPolicy(t, f.policy)
			}
			if got != tc.wantPolicy {
				t.Errorf("policy\n got  %s\n want %s", got, tc.wantPolicy)
			}
			if !equal(r.log, tc.wantLog) || !equal(f.changes(), tc.wantCalls) || (len(r.warns) > 0) != tc.wantWarn {
				t.Errorf("log %q\ncalls %q\nwarnings %q", r.log, f.changes(), r.warns)
			}
			f.calls = nil
			st2, err := newPublic(f).p.SetPrivate(context.Background(), "bkt")
			if err != nil || stateJSON(st2) != stateJSON(st) || len(f.changes()) != 0 {
				t.Errorf("second run: %v %v, calls %q", st2, err, f.calls)
			}
		})
	}
}

// set-public puts the block back when the policy cannot be written, so a
// failed run leaves the bucket as it was.
func TestSetPublicPolicyRefusedRestoresBlock(t *testing.T) {
	f := &fakePublic{block: blockOf(true, true, true, true), fail: map[string]bool{"PutBucketPolicy": true}}
	r := newPublic(f)
	if _, err := r.p.SetPublic(context.Background(), "bkt"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("err = %v", err)
	}
	if got := stateJSON(&PublicState{Block: f.block}); !strings.Contains(got, `{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}`) {
		t.Errorf("block left as %s", got)
	}
	if !equal(r.warns, []string{"Undone: restored the previous public access block of bucket bkt"}) || f.policy != "" {
		t.Errorf("warnings %q policy %q", r.warns, f.policy)
	}
	// And when putting it back fails too, that is said.
	f = &fakePublic{block: blockOf(true, true, true, true), fail: map[string]bool{"PutBucketPolicy": true}}
	r = newPublic(f)
	r.p.S3 = &failSecondBlockPut{fakePublic: f}
	if _, err := r.p.SetPublic(context.Background(), "bkt"); err == nil {
		t.Fatal("no error")
	}
	if len(r.warns) != 1 || !strings.HasPrefix(r.warns[0], "Could not undo: public access block of bucket bkt: AccessDenied") {
		t.Errorf("warnings %q", r.warns)
	}
}

type failSecondBlockPut struct {
	*fakePublic
	n int
}

func (f *failSecondBlockPut) PutPublicAccessBlock(ctx context.Context, in *s3.PutPublicAccessBlockInput, o ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error) {
	if f.n++; f.n == 2 {
		f.fail["PutPublicAccessBlock"] = true
	}
	return f.fakePublic.PutPublicAccessBlock(ctx, in, o...)
}

// set-private says, when the block cannot be set, that the statement is
// gone already.
func TestSetPrivateBlockRefused(t *testing.T) {
	f := &fakePublic{policy: `{"Version":"2012-10-17","Statement":[` + publicStmt + `]}`, fail: map[string]bool{"PutPublicAccessBlock": true}}
	_, err := newPublic(f).p.SetPrivate(context.Background(), "bkt")
	if err == nil || err.Error() != "AccessDenied: Access Denied (the public-read statement was removed from the bucket policy already)" {
		t.Errorf("err = %v", err)
	}
}

// Nothing is changed when the bucket is missing or its policy unreadable.
func TestPublicRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		f      *fakePublic
		errHas string
	}{
		{"no such bucket", &fakePublic{gone: true}, "NoSuchBucket"},
		{"block unreadable", &fakePublic{fail: map[string]bool{"GetPublicAccessBlock": true}}, "AccessDenied"},
		{"policy unreadable", &fakePublic{fail: map[string]bool{"GetBucketPolicy": true}}, "AccessDenied"},
		{"policy not JSON", &fakePublic{policy: "{nope"}, "The bucket policy of bkt is not a JSON object; nothing was changed"},
		{"policy a list", &fakePublic{policy: "[]"}, "The bucket policy of bkt is not a JSON object; nothing was changed"},
		{"statement a string", &fakePublic{policy: `{"Statement": "x"}`}, "has a Statement that is neither an object nor a list"},
	} {
		for _, op := range []string{"set-public", "set-private"} {
			f := *tc.f
			f.fail = map[string]bool{}
			for k, v := range tc.f.fail {
				f.fail[k] = v
			}
			p := newPublic(&f).p
			var err error
			if op == "set-public" {
				_, err = p.SetPublic(context.Background(), "bkt")
			} else {
				_, err = p.SetPrivate(context.Background(), "bkt")
			}
			if err == nil || !strings.Contains(err.Error(), tc.errHas) || len(f.changes()) != 0 {
				t.Errorf("%s %s: err %v, calls %q", op, tc.name, err, f.calls)
			}
		}
	}
}
