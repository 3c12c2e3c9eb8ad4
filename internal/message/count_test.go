package message

import (
	"testing"

	_ "github.com/s3-credentials/s3-credentials/internal/testenv"
)

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Count(0, "object"), "0 objects"},
		{Count(1, "object"), "1 object"},
		{Count(2, "object"), "2 objects"},
		{Count(1, "key", "keys"), "1 key"},
		{Count(3, "match", "matches"), "3 matches"},
		{Noun(2, "it", "them"), "them"},
		{Noun(1, "it", "them"), "it"},
		{"argument" + S(1), "argument"},
		{"argument" + S(2), "arguments"},
		{Thousands(0), "0"},
		{Thousands(999), "999"},
		{Thousands(2048), "2,048"},
		{Thousands(1234567), "1,234,567"},
		{Thousands(-10240), "-10,240"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
