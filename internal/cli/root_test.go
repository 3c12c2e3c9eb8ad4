package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

// Every command that talks to AWS takes the common options, with the
// reference's short form -a for --auth.
func TestCommonAWSFlagsOnEveryAWSCommand(t *testing.T) {
	t.Parallel()
	root := NewRootCmd(NewFactory(&IOStreams{}))
	offline := map[string]bool{"policy": true, "help": true, "completion": true}
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
	// buildOrigin, not the global the release build stamps: other tests
	// run the root command, which reads it, at the same time.
	if got := version + " (" + buildOrigin("0123456789ab", nil) + ")"; got != version+" (commit 0123456789ab)" {
		t.Errorf("Version() = %q", got)
	}
}

// Without a stamped commit, --version says what the toolchain recorded:
// the commit of the checkout (and whether it had changes), the module
// version of a go install, or that no commit was recorded and which Go
// built it.
func TestVersionWithoutStampedCommit(t *testing.T) {
	t.Parallel()
	build := func(version string, settings ...string) *debug.BuildInfo {
		info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return info
	}
	rev := "8ecf95712345678901234567890abcdef0123456"
	for _, tc := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{build("(devel)", "vcs.revision", rev, "vcs.modified", "false"), "commit 8ecf95712345"},
		{build("(devel)", "vcs.revision", rev, "vcs.modified", "true"), "commit 8ecf95712345, with uncommitted changes"},
		{build("v1.2.3"), "module v1.2.3, go1.26.8"},
		{build("(devel)"), "no commit recorded: built outside a git checkout or with -buildvcs=false, by go1.26.8"},
		{nil, "no commit recorded"},
	} {
		if got := buildOrigin("", tc.info); got != tc.want {
			t.Errorf("buildOrigin = %q, want %q", got, tc.want)
		}
	}
	if got := buildOrigin("0123456789ab", build("(devel)", "vcs.revision", rev, "vcs.modified", "true")); got != "commit 0123456789ab" {
		t.Errorf("a stamped commit: %q", got)
	}
}
