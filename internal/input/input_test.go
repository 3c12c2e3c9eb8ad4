package input

import (
	"testing"
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
