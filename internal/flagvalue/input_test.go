package flagvalue

import (
	"testing"
)

func TestParseStatement(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{`{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`, ""},
		{`{`, "Invalid JSON string"},
		{`"x"`, "JSON must be an object"},
		{`[]`, "JSON must be an object"},
		{`{}`, "Statement JSON missing required keys: Action, Effect, Resource"},
		{`{"Resource": 1, "Effect": 2}`, "Statement JSON missing required keys: Action"},
	} {
		_, err := ParseStatement(tc.in)
		if (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
		}
	}
}

func TestParseSourceIP(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":       "203.0.113.7/32",
		"203.0.113.0/24":    "203.0.113.0/24",
		"10.1.2.3/8":        "10.0.0.0/8",
		"2001:db8::1":       "2001:db8::1/128",
		"2001:db8::/32":     "2001:db8::/32",
		"0.0.0.0/0":         "0.0.0.0/0",
		"::ffff:192.0.2.1":  "::ffff:192.0.2.1/128",
		"":                  "",
		"300.1.1.1":         "",
		"10.0.0.0/33":       "",
		"example.com":       "",
		"fe80::1%eth0":      "",
		"10.0.0.1/24 ":      "",
		"10.0.0.1,10.0.0.2": "",
	} {
		got, err := ParseSourceIP(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("ParseSourceIP(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
