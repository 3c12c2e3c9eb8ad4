package awsclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	awsmiddle "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// NotAWSError is an answer that did not come from S3, IAM or STS: an HTML
// page (a captive portal, a web server at the wrong URL), text that is not
// XML, or XML of another shape. The SDK would read such an answer as an
// empty result; the tool refuses it.
type NotAWSError struct {
	Endpoint  string
	Service   string // "S3", "IAM" or "STS"
	Operation string
	Status    int
	// What describes what came instead: "an HTML page", ...
	What string
}

func (e *NotAWSError) Error() string {
	return e.Endpoint + " did not answer like AWS " + e.Service + ": " + e.Operation + " got HTTP " +
		strconv.Itoa(e.Status) + " with " + e.What + "; check --endpoint-url, or whether a proxy or a login page stands in the way"
}

// RetryableError lets the SDK try again after a 5xx (a load balancer's
// error page), not otherwise: the same URL gives the same page.
func (e *NotAWSError) RetryableError() bool { return e.Status >= 500 }

// IsNotAWS reports whether err is an answer that was not AWS's.
func IsNotAWS(err error) bool {
	var na *NotAWSError
	return errors.As(err, &na)
}

// answerCheck sits between the transport and the SDK's deserializers. It
// refuses answers that are not AWS's, and makes a body that goes silent
// half-way name the endpoint.
type answerCheck struct{}

func (answerCheck) ID() string { return "S3CredentialsAnswerCheck" }

func (answerCheck) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || resp.Body == nil {
		return out, md, err
	}
	endpoint := "the endpoint"
	method := http.MethodGet
	if req, ok := in.Request.(*smithyhttp.Request); ok {
		endpoint, method = endpointOf(req.URL), req.Method
	}
	br := bufio.NewReaderSize(resp.Body, sniffLen)
	resp.Body = &watchedBody{Reader: br, closer: resp.Body, endpoint: endpoint}
	service := awsmiddle.GetServiceID(ctx)
	switch service {
	case "S3", "IAM", "STS":
	default:
		return out, md, err // IMDS, SSO...: other formats
	}
	op := awsmiddle.GetOperationName(ctx)
	if what := notAWS(service, op, method, resp.Response, br); what != "" {
		resp.Body.Close()
		return out, md, &NotAWSError{Endpoint: endpoint, Service: service, Operation: op, Status: resp.StatusCode, What: what}
	}
	return out, md, err
}

// sniffLen is how much of a body is looked at: enough for any XML
// declaration and root element, or an HTML page's title.
const sniffLen = 4096

// s3Roots are the root elements of S3 answers that carry an XML document,
// by operation: the listings and the calls whose answer the tool relies on.
// Answers to other S3 calls are refused only when they are an HTML page
// (S3-compatible servers differ in the small ones: moto answers
// PutBucketPolicy with "True", GetBucketPolicyStatus with a listing,
// CompleteMultipartUpload with <CompleteMultipartUploadResponse>).
var s3Roots = map[string]string{
	"ListBuckets":           "ListAllMyBucketsResult",
	"ListObjectsV2":         "ListBucketResult",
	"ListObjects":           "ListBucketResult",
	"ListObjectVersions":    "ListVersionsResult",
	"ListMultipartUploads":  "ListMultipartUploadsResult",
	"CreateMultipartUpload": "InitiateMultipartUploadResult",
	"DeleteObjects":         "DeleteResult",
	"GetBucketAcl":          "AccessControlPolicy",
	"GetBucketCors":         "CORSConfiguration",
	"GetBucketTagging":      "Tagging",
	"GetBucketWebsite":      "WebsiteConfiguration",
	"GetPublicAccessBlock":  "PublicAccessBlockConfiguration",
	"CopyObject":            "CopyObjectResult",
	"UploadPartCopy":        "CopyPartResult",
}

// s3NoDocument are S3 calls whose answer has no document: an empty body
// (moto's PutBucketPolicy says "True"), or an <Error> in a 200.
var s3NoDocument = map[string]bool{
	"PutObject": true, "UploadPart": true, "DeleteObject": true, "AbortMultipartUpload": true,
	"CreateBucket": true, "DeleteBucket": true, "PutBucketPolicy": true, "DeleteBucketPolicy": true,
	"PutBucketCors": true, "DeleteBucketCors": true, "PutBucketTagging": true, "PutBucketWebsite": true,
	"PutBucketVersioning": true, "PutPublicAccessBlock": true, "PutBucketAcl": true,
}

// notAWS says what the answer is when it is not one of service's, or "".
func notAWS(service, op, method string, resp *http.Response, br *bufio.Reader) string {
	htmlType := strings.HasPrefix(strings.ToLower(resp.Header.Get("Content-Type")), "text/html")
	noS3Headers := resp.Header.Get("ETag") == "" && !hasAmzHeader(resp.Header)
	if method == http.MethodHead {
		// No body to look at. An AWS answer always has x-amz(n) headers.
		if htmlType && noS3Headers {
			return "an HTML page"
		}
		return ""
	}
	if service == "S3" && op == "GetObject" && resp.StatusCode < 300 {
		// The object's own bytes, which may well be an HTML page: judged
		// by the headers. S3 sends an object with its ETag, always.
		switch {
		case noS3Headers && htmlType:
			return "an HTML page"
		case noS3Headers:
			return "a body without an ETag or any x-amz- header"
		}
		return ""
	}
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return "" // cut short or silent: reading it says so
	}
	text := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(text) == 0 {
		if service != "S3" || s3Roots[op] != "" && resp.StatusCode < 300 {
			return "an empty body"
		}
		return ""
	}
	if service == "S3" && op == "GetBucketPolicy" && resp.StatusCode < 300 {
		if text[0] != '<' {
			return "" // the policy's JSON
		}
		if root, isHTML := rootElement(text); root != "" && !isHTML {
			return "XML whose root element is <" + root + ">, where S3 answers GetBucketPolicy with the policy's JSON"
		}
		return describeMarkup(text)
	}
	root, isHTML := rootElement(text)
	if isHTML {
		return describeMarkup(text)
	}
	want := expectedRoots(service, op, resp.StatusCode)
	if want == nil && service == "S3" && s3NoDocument[op] && root != "" && root != "Error" {
		return "XML whose root element is <" + root + ">, where S3 answers " + op + " with no document"
	}
	if want == nil {
		return "" // any body but a page will do
	}
	if root == "" {
		if text[0] == '<' {
			return "markup that is not XML (" + snippet(text) + ")"
		}
		return "text that is not XML (" + snippet(text) + ")"
	}
	for _, w := range want {
		if root == w {
			return ""
		}
	}
	return "XML whose root element is <" + root + ">, not <" + strings.Join(want, "> or <") + ">"
}

// expectedRoots lists the root elements an answer may have, nil when any
// XML will do.
func expectedRoots(service, op string, status int) []string {
	switch service {
	case "IAM", "STS":
		// The query protocol: <OpResponse> or <ErrorResponse>.
		return []string{op + "Response", "ErrorResponse"}
	}
	if status >= 300 {
		return []string{"Error"}
	}
	if r := s3Roots[op]; r != "" {
		// S3 may put an error in a 200 answer to some operations.
		return []string{r, "Error"}
	}
	return nil
}

var (
	reElementName = regexp.MustCompile(`^<([A-Za-z_][-A-Za-z0-9_.:]*)[\s/>]`)
	reTitle       = regexp.MustCompile(`(?is)<title[^>]*>([^<]*)</title>`)
)

// rootElement finds the name of the first element of an XML or HTML text,
// skipping the declaration, comments and a doctype; isHTML is set when
// the doctype or root says HTML.
func rootElement(text []byte) (name string, isHTML bool) {
	for {
		text = bytes.TrimLeft(text, " \t\r\n")
		switch {
		case bytes.HasPrefix(text, []byte("<?")):
			i := bytes.Index(text, []byte("?>"))
			if i < 0 {
				return "", false
			}
			text = text[i+2:]
		case bytes.HasPrefix(text, []byte("<!--")):
			i := bytes.Index(text, []byte("-->"))
			if i < 0 {
				return "", false
			}
			text = text[i+3:]
		case len(text) > 2 && text[0] == '<' && text[1] == '!':
			i := bytes.IndexByte(text, '>')
			if i < 0 {
				return "", false
			}
			if strings.HasPrefix(strings.ToLower(string(text[:i])), "<!doctype html") {
				return "html", true
			}
			text = text[i+1:]
		default:
			m := reElementName.FindSubmatch(text)
			if m == nil {
				return "", false
			}
			name := string(m[1])
			return name, strings.EqualFold(name, "html") || strings.EqualFold(name, "head") || strings.EqualFold(name, "body")
		}
	}
}

func describeMarkup(text []byte) string {
	if m := reTitle.FindSubmatch(text); m != nil {
		if t := strings.Join(strings.Fields(string(m[1])), " "); t != "" {
			return "an HTML page titled " + quoteShort(t)
		}
	}
	if _, isHTML := rootElement(text); isHTML {
		return "an HTML page"
	}
	return "markup that is not XML (" + snippet(text) + ")"
}

// snippet is the start of a body, quoted, for a message.
func snippet(text []byte) string {
	s := string(text)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return quoteShort(s)
}

func quoteShort(s string) string {
	const max = 60
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "..."
	}
	return strconv.Quote(s)
}

func hasAmzHeader(h http.Header) bool {
	for k := range h {
		if strings.HasPrefix(strings.ToLower(k), "x-amz") {
			return true
		}
	}
	return false
}

// watchedBody turns a silence in the middle of an answer, or an answer
// cut short, into a NetworkError that names the endpoint.
type watchedBody struct {
	io.Reader
	closer   io.Closer
	endpoint string
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.Reader.Read(p)
	var te *timeoutError
	switch {
	case err == nil || err == io.EOF:
	case errors.As(err, &te):
		err = &NetworkError{Endpoint: b.endpoint, Timeout: te.after, phase: phaseBody, Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		err = &NetworkError{Endpoint: b.endpoint, phase: phaseBroken, Err: err}
	case errors.Is(err, net.ErrClosed):
		// The transport closed the connection under the body, after the
		// endpoint closed its side first: the same broken answer.
		err = &NetworkError{Endpoint: b.endpoint, phase: phaseBroken, Err: errConnClosed}
	}
	return n, err
}

// errConnClosed words a connection closed in the middle of an answer.
var errConnClosed = errors.New("connection closed")

func (b *watchedBody) Close() error { return b.closer.Close() }
