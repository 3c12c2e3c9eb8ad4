package presign

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseExpires(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"3s": 3 * time.Second, "3": 3 * time.Second, "90": 90 * time.Second, "15m": 15 * time.Minute,
		"1h": time.Hour, "36h": 36 * time.Hour, "7d": MaxExpires, "604800s": MaxExpires, "10080m": MaxExpires, "168h": MaxExpires,
		"007d": MaxExpires, "1w": MaxExpires, "1.5h": 90 * time.Minute, "1h30m": 90 * time.Minute,
	} {
		if got, err := ParseExpires(in); err != nil || got != want {
			t.Errorf("ParseExpires(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "0s", "0d", "-1h", "8d", "604801", "169h", "1.5s", "2w", "1H", " 1h", "1h ", "h", "s",
		"9999999999d", "999999999d", "１h", "1e3", "0x10", "+5m"} {
		if got, err := ParseExpires(in); err == nil {
			t.Errorf("ParseExpires(%q) = %s, accepted", in, got)
		}
	}
}

func FuzzParseExpires(f *testing.F) {
	for _, s := range []string{"3s", "7d", "8d", "0", "999999999d", "1h\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseExpires(s)
		if err == nil && (d <= 0 || d > MaxExpires || d%time.Second != 0) {
			t.Fatalf("ParseExpires(%q) = %s", s, d)
		}
		if err != nil && d != 0 {
			t.Fatalf("ParseExpires(%q) = %s with an error", s, d)
		}
	})
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1": 1, "100": 100, "0": 0, "10B": 10, "1KB": 1000, "1kb": 1000, "1kB": 1000, "1KiB": 1024, "10MB": 10_000_000,
		"10 MB": 10_000_000, "1GiB": 1 << 30, "1gib": 1 << 30, "1.5GB": 1_500_000_000, "0.5KiB": 512, "5GiB": 5 << 30,
		"1TB": 1e12, "2TiB": 2 << 40, " 7MiB ": 7 << 20,
	} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "10M", "10K", "1G", "10 megabytes", "-1", "1.5B", "0.1KiB", "1e6", "1,000", "10MB5",
		"999999999999999TiB", "١٠MB", "10ＭB", ".5MB", "5.MB", "1PB"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, accepted", in, got)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"10MB", "1.5GiB", "999999999999999TiB", "0.000000001KB", "1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err == nil && n < 0 {
			t.Fatalf("ParseSize(%q) = %d", s, n)
		}
	})
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		10_000_000: "10 MB (10000000 bytes)", 1 << 30: "1 GiB (1073741824 bytes)", 1023: "1023 bytes", 1: "1 byte",
		1500: "1500 bytes", 5 << 30: "5 GiB (5368709120 bytes)",
	} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestScopeSessionPolicy(t *testing.T) {
	for _, tc := range []struct {
		req  Request
		want string
	}{
		{Request{Method: "GET", Bucket: "b", Key: "dir/file.txt"},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/dir/file.txt"}]}`},
		{Request{Method: "PUT", Bucket: "b", Key: `odd*key?$"\<é>`},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/odd${*}key${?}${$}\"\\\u003cé\u003e"}]}`},
	} {
		got := tc.req.Scope().SessionPolicy()
		if got != tc.want {
			t.Errorf("session policy\n%s\nwant\n%s", got, tc.want)
		}
		var doc struct {
			Statement []struct{ Resource string }
		}
		if err := json.Unmarshal([]byte(got), &doc); err != nil || len(doc.Statement) != 1 ||
			doc.Statement[0].Resource != "arn:aws:s3:::"+tc.req.Bucket+"/"+strings.NewReplacer("*", "${*}", "?", "${?}", "$", "${$}").Replace(tc.req.Key) {
			t.Errorf("does not read back: %v %+v", err, doc)
		}
	}
}

func TestSessionSeconds(t *testing.T) {
	for in, want := range map[time.Duration]int{
		3 * time.Second: 900, 15 * time.Minute: 900, 15*time.Minute + time.Second: 901, time.Hour: 3600, MaxSession: 43200,
	} {
		if got, err := SessionSeconds(in); err != nil || got != want {
			t.Errorf("SessionSeconds(%s) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := SessionSeconds(MaxSession + time.Second); err == nil {
		t.Error("a session over 12 hours accepted")
	}
}
