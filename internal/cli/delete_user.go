package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/users"
)

// DeleteUserOptions are the arguments of `delete-user`, and what running it
// needs.
type DeleteUserOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Users   []string
}

// NewCmdDeleteUser deletes IAM users and whatever stops them being
// deleted. runF, when given, runs instead of runDeleteUser: tests read the
// options the flags made.
func NewCmdDeleteUser(f *Factory, runF func(*DeleteUserOptions) error) *cobra.Command {
	opts := &DeleteUserOptions{IO: f.IO, Clients: f.Clients}
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
			opts.Users, opts.Context = args, cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runDeleteUser(opts)
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}

func runDeleteUser(opts *DeleteUserOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	for _, name := range opts.Users {
		if err := users.DeleteUser(opts.Context, c.IAM, opts.IO.Out, name); err != nil && !errors.Is(err, users.ErrDeletedMeanwhile) {
			return err
		}
	}
	return nil
}
