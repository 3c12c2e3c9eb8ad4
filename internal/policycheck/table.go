package policycheck

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// s3Text is the table of S3's IAM actions, resource types and condition
// keys: its header names its source, scripts/s3-iam-table.py writes it.
//
//go:embed s3.txt
var s3Text string

// action is one S3 action as the table has it.
type action struct {
	Name  string // as AWS writes it: "GetObject"
	Level string // access level: "Read", "Write", "Permissions management, Write"
	// Types are the resource types it acts on ("object", "bucket"), the
	// required ones ending in *; none means it takes Resource "*" only.
	Types []string
	// Keys are the condition keys its requests carry, in lower case, with
	// those of its resource types; nil when the table does not know them.
	Keys []string
}

// resourceType is an S3 resource type and the ARN it has.
type resourceType struct {
	Name   string
	ARN    string // "arn:${Partition}:s3:::${BucketName}"
	Keys   []string
	format []tmplTok
}

// s3Table is the parsed table.
type s3Table struct {
	actions   []*action
	byName    map[string]*action // lower-case name
	types     map[string]*resourceType
	typeOrder []string
	keys      map[string]string // lower-case key: the key as AWS writes it
	// keyPrefixes are the keys that end in a placeholder
	// ("s3:existingobjecttag/"), any tag name after it.
	keyPrefixes []string
}

var (
	tableOnce sync.Once
	table     *s3Table
	tableErr  error
)

// s3 returns the table, parsed once. The table is part of the program, so
// a table that does not parse is a bug (TestS3TableParses) and panics.
func s3() *s3Table {
	tableOnce.Do(func() { table, tableErr = parseTable(s3Text) })
	if tableErr != nil {
		panic("policycheck: " + tableErr.Error())
	}
	return table
}

// parseTable reads the table's lines: resource, condition and action
// lines (see the file's header); # lines and blank lines are comments.
func parseTable(text string) (*s3Table, error) {
	t := &s3Table{byName: map[string]*action{}, types: map[string]*resourceType{}, keys: map[string]string{}}
	for n, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := t.addLine(strings.Split(line, "\t")); err != nil {
			return nil, fmt.Errorf("s3.txt line %d: %w", n+1, err)
		}
	}
	if len(t.actions) == 0 || len(t.types) == 0 || len(t.keys) == 0 {
		return nil, fmt.Errorf("s3.txt: %d actions, %d resource types, %d condition keys", len(t.actions), len(t.types), len(t.keys))
	}
	for _, a := range t.actions {
		for _, name := range a.Types {
			rt := t.types[strings.TrimSuffix(name, "*")]
			if rt == nil {
				return nil, fmt.Errorf("s3.txt: %s acts on %s, which is no resource type", a.Name, name)
			}
			if a.Keys != nil {
				a.Keys = appendNew(a.Keys, rt.Keys...)
			}
		}
	}
	return t, nil
}

func (t *s3Table) addLine(f []string) error {
	switch {
	case f[0] == "resource" && len(f) == 4:
		name := f[1]
		if t.types[name] != nil {
			return fmt.Errorf("resource type %s listed twice", name)
		}
		format, err := parseTemplate(f[2])
		if err != nil {
			return err
		}
		t.types[name] = &resourceType{Name: name, ARN: f[2], Keys: keyList(f[3]), format: format}
		t.typeOrder = append(t.typeOrder, name)
	case f[0] == "condition" && len(f) == 3:
		k := strings.ToLower(f[1])
		if _, dup := t.keys[k]; dup {
			return fmt.Errorf("condition key %s listed twice", f[1])
		}
		t.keys[k] = f[1]
		if i := strings.IndexByte(k, '/'); i >= 0 {
			t.keyPrefixes = append(t.keyPrefixes, k[:i+1])
		}
	case f[0] == "action" && len(f) == 5:
		k := strings.ToLower(f[1])
		if t.byName[k] != nil {
			return fmt.Errorf("action %s listed twice", f[1])
		}
		a := &action{Name: f[1], Level: f[2]}
		if f[3] != "-" {
			a.Types = strings.Fields(f[3])
		}
		if f[4] != "?" {
			a.Keys = keyList(f[4])
		}
		t.actions = append(t.actions, a)
		t.byName[k] = a
	default:
		return fmt.Errorf("not a resource, condition or action line: %q", strings.Join(f, "\t"))
	}
	return nil
}

// keyList is a list field of condition keys, in lower case ("-": none).
func keyList(field string) []string {
	keys := []string{}
	if field == "-" {
		return keys
	}
	for _, k := range strings.Fields(field) {
		keys = appendNew(keys, strings.ToLower(k))
	}
	return keys
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		found := false
		for _, have := range list {
			if have == it {
				found = true
				break
			}
		}
		if !found {
			list = append(list, it)
		}
	}
	return list
}

// knownKey reports whether S3 defines the condition key (any case).
func (t *s3Table) knownKey(key string) bool {
	k := strings.ToLower(key)
	if _, ok := t.keys[k]; ok {
		return true
	}
	for _, p := range t.keyPrefixes {
		if strings.HasPrefix(k, p) && len(k) > len(p) {
			return true
		}
	}
	return false
}

// carries reports whether a's requests carry the condition key, or true
// when the table does not know a's keys.
func (a *action) carries(key string) bool {
	if a.Keys == nil {
		return true
	}
	k := strings.ToLower(key)
	for _, have := range a.Keys {
		if have == k {
			return true
		}
		if i := strings.IndexByte(have, '/'); i >= 0 && strings.HasPrefix(k, have[:i+1]) {
			return true
		}
	}
	return false
}

// matching returns the actions whose "s3:Name" the action pattern matches
// (IAM compares actions without regard to case).
func (t *s3Table) matching(pattern string) []*action {
	p := strings.ToLower(pattern)
	var out []*action
	for _, a := range t.actions {
		if globMatch(p, "s3:"+strings.ToLower(a.Name)) {
			out = append(out, a)
		}
	}
	return out
}

// typeNames are the resource types an action acts on, without the
// required mark.
func (a *action) typeNames() []string {
	names := make([]string, len(a.Types))
	for i, n := range a.Types {
		names[i] = strings.TrimSuffix(n, "*")
	}
	return names
}
