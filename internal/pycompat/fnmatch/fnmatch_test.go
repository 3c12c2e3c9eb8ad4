package fnmatch

import "testing"

// Expected values from Python's fnmatch.fnmatchcase.
func TestPattern(t *testing.T) {
	for _, tc := range []struct {
		pat, name string
		want      bool
	}{
		{"*e.txt", "one.txt", true},
		{"*e.txt", "one.txt2", false},
		{"directory/*", "directory/a/b", true},
		{"directory/*", "other/a", false},
		{"*.txt", "a/b.txt", true},
		{"?.txt", "a.txt", true},
		{"?.txt", "/.txt", true},
		{"?.txt", "ab.txt", false},
		{"[ab].txt", "a.txt", true},
		{"[!ab].txt", "a.txt", false},
		{"[!ab].txt", "c.txt", true},
		{"[a-c]x", "bx", true},
		{"[z-a]x", "bx", false},
		{"[]]", "x", false},
		{"[]]", "]", true},
		{"[!]]", "x", true},
		{"[", "[", true},
		{"a[b", "a[b", true},
		{`\*`, `\x`, true},
		{"*\n", "a\n", true},
		{"[a-]", "-", true},
		{`[\]`, `\`, true},
		{"[^a]", "^", true},
		{"[^a]", "b", false},
		{"[!]", "!", false},
		{"[!]", "[!]", true},
		{"[!]x]", "ax", false},
		{"**", "", true},
		{"a.c", "abc", false},
		{"a+(b)", "a+(b)", true},
		{"ONE.TXT", "one.txt", false},
	} {
		if got := Compile(tc.pat).Match(tc.name); got != tc.want {
			t.Errorf("%q matching %q = %v, want %v", tc.pat, tc.name, got, tc.want)
		}
	}
}
