package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/english"
	"github.com/s3-credentials/s3-credentials/internal/users"
	"github.com/s3-credentials/s3-credentials/policy"
)

func init() { register(NewCmdPrune) }

// NewCmdPrune deletes the users whose --expires time has passed.
func NewCmdPrune(f *Factory) *cobra.Command {
	var (
		dryRun   bool
		pageSize int32
	)
	cmd := &cobra.Command{
		Use:     "prune",
		GroupID: groupAccount,
		Short:   "Delete the users whose credentials have expired",
		Long: `Delete every IAM user tagged ` + credentials.ExpiresTag + ` (as create --expires
tags the users it makes) with a time in the past, as delete-user does:
with its inline policies and access keys, attached managed policies, group
memberships, console password (login profile), MFA devices (deactivated),
SSH public keys and signing certificates.

The names of the users deleted go to standard output, one per line; the
steps to standard error. With --dry-run nothing is deleted and the names
are those that would be. A user that another run (an overlapping prune)
deletes meanwhile is reported as such, and is not an error.`,
		Example: `  s3-credentials prune --dry-run
  s3-credentials prune`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkPageSize(cmd, pageSize); err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			steps := f.steps(false)
			var failed []string
			now := time.Now()
			err = users.Expired(ctx, c.IAM, pageSize, now, &steps, func(name string, expired time.Time) error {
				if dryRun {
					steps.Logf("Would delete user %s: expired at %s", name, expired.UTC().Format(policy.TimeFormat))
					_, err := fmt.Fprintln(f.IO.Out, name)
					return err
				}
				steps.Logf("User %s expired at %s", name, expired.UTC().Format(policy.TimeFormat))
				if err := users.DeleteUser(ctx, c.IAM, f.IO.ErrOut, name); err != nil {
					if ctx.Err() != nil {
						return err
					}
					// Deleted by another run (overlapping cron jobs) since it
					// was listed: done, but not by this run.
					if errors.Is(err, users.ErrDeletedMeanwhile) {
						return nil
					}
					if awsclient.IsNotFound(err) {
						fmt.Fprintln(f.IO.ErrOut, "  Deleted by someone else meanwhile")
						return nil
					}
					steps.Warnf("Could not delete user %s: %s", name, awsclient.ErrorMessage(err))
					failed = append(failed, name)
					return nil
				}
				_, err := fmt.Fprintln(f.IO.Out, name)
				return err
			})
			if err != nil {
				return err
			}
			if len(failed) > 0 {
				return fmt.Errorf("%s could not be deleted", english.Count(len(failed), "expired user"))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "List the users that would be deleted, deleting nothing")
	addPageSize(cmd, &pageSize)
	f.AddAWSFlags(cmd)
	return cmd
}
