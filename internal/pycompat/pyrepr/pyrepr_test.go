package pyrepr

import "testing"

// Expected values from Python 3: repr(s), repr(b).
func TestStrAndBool(t *testing.T) {
	for s, want := range map[string]string{
		"yes":     `'yes'`,
		"it's":    `"it's"`,
		`a'b"c`:   `'a\'b"c'`,
		`back\sl`: `'back\\sl'`,
		"":        `''`,
	} {
		if got := Str(s); got != want {
			t.Errorf("Str(%q) = %s, want %s", s, got, want)
		}
	}
	if Bool(true) != "True" || Bool(false) != "False" {
		t.Error("Bool")
	}
}
