// Package input reads and checks the values users give on the command
// line: policy statements, policy files, durations. Its messages are the
// reference's, word for word, where the reference had them: scripts match
// them.
package input

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/pyjson"
)

// MaxSize caps a policy, a statement or a credentials file: far above any
// real one (IAM allows a few kilobytes of policy), small enough that
// /dev/zero or a wrong file fails at once instead of filling memory.
const MaxSize = 1 << 20

// TooLargeError is input over MaxSize.
type TooLargeError struct{}

func (*TooLargeError) Error() string {
	return "larger than 1 MiB, far beyond any policy or credentials file"
}

// ReadLimited reads r to its end, failing as soon as it has read more than
// MaxSize bytes.
func ReadLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, &TooLargeError{}
	}
	return data, nil
}

// ReadFile reads the file at path, or stdin for "-", with ReadLimited.
func ReadFile(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return ReadLimited(stdin)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := ReadLimited(f)
	if err != nil {
		var pe *os.PathError
		if !errors.As(err, &pe) && !errors.As(err, new(*TooLargeError)) {
			err = &os.PathError{Op: "read", Path: path, Err: err}
		}
	}
	return data, err
}

// ParseStatement validates a --statement value: a JSON object holding at
// least Effect, Action and Resource. It returns the object with its member
// order kept.
func ParseStatement(text string) (pyjson.Map, error) {
	if len(text) > MaxSize {
		return nil, errors.New("Statement is " + (&TooLargeError{}).Error())
	}
	v, err := pyjson.Decode([]byte(text))
	if err != nil {
		return nil, errors.New("Invalid JSON string")
	}
	m, ok := v.(pyjson.Map)
	if !ok {
		return nil, errors.New("JSON must be an object")
	}
	var missing []string
	for _, k := range []string{"Effect", "Action", "Resource"} {
		if _, ok := m.Get(k); !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, errors.New("Statement JSON missing required keys: " + strings.Join(missing, ", "))
	}
	return m, nil
}

// ReadPolicy resolves a --policy value: literal JSON when it starts with "{",
// otherwise a file path, or "-" for stdin. It returns the JSON text, checked
// to parse.
func ReadPolicy(value string, stdin io.Reader) (string, error) {
	text, err := ReadPolicyText(value, stdin)
	if err != nil {
		return "", err
	}
	if _, err := pyjson.Decode([]byte(text)); err != nil {
		switch {
		case IsLiteralJSON(value):
			return "", errors.New("Invalid JSON string")
		case value == "-":
			return "", errors.New("Input contained invalid JSON")
		default:
			return "", errors.New("File contained invalid JSON")
		}
	}
	return text, nil
}

// IsLiteralJSON reports whether a --policy value is the policy itself
// rather than where to read it: text starting with "{".
func IsLiteralJSON(value string) bool { return strings.HasPrefix(strings.TrimSpace(value), "{") }

// ReadPolicyText resolves a --policy value as ReadPolicy does, without
// checking that the text is JSON: for callers that report what is wrong
// with it themselves.
func ReadPolicyText(value string, stdin io.Reader) (string, error) {
	if IsLiteralJSON(value) {
		if len(value) > MaxSize {
			return "", errors.New("JSON string is " + (&TooLargeError{}).Error())
		}
		return value, nil
	}
	data, err := ReadFile(value, stdin)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", errors.New("File not found")
		}
		var tl *TooLargeError
		if errors.As(err, &tl) {
			if value == "-" {
				return "", errors.New("Input is " + tl.Error())
			}
			return "", errors.New("File is " + tl.Error())
		}
		return "", err
	}
	return string(data), nil
}

var durationPattern = regexp.MustCompile(`^(\d+)(m|h|s)?$`)

// Duration bounds of AssumeRole as the tool allows them.
const (
	MinDurationSeconds = 15 * 60
	MaxDurationSeconds = 12 * 60 * 60
)

// ParseDuration reads a --duration value: N or Ns seconds, Nm minutes, Nh
// hours, between 15 minutes and 12 hours. It returns seconds.
func ParseDuration(value string) (int, error) {
	m := durationPattern.FindStringSubmatch(value)
	if m == nil {
		return 0, errors.New("Duration must be of form 3600s or 15m or 2h")
	}
	outOfRange := errors.New("Duration must be between 15 minutes and 12 hours")
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n > MaxDurationSeconds {
		return 0, outOfRange // too many digits is out of range too
	}
	switch m[2] {
	case "m":
		n *= 60
	case "h":
		n *= 3600
	}
	if n < MinDurationSeconds || n > MaxDurationSeconds {
		return 0, outOfRange
	}
	return int(n), nil
}

// ParseSourceIP reads a --source-ip value: a CIDR block, or a bare address
// meaning that address alone (/32, or /128 for IPv6). Host bits are
// cleared ("10.1.2.3/8" is "10.0.0.0/8"), as IAM compares networks.
func ParseSourceIP(value string) (string, error) {
	if p, err := netip.ParsePrefix(value); err == nil {
		return p.Masked().String(), nil
	}
	if a, err := netip.ParseAddr(value); err == nil && a.Zone() == "" {
		return netip.PrefixFrom(a, a.BitLen()).String(), nil
	}
	return "", fmt.Errorf("%q is not an IP address or a CIDR block such as 203.0.113.0/24", value)
}

var expiresPattern = regexp.MustCompile(`^(\d{1,6})(m|h|d|w)$`)

// ParseExpires reads an --expires value: a duration from now (90m, 12h,
// 30d, 2w) or a time in RFC 3339 (2027-01-31T18:00:00Z, or with an
// offset). The time must lie in the future. It is returned in UTC,
// whole seconds (as policies hold it).
func ParseExpires(value string, now time.Time) (time.Time, error) {
	var t time.Time
	if m := expiresPattern.FindStringSubmatch(value); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}[m[2]]
		t = now.Add(time.Duration(n) * unit)
	} else {
		var err error
		if t, err = time.Parse(time.RFC3339, value); err != nil {
			return time.Time{}, fmt.Errorf("%q is neither a duration (90m, 12h, 30d, 2w) nor a time such as 2027-01-31T18:00:00Z", value)
		}
	}
	t = t.UTC().Truncate(time.Second)
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("%s is not in the future", t.Format(time.RFC3339))
	}
	return t, nil
}
