package policycheck

import (
	"strings"
	"testing"
	"time"
)

// A policy as large as the tool reads (up to 1 MiB) is checked in about a
// second, whatever it holds: many resources with wildcards, many action
// patterns, long ARNs. (The bound is loose for the race detector and a
// busy machine; what it catches is work that grows with actions times
// resources, which took minutes.)
func TestLargeHostilePoliciesAreQuick(t *testing.T) {
	res := make([]string, 8000) // 400 KiB
	for i := range res {
		res[i] = `"arn:aws:s3:::b*?/` + strings.Repeat("*a?", 10) + `"`
	}
	acts := make([]string, 14000) // 200 KiB
	for i := range acts {
		acts[i] = `"s3:*Object*"`
	}
	long := `"arn:aws:s3:::` + strings.Repeat("*?", 200<<10) + `"`
	for name, text := range map[string]string{
		"many":    doc(`{"Effect": "Allow", "Action": [` + strings.Join(acts, ",") + `], "Resource": [` + strings.Join(res, ",") + `]}`),
		"long":    doc(`{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [` + long + `]}`),
		"listing": doc(`{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [` + strings.Repeat(`"arn:aws:s3:::b/p/*",`, 20000) + strings.Join(res[:1000], ",") + `]}`),
	} {
		start := time.Now()
		CheckText([]byte(text), Options{})
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("%s (%d bytes): %s", name, len(text), d)
		} else {
			t.Logf("%s (%d bytes): %s", name, len(text), d)
		}
	}
}
