package policycheck

import (
	"errors"
	"strings"
)

// globMatch reports whether s matches pattern, where * matches any run of
// characters and ? any one character: how IAM matches actions.
func globMatch(pattern, s string) bool {
	p, str := []rune(pattern), []rune(s)
	// The classic two-pointer match with one backtrack point.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(str) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == str[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// A resource pattern, as IAM reads a Resource value: * and ? are
// wildcards, ${*}, ${?} and ${$} are the characters themselves, and any
// other ${...} is a policy variable, replaced by a value of the request.
type patTok struct {
	kind patKind
	r    rune // the character of a literal
}

type patKind uint8

const (
	patLit patKind = iota
	patOne         // ?
	patRun         // *
	patVar         // ${aws:username}: some text, unknown here
)

func parsePattern(s string) []patTok {
	var toks []patTok
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '*':
			toks = append(toks, patTok{kind: patRun})
		case r == '?':
			toks = append(toks, patTok{kind: patOne})
		case r == '$' && i+1 < len(rs) && rs[i+1] == '{':
			end := -1
			for j := i + 2; j < len(rs); j++ {
				if rs[j] == '}' {
					end = j
					break
				}
			}
			if end < 0 {
				toks = append(toks, patTok{kind: patLit, r: r})
				continue
			}
			inner := string(rs[i+2 : end])
			if inner == "*" || inner == "?" || inner == "$" {
				toks = append(toks, patTok{kind: patLit, r: rune(inner[0])})
			} else {
				toks = append(toks, patTok{kind: patVar})
			}
			i = end
		default:
			toks = append(toks, patTok{kind: patLit, r: r})
		}
	}
	return toks
}

// hasVariables reports whether s holds a ${...}: a policy variable or one
// of the escapes, both of which only policy language 2012-10-17 reads.
func hasVariables(s string) bool {
	i := strings.Index(s, "${")
	return i >= 0 && strings.IndexByte(s[i:], '}') > 0
}

// wild reports whether the tokens hold a wildcard.
func wild(toks []patTok) bool {
	for _, t := range toks {
		if t.kind == patOne || t.kind == patRun {
			return true
		}
	}
	return false
}

// literal is the text of tokens that are all literals.
func literal(toks []patTok) (string, bool) {
	var b strings.Builder
	for _, t := range toks {
		if t.kind != patLit {
			return "", false
		}
		b.WriteRune(t.r)
	}
	return b.String(), true
}

// matchesText reports whether the pattern matches exactly the text s
// (variables match anything).
func matchesText(p []patTok, s string) bool {
	var t []tmplTok
	for _, r := range s {
		t = append(t, tmplTok{r: r})
	}
	return overlaps(p, t)
}

// An ARN format of the table, "arn:${Partition}:s3:::${BucketName}": its
// ${...} parts stand for one or more characters, with neither / nor : in
// them except in an object's name.
type tmplTok struct {
	variable bool
	anything bool // the variable may hold / and :
	r        rune
}

func parseTemplate(s string) ([]tmplTok, error) {
	var toks []tmplTok
	for s != "" {
		i := strings.Index(s, "${")
		if i < 0 {
			i = len(s)
		}
		for _, r := range s[:i] {
			toks = append(toks, tmplTok{r: r})
		}
		s = s[i:]
		if s == "" {
			break
		}
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return nil, errors.New("unclosed ${ in ARN format")
		}
		toks = append(toks, tmplTok{variable: true, anything: s[2:end] == "ObjectName"})
		s = s[end+1:]
	}
	return toks, nil
}

func (t tmplTok) accepts(r rune) bool {
	if !t.variable {
		return t.r == r
	}
	return t.anything || (r != '/' && r != ':')
}

// overlaps reports whether some text matches both the pattern and the
// format: whether a Resource value can name a resource of that type. It
// walks the two automatons side by side (pattern position, format
// position, inside a format variable), breadth first.
func overlaps(p []patTok, t []tmplTok) bool {
	type state struct {
		i, j int
		in   bool // some characters of the variable t[j] are consumed
	}
	seen := make([]bool, (len(p)+1)*(len(t)+1)*2)
	at := func(s state) int {
		k := (s.i*(len(t)+1) + s.j) * 2
		if s.in {
			k++
		}
		return k
	}
	queue := []state{{}}
	push := func(s state) {
		if k := at(s); !seen[k] {
			seen[k] = true
			queue = append(queue, s)
		}
	}
	seen[0] = true
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s.i == len(p) && s.j == len(t) {
			return true
		}
		// Moves that consume nothing.
		if s.i < len(p) && (p[s.i].kind == patRun || p[s.i].kind == patVar) {
			push(state{s.i + 1, s.j, s.in})
		}
		if s.in {
			push(state{s.i, s.j + 1, false})
		}
		if s.i == len(p) || s.j == len(t) {
			continue
		}
		// Moves that consume one character on both sides.
		pt, tt := p[s.i], t[s.j]
		// A wildcard or variable takes any character, and every format
		// position accepts some character.
		if pt.kind == patLit && !tt.accepts(pt.r) {
			continue
		}
		ni := s.i + 1
		if pt.kind == patRun || pt.kind == patVar {
			ni = s.i
		}
		if tt.variable {
			push(state{ni, s.j, true})
		} else {
			push(state{ni, s.j + 1, false})
		}
	}
	return false
}
