package awsclient

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParseAuth feeds hostile --auth files: JSON and INI, valid or not.
// Each is read or refused with a message; never a panic.
func FuzzParseAuth(f *testing.F) {
	for _, s := range []string{
		`{"AccessKeyId": "AKIA", "SecretAccessKey": "s", "SessionToken": "t"}`,
		`{"AccessKeyId": 1}`, `{"AccessKeyId": null}`, `{`, `{}`, `{"AccessKeyId": "a"} trailing`, `[]`,
		"[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\n",
		"[default]\naws_access_key_id: AKIA\n[other]\naws_access_key_id=B\n",
		"[DEFAULT]\naws_secret_access_key=s\n[p]\naws_access_key_id=a\n",
		"# comment\n; other\n[x]\nnot a pair\n", "key=value", "[", "[]\n=\n", "\xff\xfe[default]",
		strings.Repeat("a", 70000), "[s]\n" + strings.Repeat("k", 2<<20) + "=v",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseAuth(data)
		if err != nil {
			if !strings.Contains(err.Error(), "--auth file") {
				t.Fatalf("ParseAuth(%q): message %q does not say it is about the --auth file", data, err)
			}
			if c.AccessKeyID != "" && strings.HasPrefix(strings.TrimSpace(string(data)), "[") {
				t.Fatalf("ParseAuth(%q) returned a key with an error", data)
			}
			return
		}
		text := strings.TrimSpace(string(data))
		if strings.HasPrefix(text, "{") {
			// Agree with encoding/json on what the keys say.
			var want map[string]any
			if json.Unmarshal([]byte(text), &want) == nil {
				if s, ok := want["AccessKeyId"].(string); ok && s != c.AccessKeyID && strings.ToValidUTF8(s, "\uFFFD") == s {
					t.Fatalf("ParseAuth(%q): AccessKeyId %q, encoding/json says %q", data, c.AccessKeyID, s)
				}
			}
			return
		}
		// INI: a key that was found was really in the text, trimmed.
		if c.AccessKeyID != "" && (!strings.Contains(text, c.AccessKeyID) || strings.TrimSpace(c.AccessKeyID) != c.AccessKeyID) {
			t.Fatalf("ParseAuth(%q): AccessKeyId %q", data, c.AccessKeyID)
		}
	})
}
