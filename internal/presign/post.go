package presign

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/policy"
)

// MaxPostSize is the largest object a POST upload may create (5 GiB).
const MaxPostSize int64 = 5 << 30

// FilenameVariable in a form's key is replaced by S3 with the name of the
// uploaded file (its last path element).
const FilenameVariable = "${filename}"

// PostRequest is one upload form to sign.
type PostRequest struct {
	Bucket string
	// Key is the key the upload is stored under, and may hold ${filename}.
	// With StartsWith it is a prefix instead: the form's key is
	// Key+"${filename}", and the uploader may send any key starting with it.
	Key        string
	StartsWith bool
	// MaxSize caps the upload in bytes (content-length-range 0..MaxSize);
	// 0 leaves only S3's own limit.
	MaxSize int64
	// ContentType, when set, is the Content-Type the object must be stored with.
	ContentType string
	Expires     time.Duration
}

// Validate checks what can be checked before anything is signed.
func (r PostRequest) Validate() error {
	if err := checkBucket(r.Bucket); err != nil {
		return err
	}
	what := "key"
	if r.StartsWith {
		what = "prefix"
	} else if r.Key == "" {
		return errors.New("the key is empty")
	}
	if err := checkKey(what, r.Key); err != nil {
		return err
	}
	if err := CheckContentType(r.ContentType); err != nil {
		return err
	}
	if r.MaxSize < 0 || r.MaxSize > MaxPostSize {
		return fmt.Errorf("the size cap must be between 1 byte and 5 GiB, the largest object a POST upload can create, not %d bytes", r.MaxSize)
	}
	return checkExpires(r.Expires)
}

// formKey is the value of the form's key field.
func (r PostRequest) formKey() string {
	if r.StartsWith {
		return r.Key + FilenameVariable
	}
	return r.Key
}

// keyPrefix is the prefix every key the form may write starts with, and
// whether the key is fixed instead.
func (r PostRequest) keyPrefix() (prefix string, exact bool) {
	if r.StartsWith {
		return r.Key, false
	}
	if i := strings.Index(r.Key, FilenameVariable); i >= 0 {
		return r.Key[:i], false
	}
	return r.Key, true
}

// Scope is s3:PutObject on exactly the form's key, or on every key under
// its prefix.
func (r PostRequest) Scope() Scope {
	prefix, exact := r.keyPrefix()
	if exact {
		return Scope{Action: "s3:PutObject", Resource: policy.KeyARN(r.Bucket, prefix)}
	}
	return Scope{Action: "s3:PutObject", Resource: policy.KeyARN(r.Bucket, prefix) + "*"}
}

// Field is one form field.
type Field struct{ Name, Value string }

// Form is a signed upload form.
type Form struct {
	URL string
	// Fields in the order a form sends them; the file goes after them.
	Fields []Field
	// Policy is the POST policy document (the field "policy" holds it in base64).
	Policy          string
	Signed, Expires time.Time
	Signer          SignerInfo
}

// Post signs an upload form for r.
func (s *Signer) Post(ctx context.Context, r PostRequest) (*Form, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	ps := &postSigner{req: r, now: s.Now}
	out, err := s3.NewPresignClient(s.S3).PresignPostObject(ctx,
		&s3.PutObjectInput{Bucket: aws.String(r.Bucket), Key: aws.String(r.formKey())},
		func(o *s3.PresignPostOptions) {
			o.Expires = r.Expires
			o.PostPresigner = ps
			o.ClientOptions = append(o.ClientOptions, withoutChecksums)
		})
	if err != nil {
		return nil, err
	}
	if ps.form == nil {
		return nil, errors.New("the SDK did not sign the form")
	}
	f := ps.form
	f.URL = out.URL
	return f, nil
}

// postSigner writes and signs the POST policy. It plugs into the SDK's
// PresignPostObject, which resolves the URL, region and credentials, so
// that the conditions and the order of the fields are ours.
type postSigner struct {
	req  PostRequest
	now  func() time.Time
	form *Form
}

func (p *postSigner) PresignPost(creds aws.Credentials, bucket, key, region, service string, signingTime time.Time, _ []any, _ time.Time, _ ...func(*v4.SignerOptions)) (map[string]string, error) {
	if p.now != nil {
		signingTime = p.now()
	}
	signingTime = signingTime.UTC()
	expires := signingTime.Add(p.req.Expires)
	amzDate := signingTime.Format("20060102T150405Z")
	credential := creds.AccessKeyID + "/" + signingTime.Format("20060102") + "/" + region + "/" + service + "/aws4_request"

	fields := []Field{{"key", key}}
	conditions := []any{
		map[string]string{"bucket": bucket},
	}
	if prefix, exact := p.req.keyPrefix(); exact {
		conditions = append(conditions, map[string]string{"key": key})
	} else {
		conditions = append(conditions, []any{"starts-with", "$key", prefix})
	}
	if p.req.ContentType != "" {
		fields = append(fields, Field{"Content-Type", p.req.ContentType})
		conditions = append(conditions, map[string]string{"Content-Type": p.req.ContentType})
	}
	if p.req.MaxSize > 0 {
		conditions = append(conditions, []any{"content-length-range", 0, p.req.MaxSize})
	}
	auth := []Field{
		{"x-amz-algorithm", "AWS4-HMAC-SHA256"},
		{"x-amz-credential", credential},
		{"x-amz-date", amzDate},
	}
	if creds.SessionToken != "" {
		auth = append(auth, Field{"x-amz-security-token", creds.SessionToken})
	}
	for _, f := range auth {
		conditions = append(conditions, map[string]string{f.Name: f.Value})
	}
	fields = append(fields, auth...)

	doc, err := policyJSON(expires, conditions)
	if err != nil {
		return nil, err
	}
	encoded := base64.StdEncoding.EncodeToString(doc)
	fields = append(fields,
		Field{"policy", encoded},
		Field{"x-amz-signature", SignPolicy(creds.SecretAccessKey, region, service, signingTime, encoded)})

	p.form = &Form{Fields: fields, Policy: string(doc), Signed: signingTime, Expires: expires, Signer: signerInfo(creds)}
	values := make(map[string]string, len(fields))
	for _, f := range fields {
		values[f.Name] = f.Value
	}
	return values, nil
}

// policyJSON is the POST policy document: expiration first, then the
// conditions in the order given.
func policyJSON(expires time.Time, conditions []any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}{expires.UTC().Format("2006-01-02T15:04:05.000Z"), conditions})
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// SignPolicy is the SigV4 signature of a base64 POST policy: the policy is
// the string to sign, under the key derived from the secret, the date of
// signingTime, the region and the service.
func SignPolicy(secret, region, service string, signingTime time.Time, policyBase64 string) string {
	mac := func(key []byte, data string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(data))
		return h.Sum(nil)
	}
	k := mac([]byte("AWS4"+secret), signingTime.UTC().Format("20060102"))
	k = mac(k, region)
	k = mac(k, service)
	k = mac(k, "aws4_request")
	return hex.EncodeToString(mac(k, policyBase64))
}

// Curl is a shell command that uploads file with the form: one
// --form-string per field (taken literally by curl: no @file or ;type=
// surprises in values), the file last, every word quoted for sh.
func (f *Form) Curl(file string) string {
	var b strings.Builder
	b.WriteString("curl")
	for _, fl := range f.Fields {
		b.WriteString(" \\\n  --form-string " + ShellQuote(fl.Name+"="+fl.Value))
	}
	b.WriteString(" \\\n  -F " + ShellQuote("file=@"+file) + " \\\n  " + ShellQuote(f.URL))
	return b.String()
}

// HTML is a minimal upload page for the form, to save as a file and open
// in a browser. It declares UTF-8, in which the fields were signed.
func (f *Form) HTML() string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<title>Upload</title>\n")
	fmt.Fprintf(&b, "<form action=\"%s\" method=\"post\" enctype=\"multipart/form-data\" accept-charset=\"utf-8\">\n", html.EscapeString(f.URL))
	for _, fl := range f.Fields {
		fmt.Fprintf(&b, "  <input type=\"hidden\" name=\"%s\" value=\"%s\">\n", html.EscapeString(fl.Name), html.EscapeString(fl.Value))
	}
	b.WriteString("  <input type=\"file\" name=\"file\">\n  <input type=\"submit\" value=\"Upload\">\n</form>")
	return b.String()
}

// ShellQuote quotes s as one word for sh.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@,+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
