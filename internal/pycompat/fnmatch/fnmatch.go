// Package fnmatch matches names as Python's fnmatch.fnmatchcase does, the
// way the Python tool's get-objects --pattern did.
package fnmatch

import (
	"regexp"
	"strings"
)

// Pattern is a shell-style pattern matched as Python's fnmatch.fnmatchcase:
// "*" matches any run of characters including "/", "?" one character,
// "[seq]" and "[!seq]" a character in or not in seq; an unclosed "[" is a
// literal. Matching is case-sensitive and covers the whole key.
type Pattern struct {
	text string
	re   *regexp.Regexp
}

// Compile translates a pattern into a matcher. Every pattern is valid.
func Compile(pattern string) *Pattern {
	return &Pattern{text: pattern, re: regexp.MustCompile(translate(pattern))}
}

// Match reports whether name matches the whole pattern.
func (p *Pattern) Match(name string) bool { return p.re.MatchString(name) }

func (p *Pattern) String() string { return p.text }

// translate follows fnmatch.translate.
func translate(pat string) string {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	rs := []rune(pat)
	n := len(rs)
	for i := 0; i < n; {
		c := rs[i]
		i++
		switch c {
		case '*':
			for i < n && rs[i] == '*' {
				i++
			}
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			j := i
			if j < n && rs[j] == '!' {
				j++
			}
			if j < n && rs[j] == ']' {
				j++
			}
			for j < n && rs[j] != ']' {
				j++
			}
			if j >= n {
				b.WriteString(`\[`)
				continue
			}
			set := rs[i:j]
			i = j + 1
			b.WriteString(charClass(set))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`\z`)
	return b.String()
}

// charClass renders the inside of [...] as a regexp class. Ranges keep
// their meaning; a reversed range (z-a) matches nothing, as in Python.
func charClass(set []rune) string {
	negate := false
	if len(set) > 0 && set[0] == '!' {
		negate = true
		set = set[1:]
	}
	var items []string
	empty := true
	for k := 0; k < len(set); {
		lo := set[k]
		if k+2 < len(set) && set[k+1] == '-' {
			hi := set[k+2]
			k += 3
			if lo > hi {
				continue
			}
			items = append(items, classRune(lo)+"-"+classRune(hi))
			empty = false
			continue
		}
		items = append(items, classRune(lo))
		empty = false
		k++
	}
	if empty {
		if negate {
			return `.` // [!] with nothing excluded: any character
		}
		return `[^\x00-\x{10FFFF}]` // matches nothing
	}
	if negate {
		return "[^" + strings.Join(items, "") + "]"
	}
	return "[" + strings.Join(items, "") + "]"
}

func classRune(r rune) string {
	switch r {
	case '\\', ']', '[', '^', '-':
		return `\` + string(r)
	}
	return string(r)
}
