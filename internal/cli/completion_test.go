package cli

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
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
	// rotate-key USERNAME completes one user name.
	r = e.ok("__complete", "rotate-key", "ca")
	if !strings.HasPrefix(r.Stdout, "carol\n:4\n") {
		t.Errorf("user completion %q", r.Stdout)
	}
	if r = e.ok("__complete", "rotate-key", "carol", ""); strings.Contains(r.Stdout, "dave") {
		t.Errorf("USERNAME takes one name, completed a second: %q", r.Stdout)
	}
	// Completion works the same for the completion scripts of every shell.
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if r := e.ok("completion", shell); !strings.Contains(r.Stdout, "s3-credentials") {
			t.Errorf("%s completion script: %q", shell, r.Stdout[:min(len(r.Stdout), 80)])
		}
	}
}

// Every command says explicitly what its arguments complete from: the
// argument names in Use are for people, and renaming one must not silently
// drop completion. Bucket and user arguments complete from AWS; nothing
// else asks AWS.
func TestCompletionIsDeclaredPerCommand(t *testing.T) {
	root := NewRootCmd(NewFactory(&IOStreams{}))
	for _, c := range root.Commands() {
		fields := strings.Fields(c.Use)
		names := false
		for _, arg := range fields[1:] {
			if strings.Contains(arg, "BUCKET") || strings.Contains(arg, "USERNAME") {
				names = true
			}
		}
		if names && c.ValidArgsFunction == nil {
			t.Errorf("%s takes %s but completes nothing", c.Name(), strings.Join(fields[1:], " "))
		}
		if !names && c.ValidArgsFunction != nil && c.Name() != "completion" && c.Name() != "help" {
			t.Errorf("%s completes names but takes none (%q)", c.Name(), c.Use)
		}
	}
}

// Every command belongs to one of the groups --help lists.
func TestEveryCommandHasAGroup(t *testing.T) {
	root := NewRootCmd(NewFactory(&IOStreams{}))
	for _, c := range root.Commands() {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if !root.ContainsGroup(c.GroupID) {
			t.Errorf("%s is in no group (GroupID %q)", c.Name(), c.GroupID)
		}
	}
}
