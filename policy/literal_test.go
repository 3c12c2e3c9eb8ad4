package policy

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLiteralKey(t *testing.T) {
	for key, want := range map[string]string{
		"":                  "",
		"plain/key.txt":     "plain/key.txt",
		"a*b":               "a${*}b",
		"what?":             "what${?}",
		"$HOME/${x}":        "${$}HOME/${$}{x}",
		"${*}":              "${$}{${*}}",
		"*?$":               "${*}${?}${$}",
		"été/ü 1+1=2 %20&;": "été/ü 1+1=2 %20&;",
		"$!BUCKET_NAME!$":   "${$}!BUCKET_NAME!${$}",
	} {
		if got := LiteralKey(key); got != want {
			t.Errorf("LiteralKey(%q) = %q, want %q", key, got, want)
		}
		if !iamMatch(t, LiteralKey(key), key) {
			t.Errorf("LiteralKey(%q) = %q does not match the key itself", key, LiteralKey(key))
		}
	}
	if got := KeyARN("b", "x/*"); got != "arn:aws:s3:::b/x/${*}" {
		t.Errorf("KeyARN = %q", got)
	}
}

// The wildcards a key holds match only themselves once escaped; unescaped
// they would match other keys (what the escape is for).
func TestLiteralKeyMatchesNothingElse(t *testing.T) {
	for _, tc := range []struct{ key, other string }{
		{"a*", "abc"},
		{"a?c", "abc"},
		{"*", ""},
		{"report-?.pdf", "report-1.pdf"},
	} {
		if !iamMatch(t, tc.key, tc.other) {
			t.Fatalf("the test matcher is wrong: %q should match %q unescaped", tc.key, tc.other)
		}
		if iamMatch(t, LiteralKey(tc.key), tc.other) {
			t.Errorf("LiteralKey(%q) = %q still matches %q", tc.key, LiteralKey(tc.key), tc.other)
		}
	}
}

func FuzzLiteralKey(f *testing.F) {
	for _, s := range []string{"", "a", "*", "?", "$", "${*}", "${aws:username}", "a*b?c$d", "é*", "$$", "{}$"} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, key, tail string) {
		if !utf8.ValidString(key) || !utf8.ValidString(tail) {
			t.Skip() // S3 keys are UTF-8
		}
		lit := LiteralKey(key)
		if !iamMatch(t, lit, key) {
			t.Fatalf("LiteralKey(%q) = %q does not match the key", key, lit)
		}
		if tail != "" && iamMatch(t, lit, key+tail) {
			t.Fatalf("LiteralKey(%q) = %q matches the longer key %q", key, lit, key+tail)
		}
		if key != "" {
			if r, size := utf8.DecodeRuneInString(key); iamMatch(t, lit, string(r+1)+key[size:]) {
				t.Fatalf("LiteralKey(%q) = %q matches a different key", key, lit)
			}
		}
		// As a prefix: everything under it, and nothing that does not start with it.
		if !iamMatch(t, lit+"*", key+tail) {
			t.Fatalf("LiteralKey(%q)+* does not match %q", key, key+tail)
		}
		if !strings.HasPrefix(tail, key) && iamMatch(t, lit+"*", tail) {
			t.Fatalf("LiteralKey(%q)+* matches %q", key, tail)
		}
	})
}

// iamMatch is IAM's matching of a Resource pattern against a value, written
// from the policy language's rules: * is any run of characters, ? any one
// character, ${*} ${?} ${$} the characters themselves. Any other ${...} is
// a policy variable, which a literal key must never produce.
func iamMatch(t *testing.T, pattern, value string) bool {
	t.Helper()
	type tok struct {
		wild rune // '*' or '?' for a wildcard, 0 for a literal
		r    rune
	}
	var toks []tok
	for i := 0; i < len(pattern); {
		switch {
		case strings.HasPrefix(pattern[i:], "${*}"), strings.HasPrefix(pattern[i:], "${?}"), strings.HasPrefix(pattern[i:], "${$}"):
			toks = append(toks, tok{r: rune(pattern[i+2])})
			i += 4
		case strings.HasPrefix(pattern[i:], "${"):
			t.Fatalf("pattern %q holds a policy variable at %d", pattern, i)
		case pattern[i] == '*' || pattern[i] == '?':
			toks = append(toks, tok{wild: rune(pattern[i])})
			i++
		default:
			r, size := utf8.DecodeRuneInString(pattern[i:])
			toks = append(toks, tok{r: r})
			i += size
		}
	}
	runes := []rune(value)
	// match[i][j]: toks[i:] matches runes[j:]
	match := make([][]bool, len(toks)+1)
	for i := range match {
		match[i] = make([]bool, len(runes)+1)
	}
	match[len(toks)][len(runes)] = true
	for i := len(toks) - 1; i >= 0; i-- {
		for j := len(runes); j >= 0; j-- {
			switch tk := toks[i]; tk.wild {
			case '*':
				match[i][j] = match[i+1][j] || (j < len(runes) && match[i][j+1])
			case '?':
				match[i][j] = j < len(runes) && match[i+1][j+1]
			default:
				match[i][j] = j < len(runes) && runes[j] == tk.r && match[i+1][j+1]
			}
		}
	}
	return match[0][0]
}
