// Package flagvalue reads and checks the values of options: policy
// statements and policy documents (a file, standard input or the JSON
// itself), source networks, and any file read with a size cap. Names are
// checked by package names, lengths of time read by timespec. Its messages are the
// reference's, word for word, where the reference had them: scripts match
// them.
package flagvalue

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sort"
	"strings"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
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
	doc, err := pyjson.Decode([]byte(text))
	if err != nil {
		switch {
		case IsLiteralJSON(value):
			return "", errors.New("Invalid JSON string")
		case value == "-":
			return "", errors.New("Input contained invalid JSON")
		default:
			return "", errors.New("File contained invalid JSON")
		}
	}
	return text, checkPolicyShape(doc)
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

// checkPolicyShape refuses what IAM would refuse as a policy document
// whatever it holds: anything but an object whose Statement is an object
// or a list of objects. Checked before any change, it saves making a user
// only to undo it.
func checkPolicyShape(doc any) error {
	m, ok := doc.(pyjson.Map)
	if !ok {
		return errors.New("JSON must be an object")
	}
	switch st, _ := m.Get("Statement"); x := st.(type) {
	case pyjson.Map:
		return nil
	case []any:
		for i, s := range x {
			if _, ok := s.(pyjson.Map); !ok {
				return fmt.Errorf("statement %d of the policy is not a JSON object", i+1)
			}
		}
		return nil
	case nil:
		return errors.New("the policy has no Statement: it needs an object or a list of objects there")
	default:
		return errors.New("the policy's Statement must be an object or a list of objects")
	}
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
