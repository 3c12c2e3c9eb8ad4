package names

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBucketNames(t *testing.T) {
	for _, tc := range []struct {
		name          string
		anyErr, isNew string // "" accepted
	}{
		{"my-bucket", "", ""},
		{"a.b-c9", "", ""},
		{"abc", "", ""},
		{strings.Repeat("b", 63), "", ""},
		{"", "the bucket name is empty", "the bucket name is empty"},
		{"ab", "'ab' is not a bucket name: bucket names are 3 to 255 characters long", "same"},
		{strings.Repeat("b", 255), "", "cannot be the name of a new bucket: new bucket names are 3 to 63 characters long"},
		{strings.Repeat("b", 256), "is not a bucket name: bucket names are 3 to 255 characters long", "same"},
		{"MyBucket", "", "'MyBucket' cannot be the name of a new bucket: new bucket names use lowercase letters, digits, dots and hyphens, and start and end with a letter or digit"},
		{"legacy_name", "", "new bucket names use lowercase"},
		{"-abc", "", "start and end with a letter or digit"},
		{"abc.", "", "start and end with a letter or digit"},
		{"a..b", "", "'a..b' cannot be the name of a new bucket: new bucket names may not hold two dots in a row"},
		{"192.168.5.4", "", "new bucket names may not look like an IP address"},
		{"192.168.5.4x", "", ""},
		{"xn--abc", "", "the prefix 'xn--' is reserved by S3"},
		{"sthree-abc", "", "the prefix 'sthree-' is reserved by S3"},
		{"amzn-s3-demo-abc", "", "the prefix 'amzn-s3-demo-' is reserved by S3"},
		{"amzn-s3-abc", "", ""},
		{"abc-s3alias", "", "the suffix '-s3alias' is reserved by S3"},
		{"abc--ol-s3", "", "the suffix '--ol-s3' is reserved by S3"},
		{"abc.mrap", "", "the suffix '.mrap' is reserved by S3"},
		{"abc--usw2-az1--x-s3", "", "the suffix '--x-s3' is reserved by S3"},
		{"abc--table-s3", "", "the suffix '--table-s3' is reserved by S3"},
		{"abc-s3", "", ""},
		{"a/b", "'a/b' is not a bucket name: bucket names use only letters, digits, dots, hyphens and underscores", "same"},
		{"a b", "bucket names use only letters", "same"},
		{"caf\u00e9", "bucket names use only letters", "same"},
		{"ab\xff", "\"ab\\xff\" is not a bucket name", "same"},
		{"abc\n", "\"abc\\n\" is not a bucket name", "same"},
	} {
		check := func(what string, err error, want string) {
			t.Helper()
			switch {
			case want == "" && err != nil:
				t.Errorf("%s(%q): %v", what, tc.name, err)
			case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
				t.Errorf("%s(%q): %v, want %q", what, tc.name, err, want)
			}
		}
		check("CheckBucketName", CheckBucketName(tc.name), tc.anyErr)
		isNew := tc.isNew
		if isNew == "same" {
			isNew = tc.anyErr
		}
		check("CheckNewBucketName", CheckNewBucketName(tc.name), isNew)
	}
}

func TestKeysNamesAndPrefixes(t *testing.T) {
	for _, tc := range []struct {
		check func(string) error
		in    string
		want  string
	}{
		{CheckKey, "a", ""},
		{CheckKey, "../$(x) ;|`\n", ""},
		{CheckKey, strings.Repeat("k", 1024), ""},
		{CheckKey, "", "the key is empty"},
		{CheckKey, strings.Repeat("k", 1025), "keys are at most 1024 bytes long"},
		{CheckKey, strings.Repeat("é", 513), "keys are at most 1024 bytes long"},
		{CheckKey, "a\xffb", `"a\xffb" is not an object key: keys are UTF-8 text`},
		{CheckUserName, "alice+x=y,z.w@v_u-t", ""},
		{CheckUserName, strings.Repeat("u", 64), ""},
		{CheckUserName, "", "the user name is empty"},
		{CheckUserName, strings.Repeat("u", 65), "user names are 1 to 64"},
		{CheckUserName, "a b", "'a b' is not an IAM user name"},
		{CheckUserName, "a/b", "is not an IAM user name"},
		{CheckRoleName, "", "the role name is empty"},
		{CheckRoleName, "r;x", "'r;x' is not an IAM role name: role names are"},
		{CheckPrefix, "reports/", ""},
		{CheckPrefix, "*", ""},
		{CheckPrefix, "", "an empty prefix would allow the whole bucket"},
		{CheckPrefix, "\xff", "is not a key prefix: keys are UTF-8 text"},
		{CheckPrefix, strings.Repeat("p", 1025), "keys are at most 1024 bytes long"},
	} {
		err := tc.check(tc.in)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%.20q: %v", tc.in, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%.20q: %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                 "'plain'",
		"":                      "''",
		"$(touch x); `y` | z":   "'$(touch x); `y` | z'",
		"it's":                  `"it's"`,
		"a\nb":                  `"a\nb"`,
		"a\x1b[31mred":          `"a\x1b[31mred"`,
		"\xff":                  `"\xff"`,
		strings.Repeat("a", 64): "'" + strings.Repeat("a", 64) + "'",
		strings.Repeat("a", 65): "'" + strings.Repeat("a", 64) + "...' (65 bytes)",
		// A cut never splits a character.
		"a" + strings.Repeat("é", 40): "'a" + strings.Repeat("é", 31) + "...' (81 bytes)",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%.20q) = %s, want %s", in, got, want)
		}
	}
}

// Whatever the value, a quoted one is one short line of valid UTF-8, and a
// name fit for a new bucket is fit for any.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"", "my-bucket", "a\nb", "\xff\xfe", "xn--x", "MyBucket", strings.Repeat("é", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Quote(s)
		if strings.ContainsAny(q, "\n\r") || !utf8.ValidString(q) || len(q) > 4*quoteShown+32 {
			t.Errorf("Quote(%q) = %q", s, q)
		}
		if CheckNewBucketName(s) == nil && CheckBucketName(s) != nil {
			t.Errorf("%q: fit for a new bucket, not for an existing one", s)
		}
		for _, check := range []func(string) error{CheckBucketName, CheckNewBucketName, CheckKey, CheckUserName, CheckRoleName, CheckPrefix} {
			if err := check(s); err != nil && strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("%q: message with a line break: %q", s, err)
			}
		}
	})
}
