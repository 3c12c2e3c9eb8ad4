// Package pyrepr writes values as Python's repr() does, for the messages
// the Python tool printed with them (set-public-access-block's).
package pyrepr

import "strings"

// Str quotes s as Python's repr of a str does, for plain text: in single
// quotes, or in double quotes when s holds a single quote and no double one.
func Str(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// Bool is Python's True or False.
func Bool(v bool) string {
	if v {
		return "True"
	}
	return "False"
}
