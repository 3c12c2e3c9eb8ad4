package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/message"
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
tags the users it makes) with a time in the past, with its access keys and
inline policies.

Only users that hold nothing but what create makes (inline policies and
access keys) are deleted: one that also has a console password (login
profile), group memberships, attached managed policies, MFA devices, SSH
public keys, signing certificates or inline policies named otherwise is
named on standard error and left alone, since tagging a user takes less
permission than deleting it.

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
				foreign, err := users.Foreign(ctx, c.IAM, name)
				if err != nil {
					if ctx.Err() != nil {
						return err
					}
					if awsclient.IsNotFound(err) {
						// Deleted by another run (overlapping cron jobs)
						// since it was listed: done, but not by this run.
						if !dryRun {
							fmt.Fprintf(f.IO.ErrOut, "User: %s\n  Deleted by someone else meanwhile\n", name)
						}
						return nil
					}
					steps.Warnf("Could not tell what user %s holds, so it was left alone: %s", name, awsclient.ErrorMessage(err))
					failed = append(failed, name)
					return nil
				}
				if len(foreign) > 0 {
					steps.Warnf("Skipped user %s: it expired at %s, but it also has %s, which create never makes; prune deletes only users that hold what create made (delete-user deletes any user)",
						name, expired.UTC().Format(policy.TimeFormat), strings.Join(foreign, "; "))
					return nil
				}
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
				_, err = fmt.Fprintln(f.IO.Out, name)
				return err
			})
			if err != nil {
				return err
			}
			if len(failed) > 0 {
				return fmt.Errorf("%s could not be deleted", message.Count(len(failed), "expired user"))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "List the users that would be deleted, deleting nothing")
	addPageSize(cmd, &pageSize)
	f.AddAWSFlags(cmd)
	return cmd
}
