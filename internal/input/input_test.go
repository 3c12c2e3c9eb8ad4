package input

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	const form = "Duration must be of form 3600s or 15m or 2h"
	const bounds = "Duration must be between 15 minutes and 12 hours"
	for _, tc := range []struct {
		in   string
		want int
		err  string
	}{
		{"900", 900, ""}, {"900s", 900, ""}, {"15m", 900, ""}, {"1h", 3600, ""}, {"12h", 43200, ""},
		{"43200", 43200, ""}, {"720m", 43200, ""},
		{"899", 0, bounds}, {"14m", 0, bounds}, {"13h", 0, bounds}, {"43201s", 0, bounds}, {"0", 0, bounds},
		{"99999999999999999999999h", 0, bounds},
		{"", 0, form}, {"1d", 0, form}, {"-15m", 0, form}, {"15 m", 0, form}, {"1.5h", 0, form}, {"h", 0, form}, {"15M", 0, form},
	} {
		got, err := ParseDuration(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

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

func TestParseExpires(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 500, time.UTC)
	for in, want := range map[string]string{
		"90m":                       "2026-11-27T13:30:00Z",
		"12h":                       "2026-11-28T00:00:00Z",
		"30d":                       "2026-12-27T12:00:00Z",
		"2w":                        "2026-12-11T12:00:00Z",
		"2027-01-31T18:00:00Z":      "2027-01-31T18:00:00Z",
		"2027-01-31T18:00:00+01:00": "2027-01-31T17:00:00Z",
		"2027-01-31T18:00:00.9Z":    "2027-01-31T18:00:00Z",
		"2020-01-01T00:00:00Z":      "",
		"0m":                        "",
		"":                          "",
		"1y":                        "",
		"-5d":                       "",
		"5":                         "",
		"2027-01-31":                "",
		"9999999w":                  "",
	} {
		got, err := ParseExpires(in, now)
		if want == "" {
			if err == nil {
				t.Errorf("ParseExpires(%q) = %v, want an error", in, got)
			}
			continue
		}
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("ParseExpires(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
}
