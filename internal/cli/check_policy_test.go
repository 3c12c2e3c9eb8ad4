package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/policycheck"
)

// The flags and the argument become options, without running the check.
func TestCheckPolicyOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want CheckPolicyOptions
	}{
		{[]string{"p.json"}, CheckPolicyOptions{Policy: "p.json", Kind: policycheck.UserPolicy}},
		{[]string{"-", "--kind", "session", "--json"}, CheckPolicyOptions{Policy: "-", Kind: policycheck.SessionPolicy, JSON: true}},
		{[]string{"--kind=bucket", `{"Statement": []}`}, CheckPolicyOptions{Policy: `{"Statement": []}`, Kind: policycheck.BucketPolicy}},
		{[]string{"p.json", "--kind", "role"}, CheckPolicyOptions{Policy: "p.json", Kind: policycheck.RolePolicy}},
		{[]string{"p.json", "--analyzer"}, CheckPolicyOptions{Policy: "p.json", Kind: policycheck.UserPolicy, Analyzer: true}},
	} {
		var got *CheckPolicyOptions
		cmd := NewCmdCheckPolicy(NewFactory(&IOStreams{}), func(o *CheckPolicyOptions) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		cmd.SetOut(&bytes.Buffer{})
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got.AccessAnalyzer == nil {
			t.Errorf("%v: no way to reach Access Analyzer", tc.args)
		}
		type flags struct {
			Policy         string
			Kind           policycheck.Kind
			JSON, Analyzer bool
		}
		if (flags{got.Policy, got.Kind, got.JSON, got.Analyzer} != flags{tc.want.Policy, tc.want.Kind, tc.want.JSON, tc.want.Analyzer}) {
			t.Errorf("%v: options %+v, want %+v", tc.args, *got, tc.want)
		}
	}
}

const checkPolicyBad = `{
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObjekt", "s3:ListBucket"], "Resource": "arn:aws:s3:::my-bucket"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/reports/*"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::my-bucket"}
    ]
}
`

// What check-policy writes, in words and in JSON, byte for byte, and its
// exit codes: 1 with an error-level finding, 0 with warnings or nothing.
func TestCheckPolicyOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	noErr(t, os.WriteFile(bad, []byte(checkPolicyBad), 0o644))
	generated := run(t, "", "policy", "my-bucket", "--prefix", "reports/", "--read-only")
	if generated.Code != 0 {
		t.Fatal(generated.Stderr)
	}
	public := run(t, "", "policy", "my-bucket", "--public-bucket").Stdout
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"bad.txt", "", []string{"check-policy", bad}, 1},
		{"bad.json", "", []string{"check-policy", bad, "--json"}, 1},
		{"generated.txt", generated.Stdout, []string{"check-policy", "-"}, 0},
		{"generated.json", generated.Stdout, []string{"check-policy", "-", "--json", "--kind", "session"}, 0},
		{"public.txt", public, []string{"check-policy", "-", "--kind", "bucket"}, 0},
		{"principal.txt", public, []string{"check-policy", "-"}, 1},
		{"not-json.txt", "", []string{"check-policy", `{"Version": "2012-10-17", "Statement": [}`}, 1},
		{"not-json.json", "", []string{"check-policy", `{"Version": "2012-10-17", "Statement": [}`, "--json"}, 1},
	} {
		r := run(t, tc.stdin, tc.args...)
		if r.Code != tc.code {
			t.Errorf("%s: exit %d, want %d; stderr %s", tc.name, r.Code, tc.code, r.Stderr)
		}
		golden(t, filepath.Join("check-policy", tc.name), r.Stdout)
		wantErr := ""
		if tc.code == 1 {
			wantErr = "Error: The policy has "
		}
		if (wantErr == "") != (r.Stderr == "") || !strings.HasPrefix(r.Stderr, wantErr) || strings.Count(r.Stderr, "\n") > 1 {
			t.Errorf("%s: stderr %q", tc.name, r.Stderr)
		}
	}
	if r := run(t, "", "check-policy", bad); r.Stderr != "Error: The policy has 2 errors and 2 warnings\n" {
		t.Errorf("stderr %q", r.Stderr)
	}
}

// A policy that cannot be read, and wrong options, are usage errors
// (exit 2), told apart from a policy with errors (exit 1).
func TestCheckPolicyUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.json")
	noErr(t, os.WriteFile(huge, bytes.Repeat([]byte(" "), 1<<20+1), 0o644))
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"check-policy"}, "Error: Missing argument 'POLICY'.\n"},
		{"", []string{"check-policy", "a.json", "b.json"}, "Error: Got unexpected extra argument (b.json)\n"},
		{"", []string{"check-policy", filepath.Join(dir, "missing.json")}, "Error: Invalid value for 'POLICY': '" + filepath.Join(dir, "missing.json") + "': File not found.\n"},
		{"", []string{"check-policy", dir}, "Error: Invalid value for 'POLICY': '" + dir + "': is a directory.\n"},
		{"", []string{"check-policy", huge}, "Error: Invalid value for 'POLICY': '" + huge + "': File is larger than 1 MiB, far beyond any policy or credentials file.\n"},
		{strings.Repeat(" ", 1<<20+1), []string{"check-policy", "-"}, "Error: Invalid value for 'POLICY': '-': Input is larger than 1 MiB, far beyond any policy or credentials file.\n"},
		{"", []string{"check-policy", "p.json", "--kind", "group"}, "Error: Invalid value for '--kind': 'group' is not one of 'user', 'role', 'session', 'bucket'.\n"},
		{"", []string{"check-policy", "p.json", "--kind", ""}, "Error: Invalid value for '--kind': '' is not one of 'user', 'role', 'session', 'bucket'.\n"},
		{"", []string{"check-policy", "p.json", "--jsn"}, "Error: No such option '--jsn'.\n"},
	} {
		r := run(t, tc.stdin, tc.args...)
		if r.Code != 2 || r.Stdout != "" || !strings.HasSuffix(r.Stderr, tc.want) || !strings.HasPrefix(r.Stderr, "Usage: s3-credentials check-policy [OPTIONS] POLICY\n") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, r.Code, r.Stdout, r.Stderr, tc.want)
		}
	}
}

// check-policy needs no AWS without --analyzer: it runs with no
// credentials and no endpoint, and offers --kind's values for completion.
func TestCheckPolicyIsOffline(t *testing.T) {
	t.Parallel()
	root := NewRootCmd(NewFactory(&IOStreams{}))
	cmd, _, err := root.Find([]string{"check-policy"})
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Flags().Lookup("endpoint-url") == nil || cmd.Flags().Lookup("analyzer") == nil {
		t.Error("check-policy lacks --analyzer and the AWS options it uses")
	}
	if r := run(t, "", "check-policy", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}`, "--endpoint-url", "http://127.0.0.1:9"); r.Code != 0 || r.Stderr != "" {
		t.Errorf("without --analyzer: exit %d, stderr %q", r.Code, r.Stderr)
	}
	r := run(t, "", "__complete", "check-policy", "p.json", "--kind", "")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "user\nrole\nsession\nbucket\n:4\n") {
		t.Errorf("--kind <TAB>: exit %d %q", r.Code, r.Stdout)
	}
}
