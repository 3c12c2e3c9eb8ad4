package credentials

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/policycheck"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/roles"
	"github.com/s3-credentials/s3-credentials/policy"
)

// Managed policies used as permissions boundaries (and on the tool's role).
const (
	S3FullAccessARN     = roles.S3FullAccessARN
	S3ReadOnlyAccessARN = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
)

// AWS limits checked before any call is made. Those of policy sizes are
// policycheck's (MaxUserInlinePolicyChars, MaxSessionPolicyChars), with the
// count IAM makes (policycheck.Size).
const (
	MaxUserNameLength    = 64
	MaxSessionNameLength = 64
	// MaxAccessKeysPerUser is how many access keys IAM lets one user hold.
	MaxAccessKeysPerUser = 2
)

// Request is everything `create` was asked for.
type Request struct {
	Buckets    []string
	Permission policy.Permission  // ReadWrite, ReadOnly or WriteOnly
	Scope      policy.Scope       // key prefixes; none or "*" for the whole bucket
	PolicyText string             // --policy: custom document, $!BUCKET_NAME!$ substituted
	Statements []policy.Statement // --statement: extra statements
	// DurationSeconds > 0 asks for temporary credentials.
	DurationSeconds int
	Username        string
	CreateBucket    bool
	Public          bool // implied by Website (see public)
	Website         bool
	BucketRegion    string
	// PermissionsBoundary is --user-permissions-boundary: an ARN, "none", or
	// "" for the default that follows the permission.
	PermissionsBoundary string
	// Tags go on what create makes: the user, new buckets, the STS session;
	// and on an existing user.
	Tags []Tag
	// ReplacePolicy lets create rewrite an existing user's inline policy of
	// the same name with a document that says something else, changing
	// what the user's earlier keys may do.
	ReplacePolicy bool
}

// Tag is one --tag KEY=VALUE.
type Tag struct{ Key, Value string }

// Tag limits common to IAM users, S3 buckets and STS sessions.
const (
	MaxTags           = 50
	MaxTagKeyLength   = 128
	MaxTagValueLength = 256
)

// tagText is what AWS allows in tag keys and values: letters, digits and
// spaces of any script, and _.:/=+-@.
var tagText = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

const tagTextRule = "may hold only letters, digits, spaces and _.:/=+-@"

// ParseTag reads KEY=VALUE within AWS's limits (key 1-128, value 0-256
// characters, of the characters tags may hold; keys starting with aws:
// are AWS's own).
func ParseTag(s string) (Tag, error) {
	k, v, ok := strings.Cut(s, "=")
	switch {
	case !ok || k == "":
		return Tag{}, fmt.Errorf("expected KEY=VALUE, got %s", names.Quote(s))
	case utf8.RuneCountInString(k) > MaxTagKeyLength:
		return Tag{}, fmt.Errorf("tag key %s is longer than %d characters", names.Quote(k), MaxTagKeyLength)
	case !tagText.MatchString(k):
		return Tag{}, fmt.Errorf("tag key %s, not %s", tagTextRule, names.Quote(k))
	case strings.HasPrefix(strings.ToLower(k), "aws:"):
		return Tag{}, fmt.Errorf("tag keys starting with 'aws:' are reserved by AWS (%s)", names.Quote(k))
	case strings.HasPrefix(strings.ToLower(k), toolTagPrefix):
		return Tag{}, fmt.Errorf("tag keys starting with '%s' are the tool's own marks, set only by its options (%s)", toolTagPrefix, names.Quote(k))
	case utf8.RuneCountInString(v) > MaxTagValueLength:
		return Tag{}, fmt.Errorf("tag value for %s is longer than %d characters", names.Quote(k), MaxTagValueLength)
	case !tagText.MatchString(v):
		return Tag{}, fmt.Errorf("tag value for %s %s, not %s", names.Quote(k), tagTextRule, names.Quote(v))
	}
	return Tag{k, v}, nil
}

// ParseTags reads every --tag value and refuses a key given twice, which
// would silently drop one of the values. IAM and STS take keys that differ
// only in case as one key, so those are refused too.
func ParseTags(raw []string) ([]Tag, error) {
	tags := make([]Tag, 0, len(raw))
	for _, s := range raw {
		tag, err := ParseTag(s)
		if err != nil {
			return nil, err
		}
		tags = append(tags, tag)
	}
	return tags, checkTags(tags)
}

// checkTags refuses repeated keys and more tags than AWS allows.
func checkTags(tags []Tag) error {
	if len(tags) > MaxTags {
		return fmt.Errorf("%d tags given; AWS allows at most %d", len(tags), MaxTags)
	}
	seen := map[string]Tag{}
	for _, t := range tags {
		folded := strings.ToLower(t.Key)
		first, dup := seen[folded]
		if !dup {
			seen[folded] = t
			continue
		}
		msg := fmt.Sprintf("tag key %s is given twice (%s=%s, %s=%s)", names.Quote(first.Key), first.Key, first.Value, t.Key, t.Value)
		if first.Key != t.Key {
			msg += ": AWS takes keys that differ only in case as one"
		}
		return errors.New(msg)
	}
	return nil
}

// TagList renders tags as k=v, k=v for messages.
func TagList(tags []Tag) string { return roles.TagList(iamTags(tags)) }

// iamTags are tags as IAM takes them.
func iamTags(tags []Tag) []iamtypes.Tag {
	var out []iamtypes.Tag
	for _, t := range tags {
		out = append(out, iamtypes.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	return out
}

// public says whether created buckets are made public (--public, or
// --website, which implies it).
func (r *Request) public() bool { return r.Public || r.Website }

// Custom reports whether the policy comes from --policy or --statement.
func (r *Request) Custom() bool { return r.PolicyText != "" || len(r.Statements) > 0 }

// NamePermission is the permission part of generated names:
// read-write, read-only, write-only or custom.
func (r *Request) NamePermission() string {
	if r.Custom() {
		return string(policy.Custom)
	}
	return string(r.Permission)
}

// UserName is --username or the default "s3.PERMISSION.BUCKET1,BUCKET2".
func (r *Request) UserName() string {
	if r.Username != "" {
		return r.Username
	}
	return "s3." + r.NamePermission() + "." + strings.Join(r.Buckets, ",")
}

// SessionName names the AssumeRole session like the default user name,
// cut to the 64 characters STS allows.
func (r *Request) SessionName() string {
	name := "s3." + r.NamePermission() + "." + strings.Join(r.Buckets, ",")
	if len(name) > MaxSessionNameLength {
		name = name[:MaxSessionNameLength]
	}
	return name
}

// userDescription is the new user as the step lines name it:
// " user: 'NAME' with permissions boundary: 'ARN' tagged K=V". The leading
// space is the reference's: its real run printed "Created  user" (two
// spaces) and its dry run "Would create user".
func (r *Request) userDescription() string {
	s := fmt.Sprintf(" user: '%s'", r.UserName())
	if b := r.Boundary(); b != "" {
		s += fmt.Sprintf(" with permissions boundary: '%s'", b)
	}
	if tags := r.userTags(); len(tags) > 0 {
		s += " tagged " + TagList(tags)
	}
	return s
}

// ExpiresTag is the tag create --expires puts on the users it makes: when
// their credentials stop working, in policy.TimeFormat. prune deletes
// users whose time has passed; audit shows it.
const ExpiresTag = toolTagPrefix + "expires"

// toolTagPrefix starts the keys of the tags the tool sets itself: prune
// and audit trust them, so --tag may not set them.
const toolTagPrefix = "s3-credentials:"

// userTags are the tags of a user this run creates: --tag, and the expiry.
func (r *Request) userTags() []Tag {
	if r.Scope.Expires.IsZero() {
		return r.Tags
	}
	return append(append([]Tag{}, r.Tags...), Tag{ExpiresTag, r.Scope.Expires.UTC().Format(policy.TimeFormat)})
}

// LimitLines are what create says of the limits on the credentials, each
// true of every Allow statement of every policy it attaches (the policy
// package puts them there, or refuses).
func (r *Request) LimitLines() []string {
	var lines []string
	if ips := r.Scope.SourceIPs; len(ips) > 0 {
		lines = append(lines, "The credentials work only from "+strings.Join(ips, ", "))
	}
	if r.Scope.RequireTLS {
		lines = append(lines, "The credentials work only over TLS (HTTPS); plain HTTP is refused")
	}
	if t := r.Scope.Expires; !t.IsZero() {
		lines = append(lines, fmt.Sprintf("The credentials stop working at %s; prune deletes the user after that", t.UTC().Format(policy.TimeFormat)))
	}
	return lines
}

// PolicyName is the name of the inline policy for one bucket.
func (r *Request) PolicyName(bucket string) string {
	return "s3." + r.NamePermission() + "." + bucket
}

// policyNamePattern matches the names PolicyName gives.
var policyNamePattern = regexp.MustCompile(`^s3\.(read-write|read-only|write-only|custom)\.[A-Za-z0-9._-]+$`)

// IsPolicyName says whether an inline policy is named as create and
// create-role name theirs (s3.PERMISSION.BUCKET): create-role --update
// replaces only those, and prune deletes only users holding no other.
func IsPolicyName(name string) bool { return policyNamePattern.MatchString(name) }

// Boundary is the permissions boundary for a user this run creates, or ""
// for none.
func (r *Request) Boundary() string {
	switch {
	case r.PermissionsBoundary == "none":
		return ""
	case r.PermissionsBoundary != "":
		return r.PermissionsBoundary
	case r.Custom():
		return ""
	case r.Permission == policy.ReadOnly:
		return S3ReadOnlyAccessARN
	default:
		return S3FullAccessARN
	}
}

// UserPolicy is the inline policy document for one bucket. The scope's
// limits (--source-ip, --expires) are on every Allow statement in it,
// --statement and --policy ones included.
func (r *Request) UserPolicy(bucket string) (any, error) {
	if r.PolicyText != "" {
		doc, err := substitute(r.PolicyText, bucket)
		if err != nil {
			return nil, err
		}
		return r.Scope.Limits.ApplyToDocument(doc)
	}
	doc, err := policy.ForBuckets(r.Permission, []string{bucket}, r.Scope, r.Statements...)
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// Document is a policy document a run would attach, with its name: the
// inline policy's, or "session policy".
type Document struct {
	Name string
	Doc  any
}

// Documents are the policy documents this request would attach: one
// inline policy per bucket for a user or role, or the session policy.
func (r *Request) Documents() ([]Document, error) {
	if r.DurationSeconds > 0 {
		doc, err := r.SessionPolicy()
		if err != nil {
			return nil, err
		}
		return []Document{{"session policy", doc}}, nil
	}
	var docs []Document
	for _, b := range r.Buckets {
		doc, err := r.UserPolicy(b)
		if err != nil {
			return nil, err
		}
		docs = append(docs, Document{r.PolicyName(b), doc})
	}
	return docs, nil
}

// SessionPolicy is the one document covering every bucket for AssumeRole.
// A custom --policy is substituted once per bucket and the statements of
// every copy are joined (the reference substituted only the last bucket).
// The scope's limits are on every Allow statement.
func (r *Request) SessionPolicy() (any, error) {
	if r.PolicyText == "" {
		doc, err := policy.ForBuckets(r.Permission, r.Buckets, r.Scope, r.Statements...)
		if err != nil {
			return nil, err
		}
		return doc, nil
	}
	if len(r.Buckets) == 1 {
		doc, err := substitute(r.PolicyText, r.Buckets[0])
		if err != nil {
			return nil, err
		}
		return r.Scope.Limits.ApplyToDocument(doc)
	}
	var merged pyjson.Map
	var stmts []any
	for _, b := range r.Buckets {
		doc, err := substitute(r.PolicyText, b)
		if err != nil {
			return nil, err
		}
		m, ok := doc.(pyjson.Map)
		if !ok {
			return nil, errors.New("--policy must be a JSON object to be used with several buckets")
		}
		if merged == nil {
			merged = append(pyjson.Map{}, m...)
		}
		switch s, _ := m.Get("Statement"); x := s.(type) {
		case []any:
			stmts = append(stmts, x...)
		case nil:
		default:
			stmts = append(stmts, x)
		}
	}
	merged.Set("Statement", dedupe(stmts))
	return r.Scope.Limits.ApplyToDocument(merged)
}

// dedupe drops statements that are byte-for-byte repeats (a --policy without
// the placeholder gives the same statements for every bucket).
func dedupe(stmts []any) []any {
	seen := map[string]bool{}
	out := make([]any, 0, len(stmts))
	for _, s := range stmts {
		k := string(pyjson.EncodeCompact(s))
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// substitute is the --policy document for one bucket, its member order kept.
func substitute(text, bucket string) (any, error) {
	raw, err := policy.Substitute(text, bucket)
	if err == nil {
		var doc any
		if doc, err = pyjson.Decode(raw); err == nil {
			return doc, nil
		}
	}
	return nil, fmt.Errorf("--policy is not valid JSON once %s is replaced by %q", policy.BucketNamePlaceholder, bucket)
}

// Validate checks what can be checked without AWS: names and policy sizes.
func (r *Request) Validate() error {
	// Only what can never be a bucket name is refused here: existing
	// buckets may have legacy names. A bucket create makes is checked in
	// full once it is known to be missing (by the dry run: every bucket,
	// when it is asked to create them).
	for _, b := range r.Buckets {
		if err := names.CheckBucketName(b); err != nil {
			return err
		}
	}
	if err := checkTags(r.Tags); err != nil {
		return err
	}
	if r.DurationSeconds > 0 {
		doc, err := r.SessionPolicy()
		if err != nil {
			return err
		}
		if n := policycheck.Size(doc); n > policycheck.MaxSessionPolicyChars {
			return fmt.Errorf("The session policy is %d characters long; AWS allows at most %d. Ask for fewer buckets or fewer statements per set of credentials", n, policycheck.MaxSessionPolicyChars)
		}
		return nil
	}
	name := r.UserName()
	if len(name) > MaxUserNameLength {
		hint := ""
		if r.Username == "" {
			hint = "; choose a shorter one with --username"
		}
		return fmt.Errorf("User name %q is %d characters long; IAM allows at most %d%s", name, len(name), MaxUserNameLength, hint)
	}
	if err := names.CheckUserName(name); err != nil {
		return errors.New("Invalid user name: " + err.Error())
	}
	total, err := r.inlinePolicyChars()
	if err != nil {
		return err
	}
	if err := r.checkUserLimits(); err != nil {
		return err
	}
	if total > policycheck.MaxUserInlinePolicyChars {
		return fmt.Errorf("The inline policies for user %q would total %d characters; IAM allows at most %d per user. Use fewer buckets per user, or temporary credentials (--duration)", name, total, policycheck.MaxUserInlinePolicyChars)
	}
	return nil
}

// inlinePolicyChars is how many characters IAM counts for the inline
// policies, one per bucket, that a user or role gets for r.
func (r *Request) inlinePolicyChars() (int, error) {
	total := 0
	for _, b := range r.Buckets {
		doc, err := r.UserPolicy(b)
		if err != nil {
			return 0, err
		}
		total += policycheck.Size(doc)
	}
	return total, nil
}

// checkUserLimits refuses limits on a user policy that grants every S3
// action on every bucket (s3:* on * or arn:aws:s3:::*). AWS would apply the
// conditions to it, but some S3-compatible servers (SeaweedFS) take such a
// grant to a user as an administrator's and ignore its conditions, so the
// limit could not be promised. Session policies (--duration) are not
// affected.
func (r *Request) checkUserLimits() error {
	if r.Scope.Limits.IsZero() {
		return nil
	}
	flag := "--source-ip"
	switch {
	case len(r.Scope.SourceIPs) > 0:
	case r.Scope.RequireTLS:
		flag = "--require-tls"
	default:
		flag = "--expires"
	}
	check := func(st pyjson.Map, where string) error {
		if effect, _ := st.Get("Effect"); effect == "Deny" {
			return nil
		}
		if anyString(st, "Action", func(a string) bool { return strings.EqualFold(a, "s3:*") }) &&
			anyString(st, "Resource", func(r string) bool { return r == "*" || r == "arn:aws:s3:::*" }) {
			return &policy.LimitError{Statement: where, Flag: flag,
				Reason: "it grants s3:* on every bucket, which some S3-compatible servers give an IAM user whatever its conditions say; " +
					"name the buckets in its Resource, or use --duration, whose session policies keep them"}
		}
		return nil
	}
	for i, raw := range r.Statements {
		for _, st := range statementMaps(policy.Wrap(raw)) {
			if err := check(st, fmt.Sprintf("--statement %d", i+1)); err != nil {
				return err
			}
		}
	}
	if r.PolicyText == "" {
		return nil
	}
	for _, b := range r.Buckets {
		doc, err := substitute(r.PolicyText, b)
		if err != nil {
			return err
		}
		for i, st := range statementMaps(doc) {
			if err := check(st, fmt.Sprintf("statement %d of --policy", i+1)); err != nil {
				return err
			}
		}
	}
	return nil
}

// statementMaps are the statements of a policy document, each as an
// ordered map; members that are not objects are left out.
func statementMaps(doc any) []pyjson.Map {
	m, ok := doc.(pyjson.Map)
	if !ok {
		if d, err := pyjson.Decode(pyjson.EncodeCompact(doc)); err == nil {
			m, _ = d.(pyjson.Map)
		}
	}
	var out []pyjson.Map
	switch s, _ := m.Get("Statement"); x := s.(type) {
	case pyjson.Map:
		out = append(out, x)
	case []any:
		for _, st := range x {
			if sm, ok := st.(pyjson.Map); ok {
				out = append(out, sm)
			}
		}
	}
	return out
}

// anyString says whether member (a string or a list) holds a string
// for which match is true.
func anyString(st pyjson.Map, member string, match func(string) bool) bool {
	v, _ := st.Get(member)
	switch x := v.(type) {
	case string:
		return match(x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok && match(s) {
				return true
			}
		}
	}
	return false
}
