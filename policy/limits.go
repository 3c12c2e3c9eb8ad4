package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// Limits narrow when and from where credentials work, on top of what their
// statements grant. A limit covers everything the credentials can do: it
// is added as a condition to every statement that allows something,
// whether the tool generated the statement or the user wrote it
// (--statement, --policy). Deny statements are left alone: a condition
// would only narrow what they deny.
//
// The conditions are added to the Allow statements rather than written as
// one Deny statement beside them, because some S3-compatible servers
// (SeaweedFS) refuse any Deny in a user policy.
type Limits struct {
	// SourceIPs, when set, limit every Allow statement to requests from
	// these networks (CIDR blocks: "203.0.113.0/24", "2001:db8::/32").
	SourceIPs []string
	// Expires, when set, makes every Allow statement stop granting at that
	// time (aws:CurrentTime, to the second, in UTC).
	Expires time.Time
	// RequireTLS limits every Allow statement to requests sent over TLS
	// (aws:SecureTransport): plain HTTP is refused.
	RequireTLS bool
}

// IsZero says there is no limit.
func (l Limits) IsZero() bool { return len(l.SourceIPs) == 0 && l.Expires.IsZero() && !l.RequireTLS }

// Condition operators and keys the limits are written with.
const (
	SourceIPOperator = "IpAddress"
	SourceIPKey      = "aws:SourceIp"
	ExpiresOperator  = "DateLessThan"
	ExpiresKey       = "aws:CurrentTime"
	TLSOperator      = "Bool"
	TLSKey           = "aws:SecureTransport"
)

// condition is one condition a limit adds: Operator {Key: Value}. Flag
// names the option that asked for it, for messages.
type condition struct {
	Operator, Key string
	Value         any
	Flag          string
}

// conditions are the conditions the limits add, in the order they are
// written: by operator, as encoding/json writes a generated statement's.
func (l Limits) conditions() []condition {
	var cs []condition
	if l.RequireTLS {
		cs = append(cs, condition{TLSOperator, TLSKey, "true", "--require-tls"})
	}
	if !l.Expires.IsZero() {
		cs = append(cs, condition{ExpiresOperator, ExpiresKey, l.Expires.UTC().Format(TimeFormat), "--expires"})
	}
	if len(l.SourceIPs) > 0 {
		cs = append(cs, condition{SourceIPOperator, SourceIPKey, slices.Clone(l.SourceIPs), "--source-ip"})
	}
	return cs
}

// LimitError says why a limit cannot be added to a statement. Nothing has
// been changed when it is returned: the command should refuse to run.
type LimitError struct {
	// Statement names the statement at fault ("--statement 2", "statement
	// 3 of --policy"), or the document ("--policy").
	Statement string
	Flag      string
	Reason    string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s cannot be applied to %s: %s", e.Flag, e.Statement, e.Reason)
}

// restrict adds the limits' conditions to a statement the tool generated,
// next to its own (which are never the limits' operators).
func (l Limits) restrict(st Statement) Statement {
	if l.IsZero() || st.raw != nil || st.Effect == "Deny" {
		return st
	}
	c := Condition{}
	for op, keys := range st.Condition {
		c[op] = keys
	}
	for _, lc := range l.conditions() {
		keys := map[string]any{}
		for k, v := range c[lc.Operator] {
			keys[k] = v
		}
		keys[lc.Key] = lc.Value
		c[lc.Operator] = keys
	}
	st.Condition = c
	return st
}

// Apply adds the limits to one statement, generated or given as JSON text
// (RawStatement). where names it in messages ("--statement 2").
func (l Limits) Apply(st Statement, where string) (Statement, error) {
	if l.IsZero() {
		return st, nil
	}
	if st.raw == nil {
		return l.restrict(st), nil
	}
	v, err := pyjson.Decode(st.raw)
	if err != nil {
		return st, &LimitError{Statement: where, Flag: l.conditions()[0].Flag, Reason: "it is not valid JSON"}
	}
	if v, err = l.applyToStatement(v, where); err != nil {
		return st, err
	}
	return RawStatement(json.RawMessage(pyjson.EncodeCompact(v))), nil
}

// ApplyAll adds the limits to each of the statements given with
// --statement, which messages number from 1.
func (l Limits) ApplyAll(stmts []Statement) ([]Statement, error) {
	out := make([]Statement, len(stmts))
	for i, st := range stmts {
		var err error
		if out[i], err = l.Apply(st, fmt.Sprintf("--statement %d", i+1)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ApplyToDocument adds the limits to every Allow statement of a policy
// document decoded by the tool's JSON reader (a --policy document), and
// returns it. The document must be an object whose Statement is an object
// or a list of objects.
func (l Limits) ApplyToDocument(doc any) (any, error) {
	if l.IsZero() {
		return doc, nil
	}
	flag := l.conditions()[0].Flag
	m, ok := doc.(pyjson.Map)
	if !ok {
		return nil, &LimitError{Statement: "--policy", Flag: flag, Reason: "the policy is not a JSON object"}
	}
	m = slices.Clone(m)
	raw, _ := m.Get("Statement")
	switch s := raw.(type) {
	case pyjson.Map:
		st, err := l.applyToStatement(s, "the statement of --policy")
		if err != nil {
			return nil, err
		}
		m.Set("Statement", st)
	case []any:
		list := make([]any, len(s))
		for i, st := range s {
			var err error
			if list[i], err = l.applyToStatement(st, fmt.Sprintf("statement %d of --policy", i+1)); err != nil {
				return nil, err
			}
		}
		m.Set("Statement", list)
	default:
		return nil, &LimitError{Statement: "--policy", Flag: flag, Reason: "the policy has no Statement object or list"}
	}
	return m, nil
}

// applyToStatement adds the limits to one decoded statement, keeping the
// order of its members and of its conditions. A statement that already
// tests a limit's key with the limit's operator cannot take it too (values
// of one key are alternatives, so the two could not both hold): that is
// refused rather than guessed.
func (l Limits) applyToStatement(v any, where string) (any, error) {
	cs := l.conditions()
	st, ok := v.(pyjson.Map)
	if !ok {
		return nil, &LimitError{Statement: where, Flag: cs[0].Flag, Reason: "it is not a JSON object"}
	}
	if effect, _ := st.Get("Effect"); effect == "Deny" {
		return st, nil
	}
	st = slices.Clone(st)
	cond := pyjson.Map{}
	if existing, present := st.Get("Condition"); present {
		if cond, ok = existing.(pyjson.Map); !ok {
			return nil, &LimitError{Statement: where, Flag: cs[0].Flag, Reason: "its Condition is not a JSON object"}
		}
		cond = slices.Clone(cond)
	}
	for _, c := range cs {
		keys := pyjson.Map{}
		if existing, present := cond.Get(c.Operator); present {
			if keys, ok = existing.(pyjson.Map); !ok {
				return nil, &LimitError{Statement: where, Flag: c.Flag, Reason: "its " + c.Operator + " condition is not a JSON object"}
			}
			for _, k := range keys.Keys() {
				if strings.EqualFold(k, c.Key) {
					return nil, &LimitError{Statement: where, Flag: c.Flag,
						Reason: fmt.Sprintf("it already tests %s with %s; remove that from the statement or leave out %s", k, c.Operator, c.Flag)}
				}
			}
			keys = slices.Clone(keys)
		}
		keys.Set(c.Key, jsonValue(c.Value))
		cond.Set(c.Operator, keys)
	}
	st.Set("Condition", cond)
	return st, nil
}

// jsonValue turns a condition value into the tool's decoded-JSON form.
func jsonValue(v any) any {
	if list, ok := v.([]string); ok {
		out := make([]any, len(list))
		for i, s := range list {
			out[i] = s
		}
		return out
	}
	return v
}
