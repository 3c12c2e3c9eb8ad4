// Package cli holds the cobra commands: one file per command, each binding
// its flags into an options struct and calling into the packages that do
// the work. It is the only package that knows about cobra, and the one place
// that turns an error into a message and an exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

// Set at build time with -ldflags "-X ...cli.version=... -X ...cli.commit=...".
var (
	version = "0.17.0-go"
	commit  = ""
)

// Version is the build's version and what is known of where it came from:
// the commit (set by the release build, or recorded by go build in a git
// checkout), else the module version (go install ...@VERSION), else that
// no commit was recorded, with the Go version that built it.
func Version() string {
	info, _ := debug.ReadBuildInfo()
	return version + " (" + buildOrigin(commit, info) + ")"
}

// buildOrigin says where a build came from; stamped is the commit the
// release build sets, info what the Go toolchain recorded (nil: nothing).
func buildOrigin(stamped string, info *debug.BuildInfo) string {
	if stamped != "" {
		return "commit " + stamped
	}
	if info == nil {
		return "no commit recorded"
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; len(rev) >= 12 {
		origin := "commit " + rev[:12]
		if settings["vcs.modified"] == "true" {
			origin += ", with uncommitted changes"
		}
		return origin
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return "module " + v + ", " + info.GoVersion
	}
	return "no commit recorded: built outside a git checkout or with -buildvcs=false, by " + info.GoVersion
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "s3-credentials",
		Short: "Create scoped credentials for S3 buckets",
		Long: `A tool for creating credentials for accessing S3 buckets.

Credentials are narrowly scoped: to the buckets named, to read-write,
read-only or write-only access, optionally to a key prefix, and either
permanent (an IAM user with an access key) or temporary (15 minutes to
12 hours, through STS AssumeRole).`,
		Version:       Version(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate("s3-credentials, version {{.Version}}\n")
	root.SetUsageTemplate(usageTemplate)
	root.SetFlagErrorFunc(flagError)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetIn(f.IO.In)
	root.CompletionOptions.HiddenDefaultCmd = false

	root.AddGroup(
		&cobra.Group{ID: groupCredentials, Title: "Credentials:"},
		&cobra.Group{ID: groupAccount, Title: "Account:"},
		&cobra.Group{ID: groupBuckets, Title: "Buckets:"},
		&cobra.Group{ID: groupObjects, Title: "Objects:"},
		&cobra.Group{ID: groupSharing, Title: "Sharing:"},
	)
	for _, add := range commands() {
		root.AddCommand(add(f))
	}
	// ExitCode words unknown commands as click does, without suggestions;
	// working them out took a minute for a 1 MB argument.
	root.DisableSuggestions = true
	strictCompletion(root)
	checkArgs(root)
	return root
}

// The groups --help lists the commands in; every command names its own
// (TestEveryCommandHasAGroup).
const (
	groupCredentials = "credentials"
	groupAccount     = "account"
	groupBuckets     = "buckets"
	groupObjects     = "objects"
	groupSharing     = "sharing"
)

// live is a command's constructor as the tool uses it: with no runF, so
// the command does its work.
func live[O any](newCmd func(*Factory, func(*O) error) *cobra.Command) func(*Factory) *cobra.Command {
	return func(f *Factory) *cobra.Command { return newCmd(f, nil) }
}

// commands lists every subcommand's constructor, the one place the command
// list is written. --help sorts them by name within their group.
func commands() []func(*Factory) *cobra.Command {
	return []func(*Factory) *cobra.Command{
		live(NewCmdAudit),
		live(NewCmdGetBucketPolicy),
		live(NewCmdSetBucketPolicy),
		live(NewCmdCheckPolicy),
		live(NewCmdGetCORSPolicy),
		live(NewCmdSetCORSPolicy),
		live(NewCmdCreate),
		live(NewCmdCreateRole),
		live(NewCmdDebugBucket),
		live(NewCmdDeleteBucket),
		live(NewCmdDeleteObjects),
		live(NewCmdDeleteUser),
		live(NewCmdGetObject),
		live(NewCmdGetObjects),
		live(NewCmdListBucket),
		live(NewCmdListBuckets),
		live(NewCmdListRoles),
		live(NewCmdListUserPolicies),
		live(NewCmdListUsers),
		live(NewCmdLocalserver),
		live(NewCmdPolicy),
		live(NewCmdPresign),
		live(NewCmdPresignPost),
		live(NewCmdPrune),
		live(NewCmdSetPublic),
		live(NewCmdSetPrivate),
		live(NewCmdGetPublicAccessBlock),
		live(NewCmdSetPublicAccessBlock),
		live(NewCmdPutObject),
		live(NewCmdPutObjects),
		live(NewCmdRevokeSessions),
		live(NewCmdRotateKey),
		live(NewCmdWhoami),
	}
}

// Run executes the tool with args and returns the process exit code.
func Run(ctx context.Context, args []string, streams *IOStreams) int {
	return execute(ctx, NewFactory(streams), args)
}

// execute is Run with a factory the caller made: tests give one run its own
// settings on it (a default endpoint, a shorter retry backoff) instead of
// changing the environment or package variables, so runs can go in parallel.
func execute(ctx context.Context, f *Factory, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(f.IO.ErrOut, "Error: internal error: %v\n", r)
			code = 1
		}
	}()
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	watch := watchStreams(f, stop)
	root := NewRootCmd(f)
	root.SetArgs(args)
	if c, _, err := root.Find(args); err == nil {
		watch.commandIs(c)
	}
	cmd, err := root.ExecuteContextC(ctx)
	quiet, err := watch.outcome(ctx, err)
	if quiet {
		return exitOutputClosed
	}
	return ExitCode(err, cmd, f.IO.ErrOut)
}

// ExitCode prints err as the user should see it and returns the exit code:
// 0 for success, 2 for usage errors (with a usage hint), 1 for the rest.
func ExitCode(err error, cmd *cobra.Command, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ue *UsageError
	if !errors.As(err, &ue) {
		msg := err.Error()
		if strings.HasPrefix(msg, "unknown command ") {
			name := strings.SplitN(msg, `"`, 3)
			if len(name) == 3 {
				ue = &UsageError{Cmd: cmd, Msg: fmt.Sprintf("No such command '%s'.", name[1])}
			}
		} else if strings.Contains(msg, "accepts") && strings.Contains(msg, "arg(s)") {
			ue = &UsageError{Cmd: cmd, Msg: msg}
		}
	}
	if ue != nil {
		c := ue.Cmd
		if c == nil {
			c = cmd
		}
		if c != nil {
			path := c.CommandPath()
			fmt.Fprintf(stderr, "Usage: %s\nTry '%s --help' for help.\n\n", usageLine(c), path)
		}
		fmt.Fprintf(stderr, "Error: %s\n", ue.Msg)
		return 2
	}
	fmt.Fprintf(stderr, "Error: %s\n", awsclient.ErrorMessage(err))
	return 1
}

// usageLine is click's "s3-credentials create [OPTIONS] BUCKETS..." form.
func usageLine(c *cobra.Command) string {
	use := c.Use
	args := ""
	if i := strings.IndexByte(use, ' '); i >= 0 {
		args = " " + use[i+1:]
	}
	if c.HasSubCommands() {
		return c.CommandPath() + " [OPTIONS] COMMAND [ARGS]..."
	}
	return c.CommandPath() + " [OPTIONS]" + args
}
