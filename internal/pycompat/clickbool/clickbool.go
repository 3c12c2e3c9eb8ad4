// Package clickbool reads true/false option values as the Python tool's
// command-line library (click) reads its BOOL type, and words the error
// for a value it does not know the same way.
package clickbool

import (
	"fmt"
	"strings"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyrepr"
)

var (
	trueWords  = map[string]bool{"1": true, "true": true, "t": true, "yes": true, "y": true, "on": true}
	falseWords = map[string]bool{"0": true, "false": true, "f": true, "no": true, "n": true, "off": true, "": true}
)

// Parse reads s in any case, spaces around it ignored; ok is false when it
// is not one of the words click knows.
func Parse(s string) (v, ok bool) {
	w := strings.ToLower(strings.TrimSpace(s))
	switch {
	case trueWords[w]:
		return true, true
	case falseWords[w]:
		return false, true
	}
	return false, false
}

// Invalid is click's message for a value Parse refuses.
func Invalid(s string) string {
	return fmt.Sprintf("%s is not a valid boolean. Recognized values: , 0, 1, f, false, n, no, off, on, t, true, y, yes", pyrepr.Str(s))
}
