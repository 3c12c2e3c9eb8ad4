package policycheck

import (
	"strings"

	"github.com/s3-credentials/s3-credentials/internal/message"
)

// The checks of what a statement means, on its parsed elements.

// maxMatchedRunes bounds the resources the checks compare with the
// table's ARN formats: longer ones (no real ARN is) are taken to name
// anything, so no finding rests on them and a hostile policy cannot make
// the comparison slow.
const maxMatchedRunes = 2048

// names reports which resource types of the table a Resource value can
// name, and whether it names the "*" of actions without a resource type.
func (c *checker) names(r *resourcePattern) (types map[string]bool, star bool) {
	if r.types != nil {
		return r.types, r.star
	}
	r.types = map[string]bool{}
	long := len(r.toks) > maxMatchedRunes
	for _, name := range c.t.typeOrder {
		r.types[name] = long || overlaps(r.toks, c.t.types[name].format)
	}
	r.star = long || matchesText(r.toks, "*")
	return r.types, r.star
}

// reach is what a statement's resources can name together: the resource
// types of the table, and the "*" of actions without one.
type reach struct {
	types map[string]bool
	star  bool
}

func (c *checker) reach(s *statement) reach {
	r := reach{types: map[string]bool{}}
	for i := range s.resources {
		types, star := c.names(&s.resources[i])
		for n, ok := range types {
			r.types[n] = r.types[n] || ok
		}
		r.star = r.star || star
	}
	return r
}

// applies reports whether action a can act on something within reach.
func (r reach) applies(a *action) bool {
	if len(a.Types) == 0 {
		return r.star
	}
	for _, n := range a.typeNames() {
		if r.types[n] {
			return true
		}
	}
	return false
}

func verb(s *statement) string {
	if s.effect == "Deny" {
		return "denies"
	}
	return "grants"
}

// actionsResources reports S3 actions that act on none of the statement's
// resources: an object action on a bucket ARN, a bucket action on object
// ARNs. Such an action grants (or denies) nothing.
func (c *checker) actionsResources(s *statement) {
	if s.notAction || s.notRes || s.resources == nil {
		return
	}
	r := c.reach(s)
	for _, p := range s.actions {
		if p.service != "s3" || len(p.matches) == 0 {
			continue
		}
		applies := false
		for _, a := range p.matches {
			if r.applies(a) {
				applies = true
				break
			}
		}
		if applies {
			continue
		}
		a := p.matches[0]
		switch {
		case len(p.matches) > 1:
			c.add(Error, "grants-nothing", s.index, p.text, "none of the %d S3 actions it matches acts on a resource of this statement: it %s nothing", len(p.matches), verb(s))
		case len(a.Types) == 0:
			c.add(Error, "grants-nothing", s.index, p.text, "s3:%s takes Resource \"*\" only: on the resources of this statement it %s nothing", a.Name, verb(s))
		default:
			c.add(Error, "grants-nothing", s.index, p.text, "s3:%s acts on %s, and no resource of this statement is one: it %s nothing", a.Name, describeTypes(a), verb(s))
		}
	}
}

// describeTypes names what an action acts on, for people.
func describeTypes(a *action) string {
	names := a.typeNames()
	for _, n := range names {
		if n == "object" {
			return "objects (arn:aws:s3:::BUCKET/KEY)"
		}
	}
	for _, n := range names {
		if n == "bucket" {
			return "buckets (arn:aws:s3:::BUCKET)"
		}
	}
	return strings.Join(names, " or ") + " resources"
}

// broadGrants reports Allow statements that grant more than one bucket's
// worth: every action (*, s3:*), every resource (*), every bucket
// (arn:aws:s3:::*, bucket names with wildcards), or everything but what
// is listed (NotAction, NotResource).
func (c *checker) broadGrants(s *statement) {
	if s.effect != "Allow" {
		return
	}
	if s.notAction {
		c.add(Warning, "allow-with-not", s.index, "NotAction", "Allow with NotAction grants every action not listed, of every AWS service")
	}
	if s.notRes {
		c.add(Warning, "allow-with-not", s.index, "NotResource", "Allow with NotResource grants the actions on every resource not listed: every other bucket and object")
	}
	narrowable := s.notAction
	if !s.notAction {
		for _, p := range s.actions {
			switch {
			case p.service == "*":
				c.add(Warning, "broad-action", s.index, p.text, "every action of every AWS service")
			case strings.EqualFold(p.text, "s3:*"):
				c.add(Warning, "broad-action", s.index, p.text, "every S3 action, PutBucketPolicy and DeleteBucket among them")
			}
			for _, a := range p.matches {
				if len(a.Types) > 0 {
					narrowable = true
				}
			}
		}
	}
	// A Resource "*" is what actions without a resource type need; it is
	// too broad only where an action could have been given less.
	if s.notRes || !narrowable {
		return
	}
	for _, r := range s.resources {
		if r.text == "*" {
			c.add(Warning, "broad-resource", s.index, r.text, "every bucket and every object, not one bucket")
			continue
		}
		bucket, ok := s3Bucket(r.text)
		if !ok || !wild(bucket) {
			continue
		}
		if len(bucket) == 1 && bucket[0].kind == patRun {
			c.add(Warning, "broad-resource", s.index, r.text, "every bucket, not one")
		} else {
			c.add(Warning, "broad-resource", s.index, r.text, "every bucket whose name matches the wildcard, not one bucket")
		}
	}
}

// s3Bucket is the bucket part of an S3 bucket or object ARN
// (arn:aws:s3:::BUCKET[/KEY]), as pattern tokens.
func s3Bucket(arn string) ([]patTok, bool) {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 || f[0] != "arn" || f[2] != "s3" || f[3] != "" || f[4] != "" {
		return nil, false
	}
	toks := parsePattern(f[5])
	for i, t := range toks {
		if t.kind == patLit && t.r == '/' {
			return toks[:i], true
		}
	}
	return toks, true
}

// lenient reports whether a condition operator holds when the request
// lacks the key: ...IfExists, Null, the negated operators (StringNotLike,
// NotIpAddress: a missing key matches none of the values), and
// ForAllValues: (true of no value).
func lenient(op string) bool {
	lower := strings.ToLower(op)
	return strings.HasSuffix(lower, "ifexists") || lower == "null" || strings.Contains(lower, "not") || strings.HasPrefix(lower, "forallvalues:")
}

// conditionKeys reports condition keys S3 does not know, and keys that
// none of the statement's S3 actions is ever asked with: a condition on
// such a key never holds, so the statement never applies.
func (c *checker) conditionKeys(s *statement) {
	s3Only := !s.notAction && len(s.actions) > 0
	allKnown := true
	for _, p := range s.actions {
		if p.service != "s3" {
			s3Only = false
		}
		for _, a := range p.matches {
			if a.Keys == nil {
				allKnown = false
			}
		}
	}
	seen := map[string]bool{}
	for _, cond := range s.conds {
		lk := strings.ToLower(cond.key)
		if seen[lk] {
			continue
		}
		seen[lk] = true
		service, _, found := strings.Cut(lk, ":")
		switch {
		case !found:
			c.add(Error, "unknown-condition-key", s.index, cond.key, "a condition key is SERVICE:NAME, as in aws:SourceIp or s3:prefix")
		case service == "aws":
		case service == "s3":
			if !c.t.knownKey(cond.key) {
				c.add(Error, "unknown-condition-key", s.index, cond.key, "S3 has no condition key %s", cond.key)
			} else if s3Only && allKnown && !lenient(cond.op) {
				c.neverAsked(s, cond)
			}
		case s3Only:
			effect := "the condition never holds"
			if lenient(cond.op) {
				effect = "the " + cond.op + " condition always holds"
			}
			c.add(Error, "unknown-condition-key", s.index, cond.key, "this statement has only S3 actions, and S3 requests carry no %s: %s", cond.key, effect)
		}
	}
}

// neverAsked reports the actions of a statement that are never asked with
// the key its condition tests: the condition never holds for them, so the
// statement never applies to them (all of it, when none is).
func (c *checker) neverAsked(s *statement, cond condition) {
	var never []string
	for _, p := range s.actions {
		carried := false
		for _, a := range p.matches {
			if a.carries(cond.key) {
				carried = true
				break
			}
		}
		if !carried {
			never = append(never, p.text)
		}
	}
	switch {
	case len(never) == 0:
	case len(never) == len(s.actions):
		c.add(Warning, "condition-never-holds", s.index, cond.key, "none of this statement's actions is asked with %s, so its %s condition never holds: the statement %s nothing", cond.key, cond.op, verb(s))
	default:
		them := message.Noun(len(never), "it", "them")
		c.add(Warning, "condition-never-holds", s.index, cond.key, "%s %s never asked with %s, so its %s condition never holds for %s: the statement never %s %s", strings.Join(never, ", "), message.Noun(len(never), "is", "are"), cond.key, cond.op, them, verb(s), them)
	}
}

// hasKey reports whether the statement tests the condition key.
func hasKey(s *statement, key string) bool {
	for _, cond := range s.conds {
		if strings.EqualFold(cond.key, key) {
			return true
		}
	}
	return false
}

// objectGrant is what Allow statements grant of one bucket's objects.
type objectGrant struct {
	bucket   string // the bucket's name
	arn      string // the bucket's ARN
	whole    bool   // every key
	patterns []string
}

// listing reports ListBucket grants that show more than the objects are
// limited to: when every object grant on a bucket is under a prefix (or
// for exact keys), a ListBucket on it without an s3:prefix condition still
// lists the name of every key in the bucket.
func (c *checker) listing(stmts []*statement) {
	grants := map[string]*objectGrant{}
	var order []string
	for _, s := range stmts {
		if !grantsPlainly(s) || !actsOn(s, "object") {
			continue
		}
		for _, r := range s.resources {
			g := objectResource(r.text)
			if g == nil {
				continue
			}
			have := grants[g.arn]
			if have == nil {
				grants[g.arn], have = g, g
				order = append(order, g.arn)
			} else {
				have.whole = have.whole || g.whole
				have.patterns = append(have.patterns, g.patterns...)
			}
		}
	}
	for _, s := range stmts {
		if !grantsPlainly(s) || !grantsListing(s) || hasKey(s, "s3:prefix") {
			continue
		}
		for _, arn := range order {
			g := grants[arn]
			if g.whole {
				continue
			}
			for _, r := range s.resources {
				if matchesText(r.toks, arn) {
					c.add(Warning, "listing-not-limited", s.index, r.text, "objects of %s are limited to %s, but listing is not: ListBucket without an s3:prefix condition shows the name of every key in the bucket", g.bucket, cut(strings.Join(g.patterns, ", ")))
					break
				}
			}
		}
	}
}

// grantsPlainly reports whether s is an Allow of listed actions on listed
// resources, the only statements the listing check reads.
func grantsPlainly(s *statement) bool {
	return s.effect == "Allow" && !s.notAction && !s.notRes && s.resources != nil
}

// actsOn reports whether some S3 action of s acts on the resource type.
func actsOn(s *statement, typ string) bool {
	for _, p := range s.actions {
		for _, a := range p.matches {
			for _, n := range a.typeNames() {
				if n == typ {
					return true
				}
			}
		}
	}
	return false
}

// grantsListing reports whether s grants listing a bucket's keys.
func grantsListing(s *statement) bool {
	for _, p := range s.actions {
		for _, a := range p.matches {
			if a.Name == "ListBucket" || a.Name == "ListBucketVersions" {
				return true
			}
		}
	}
	return false
}

// objectResource reads an object ARN of one named bucket
// (arn:aws:s3:::BUCKET/KEYS): nil for any other resource.
func objectResource(arn string) *objectGrant {
	bucket, ok := s3Bucket(arn)
	if !ok {
		return nil
	}
	name, literal := literal(bucket)
	if !literal || name == "" {
		return nil
	}
	f := strings.SplitN(arn, ":", 6)
	keys, found := strings.CutPrefix(f[5], name+"/")
	if !found {
		return nil
	}
	toks := parsePattern(keys)
	return &objectGrant{
		bucket:   name,
		arn:      strings.Join(f[:5], ":") + ":" + name,
		whole:    len(toks) > 0 && toks[0].kind == patRun,
		patterns: []string{keys},
	}
}
