package policycheck

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// statement is what the checks need of one statement. Its lists are nil
// when the element is missing or malformed (already reported).
type statement struct {
	index     int
	effect    string // "Allow", "Deny", or "" when missing or invalid
	actions   []actionPattern
	notAction bool
	resources []resourcePattern
	notRes    bool
	conds     []condition
}

// actionPattern is one value of Action or NotAction.
type actionPattern struct {
	text    string
	service string    // lower case: "s3"; "*" for the pattern "*"
	matches []*action // the S3 actions it names
}

// resourcePattern is one value of Resource or NotResource.
type resourcePattern struct {
	text string
	toks []patTok
	// types says which resource types of the table it can name, star
	// whether it names the "*" of actions without one (see names).
	types map[string]bool
	star  bool
}

// condition is one key tested by one operator.
type condition struct {
	op, key string
}

var statementElements = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true, "Action": true,
	"NotAction": true, "Resource": true, "NotResource": true, "Condition": true,
}

// statement checks one statement on its own and returns it for the checks
// across statements.
func (c *checker) statement(i int, raw any) *statement {
	m, ok := raw.(pyjson.Map)
	if !ok {
		c.add(Error, "malformed", i, excerpt(raw), "a statement is a JSON object, {...}")
		return &statement{index: i}
	}
	s := &statement{index: i}
	for _, k := range m.Keys() {
		if !statementElements[k] {
			c.add(Error, "unknown-element", i, k, "a statement holds Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition only; IAM refuses anything else")
		}
	}
	c.sid(s, m)
	c.effect(s, m)
	c.principal(s, m)
	s.actions, s.notAction = c.actionList(s, m)
	s.resources, s.notRes = c.resourceList(s, m)
	s.conds = c.conditions(s, m)
	c.actionsResources(s)
	c.broadGrants(s)
	c.conditionKeys(s)
	return s
}

// identitySid is what IAM accepts as a Sid in the policies of users, roles
// and sessions (bucket policies take any text).
var identitySid = regexp.MustCompile(`^[A-Za-z0-9]*$`)

func (c *checker) sid(s *statement, m pyjson.Map) {
	v, ok := m.Get("Sid")
	if !ok {
		return
	}
	sid, isString := v.(string)
	if !isString {
		c.add(Error, "malformed", s.index, "Sid", "Sid is a string")
		return
	}
	if !c.identity() {
		return
	}
	if !identitySid.MatchString(sid) {
		c.add(Error, "sid", s.index, sid, "IAM takes only letters A-Z, a-z and digits in a Sid")
	} else if sid != "" && c.sids[sid] {
		c.add(Error, "sid", s.index, sid, "another statement has this Sid; IAM wants each one unique")
	}
	c.sids[sid] = true
}

func (c *checker) effect(s *statement, m pyjson.Map) {
	v, ok := m.Get("Effect")
	switch {
	case !ok:
		c.add(Error, "missing", s.index, "Effect", "a statement needs an Effect, Allow or Deny")
	case v == "Allow" || v == "Deny":
		s.effect = v.(string)
	default:
		c.add(Error, "effect", s.index, excerpt(v), "Effect is Allow or Deny, written just so")
	}
}

// principal checks Principal and NotPrincipal: a bucket policy needs one,
// the policy of a user, a role or a session may not have one.
func (c *checker) principal(s *statement, m pyjson.Map) {
	p, hasP := m.Get("Principal")
	np, hasNP := m.Get("NotPrincipal")
	if c.identity() {
		for _, name := range []string{"Principal", "NotPrincipal"} {
			if _, ok := m.Get(name); ok {
				c.add(Error, "principal-not-allowed", s.index, name, "a %s policy applies to whoever holds it and names no %s; IAM refuses one that does", c.opts.Kind, name)
			}
		}
		return
	}
	switch {
	case hasP && hasNP:
		c.add(Error, "malformed", s.index, "NotPrincipal", "a statement has Principal or NotPrincipal, not both")
		return
	case !hasP && !hasNP:
		c.add(Error, "missing", s.index, "Principal", "a bucket policy's statement needs a Principal: who it applies to")
		return
	case hasNP:
		if !validPrincipal(np) {
			c.add(Error, "malformed", s.index, "NotPrincipal", "NotPrincipal is \"*\" or an object such as {\"AWS\": [\"arn:aws:iam::123456789012:root\"]}")
		} else if s.effect == "Allow" {
			c.add(Warning, "allow-with-not", s.index, "NotPrincipal", "Allow with NotPrincipal lets in everyone but the principals listed, anonymous callers included")
		}
		return
	}
	if !validPrincipal(p) {
		c.add(Error, "malformed", s.index, "Principal", "Principal is \"*\" or an object such as {\"AWS\": [\"arn:aws:iam::123456789012:root\"]}")
		return
	}
	if s.effect == "Allow" && everyone(p) && !c.opts.Public && !limitsCallers(m) {
		c.add(Warning, "public", s.index, excerpt(p), "Principal \"*\" with no condition on who calls or from where: anyone on the internet, signed in or not, gets what this statement allows")
	}
}

func validPrincipal(p any) bool {
	switch x := p.(type) {
	case string:
		return x == "*"
	case pyjson.Map:
		if len(x) == 0 {
			return false
		}
		for _, f := range x {
			if _, ok := stringList(f.Value); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// everyone reports whether a Principal is anyone: "*", or "*" among the
// AWS principals.
func everyone(p any) bool {
	if p == "*" {
		return true
	}
	m, ok := p.(pyjson.Map)
	if !ok {
		return false
	}
	v, _ := m.Get("AWS")
	list, _ := stringList(v)
	for _, a := range list {
		if a == "*" {
			return true
		}
	}
	return false
}

// callerKeys are the global condition keys that narrow who may call or
// from where: a public Principal conditioned on one of them is not open
// to everyone.
var callerKeys = []string{
	"aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:vpcsourceip",
	"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths",
	"aws:principalaccount", "aws:principalarn", "aws:principalorgid", "aws:principalorgpaths",
	"aws:principaltag/", "aws:principalservicename", "aws:principalservicenameslist",
	"aws:principalisawsservice", "aws:principaltype", "aws:userid", "aws:username",
	"s3:dataaccesspointaccount", "s3:dataaccesspointarn",
}

// limitsCallers reports whether a statement's condition narrows who may
// call: a key of callerKeys tested positively (StringEquals, IpAddress),
// not only where present (IfExists) and not by exclusion (NotIpAddress).
func limitsCallers(m pyjson.Map) bool {
	raw, _ := m.Get("Condition")
	ops, _ := raw.(pyjson.Map)
	for _, op := range ops {
		lower := strings.ToLower(op.Key)
		if strings.Contains(lower, "not") || strings.HasSuffix(lower, "ifexists") || lower == "null" {
			continue
		}
		keys, _ := op.Value.(pyjson.Map)
		for _, k := range keys {
			lk := strings.ToLower(k.Key)
			for _, ck := range callerKeys {
				if lk == ck || (strings.HasSuffix(ck, "/") && strings.HasPrefix(lk, ck)) {
					return true
				}
			}
		}
	}
	return false
}

// stringList reads an element that is a string or a list of strings.
func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// element reads Action/NotAction or Resource/NotResource: exactly one of
// the pair, a string or a non-empty list of strings.
func (c *checker) element(s *statement, m pyjson.Map, name string) (values []string, not, ok bool) {
	v, has := m.Get(name)
	nv, hasNot := m.Get("Not" + name)
	switch {
	case has && hasNot:
		c.add(Error, "malformed", s.index, "Not"+name, "a statement has %s or Not%s, not both", name, name)
		return nil, false, false
	case !has && !hasNot:
		c.add(Error, "missing", s.index, name, "a statement needs %s (or Not%s)", name, name)
		return nil, false, false
	case hasNot:
		v, name, not = nv, "Not"+name, true
	}
	values, ok = stringList(v)
	switch {
	case !ok:
		c.add(Error, "malformed", s.index, name, "%s is a string or a list of strings", name)
	case len(values) == 0:
		c.add(Error, "missing", s.index, name, "%s is an empty list: the statement applies to nothing", name)
		ok = false
	}
	return values, not, ok
}

// actionList reads Action or NotAction and checks each action: written
// SERVICE:ACTION, and, for S3, one S3 has (a pattern: matching one).
func (c *checker) actionList(s *statement, m pyjson.Map) ([]actionPattern, bool) {
	values, not, ok := c.element(s, m, "Action")
	if !ok {
		return nil, not
	}
	pats := make([]actionPattern, 0, len(values))
	for _, v := range values {
		if v == "*" {
			pats = append(pats, actionPattern{text: v, service: "*", matches: c.t.actions})
			continue
		}
		service, name, found := strings.Cut(v, ":")
		if !found || service == "" || name == "" {
			c.add(Error, "action-format", s.index, v, "an action is SERVICE:ACTION, as in s3:GetObject")
			continue
		}
		p := actionPattern{text: v, service: strings.ToLower(service)}
		if p.service == "s3" {
			p.matches = c.matching(v)
			if len(p.matches) == 0 {
				if strings.ContainsAny(name, "*?") {
					c.add(Error, "unknown-action", s.index, v, "no S3 action matches %s", v)
				} else {
					c.add(Error, "unknown-action", s.index, v, "S3 has no action %s", name)
				}
			}
		}
		pats = append(pats, p)
	}
	return pats, not
}

// matching is the table's matching, remembered for the policy: a policy
// may repeat a pattern many times.
func (c *checker) matching(pattern string) []*action {
	k := strings.ToLower(pattern)
	m, ok := c.matched[k]
	if !ok {
		m = c.t.matching(pattern)
		c.matched[k] = m
	}
	return m
}

// resourceList reads Resource or NotResource: each "*" or an ARN.
func (c *checker) resourceList(s *statement, m pyjson.Map) ([]resourcePattern, bool) {
	values, not, ok := c.element(s, m, "Resource")
	if !ok {
		return nil, not
	}
	pats := make([]resourcePattern, 0, len(values))
	valid := true
	for _, v := range values {
		if v != "*" && (!strings.HasPrefix(v, "arn:") || len(strings.SplitN(v, ":", 6)) < 6) {
			c.add(Error, "not-an-arn", s.index, v, "a resource is \"*\" or an ARN, arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, as in arn:aws:s3:::my-bucket/*")
			valid = false
			continue
		}
		pats = append(pats, resourcePattern{text: v, toks: parsePattern(v)})
	}
	if !valid {
		return nil, not
	}
	return pats, not
}

// conditionOperators are IAM's condition operators, in lower case; each
// but Null may end in IfExists, and start with ForAllValues: or
// ForAnyValue: for keys with several values.
var conditionOperators = map[string]bool{}

func init() {
	for _, op := range strings.Fields(`StringEquals StringNotEquals StringEqualsIgnoreCase
		StringNotEqualsIgnoreCase StringLike StringNotLike NumericEquals NumericNotEquals
		NumericLessThan NumericLessThanEquals NumericGreaterThan NumericGreaterThanEquals
		DateEquals DateNotEquals DateLessThan DateLessThanEquals DateGreaterThan
		DateGreaterThanEquals Bool BinaryEquals IpAddress NotIpAddress ArnEquals ArnLike
		ArnNotEquals ArnNotLike`) {
		conditionOperators[strings.ToLower(op)] = true
	}
}

func knownOperator(op string) bool {
	lower := strings.ToLower(op)
	if lower == "null" {
		return true
	}
	for _, set := range []string{"forallvalues:", "foranyvalue:"} {
		lower = strings.TrimPrefix(lower, set)
	}
	return conditionOperators[strings.TrimSuffix(lower, "ifexists")]
}

// conditions reads Condition: operators mapping keys to a value or a list
// of values.
func (c *checker) conditions(s *statement, m pyjson.Map) []condition {
	raw, ok := m.Get("Condition")
	if !ok {
		return nil
	}
	ops, ok := raw.(pyjson.Map)
	if !ok {
		c.add(Error, "malformed", s.index, "Condition", "Condition is an object of operators, as in {\"StringLike\": {\"s3:prefix\": [\"reports/*\"]}}")
		return nil
	}
	var conds []condition
	for _, op := range ops {
		if !knownOperator(op.Key) {
			c.add(Error, "condition-operator", s.index, op.Key, "IAM has no condition operator %s", op.Key)
		}
		keys, ok := op.Value.(pyjson.Map)
		if !ok {
			c.add(Error, "malformed", s.index, op.Key, "a condition operator takes an object of keys and values, as in {\"s3:prefix\": [\"reports/*\"]}")
			continue
		}
		for _, k := range keys {
			if !conditionValues(k.Value) {
				c.add(Error, "malformed", s.index, k.Key, "a condition key takes a string, number or boolean, or a list of them")
			}
			conds = append(conds, condition{op: op.Key, key: k.Key})
		}
	}
	return conds
}

func conditionValues(v any) bool {
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	for _, e := range list {
		switch e.(type) {
		case string, bool, json.Number:
		default:
			return false
		}
	}
	return true
}
