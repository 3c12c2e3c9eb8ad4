// Package timespec reads and writes lengths of time and moments the one way
// every option of the tool takes them: a number of seconds (3600, 2.5), or
// numbers with units, s, m, h, d (24 hours) and w (7 days), alone or in a
// row (90m, 1.5h, 1h30m, 2w); and, where a moment makes sense, an RFC 3339
// time (2027-01-31T18:00:00Z). Each option checks its own range and says
// it in words with Range.
package timespec

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/names"
)

// Syntax is how messages describe what Parse reads.
const Syntax = "seconds (3600, 2.5), or a number with a unit s, m, h, d or w (90m, 1.5h, 1h30m, 30d, 2w)"

// Longest is the longest length Parse reads: far beyond any option's
// range, well inside what a time.Duration holds.
const Longest = 100 * 365 * 24 * time.Hour

var (
	bare  = regexp.MustCompile(`^[0-9]{1,15}(\.[0-9]{1,9})?$`)
	parts = regexp.MustCompile(`^([0-9]{1,15}(\.[0-9]{1,9})?[smhdw])+$`)
	part  = regexp.MustCompile(`([0-9]{1,15}(?:\.[0-9]{1,9})?)([smhdw])`)
	units = map[string]*big.Rat{
		"s": big.NewRat(int64(time.Second), 1),
		"m": big.NewRat(int64(time.Minute), 1),
		"h": big.NewRat(int64(time.Hour), 1),
		"d": big.NewRat(int64(24*time.Hour), 1),
		"w": big.NewRat(int64(7*24*time.Hour), 1),
	}
)

// SyntaxError is a value that is not a length of time.
type SyntaxError struct{ Value string }

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s is not a length of time: use %s", names.Quote(e.Value), Syntax)
}

// Parse reads a length of time. Fractions of a nanosecond are dropped;
// lengths beyond Longest are refused in words, never wrapped around.
func Parse(s string) (time.Duration, error) {
	total := new(big.Rat)
	switch {
	case bare.MatchString(s):
		n, _ := new(big.Rat).SetString(s)
		total.Mul(n, units["s"])
	case parts.MatchString(s):
		for _, m := range part.FindAllStringSubmatch(s, -1) {
			n, _ := new(big.Rat).SetString(m[1])
			total.Add(total, n.Mul(n, units[m[2]]))
		}
	default:
		return 0, &SyntaxError{s}
	}
	if total.Cmp(big.NewRat(int64(Longest), 1)) > 0 {
		return 0, fmt.Errorf("%s is longer than 100 years", names.Quote(s))
	}
	ns := new(big.Int).Quo(total.Num(), total.Denom())
	return time.Duration(ns.Int64()), nil
}

// RangeError is a length outside what an option allows.
type RangeError struct{ Value, Lo, Hi time.Duration }

func (e *RangeError) Error() string {
	return fmt.Sprintf("must be between %s and %s, not %s", Words(e.Lo), Words(e.Hi), Words(e.Value))
}

// Range checks that d lies within [lo, hi], saying otherwise in words:
// "must be between 15 minutes and 12 hours, not 5 minutes".
func Range(d, lo, hi time.Duration) error {
	if d < lo || d > hi {
		return &RangeError{d, lo, hi}
	}
	return nil
}

// Seconds reads a length that AWS takes in whole seconds, within [lo, hi]:
// a SyntaxError, a RangeError, or a fraction of a second refused.
func Seconds(s string, lo, hi time.Duration) (int, error) {
	d, err := Parse(s)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			return 0, err
		}
		return 0, &RangeError{Longest, lo, hi} // longer than Parse reads
	}
	if err := Range(d, lo, hi); err != nil {
		return 0, err
	}
	if d%time.Second != 0 {
		return 0, fmt.Errorf("%s is not a whole number of seconds", names.Quote(s))
	}
	return int(d / time.Second), nil
}

// ParseMoment reads a moment: a length of time from now, or an RFC 3339
// time. It is returned in UTC, to the second (as policies hold it), and
// must lie in the future, at most Longest away.
func ParseMoment(s string, now time.Time) (time.Time, error) {
	var t time.Time
	if d, err := Parse(s); err == nil {
		t = now.Add(d)
	} else if !errors.As(err, new(*SyntaxError)) {
		return time.Time{}, err
	} else if t, err = time.Parse(time.RFC3339, s); err != nil {
		return time.Time{}, fmt.Errorf("%s is neither a length of time (%s) nor a time such as 2027-01-31T18:00:00Z", names.Quote(s), Syntax)
	}
	t = t.UTC().Truncate(time.Second)
	switch {
	case !t.After(now):
		return time.Time{}, fmt.Errorf("%s is not in the future", t.Format(time.RFC3339))
	case t.Sub(now) > Longest:
		return time.Time{}, fmt.Errorf("%s is more than 100 years away", t.Format(time.RFC3339))
	}
	return t, nil
}

// Words writes a length for people: "15 minutes", "12 hours", "1 hour 30
// minutes", "2.5 seconds", "1 millisecond".
func Words(d time.Duration) string {
	if d < time.Second {
		if d%time.Millisecond == 0 {
			return plural(int64(d/time.Millisecond), "millisecond")
		}
		return fmt.Sprintf("%g seconds", d.Seconds())
	}
	if d%time.Second != 0 {
		return fmt.Sprintf("%g seconds", d.Seconds())
	}
	var out []string
	for _, u := range []struct {
		size time.Duration
		name string
	}{{7 * 24 * time.Hour, "week"}, {24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		if n := d / u.size; n > 0 {
			out = append(out, plural(int64(n), u.name))
			d -= n * u.size
		}
	}
	return strings.Join(out, " ")
}

// Short writes d in the largest unit of days, hours and minutes that holds
// it whole, else in seconds: 7d, 36h, 15m, 90s.
func Short(d time.Duration) string {
	for _, u := range []struct {
		name string
		size time.Duration
	}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}} {
		if d >= u.size && d%u.size == 0 {
			return fmt.Sprintf("%d%s", d/u.size, u.name)
		}
	}
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", int64(d/time.Second))
	}
	return fmt.Sprintf("%gs", d.Seconds())
}

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
