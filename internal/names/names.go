// Package names checks the names users give before any request is sent:
// buckets (any, and new ones), object keys and key prefixes, IAM user and
// role names (one pattern for both) and role ARNs; and quotes a value for
// a message (Quote).
package names

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Checks of the names users give: buckets, object keys, IAM users and
// roles, key prefixes. Each error reads as the reason a value was refused,
// to follow "Invalid value for 'BUCKET': ", and quotes the value with Quote.

// BucketNameError says why a name cannot be a bucket's.
type BucketNameError struct {
	Name string
	// New says the name was checked as the name of a bucket to create.
	New    bool
	reason string
}

func (e *BucketNameError) Error() string {
	switch {
	case e.Name == "":
		return "the bucket name is empty"
	case e.New:
		return Quote(e.Name) + " cannot be the name of a new bucket: " + e.reason
	}
	return Quote(e.Name) + " is not a bucket name: " + e.reason
}

var (
	// Any bucket, legacy names included (capitals, underscores, up to 255
	// characters: what us-east-1 once allowed).
	anyBucketName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	// A new bucket, as S3 names them today.
	newBucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	ipAddress     = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)
)

// Prefixes and suffixes S3 reserves: no new bucket may use them. Existing
// names may (an access point alias, ending in -s3alias, is used as a bucket
// name), so they are refused only for new buckets.
var (
	reservedBucketPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	reservedBucketSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}
)

// CheckBucketName refuses what cannot name any bucket, new or old: bucket
// names are 3 to 255 letters, digits, dots, hyphens and underscores.
func CheckBucketName(name string) error {
	switch {
	case name == "":
		return &BucketNameError{Name: name}
	case len(name) < 3 || len(name) > 255:
		return &BucketNameError{Name: name, reason: "bucket names are 3 to 255 characters long"}
	case !anyBucketName.MatchString(name):
		return &BucketNameError{Name: name, reason: "bucket names use only letters, digits, dots, hyphens and underscores"}
	}
	return nil
}

// CheckNewBucketName applies S3's rules for the name of a bucket to
// create, which are stricter than what older buckets may be called.
func CheckNewBucketName(name string) error {
	if err := CheckBucketName(name); err != nil {
		return err
	}
	bad := func(reason string) error { return &BucketNameError{Name: name, New: true, reason: reason} }
	switch {
	case len(name) > 63:
		return bad("new bucket names are 3 to 63 characters long")
	case !newBucketName.MatchString(name):
		return bad("new bucket names use lowercase letters, digits, dots and hyphens, and start and end with a letter or digit")
	case strings.Contains(name, ".."):
		return bad("new bucket names may not hold two dots in a row")
	case ipAddress.MatchString(name):
		return bad("new bucket names may not look like an IP address")
	}
	for _, p := range reservedBucketPrefixes {
		if strings.HasPrefix(name, p) {
			return bad("the prefix '" + p + "' is reserved by S3")
		}
	}
	for _, s := range reservedBucketSuffixes {
		if strings.HasSuffix(name, s) {
			return bad("the suffix '" + s + "' is reserved by S3")
		}
	}
	return nil
}

// MaxKeyBytes is the longest object key S3 accepts.
const MaxKeyBytes = 1024

// CheckKey refuses what S3 cannot store as an object key: nothing, text
// that is not UTF-8, or more than 1024 bytes.
func CheckKey(key string) error {
	switch {
	case key == "":
		return errors.New("the key is empty")
	case !utf8.ValidString(key):
		return fmt.Errorf("%s is not an object key: keys are UTF-8 text", Quote(key))
	case len(key) > MaxKeyBytes:
		return fmt.Errorf("%s is not an object key: keys are at most %d bytes long", Quote(key), MaxKeyBytes)
	}
	return nil
}

// iamName is IAM's pattern for user and role names.
var iamName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// CheckUserName refuses what IAM cannot take as a user name.
func CheckUserName(name string) error { return checkIAMName("user", name) }

// CheckRoleName refuses what IAM cannot take as a role name.
func CheckRoleName(name string) error { return checkIAMName("role", name) }

func checkIAMName(kind, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("the %s name is empty", kind)
	case !iamName.MatchString(name):
		return fmt.Errorf("%s is not an IAM %s name: %s names are 1 to 64 letters, digits and _+=,.@- characters", Quote(name), kind, kind)
	}
	return nil
}

// CheckPrefix checks a key prefix credentials are limited to. An empty one
// would silently mean the whole bucket; "*" says so explicitly.
func CheckPrefix(prefix string) error {
	switch {
	case prefix == "":
		return errors.New("an empty prefix would allow the whole bucket; leave --prefix out, or give '*', to mean that")
	case !utf8.ValidString(prefix):
		return fmt.Errorf("%s is not a key prefix: keys are UTF-8 text", Quote(prefix))
	case len(prefix) > MaxKeyBytes:
		return fmt.Errorf("%s is not a key prefix: keys are at most %d bytes long", Quote(prefix), MaxKeyBytes)
	}
	return nil
}

// quoteShown is how much of a value messages show.
const quoteShown = 64

// Quote renders a value for a message: in single quotes when it is plain
// printable text, else as a Go string literal with escapes, so that no
// control character or newline in it reaches the terminal as such; values
// over 64 bytes are cut, with their length.
func Quote(s string) string {
	shown, cut := s, ""
	if len(s) > quoteShown {
		n := quoteShown
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		shown, cut = s[:n]+"...", fmt.Sprintf(" (%d bytes)", len(s))
	}
	if plain(shown) {
		return "'" + shown + "'" + cut
	}
	return strconv.Quote(shown) + cut
}

func plain(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\'' || r == '\\' || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
