package policy

// Reading policies back: what a document grants on each bucket, named by
// the shapes this package writes (audit reports it; create compares an
// existing user's policy with the one it would write).

import (
	"bytes"
	"encoding/json"
	"path"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// FullAccess is the Access of s3:* on every bucket, as AmazonS3FullAccess
// grants; any other grant that is not a shape this package writes is
// Custom.
const FullAccess = "full"

// Grant is what one policy document gives on one bucket.
type Grant struct {
	// Bucket is the bucket's name as the policy names it: a name, "*" for
	// every bucket, or a pattern such as "logs-*".
	Bucket string
	// Access is read-write, read-only or write-only for the shapes
	// s3-credentials writes, FullAccess, or custom.
	Access string
	// Prefixes are the key prefixes the grant is limited to (without their
	// trailing *); Keys the exact keys. Both empty: the whole bucket.
	Prefixes []string
	Keys     []string
}

// Matches says whether the grant reaches bucket.
func (g Grant) Matches(bucket string) bool {
	if g.Bucket == "*" || g.Bucket == bucket {
		return true
	}
	ok, err := path.Match(g.Bucket, bucket)
	return err == nil && ok
}

// access is one action allowed on one resource, under one condition (less
// the network and time conditions, which narrow a grant without changing
// its shape).
type access struct {
	action    string
	resource  string // "bucket" or "object:PATTERN"
	condition string
}

type bucketAccess struct {
	set      map[access]bool
	patterns []string // object patterns in order of appearance
	anything bool     // Action "*"/"s3:*" on every resource of the bucket
	odd      bool     // NotAction, NotResource: not a shape the tool writes
}

// Analyze returns the grants of a policy document on S3, one per bucket the
// document names, in order of first appearance. Only Allow statements
// grant; Deny statements are not subtracted. A document that is not JSON
// grants nothing and is reported as an error.
func Analyze(document []byte) ([]Grant, error) {
	stmts, err := statementsOf(document)
	if err != nil {
		return nil, err
	}

	var order []string
	buckets := map[string]*bucketAccess{}
	get := func(b string) *bucketAccess {
		ba := buckets[b]
		if ba == nil {
			ba = &bucketAccess{set: map[access]bool{}}
			buckets[b] = ba
			order = append(order, b)
		}
		return ba
	}
	for _, st := range stmts {
		if firstString(st["Effect"]) != "Allow" {
			continue
		}
		actions := stringsOf(st["Action"])
		resources := stringsOf(st["Resource"])
		odd := st["NotAction"] != nil || st["NotResource"] != nil
		if st["NotAction"] != nil {
			actions = []string{"*"}
		}
		if st["NotResource"] != nil {
			resources = []string{"*"}
		}
		if !slices.ContainsFunc(actions, isS3Action) {
			continue
		}
		cond := conditionKey(st["Condition"])
		for _, r := range resources {
			bucket, object, ok := splitS3Resource(r)
			if !ok {
				continue
			}
			ba := get(bucket)
			ba.odd = ba.odd || odd
			kind := "bucket"
			if object != "" {
				kind = "object:" + object
				if !slices.Contains(ba.patterns, object) {
					ba.patterns = append(ba.patterns, object)
				}
			}
			for _, a := range actions {
				if !isS3Action(a) {
					continue
				}
				if (a == "*" || a == "s3:*") && (r == "*" || r == "arn:aws:s3:::*") && cond == "" {
					ba.anything = true
				}
				ba.set[access{a, kind, cond}] = true
			}
		}
	}
	grants := make([]Grant, 0, len(order))
	for _, b := range order {
		grants = append(grants, classify(b, buckets[b]))
	}
	return grants, nil
}

// statementsOf reads the statements of a document: its Statement object,
// or each of its list.
func statementsOf(document []byte) ([]map[string]json.RawMessage, error) {
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal(document, &doc); err != nil {
		return nil, err
	}
	var stmts []map[string]json.RawMessage
	if len(doc.Statement) > 0 && doc.Statement[0] == '{' {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(doc.Statement, &one); err != nil {
			return nil, err
		}
		stmts = append(stmts, one)
	} else if len(doc.Statement) > 0 {
		if err := json.Unmarshal(doc.Statement, &stmts); err != nil {
			return nil, err
		}
	}
	return stmts, nil
}

// classify names the shape of what a document grants on one bucket.
func classify(bucket string, ba *bucketAccess) Grant {
	g := Grant{Bucket: bucket, Access: string(Custom), Prefixes: []string{}, Keys: []string{}}
	var prefixes, keys []string
	for _, p := range ba.patterns {
		switch {
		case p == "*":
		case strings.HasSuffix(p, "*"):
			prefixes = append(prefixes, strings.TrimSuffix(p, "*"))
		default:
			keys = append(keys, p)
		}
	}
	if slices.Contains(ba.patterns, "*") {
		prefixes, keys = nil, nil
	}
	// Prefixes and keys are shown as the keys they match: unescaped when
	// they use wildcards only in IAM's literal form, as written otherwise
	// (a shape this package does not write).
	literal := literalKeys(prefixes) && literalKeys(keys)
	if literal {
		prefixes, keys = unescapeKeys(prefixes), unescapeKeys(keys)
	}
	g.Prefixes = append(g.Prefixes, prefixes...)
	g.Keys = append(g.Keys, keys...)
	if bucket == "*" {
		if ba.anything {
			g.Access = FullAccess
		}
		return g
	}
	if ba.odd || strings.ContainsAny(bucket, "*?") || !literal {
		return g
	}
	scope := Scope{Prefixes: g.Prefixes, Keys: g.Keys}
	for _, p := range []Permission{ReadWrite, ReadOnly, WriteOnly} {
		if sameSet(ba.set, accesses(Statements(p, bucket, scope))) {
			g.Access = string(p)
			return g
		}
	}
	return g
}

// accesses flattens the statements s3-credentials writes into the same
// form Analyze reads documents into.
func accesses(stmts []Statement) map[access]bool {
	set := map[access]bool{}
	for _, st := range stmts {
		raw, _ := json.Marshal(st.Condition)
		if st.Condition == nil {
			raw = nil
		}
		cond := conditionKey(raw)
		for _, r := range st.Resource {
			_, object, _ := splitS3Resource(r)
			kind := "bucket"
			if object != "" {
				kind = "object:" + object
			}
			for _, a := range st.Action {
				set[access{a, kind, cond}] = true
			}
		}
	}
	return set
}

func sameSet(a, b map[access]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// splitS3Resource splits "arn:aws:s3:::BUCKET/OBJECT" (any partition);
// "*" is every bucket and object.
func splitS3Resource(r string) (bucket, object string, ok bool) {
	if r == "*" {
		return "*", "*", true
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "s3" || parts[3] != "" || parts[4] != "" {
		return "", "", false
	}
	bucket, object, _ = strings.Cut(parts[5], "/")
	if bucket == "" {
		return "", "", false
	}
	return bucket, object, true
}

func isS3Action(a string) bool {
	return a == "*" || strings.HasPrefix(strings.ToLower(a), "s3:")
}

// conditionKey is a condition in a comparable form, without the network
// and time conditions (IpAddress, NotIpAddress, Date*), which narrow a
// grant but do not change its shape.
func conditionKey(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var c map[string]json.RawMessage
	if err := json.Unmarshal(raw, &c); err != nil {
		return string(raw)
	}
	var ops []string
	for op := range c {
		if strings.Contains(op, "IpAddress") || strings.HasPrefix(op, "Date") {
			delete(c, op)
			continue
		}
		ops = append(ops, op)
	}
	if len(ops) == 0 {
		return ""
	}
	sort.Strings(ops)
	var b strings.Builder
	for _, op := range ops {
		var keys map[string]json.RawMessage
		_ = json.Unmarshal(c[op], &keys)
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			vals := stringsOf(keys[k])
			sort.Strings(vals)
			b.WriteString(op + "|" + strings.ToLower(k) + "=" + strings.Join(vals, ",") + ";")
		}
	}
	return b.String()
}

// stringsOf reads a policy member that is a string or a list of strings.
func stringsOf(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err == nil {
		return many
	}
	return nil
}

func firstString(raw json.RawMessage) string {
	if s := stringsOf(raw); len(s) > 0 {
		return s[0]
	}
	return ""
}

// literalKeys says whether object patterns (keys, or prefixes without their
// final *) use wildcards only in IAM's literal form (${*}, ${?}, ${$}).
func literalKeys(keys []string) bool {
	for _, k := range keys {
		rest := strings.NewReplacer("${*}", "", "${?}", "", "${$}", "").Replace(k)
		if strings.ContainsAny(rest, "*?$") {
			return false
		}
	}
	return true
}

func unescapeKeys(keys []string) []string {
	out := make([]string, len(keys))
	r := strings.NewReplacer("${*}", "*", "${?}", "?", "${$}", "$")
	for i, k := range keys {
		out[i] = r.Replace(k)
	}
	return out
}

// LimitsOf reads back the limits a document holds for everything it
// allows: the source networks, the expiry time and TLS that every Allow
// statement carries (IpAddress on aws:SourceIp, DateLessThan on
// aws:CurrentTime, Bool aws:SecureTransport true, as Limits writes them). Networks are those of all the
// statements together, the time the latest; a limit that some Allow
// statement lacks is no limit, so it is left out. A document that allows
// nothing has no limits.
func LimitsOf(document []byte) (Limits, error) {
	stmts, err := statementsOf(document)
	if err != nil {
		return Limits{}, err
	}
	var l Limits
	allIPs, allExpire, allTLS, allows := true, true, true, false
	for _, st := range stmts {
		if firstString(st["Effect"]) != "Allow" {
			continue
		}
		allows = true
		if !slices.Contains(conditionValues(st["Condition"], TLSOperator, TLSKey), "true") {
			allTLS = false
		}
		ips := conditionValues(st["Condition"], SourceIPOperator, SourceIPKey)
		if len(ips) == 0 {
			allIPs = false
		}
		for _, ip := range ips {
			if !slices.Contains(l.SourceIPs, ip) {
				l.SourceIPs = append(l.SourceIPs, ip)
			}
		}
		times := conditionValues(st["Condition"], ExpiresOperator, ExpiresKey)
		var latest time.Time
		for _, v := range times {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				latest = time.Time{}
				break
			}
			if t.After(latest) {
				latest = t
			}
		}
		if latest.IsZero() {
			allExpire = false
		} else if latest.After(l.Expires) {
			l.Expires = latest
		}
	}
	if !allows || !allIPs {
		l.SourceIPs = nil
	}
	if !allows || !allExpire {
		l.Expires = time.Time{}
	}
	l.RequireTLS = allows && allTLS
	return l, nil
}

// conditionValues are the values a statement's Condition tests key with
// operator (the key's case ignored, as IAM ignores it).
func conditionValues(raw json.RawMessage, operator, key string) []string {
	var c map[string]map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &c) != nil {
		return nil
	}
	var out []string
	for k, v := range c[operator] {
		if !strings.EqualFold(k, key) {
			continue
		}
		out = append(out, stringsOf(v)...)
		var b bool // Bool conditions may be written as true rather than "true"
		if json.Unmarshal(v, &b) == nil {
			out = append(out, strconv.FormatBool(b))
		}
	}
	return out
}

// Equivalent says whether two policy documents say the same: member order,
// layout, and a single value written alone or as a list of one (which IAM
// reads alike) do not count.
func Equivalent(a, b []byte) bool {
	var va, vb any
	da, db := json.NewDecoder(bytes.NewReader(a)), json.NewDecoder(bytes.NewReader(b))
	da.UseNumber()
	db.UseNumber()
	if da.Decode(&va) != nil || db.Decode(&vb) != nil {
		return false
	}
	return reflect.DeepEqual(normalize(va), normalize(vb))
}

// normalize writes a list of one value as that value, throughout.
func normalize(v any) any {
	switch x := v.(type) {
	case []any:
		if len(x) == 1 {
			return normalize(x[0])
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	}
	return v
}
