package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/users"
)

func init() { register(NewCmdDeleteUser) }

// NewCmdDeleteUser deletes IAM users and whatever stops them being deleted.
func NewCmdDeleteUser(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:               "delete-user USERNAMES...",
		GroupID:           groupAccount,
		ValidArgsFunction: completeUsers(f, true),
		Short:             "Delete IAM users with their keys, policies and memberships",
		Long: `Delete the named IAM users. First their inline policies and access keys go,
then attached managed policies are detached, group memberships and a console
password (login profile) removed, MFA devices deactivated, SSH public keys
and signing certificates deleted, so users made by other tools can be
deleted too. One line is printed per step. A user deleted by someone else
while this runs is reported as such, and is not an error.

  s3-credentials delete-user s3.read-write.my-bucket`,
		Args: requireArgs("USERNAMES..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			for _, name := range args {
				if err := users.DeleteUser(ctx, c.IAM, f.IO.Out, name); err != nil && !errors.Is(err, users.ErrDeletedMeanwhile) {
					return err
				}
			}
			return nil
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}
