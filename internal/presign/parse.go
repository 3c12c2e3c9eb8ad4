package presign

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/timespec"
)

// MaxExpires is the longest a SigV4 presigned URL may live: 7 days.
const MaxExpires = 7 * 24 * time.Hour

// ParseExpires reads a link's lifetime, as every length of time is read
// (timespec: 3s, 15m, 1h, 7d; a bare number is seconds), in whole seconds,
// from 1 second to MaxExpires.
func ParseExpires(s string) (time.Duration, error) {
	n, err := timespec.Seconds(s, time.Second, MaxExpires)
	if err != nil {
		var bounds *timespec.RangeError
		if errors.As(err, &bounds) && bounds.Value > MaxExpires {
			return 0, fmt.Errorf("'%s' is longer than 7 days, the most a SigV4 signature allows", s)
		}
		if errors.As(err, &bounds) {
			return 0, errors.New("a link must last at least 1 second")
		}
		return 0, err
	}
	return time.Duration(n) * time.Second, nil
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
