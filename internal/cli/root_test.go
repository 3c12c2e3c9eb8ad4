package cli

import (
	"strings"
	"testing"
)

// Every command that talks to AWS takes the common options, with the
// reference's short form -a for --auth.
func TestCommonAWSFlagsOnEveryAWSCommand(t *testing.T) {
	t.Parallel()
	root := NewRootCmd(NewFactory(&IOStreams{}))
	offline := map[string]bool{"policy": true, "check-policy": true, "help": true, "completion": true}
	for _, c := range root.Commands() {
		if offline[c.Name()] {
			continue
		}
		for _, name := range awsFlagNames {
			if c.Flags().Lookup(name) == nil {
				t.Errorf("%s has no --%s", c.Name(), name)
			}
		}
		if f := c.Flags().Lookup("auth"); f != nil && f.Shorthand != "a" {
			t.Errorf("%s: --auth shorthand %q", c.Name(), f.Shorthand)
		}
	}
}

func TestHelpListsAWSOptionsApart(t *testing.T) {
	t.Parallel()
	r := run(t, "", "create", "--help")
	if r.Code != 0 {
		t.Fatalf("exit %d", r.Code)
	}
	opts := strings.Index(r.Stdout, "\nOptions:\n")
	aws := strings.Index(r.Stdout, "\nAWS options:\n")
	if opts < 0 || aws < opts {
		t.Fatalf("help sections missing or out of order:\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stdout[aws:], "--endpoint-url") || strings.Contains(r.Stdout[opts:aws], "--endpoint-url") {
		t.Errorf("--endpoint-url in the wrong section:\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stdout[opts:aws], "--duration") {
		t.Errorf("--duration missing from Options:\n%s", r.Stdout)
	}
}

func TestVersionNamesTheCommit(t *testing.T) {
	t.Parallel()
	old := commit
	defer func() { commit = old }()
	commit = "0123456789ab"
	if got := Version(); got != version+" (commit 0123456789ab)" {
		t.Errorf("Version() = %q", got)
	}
}
