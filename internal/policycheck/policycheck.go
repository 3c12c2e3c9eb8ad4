// Package policycheck lints an IAM policy document for S3 offline, before
// it is attached: actions S3 does not have, statements that grant nothing
// (an object action on a bucket ARN), grants wider than a bucket, public
// bucket policies, condition keys S3 never sends, listings that show more
// than the prefix the objects are limited to, malformed structure, and the
// size limits of each kind of policy. S3's actions, resource types and
// condition keys come from a table kept as data (s3.txt, its source named
// in it).
//
// It is pure: no AWS, no output. Callers decide what to do with the
// findings:
//
//	findings := policycheck.CheckText(text, policycheck.Options{Kind: policycheck.SessionPolicy})
//	if policycheck.Errors(findings) > 0 { ... refuse ... }
//
// Actions of other services (kms:, sts:) are outside its scope: they are
// neither checked nor reported.
package policycheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// Kind is what a policy is for: its size limit and whether it names a
// Principal depend on it.
type Kind string

const (
	// UserPolicy is an inline policy of an IAM user (the default).
	UserPolicy Kind = "user"
	// RolePolicy is an inline policy of an IAM role.
	RolePolicy Kind = "role"
	// SessionPolicy is the policy passed to AssumeRole.
	SessionPolicy Kind = "session"
	// BucketPolicy is an S3 bucket's policy: it names a Principal.
	BucketPolicy Kind = "bucket"
)

// Kinds are the kinds of policy, in the order help texts list them.
var Kinds = []Kind{UserPolicy, RolePolicy, SessionPolicy, BucketPolicy}

// ParseKind reads a kind's name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("%s is not one of %s", strconv.Quote(s), strings.Join(names, ", "))
}

// Size limits, in the characters IAM counts (see Size). A user's and a
// role's limits are for all of its inline policies together.
const (
	MaxUserInlinePolicyChars = 2048
	MaxRoleInlinePolicyChars = 10240
	// MaxSessionPolicyChars is the plain-text limit of an AssumeRole
	// session policy (STS also limits its packed, compressed size).
	MaxSessionPolicyChars = 2048
	// MaxBucketPolicyChars is S3's 20 KB limit of a bucket policy.
	MaxBucketPolicyChars = 20 * 1024
)

// Limit is the size limit of a kind of policy.
func Limit(k Kind) int {
	switch k {
	case RolePolicy:
		return MaxRoleInlinePolicyChars
	case SessionPolicy:
		return MaxSessionPolicyChars
	case BucketPolicy:
		return MaxBucketPolicyChars
	default:
		return MaxUserInlinePolicyChars
	}
}

// Size is how many characters of a policy count against its limit: the
// document as s3-credentials sends it, on one line without whitespace
// (IAM does not count whitespace).
func Size(doc any) int { return len(pyjson.EncodeCompact(doc)) }

// Severity says whether a finding makes a policy wrong (Error: AWS refuses
// it, or part of it grants or denies nothing) or is worth a look
// (Warning: it works, and may grant more than meant).
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Whole is the Statement of a finding about the policy as a whole.
const Whole = -1

// Finding is one thing the check found.
type Finding struct {
	Severity Severity
	// Check names the check, for scripts and the documentation:
	// "unknown-action", "grants-nothing", ...
	Check string
	// Statement is the index of the statement in the policy's Statement
	// list (0 when Statement is a single object), or Whole.
	Statement int
	// Text is the text at fault: an action, a resource, a condition key,
	// an element's name; empty when the whole policy is.
	Text string
	// Why says in one line what is wrong.
	Why string
}

// String is the finding on one line:
//
//	error: Statement[0]: "s3:GetObjekt": S3 has no action GetObjekt (unknown-action)
func (f Finding) String() string {
	where := "policy"
	if f.Statement != Whole {
		where = fmt.Sprintf("Statement[%d]", f.Statement)
	}
	text := ""
	if f.Text != "" {
		text = strconv.Quote(f.Text) + ": "
	}
	return fmt.Sprintf("%s: %s: %s%s (%s)", f.Severity, where, text, f.Why, f.Check)
}

// Errors counts the error-level findings.
func Errors(findings []Finding) int {
	n := 0
	for _, f := range findings {
		if f.Severity == Error {
			n++
		}
	}
	return n
}

// Options say how to read a policy.
type Options struct {
	// Kind is what the policy is for; empty means UserPolicy.
	Kind Kind
	// Public says a bucket policy is meant to let anyone in (the
	// public-read policy of set-public and create --public): a Principal
	// "*" is then not reported.
	Public bool
}

// CheckText checks a policy given as JSON text.
func CheckText(text []byte, opts Options) []Finding {
	doc, err := pyjson.Decode(text)
	if err != nil {
		return []Finding{{Severity: Error, Check: "invalid-json", Statement: Whole, Why: jsonError(err, text)}}
	}
	return check(doc, opts)
}

// Check checks a policy document: a value pyjson.Decode returned, or
// anything that marshals to JSON (a policy.Document).
func Check(doc any, opts Options) []Finding {
	if _, decoded := doc.(pyjson.Map); !decoded {
		var err error
		if doc, err = pyjson.Decode(pyjson.EncodeCompact(doc)); err != nil {
			return []Finding{{Severity: Error, Check: "invalid-json", Statement: Whole, Why: "the document is not JSON: " + err.Error()}}
		}
	}
	return check(doc, opts)
}

func check(doc any, opts Options) []Finding {
	if opts.Kind == "" {
		opts.Kind = UserPolicy
	}
	c := &checker{opts: opts, t: s3(), sids: map[string]bool{}, matched: map[string][]*action{}}
	c.document(doc)
	sort.SliceStable(c.findings, func(i, j int) bool { return c.findings[i].Statement < c.findings[j].Statement })
	return c.findings
}

// jsonError words a JSON syntax error with where it is.
func jsonError(err error, text []byte) string {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// The decoder's offset is that of the character it stopped at.
		before := text[:min(max(int(se.Offset), 0), len(text))]
		line := bytes.Count(before, []byte("\n")) + 1
		col := len(before) - (bytes.LastIndexByte(before, '\n') + 1) + 1
		return fmt.Sprintf("not valid JSON: %s (line %d, column %d)", se.Error(), line, col)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return "not valid JSON: the text ends before the policy does"
	default:
		return "not valid JSON: " + err.Error()
	}
}

// checker gathers the findings of one policy.
type checker struct {
	opts     Options
	t        *s3Table
	findings []Finding
	sids     map[string]bool
	matched  map[string][]*action // lower-case action pattern: the actions it names
}

func (c *checker) add(sev Severity, check string, stmt int, text, why string, args ...any) {
	if len(args) > 0 {
		why = fmt.Sprintf(why, args...)
	}
	c.findings = append(c.findings, Finding{Severity: sev, Check: check, Statement: stmt, Text: shorten(text, maxText), Why: shorten(oneLine(why), maxWhy)})
}

// The most runes of a finding's text at fault and of its why: a policy's
// values can be as long as the policy.
const (
	maxText = 256
	maxWhy  = 512
)

// oneLine escapes the control characters a policy's values may bring into
// a why (a newline in an action's name), so that it stays one line.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// shorten cuts s to at most n runes, marking the cut with "...".
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if r := []rune(s); len(r) > n {
		return string(r[:n-3]) + "..."
	}
	return s
}

// identity reports whether the policy is attached to an identity (a user,
// a role or a session) rather than to a bucket.
func (c *checker) identity() bool { return c.opts.Kind != BucketPolicy }

// document checks the top of the policy, then each statement, then what
// statements mean together, then its size.
func (c *checker) document(doc any) {
	m, ok := doc.(pyjson.Map)
	if !ok {
		c.add(Error, "malformed", Whole, excerpt(doc), "a policy is a JSON object, {...}")
		return
	}
	for _, k := range m.Keys() {
		if k != "Version" && k != "Id" && k != "Statement" {
			c.add(Error, "unknown-element", Whole, k, "a policy holds Version, Id and Statement only; IAM refuses anything else")
		}
	}
	c.version(m)
	if id, ok := m.Get("Id"); ok {
		if _, isString := id.(string); !isString {
			c.add(Error, "malformed", Whole, "Id", "Id is a string")
		}
	}
	var stmts []*statement
	raw, ok := m.Get("Statement")
	switch x := raw.(type) {
	case pyjson.Map:
		stmts = append(stmts, c.statement(0, x))
	case []any:
		if len(x) == 0 {
			c.add(Error, "missing", Whole, "Statement", "Statement is empty: the policy grants nothing")
		}
		for i, s := range x {
			stmts = append(stmts, c.statement(i, s))
		}
	default:
		if !ok {
			c.add(Error, "missing", Whole, "Statement", "a policy needs a Statement: IAM refuses one without")
		} else {
			c.add(Error, "malformed", Whole, "Statement", "Statement is a statement {...} or a list of them")
		}
	}
	c.listing(stmts)
	if n, limit := Size(doc), Limit(c.opts.Kind); n > limit {
		c.add(Error, "size", Whole, "", "%s characters without whitespace; %s", message.Thousands(n), limitWords(c.opts.Kind))
	}
}

func limitWords(k Kind) string {
	switch k {
	case RolePolicy:
		return "IAM allows " + message.Thousands(MaxRoleInlinePolicyChars) + " for all of a role's inline policies together"
	case SessionPolicy:
		return "STS allows " + message.Thousands(MaxSessionPolicyChars) + " for a session policy"
	case BucketPolicy:
		return "S3 allows " + message.Thousands(MaxBucketPolicyChars) + " (20 KB) for a bucket policy"
	default:
		return "IAM allows " + message.Thousands(MaxUserInlinePolicyChars) + " for all of a user's inline policies together"
	}
}

// version checks Version. Without it IAM reads the policy in the language
// of 2008-10-17, where ${...} is text: no policy variables, and none of
// the ${*}, ${?}, ${$} escapes s3-credentials writes keys with.
func (c *checker) version(m pyjson.Map) {
	v, ok := m.Get("Version")
	old := ""
	switch {
	case !ok:
		old = "no Version: IAM reads the policy as version 2008-10-17"
	case v == "2012-10-17":
		return
	case v == "2008-10-17":
		old = "version 2008-10-17"
	default:
		c.add(Error, "version", Whole, excerpt(v), "IAM knows Version 2012-10-17 (current) and 2008-10-17 only")
		return
	}
	if usesVariables(m) {
		c.add(Error, "version", Whole, excerpt(v), "%s, where ${...} is plain text: the policy variables and ${*} ${?} ${$} escapes in it match nothing; write \"Version\": \"2012-10-17\"", old)
		return
	}
	c.add(Warning, "version", Whole, excerpt(v), "%s, the old policy language; write \"Version\": \"2012-10-17\"", old)
}

// usesVariables reports whether any Resource, NotResource or condition
// value of the policy holds a ${...}.
func usesVariables(m pyjson.Map) bool {
	raw, _ := m.Get("Statement")
	list, ok := raw.([]any)
	if !ok {
		list = []any{raw}
	}
	for _, s := range list {
		sm, ok := s.(pyjson.Map)
		if !ok {
			continue
		}
		for _, k := range []string{"Resource", "NotResource", "Condition"} {
			if v, ok := sm.Get(k); ok && anyString(v, hasVariables) {
				return true
			}
		}
	}
	return false
}

// anyString reports whether f holds for some string within v.
func anyString(v any, f func(string) bool) bool {
	switch x := v.(type) {
	case string:
		return f(x)
	case []any:
		for _, e := range x {
			if anyString(e, f) {
				return true
			}
		}
	case pyjson.Map:
		for _, fl := range x {
			if anyString(fl.Value, f) {
				return true
			}
		}
	}
	return false
}

// excerpt is a value as the policy writes it, cut short.
func excerpt(v any) string {
	if s, ok := v.(string); ok {
		return cut(s)
	}
	if v == nil {
		return ""
	}
	return cut(string(pyjson.Encode(v, -1)))
}

func cut(s string) string { return shorten(s, 80) }
