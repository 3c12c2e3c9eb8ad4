package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/timespec"
	"github.com/s3-credentials/s3-credentials/internal/users"
)

// PruneOptions are what `prune` needs.
type PruneOptions struct {
	IO       *IOStreams
	Clients  func(context.Context) (*awsclient.Clients, error)
	Context  context.Context
	Steps    message.Steps
	DryRun   bool
	PageSize int32
	// UnusedFor is --unused-for (zero: not given).
	UnusedFor time.Duration
}

// Shortest and longest --unused-for: IAM learns of a key's use within
// hours, so anything shorter than a day could delete a key in use.
const (
	minUnusedFor = 24 * time.Hour
	maxUnusedFor = timespec.Longest
)

// NewCmdPrune deletes the users whose --expires time has passed and, with
// --unused-for, the keys and users the tool made that nobody uses.
func NewCmdPrune(f *Factory, runF func(*PruneOptions) error) *cobra.Command {
	opts := &PruneOptions{IO: f.IO, Clients: f.Clients}
	var unusedFor string
	cmd := &cobra.Command{
		Use:     "prune",
		GroupID: groupAccount,
		Short:   "Delete the users whose credentials have expired",
		Long: `Delete every IAM user tagged ` + credentials.ExpiresTag + ` (as create --expires
tags the users it makes) with a time in the past, with its access keys and
inline policies.

With --unused-for (a length of time: 90d, 12w; at least a day) also delete
the access keys that s3-credentials made and that have not been used for
that long (never used: made that long ago), and then the users it made that
are left with no access key. How long is measured by IAM's clock, from
what IAM says of each key's last use, whatever this machine's clock says.
create and rotate-key mark each key they make with a tag on its user
(` + credentials.KeyTagPrefix + `KEYID) and each user create makes with
` + credentials.CreatedTag + `: keys and users without the mark (made by
someone else, or by versions before marks) are never touched.

Only users that hold nothing but what create makes (inline policies and
access keys) are deleted: one that also has a console password (login
profile), group memberships, attached managed policies, MFA devices, SSH
public keys, signing certificates or inline policies named otherwise is
named on standard error and left alone, since tagging a user takes less
permission than deleting it.

What is deleted goes to standard output, one per line: a user's name, or a
user's name and an access key ID; the steps, and why each was deleted, to
standard error. With --dry-run nothing is deleted, and the lines are what
would be. A user that another run (an overlapping prune) deletes meanwhile
is reported as such, and is not an error.`,
		Example: `  s3-credentials prune --dry-run
  s3-credentials prune

  # Also the keys nobody has used for 90 days, saying why
  s3-credentials prune --unused-for 90d --dry-run`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkPageSize(cmd, opts.PageSize); err != nil {
				return err
			}
			if cmd.Flags().Changed("unused-for") {
				d, err := timespec.Parse(unusedFor)
				if err == nil {
					err = timespec.Range(d, minUnusedFor, maxUnusedFor)
				}
				if err != nil {
					return badParam(cmd, "unused-for", err.Error())
				}
				opts.UnusedFor = d
			}
			opts.Context = cmd.Context()
			opts.Steps = f.steps(false)
			if runF != nil {
				return runF(opts)
			}
			return runPrune(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "List what would be deleted, and why, deleting nothing")
	cmd.Flags().StringVar(&unusedFor, "unused-for", "", "Also delete the keys s3-credentials made that went unused this long (90d), and its users left keyless")
	addPageSize(cmd, &opts.PageSize)
	f.AddAWSFlags(cmd)
	return cmd
}

func runPrune(opts *PruneOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	p := &users.Pruner{
		IAM: c.IAM, Steps: &opts.Steps, Report: opts.IO.ErrOut,
		DryRun: opts.DryRun, PageSize: opts.PageSize, Now: time.Now(), UnusedFor: opts.UnusedFor,
		Deleted: func(line string) error {
			_, err := fmt.Fprintln(opts.IO.Out, line)
			return err
		},
	}
	return p.Run(opts.Context)
}
