package cli

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/spf13/cobra"
)

func TestCompletionOfBucketAndUserNames(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("alpha-bucket")
	e.makeBucket("alpine-bucket")
	e.makeBucket("beta-bucket")
	r := e.ok("__complete", "create", "al")
	if !strings.HasPrefix(r.Stdout, "alpha-bucket\nalpine-bucket\n:4\n") {
		t.Errorf("create completion %q", r.Stdout)
	}
	// BUCKETS... completes again, without names already given.
	r = e.ok("__complete", "create", "alpha-bucket", "")
	if !strings.HasPrefix(r.Stdout, "alpine-bucket\nbeta-bucket\n:4\n") {
		t.Errorf("second bucket completion %q", r.Stdout)
	}
	for _, name := range []string{"carol", "dave"} {
		e.Clients.IAM.CreateUser(e.ctx(), &iam.CreateUserInput{UserName: aws.String(name)})
	}
	f := e.factory(&IOStreams{})
	root := NewRootCmd(f)
	for _, c := range root.Commands() {
		if strings.HasPrefix(c.Use, "whoami") && c.ValidArgsFunction != nil {
			t.Error("whoami takes no names but completes them")
		}
	}
	probe := &cobra.Command{Use: "probe USERNAME"}
	root.AddCommand(probe)
	addNameCompletion(f, root)
	probe.SetContext(e.ctx())
	names, directive := probe.ValidArgsFunction(probe, nil, "ca")
	if strings.Join(names, ",") != "carol" || directive != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("user completion %v %v", names, directive)
	}
	if names, _ := probe.ValidArgsFunction(probe, []string{"carol"}, ""); names != nil {
		t.Errorf("USERNAME takes one name, completed a second: %v", names)
	}
	// Completion works the same for the completion scripts of every shell.
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if r := e.ok("completion", shell); !strings.Contains(r.Stdout, "s3-credentials") {
			t.Errorf("%s completion script: %q", shell, r.Stdout[:min(len(r.Stdout), 80)])
		}
	}
}
