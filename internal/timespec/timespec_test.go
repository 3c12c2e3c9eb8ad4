package timespec

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

func TestParse(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"0": 0, "3600": time.Hour, "2.5": 2500 * time.Millisecond, "0.001": time.Millisecond, "0.0001": 100 * time.Microsecond,
		"45s": 45 * time.Second, "90m": 90 * time.Minute, "1.5h": 90 * time.Minute, "1h30m": 90 * time.Minute,
		"30d": 30 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "1w2d3h4m5s": (9*24+3)*time.Hour + 4*time.Minute + 5*time.Second,
		"007d": 7 * 24 * time.Hour, "5200w": 5200 * 7 * 24 * time.Hour,
	} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", " 1h", "1h ", "1H", "1y", "-5m", "+5m", "1e9", "1_000", "0x10", "1.h", ".5h", "h", "1 h",
		"１h", "\u0660", "1h-30m", "1.2.3", "5ms", "NaN", "Inf"} {
		var se *SyntaxError
		if got, err := Parse(in); !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %s, %v; want a syntax error", in, got, err)
		}
	}
	// Beyond 100 years: refused in words, never wrapped around.
	for _, in := range []string{"32000w", "15251w", "999999999999999d", "3200000000000"} {
		if got, err := Parse(in); err == nil || !strings.Contains(err.Error(), "longer than 100 years") {
			t.Errorf("Parse(%q) = %s, %v", in, got, err)
		}
	}
}

func TestSeconds(t *testing.T) {
	lo, hi := 15*time.Minute, 12*time.Hour
	for in, want := range map[string]int{"900": 900, "15m": 900, "0.25h": 900, "12h": 43200, "720m": 43200, "1h30m": 5400} {
		if got, err := Seconds(in, lo, hi); err != nil || got != want {
			t.Errorf("Seconds(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	var re *RangeError
	for _, in := range []string{"899", "14m", "13h", "1d", "0", "32000w"} {
		if _, err := Seconds(in, lo, hi); !errors.As(err, &re) {
			t.Errorf("Seconds(%q): %v, want a range error", in, err)
		}
	}
	if _, err := Seconds("900.5", lo, hi); err == nil || err.Error() != `'900.5' is not a whole number of seconds` {
		t.Errorf("a fraction: %v", err)
	}
	if _, err := Seconds("5m", lo, hi); err == nil || err.Error() != "must be between 15 minutes and 12 hours, not 5 minutes" {
		t.Errorf("range words: %v", err)
	}
}

func TestParseMoment(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 500, time.UTC)
	for in, want := range map[string]string{
		"90m":                       "2026-11-27T13:30:00Z",
		"12h":                       "2026-11-28T00:00:00Z",
		"30d":                       "2026-12-27T12:00:00Z",
		"2w":                        "2026-12-11T12:00:00Z",
		"3600":                      "2026-11-27T13:00:00Z",
		"2027-01-31T18:00:00Z":      "2027-01-31T18:00:00Z",
		"2027-01-31T18:00:00+01:00": "2027-01-31T17:00:00Z",
		"2027-01-31T18:00:00.9Z":    "2027-01-31T18:00:00Z",
	} {
		got, err := ParseMoment(in, now)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("ParseMoment(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"2020-01-01T00:00:00Z": "2020-01-01T00:00:00Z is not in the future",
		"0m":                   "is not in the future",
		"":                     "is neither a length of time",
		"1y":                   "is neither a length of time",
		"-5d":                  "is neither a length of time",
		"2027-01-31":           "is neither a length of time",
		"32000w":               "'32000w' is longer than 100 years",
		"15251w":               "'15251w' is longer than 100 years",
		"2200-01-01T00:00:00Z": "2200-01-01T00:00:00Z is more than 100 years away",
	} {
		if got, err := ParseMoment(in, now); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseMoment(%q) = %v, %v; want %q", in, got, err, msg)
		}
	}
}

func TestWordsAndShort(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Millisecond: "1 millisecond", 2500 * time.Millisecond: "2.5 seconds", time.Second: "1 second",
		15 * time.Minute: "15 minutes", 90 * time.Minute: "1 hour 30 minutes", 12 * time.Hour: "12 hours",
		8 * 24 * time.Hour: "1 week 1 day", 100 * time.Microsecond: "0.0001 seconds",
	} {
		if got := Words(d); got != want {
			t.Errorf("Words(%s) = %q, want %q", d, got, want)
		}
	}
	for d, want := range map[time.Duration]string{
		3 * time.Second: "3s", 90 * time.Second: "90s", 15 * time.Minute: "15m", time.Hour: "1h", 36 * time.Hour: "36h",
		7 * 24 * time.Hour: "7d", 61 * time.Minute: "61m", 1500 * time.Millisecond: "1.5s",
	} {
		if got := Short(d); got != want {
			t.Errorf("Short(%s) = %q, want %q", d, got, want)
		}
		if back, err := Parse(want); err != nil || back != d {
			t.Errorf("%q reads back as %s, %v", want, back, err)
		}
	}
}

// Hostile values: read within bounds or refused, never a panic or a wrap.
func FuzzSeconds(f *testing.F) {
	for _, s := range []string{"900", "15m", "1h", "12h", "43200s", "1h30m", "0.5h", "", "-15m", "999999999999999999999999h", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Seconds(s, 15*time.Minute, 12*time.Hour)
		if err != nil {
			if n != 0 {
				t.Fatalf("Seconds(%q) = %d with an error", s, n)
			}
			return
		}
		if n < 900 || n > 43200 {
			t.Fatalf("Seconds(%q) = %d, outside 15m..12h", s, n)
		}
		if back, err := Seconds(Short(time.Duration(n)*time.Second), 15*time.Minute, 12*time.Hour); err != nil || back != n {
			t.Fatalf("Seconds(%q) = %d, which reads back as %d, %v", s, n, back, err)
		}
	})
}
