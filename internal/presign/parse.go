package presign

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MaxExpires is the longest a SigV4 presigned URL may live: 7 days.
const MaxExpires = 7 * 24 * time.Hour

var expiresPattern = regexp.MustCompile(`^([0-9]{1,9})([smhd]?)$`)

// ParseExpires reads a link's lifetime: a whole number of seconds, minutes,
// hours or days (3s, 15m, 1h, 7d; a bare number is seconds), more than zero
// and at most MaxExpires.
func ParseExpires(s string) (time.Duration, error) {
	m := expiresPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("'%s' is not a duration: use a whole number with s, m, h or d, such as 30s, 15m, 1h or 7d", s)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64) // at most 9 digits: no overflow below
	unit := map[string]time.Duration{"": time.Second, "s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
	d := time.Duration(n) * unit
	switch {
	case d <= 0:
		return 0, errors.New("a link must last at least 1 second")
	case d > MaxExpires:
		return 0, fmt.Errorf("'%s' is longer than 7 days, the most a SigV4 signature allows", s)
	}
	return d, nil
}

// sizeUnits are the units ParseSize knows, in lower case: SI (powers of
// 1000) and IEC (powers of 1024).
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

var sizePattern = regexp.MustCompile(`^([0-9]{1,15}(?:\.[0-9]{1,9})?)\s*([A-Za-z]*)$`)

// ParseSize reads a size in bytes: a plain number of bytes, or a number
// (decimals allowed) with an SI unit (KB, MB, GB, TB: powers of 1000) or an
// IEC one (KiB, MiB, GiB, TiB: powers of 1024), in any case. The result
// must be a whole number of bytes. K, M and G alone are refused as
// ambiguous.
func ParseSize(s string) (int64, error) {
	m := sizePattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("'%s' is not a size: use bytes, or a number with a unit such as 500KB, 10MB or 1GiB", s)
	}
	unit, ok := sizeUnits[strings.ToLower(m[2])]
	if !ok {
		return 0, fmt.Errorf("'%s' has an unknown unit '%s': use B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)", s, m[2])
	}
	n, ok := new(big.Rat).SetString(m[1])
	if !ok {
		return 0, fmt.Errorf("'%s' is not a size", s)
	}
	n.Mul(n, new(big.Rat).SetInt64(unit))
	if !n.IsInt() {
		return 0, fmt.Errorf("'%s' is not a whole number of bytes", s)
	}
	if !n.Num().IsInt64() {
		return 0, fmt.Errorf("'%s' is too large", s)
	}
	return n.Num().Int64(), nil
}

// FormatSize writes n bytes the way people read them: "10 MB (10000000 bytes)".
func FormatSize(n int64) string {
	type unit struct {
		name string
		size int64
	}
	for _, u := range []unit{{"TiB", 1 << 40}, {"TB", 1e12}, {"GiB", 1 << 30}, {"GB", 1e9}, {"MiB", 1 << 20}, {"MB", 1e6}, {"KiB", 1 << 10}, {"KB", 1e3}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s (%d bytes)", n/u.size, u.name, n)
		}
	}
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// FormatDuration writes d in the largest unit ParseExpires reads that
// holds it whole: 7d, 36h, 15m, 90s.
func FormatDuration(d time.Duration) string {
	for _, u := range []struct {
		name string
		size time.Duration
	}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}} {
		if d >= u.size && d%u.size == 0 {
			return fmt.Sprintf("%d%s", d/u.size, u.name)
		}
	}
	return fmt.Sprintf("%ds", int64(d/time.Second))
}
