package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// Tests of the names and values the tool refuses before any request: bucket
// names, keys, user names, --prefix, --tag, completion shells.

// runAt runs the tool with srv as the endpoint of every AWS call.
func runAt(t *testing.T, srv *refusingServer, args ...string) result {
	t.Helper()
	return run(t, "", append(args, "--endpoint-url", srv.URL)...)
}

// usageError asserts exit 2 with want in the one Error: line, nothing on
// standard output, and no request made.
func usageError(t *testing.T, r result, srv *refusingServer, want string) {
	t.Helper()
	checkNoCrash(t, r.Code, r.Stdout, r.Stderr)
	if r.Code != 2 || !strings.Contains(r.Stderr, "\nError: "+want) || !strings.HasPrefix(r.Stderr, "Usage: ") {
		t.Errorf("exit %d stderr %q, want a usage error with %q", r.Code, r.Stderr, want)
	}
	if r.Stdout != "" {
		t.Errorf("stdout %q", r.Stdout)
	}
	if srv != nil {
		if got := srv.got(); len(got) > 0 {
			t.Errorf("requests sent: %v", got)
		}
	}
}

// The commands of the report, each of which sent a request for bucket ”
// (delete-bucket sent DELETE / and printed "Deleted bucket: ").
func TestEmptyBucketNameSendsNoRequest(t *testing.T) {
	for _, args := range [][]string{
		{"delete-bucket", ""},
		{"set-cors-policy", ""},
		{"delete-objects", "", "x"},
		{"list-bucket", ""},
		{"get-objects", ""},
		{"get-object", "", "k"},
		{"put-object", "", "k", "-"},
		{"debug-bucket", ""},
		{"create", "", "-c"},
		{"localserver", "", "-d", "15m"},
		{"list-buckets", "ok-bucket", ""},
	} {
		t.Run(args[0], func(t *testing.T) {
			srv := newRefusingServer(t)
			r := runAt(t, srv, args...)
			name := "BUCKET"
			switch args[0] {
			case "create", "localserver":
				name = "BUCKETS..."
			case "list-buckets":
				name = "[BUCKETS]..."
			}
			usageError(t, r, srv, "Invalid value for '"+name+"': the bucket name is empty.")
		})
	}
	// No policy for bucket "" either: it named the resource arn:aws:s3:::.
	usageError(t, run(t, "", "policy", ""), nil, "Invalid value for 'BUCKETS...': the bucket name is empty.")
}

// Keys, user names and role names: empty (or, for keys, not what S3
// accepts) is refused before any request.
func TestEmptyNamesSendNoRequest(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"get-object", "bkt", ""}, "Invalid value for 'KEY': the key is empty."},
		{[]string{"put-object", "bkt", "", "-"}, "Invalid value for 'KEY': the key is empty."},
		{[]string{"delete-objects", "bkt", "a", ""}, "Invalid value for '[KEYS]...': the key is empty."},
		{[]string{"delete-objects", "bkt", "a", "\r"}, "Invalid value for '[KEYS]...': the key is empty."},
		{[]string{"get-objects", "bkt", ""}, "Invalid value for '[KEYS]...': the key is empty."},
		{[]string{"get-object", "bkt", strings.Repeat("k", 1025)}, "Invalid value for 'KEY': '" + strings.Repeat("k", 64) + "...' (1025 bytes) is not an object key: keys are at most 1024 bytes long."},
		{[]string{"get-object", "bkt", "a\xffb"}, `Invalid value for 'KEY': "a\xffb" is not an object key: keys are UTF-8 text.`},
		{[]string{"rotate-key", ""}, "Invalid value for 'USERNAME': the user name is empty."},
		{[]string{"delete-user", "alice", ""}, "Invalid value for 'USERNAMES...': the user name is empty."},
		{[]string{"delete-user", "a b"}, "Invalid value for 'USERNAMES...': 'a b' is not an IAM user name: user names are 1 to 64 letters, digits and _+=,.@- characters."},
		{[]string{"list-user-policies", ""}, "Invalid value for '[USERNAMES]...': the user name is empty."},
		{[]string{"list-roles", "r/x"}, "Invalid value for '[ROLE_NAMES]...': 'r/x' is not an IAM role name: role names are 1 to 64 letters, digits and _+=,.@- characters."},
		{[]string{"create", "bkt", "--username", ""}, "Invalid value for '--username': the user name is empty."},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			srv := newRefusingServer(t)
			usageError(t, runAt(t, srv, tc.args...), srv, tc.want)
		})
	}
}

// Names no bucket can have, new or old: S3 names are 3 to 255 characters
// of letters, digits, dots, hyphens and underscores, even legacy ones.
func TestBucketNamesNoBucketCanHave(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"ab", "'ab' is not a bucket name: bucket names are 3 to 255 characters long."},
		{strings.Repeat("b", 256), "'" + strings.Repeat("b", 64) + "...' (256 bytes) is not a bucket name: bucket names are 3 to 255 characters long."},
		{"a/b", "'a/b' is not a bucket name: bucket names use only letters, digits, dots, hyphens and underscores."},
		{"Bad*Name", "'Bad*Name' is not a bucket name: bucket names use only letters, digits, dots, hyphens and underscores."},
		{"tab\tbucket", `"tab\tbucket" is not a bucket name: bucket names use only letters, digits, dots, hyphens and underscores.`},
		{"nul\x00bucket", `"nul\x00bucket" is not a bucket name: bucket names use only letters, digits, dots, hyphens and underscores.`},
	} {
		for _, args := range [][]string{
			{"create", tc.name, "--dry-run"},
			{"create", tc.name, "-c", "--dry-run"},
			{"policy", tc.name},
			{"list-bucket", tc.name},
		} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				srv := newRefusingServer(t)
				if args[0] == "list-bucket" {
					usageError(t, runAt(t, srv, args...), srv, "Invalid value for 'BUCKET': "+tc.want)
					return
				}
				usageError(t, run(t, "", args...), nil, "Invalid value for 'BUCKETS...': "+tc.want)
			})
		}
	}
}

// A legacy name (capitals, underscores, over 63 characters) can name an
// existing bucket, so it is accepted where a bucket is used; it can never
// name a new one, so `create -c --dry-run`, which shows every bucket being
// created, refuses it as the real run refuses to create it.
func TestCreateDryRunAppliesTheNewBucketRules(t *testing.T) {
	for _, name := range []string{"MyBucket", "legacy_name", strings.Repeat("l", 64)} {
		if r := run(t, "", "create", name, "--dry-run", "--username", "u1"); r.Code != 0 {
			t.Errorf("create %s --dry-run: exit %d %s", name, r.Code, r.Stderr)
		}
		if r := run(t, "", "policy", name); r.Code != 0 {
			t.Errorf("policy %s: exit %d %s", name, r.Code, r.Stderr)
		}
		r := run(t, "", "create", name, "-c", "--dry-run", "--username", "u1")
		usageError(t, r, nil, "Invalid value for 'BUCKETS...': '"+name[:min(len(name), 64)]+"' cannot be the name of a new bucket: ")
	}
}

// S3 reserves some prefixes and suffixes; a new bucket may not use them.
func TestReservedBucketNamesRefusedForNewBuckets(t *testing.T) {
	for _, tc := range []struct{ name, reserved string }{
		{"xn--bucket", "the prefix 'xn--' is reserved by S3"},
		{"sthree-bucket", "the prefix 'sthree-' is reserved by S3"},
		{"sthree-configurator-x", "the prefix 'sthree-' is reserved by S3"},
		{"amzn-s3-demo-bucket", "the prefix 'amzn-s3-demo-' is reserved by S3"},
		{"bucket-s3alias", "the suffix '-s3alias' is reserved by S3"},
		{"bucket--ol-s3", "the suffix '--ol-s3' is reserved by S3"},
		{"bucket.mrap", "the suffix '.mrap' is reserved by S3"},
		{"bucket--use1-az4--x-s3", "the suffix '--x-s3' is reserved by S3"},
		{"bucket--table-s3", "the suffix '--table-s3' is reserved by S3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "", "create", tc.name, "-c", "--dry-run")
			usageError(t, r, nil, "Invalid value for 'BUCKETS...': '"+tc.name+"' cannot be the name of a new bucket: "+tc.reserved)
			// Without -c the bucket is one that exists (an access point
			// alias is used like a bucket name): accepted.
			if r := run(t, "", "create", tc.name, "--dry-run"); r.Code != 0 {
				t.Errorf("without -c: exit %d %s", r.Code, r.Stderr)
			}
		})
	}
}

// --prefix ” granted the whole bucket without saying so; every command that
// builds credentials or policies from --prefix refuses it.
func TestEmptyPrefixRefused(t *testing.T) {
	root := NewRootCmd(NewFactory(&IOStreams{}))
	tested := 0
	for _, c := range allCommands(root) {
		fl := c.Flags().Lookup("prefix")
		if fl == nil || fl.Value.Type() != "stringArray" {
			continue // a key prefix for listing or uploading, where '' is no prefix
		}
		tested++
		t.Run(c.Name(), func(t *testing.T) {
			srv := newRefusingServer(t)
			args := append(append([]string{c.Name()}, requiredArgs(c)...), requiredFlags[c.Name()]...)
			if c.Flags().Lookup("dry-run") != nil {
				args = append(args, "--dry-run")
			}
			args = append(args, "--prefix", "reports/", "--prefix", "")
			if c.Flags().Lookup("endpoint-url") != nil {
				args = append(args, "--endpoint-url", srv.URL)
			}
			usageError(t, run(t, "", args...), srv, "Invalid value for '--prefix': an empty prefix would allow the whole bucket; leave --prefix out, or give '*', to mean that.")
		})
	}
	if tested < 3 {
		t.Errorf("only %d commands take credential prefixes; create, policy and localserver do", tested)
	}
	// '*' says the whole bucket explicitly.
	if r := run(t, "", "policy", "bkt", "--prefix", "*"); r.Code != 0 {
		t.Errorf("--prefix '*': exit %d %s", r.Code, r.Stderr)
	}
}

// Duplicate --tag keys dropped one tag silently. IAM and STS take tag keys
// that differ only in case as the same key, so those are duplicates too.
func TestDuplicateTagKeysRefused(t *testing.T) {
	root := NewRootCmd(NewFactory(&IOStreams{}))
	tested := 0
	for _, c := range allCommands(root) {
		if fl := c.Flags().Lookup("tag"); fl == nil {
			continue
		}
		tested++
		for _, tc := range []struct {
			tags []string
			want string
		}{
			{[]string{"team=a", "env=x", "team=b"}, "tag key 'team' is given twice (team=a, team=b)."},
			{[]string{"Team=a", "team=a"}, "tag key 'Team' is given twice (Team=a, team=a): AWS takes keys that differ only in case as one."},
		} {
			t.Run(c.Name()+" "+strings.Join(tc.tags, " "), func(t *testing.T) {
				srv := newRefusingServer(t)
				args := append(append([]string{c.Name()}, requiredArgs(c)...), requiredFlags[c.Name()]...)
				for _, tag := range tc.tags {
					args = append(args, "--tag", tag)
				}
				usageError(t, runAt(t, srv, args...), srv, "Invalid value for '--tag': "+tc.want)
			})
		}
	}
	if tested == 0 {
		t.Error("no command takes --tag")
	}
}

// Tags AWS would refuse are refused before any request.
func TestTagValuesAWSRefuses(t *testing.T) {
	for _, tc := range []struct{ tag, want string }{
		{"team", "expected KEY=VALUE, got 'team'"},
		{"=x", "expected KEY=VALUE, got '=x'"},
		{"aws:team=x", "tag keys starting with 'aws:' are reserved by AWS"},
		{"AWS:team=x", "tag keys starting with 'aws:' are reserved by AWS"},
		{"team=$(touch x)", `tag value for 'team' may hold only letters, digits, spaces and _.:/=+-@, not '$(touch x)'`},
		{"te;am=x", `tag key may hold only letters, digits, spaces and _.:/=+-@, not 'te;am'`},
		{"team=\xff", `tag value for 'team' may hold only letters, digits, spaces and _.:/=+-@, not "\xff"`},
	} {
		t.Run(tc.tag, func(t *testing.T) {
			srv := newRefusingServer(t)
			usageError(t, runAt(t, srv, "create", "bkt", "--tag", tc.tag), srv, "Invalid value for '--tag': "+tc.want)
		})
	}
	// What AWS accepts passes: letters of any script, spaces, the punctuation.
	if r := run(t, "", "create", "bkt", "--dry-run", "--tag", "Équipe Data=a b:c/d_e.f+g-h@i=j"); r.Code != 0 {
		t.Errorf("exit %d %s", r.Code, r.Stderr)
	}
}

// A value echoed in a usage error is quoted: a newline in it cannot start a
// line of its own that reads like another message.
func TestUsageErrorsQuoteTheValue(t *testing.T) {
	const v = "x\nError: injected"
	for _, args := range [][]string{
		{"list-bucket", v},
		{"get-object", "bkt", "\xff" + v},
		{"delete-user", v},
		{"create", "bkt", "--dry-run", "--tag", v},
		{"create", "bkt", "--dry-run", "--tag", "k=" + v},
		{"create", "bkt", "--dry-run", "--prefix", "\xff" + v},
		{"create", "bkt", "--dry-run", "--format", v},
		{"completion", v},
	} {
		r := run(t, "", args...)
		checkNoCrash(t, r.Code, r.Stdout, r.Stderr)
		if r.Code != 2 || !strings.Contains(r.Stderr, `\nError: injected`) {
			t.Errorf("%q: exit %d, stderr %q: want the value quoted", args, r.Code, r.Stderr)
		}
	}
}

// Every argument of every command is checked by its name before the
// command runs, or explicitly left to the command (file paths): a new
// argument name must be given a check.
func TestEveryArgumentNameHasACheck(t *testing.T) {
	root := NewRootCmd(NewFactory(&IOStreams{}))
	for _, c := range root.Commands() {
		for _, n := range argNames(c) {
			if _, ok := argChecks[argBase(n)]; !ok {
				t.Errorf("%s: argument %s has no entry in argChecks", c.Name(), n)
			}
		}
	}
}

// `completion tcsh` printed the help and exited 0.
func TestCompletionOfAnUnknownShell(t *testing.T) {
	for _, shell := range []string{"tcsh", "csh", "sh", "ksh", "cmd", "Bash", "", "bash zsh"} {
		r := run(t, "", "completion", shell)
		usageError(t, r, nil, "Invalid value for 'SHELL': ")
		if !strings.Contains(r.Stderr, "is not one of 'bash', 'fish', 'powershell', 'zsh'.") {
			t.Errorf("%q: the shells are not named: %q", shell, r.Stderr)
		}
	}
	if r := run(t, "", "completion", "bash", "extra"); r.Code != 2 {
		t.Errorf("completion bash extra: exit %d", r.Code)
	}
	// Still: the script for a known shell, and help without one.
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if r := run(t, "", "completion", shell); r.Code != 0 || !strings.Contains(r.Stdout, "s3-credentials") {
			t.Errorf("completion %s: exit %d", shell, r.Code)
		}
	}
	if r := run(t, "", "completion"); r.Code != 0 || !strings.Contains(r.Stdout, "bash") {
		t.Errorf("completion: exit %d %q", r.Code, r.Stdout)
	}
}

// --format completes to the formats, on every command that has it (the
// shell keeps those that match what was typed).
func TestFormatFlagCompletes(t *testing.T) {
	root := NewRootCmd(NewFactory(&IOStreams{}))
	tested := 0
	for _, c := range allCommands(root) {
		fl := c.Flags().Lookup("format")
		if fl == nil {
			continue
		}
		tested++
		r := run(t, "", "__complete", c.Name(), "x", "--format", "")
		if r.Code != 0 || !strings.HasPrefix(r.Stdout, "json\nini\nenv\n:4\n") {
			t.Errorf("%s --format <TAB>: exit %d %q", c.Name(), r.Code, r.Stdout)
		}
	}
	if tested < 2 {
		t.Errorf("only %d commands have --format; create and rotate-key do", tested)
	}
}

// Huge arguments are refused as fast as small ones: an unknown command or
// help topic of 1 MB took a minute to find "did you mean" suggestions.
func TestHugeUnknownCommandIsQuick(t *testing.T) {
	huge := strings.Repeat("a", 1<<20)
	for _, args := range [][]string{{huge}, {"help", huge}} {
		start := time.Now()
		r := run(t, "", args...)
		checkNoCrash(t, r.Code, r.Stdout, r.Stderr)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%.10s...: %s", args, d)
		}
	}
}

// requiredArgs are valid values for a command's required arguments, as its
// Use line names them.
func requiredArgs(c *cobra.Command) []string {
	var args []string
	for _, n := range argNames(c) {
		if strings.HasPrefix(n, "[") {
			break
		}
		switch argBase(n) {
		case "BUCKET":
			args = append(args, "bkt")
		case "ROLE_NAME":
			args = append(args, "app")
		case "USERNAME":
			args = append(args, "user")
		default:
			args = append(args, "k.txt")
		}
	}
	return args
}
