package cli

// Credentials that are missing, unreadable, empty or endless.

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingURL answers every request with an HTML page and counts them:
// a run that should fail before calling AWS must leave it at 0.
func countingURL(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	return answeringURL(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		portal(w, r)
	}), &n
}

// -a with a file that cannot be read is a usage error, worded as click.File
// words it; one that never ends is refused after 1 MiB.
func TestHostileAuthFileUnreadable(t *testing.T) {
	dir := t.TempDir()
	ep, calls := countingURL(t)
	usage := "Usage: s3-credentials whoami [OPTIONS]\nTry 's3-credentials whoami --help' for help.\n\n"
	for _, tc := range []struct {
		path, stdin, msg string
	}{
		{filepath.Join(dir, "MISSING"), "", "'" + filepath.Join(dir, "MISSING") + "': No such file or directory"},
		{dir, "", "'" + dir + "': Is a directory"},
		{"/dev/zero", "", "'/dev/zero': larger than 1 MiB, far beyond any policy or credentials file"},
		{"-", strings.Repeat("[p]\naws_access_key_id = x\n", 50000), "'-': larger than 1 MiB, far beyond any policy or credentials file"},
	} {
		if _, err := os.Stat(tc.path); tc.path == "/dev/zero" && err != nil {
			continue
		}
		start := time.Now()
		r := run(t, tc.stdin, "whoami", "-a", tc.path, "--endpoint-url", ep)
		want := usage + "Error: Invalid value for '-a' / '--auth': " + tc.msg + "\n"
		if r.Code != 2 || r.Stderr != want || r.Stdout != "" {
			t.Errorf("-a %s: exit %d\nstderr %q\nwant   %q", tc.path, r.Code, r.Stderr, want)
		}
		if took := time.Since(start); took > slack(0) {
			t.Errorf("-a %s took %v", tc.path, took)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests were made", n)
	}
}

// An --auth file that holds no keys is an error: falling back to the
// environment's credentials (set in these tests) would act as someone else.
func TestHostileAuthFileWithoutKeys(t *testing.T) {
	dir := t.TempDir()
	ep, calls := countingURL(t)
	for name, content := range map[string]string{
		"empty":         "",
		"blank":         "\n  \n",
		"object":        "{}",
		"array":         "[]",
		"json other":    `{"UserName": "alice", "Status": "Active"}`,
		"json nulls":    `{"AccessKeyId": null, "SecretAccessKey": null}`,
		"ini no key":    "[default]\nregion = us-east-1\n",
		"ini empty key": "[default]\naws_access_key_id =\naws_secret_access_key =\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
			os.WriteFile(path, []byte(content), 0o600)
			for _, args := range [][]string{{"-a", path}, {"-a", "-"}} {
				r := run(t, content, append([]string{"whoami", "--endpoint-url", ep}, args...)...)
				shown := "'" + path + "'"
				if args[1] == "-" {
					shown = "on standard input"
				}
				want := "Error: --auth file " + shown + " holds no credentials: it needs JSON with AccessKeyId and SecretAccessKey, or an INI section with aws_access_key_id and aws_secret_access_key\n"
				if r.Code != 1 || r.Stderr != want {
					t.Errorf("%v: exit %d\nstderr %q\nwant   %q", args, r.Code, r.Stderr, want)
				}
			}
		})
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests were made", n)
	}
}

// noCredentials empties every place credentials come from.
func noCredentials(t *testing.T) {
	t.Helper()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(k, "")
	}
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, nil, 0o600)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
	t.Setenv("AWS_CONFIG_FILE", empty)
}

// No credentials anywhere: every command says so at once and where it
// looked, whatever the instance metadata does.
func TestHostileNoCredentials(t *testing.T) {
	noCredentials(t)
	ep, calls := countingURL(t)
	files := os.Getenv("AWS_SHARED_CREDENTIALS_FILE")
	for _, tc := range []struct {
		name   string
		imds   func(t *testing.T) string // "" disables it
		reason string
	}{
		{"metadata disabled", nil, "turned off by AWS_EC2_METADATA_DISABLED"},
		{"metadata refuses", refusingURL, "no answer, so not on EC2"},
		{"metadata silent", silentURL, "no answer, so not on EC2"},
		{"metadata without a role", func(t *testing.T) string {
			return answeringURL(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPut {
					w.WriteHeader(http.StatusForbidden) // no IMDSv2 token
					return
				}
				w.WriteHeader(http.StatusNotFound)
			})
		}, "no instance role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.imds == nil {
				t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			} else {
				t.Setenv("AWS_EC2_METADATA_DISABLED", "")
				t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", tc.imds(t))
			}
			want := regexp.MustCompile(`^Error: no AWS credentials found\. Looked for them in: the environment \(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\); ` +
				`profile "default" in ` + regexp.QuoteMeta(files) + ` and ` + regexp.QuoteMeta(files) + `; the EC2 instance metadata \(` + regexp.QuoteMeta(tc.reason) + `\)\. ` +
				`Give them with --access-key and --secret-key, --auth FILE or --profile NAME, or in one of those places$`)
			for _, args := range [][]string{{"whoami"}, {"list-bucket", "bkt"}, {"create", "bkt"}} {
				r, took := runTimed(t, append(args, "--endpoint-url", ep)...)
				checkFailure(t, r, want)
				if took > slack(2*time.Second) {
					t.Errorf("%v took %v", args, took)
				}
			}
		})
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests were made without credentials", n)
	}
}

// A profile that does not exist is named, with the files it was looked for in.
func TestHostileMissingProfile(t *testing.T) {
	noCredentials(t)
	files := os.Getenv("AWS_SHARED_CREDENTIALS_FILE")
	r := run(t, "", "whoami", "--profile", "nope")
	want := "Error: profile \"nope\" not found in " + files + " or " + files + "\n"
	if r.Code != 1 || r.Stderr != want {
		t.Errorf("exit %d stderr %q, want %q", r.Code, r.Stderr, want)
	}
}
