// Package presign signs links that let someone without credentials make one
// S3 request: a GET or PUT of one object (a SigV4 presigned URL), or a
// browser or curl upload (a presigned POST policy). It also writes the
// session policy that lets a throwaway session sign such a link and do
// nothing else. It signs through the AWS SDK's presigner and prints
// nothing itself.
package presign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/policy"
)

// MaxKeyBytes is the longest key S3 accepts, in bytes of UTF-8.
const MaxKeyBytes = 1024

// Session lengths a scoped link's session may have (STS's limits, and
// the MaxSessionDuration of the tool's role).
const (
	MinSession = 15 * time.Minute
	MaxSession = 12 * time.Hour
)

// Request is one presigned URL to make.
type Request struct {
	Method      string // GET or PUT
	Bucket, Key string
	// ContentType, for PUT, is signed: the upload must send exactly this
	// Content-Type header.
	ContentType string
	Expires     time.Duration
}

// Validate checks what can be checked before anything is signed.
func (r Request) Validate() error {
	if r.Method != http.MethodGet && r.Method != http.MethodPut {
		return fmt.Errorf("method must be GET or PUT, not %q", r.Method)
	}
	if r.ContentType != "" && r.Method != http.MethodPut {
		return errors.New("a content type is signed only for PUT")
	}
	if err := CheckContentType(r.ContentType); err != nil {
		return err
	}
	if err := checkBucket(r.Bucket); err != nil {
		return err
	}
	if r.Key == "" {
		return errors.New("the key is empty")
	}
	if err := checkKey("key", r.Key); err != nil {
		return err
	}
	return checkExpires(r.Expires)
}

func checkBucket(b string) error {
	if b == "" {
		return errors.New("the bucket name is empty")
	}
	return nil
}

func checkKey(what, k string) error {
	switch {
	case !utf8.ValidString(k):
		return fmt.Errorf("the %s is not valid UTF-8, which S3 keys must be", what)
	case len(k) > MaxKeyBytes:
		return fmt.Errorf("the %s is %d bytes long; S3 keys are at most %d", what, len(k), MaxKeyBytes)
	}
	return nil
}

// CheckContentType refuses what cannot travel in a Content-Type header:
// anything but printable ASCII (a line break would end the header).
func CheckContentType(t string) error {
	for _, c := range []byte(t) {
		if c < ' ' || c > '~' {
			return fmt.Errorf("the content type %q holds a character other than printable ASCII", t)
		}
	}
	return nil
}

func checkExpires(d time.Duration) error {
	if d <= 0 || d > MaxExpires {
		return fmt.Errorf("a link lasts more than 0 seconds and at most 7 days, not %s", d)
	}
	return nil
}

// HasDotSegments reports whether key has a path segment "." or "..": in a
// URL, browsers and most HTTP clients resolve those away before sending
// the request, which then names another key and fails its signature.
func HasDotSegments(key string) bool {
	for _, seg := range strings.Split(key, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// Scope is what the session behind a scoped link may do: one action on
// one resource.
type Scope struct {
	Action   string // s3:GetObject or s3:PutObject
	Resource string // arn:aws:s3:::BUCKET/KEY, the key escaped by policy.LiteralKey
}

// Scope is the one thing the link does: the method's action on exactly
// its key.
func (r Request) Scope() Scope {
	action := "s3:GetObject"
	if r.Method == http.MethodPut {
		action = "s3:PutObject"
	}
	return Scope{Action: action, Resource: policy.KeyARN(r.Bucket, r.Key)}
}

// SessionPolicy is the session policy document allowing the scope and
// nothing else, as JSON text.
func (s Scope) SessionPolicy() string {
	type statement struct {
		Effect   string
		Action   string
		Resource string
	}
	doc := struct {
		Version   string
		Statement []statement
	}{policy.Version, []statement{{"Allow", s.Action, s.Resource}}}
	text, err := json.Marshal(doc)
	if err != nil {
		panic(err) // strings only: cannot fail
	}
	return string(text)
}

// SessionSeconds is how long the session signing a scoped link of this
// lifetime must last: as long as the link, and at least the 15 minutes STS
// allows. A link longer than a session can be is an error.
func SessionSeconds(expires time.Duration) (int, error) {
	if expires > MaxSession {
		return 0, fmt.Errorf("a scoped link lasts at most 12 hours, the longest session of the role that signs it, not %s", expires)
	}
	d := max(expires, MinSession)
	return int((d + time.Second - 1) / time.Second), nil
}

// Signer signs links with the credentials of an S3 client.
type Signer struct {
	S3 *s3.Client
	// Now is the signing time; nil means the SDK's clock. Tests fix it.
	Now func() time.Time
}

// Link is a signed URL and what its user needs to know.
type Link struct {
	URL    string
	Method string
	// Header holds the headers the request must send as signed (Host
	// aside): Content-Type for a PUT signed with one.
	Header http.Header
	// Signed is the signing time; Expires the end of the link's life.
	Signed, Expires time.Time
	Signer          SignerInfo
}

// SignerInfo says whose credentials signed: never the secret.
type SignerInfo struct {
	AccessKeyID string
	// CredentialsExpire is when the signing credentials end, or zero when
	// they do not expire. A link dies with its credentials.
	CredentialsExpire time.Time
}

// URL signs r.
func (s *Signer) URL(ctx context.Context, r Request) (*Link, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	pc := s3.NewPresignClient(s.S3)
	var rec *recorder
	opt := func(o *s3.PresignOptions) {
		o.Expires = r.Expires
		o.ClientOptions = append(o.ClientOptions, withoutChecksums)
		rec = &recorder{inner: o.Presigner, now: s.Now}
		o.Presigner = rec
	}
	var out *v4.PresignedHTTPRequest
	var err error
	switch r.Method {
	case http.MethodGet:
		out, err = pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(r.Bucket), Key: aws.String(r.Key)}, opt)
	case http.MethodPut:
		in := &s3.PutObjectInput{Bucket: aws.String(r.Bucket), Key: aws.String(r.Key)}
		if r.ContentType != "" {
			in.ContentType = aws.String(r.ContentType)
		}
		out, err = pc.PresignPutObject(ctx, in, opt)
	}
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	for k, v := range out.SignedHeader {
		if !strings.EqualFold(k, "Host") {
			header[k] = v
		}
	}
	if r.ContentType != "" && header.Get("Content-Type") != r.ContentType {
		// The SDK drops the header of a bodiless request in some versions:
		// a link that does not pin the type must not be handed out as one that does.
		return nil, errors.New("the content type was not signed into the URL")
	}
	return &Link{
		URL: out.URL, Method: out.Method, Header: header,
		Signed: rec.signed, Expires: rec.signed.Add(r.Expires),
		Signer: rec.info,
	}, nil
}

// withoutChecksums keeps the SDK's checksum defaults out of links: a GET
// would otherwise carry X-Amz-Checksum-Mode=ENABLED, which a link does not
// need, and a PUT could pin the checksum of an empty body.
func withoutChecksums(o *s3.Options) {
	o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
}

// recorder wraps the SDK's presigner: it notes who signed and when, and
// lets tests fix the signing time.
type recorder struct {
	inner  s3.HTTPPresignerV4
	now    func() time.Time
	signed time.Time
	info   SignerInfo
}

func (p *recorder) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, signingTime time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	if p.now != nil {
		signingTime = p.now()
	}
	p.signed = signingTime.UTC()
	p.info = signerInfo(creds)
	return p.inner.PresignHTTP(ctx, creds, r, payloadHash, service, region, signingTime, optFns...)
}

func signerInfo(c aws.Credentials) SignerInfo {
	info := SignerInfo{AccessKeyID: c.AccessKeyID}
	if c.CanExpire {
		info.CredentialsExpire = c.Expires.UTC()
	}
	return info
}
