package clickbool

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in    string
		v, ok bool
	}{
		{"true", true, true}, {" YES ", true, true}, {"On", true, true}, {"1", true, true}, {"t", true, true}, {"y", true, true},
		{"false", false, true}, {"", false, true}, {"OFF", false, true}, {"0", false, true}, {"n", false, true},
		{"maybe", false, false}, {"2", false, false}, {"truee", false, false},
	} {
		if v, ok := Parse(c.in); v != c.v || ok != c.ok {
			t.Errorf("Parse(%q) = %v, %v", c.in, v, ok)
		}
	}
	if m := Invalid("maybe"); !strings.HasPrefix(m, "'maybe' is not a valid boolean. Recognized values: , 0, 1,") {
		t.Errorf("Invalid: %s", m)
	}
}
