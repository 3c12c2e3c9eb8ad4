package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/roles"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/timespec"
)

// clockSkewNoted is how far this machine's clock may be off IAM's before
// revoke-sessions says so.
const clockSkewNoted = 5 * time.Second

// RevokeSessionsOptions are the flags of `revoke-sessions`, and what running
// it needs.
type RevokeSessionsOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Steps   message.Steps
	// Role is the role by name or ARN (--role).
	Role string
	// Now is this machine's time, the cutoff when IAM's answer has none.
	Now func() time.Time
}

// NewCmdRevokeSessions stops the temporary credentials already handed out.
// runF, when given, runs instead of runRevokeSessions: tests read the
// options the flags made.
func NewCmdRevokeSessions(f *Factory, runF func(*RevokeSessionsOptions) error) *cobra.Command {
	opts := &RevokeSessionsOptions{IO: f.IO, Clients: f.Clients, Now: time.Now}
	cmd := &cobra.Command{
		Use:     "revoke-sessions",
		GroupID: groupCredentials,
		Short:   "Make every temporary credential issued so far stop working",
		Long: `Revoke the temporary credentials issued from the tool's role (` + roles.ToolRole + `,
or the role named with --role) before now, as the AWS console's "Revoke
active sessions" does: the role gets an inline policy named
` + roles.RevokePolicyName + ` that denies everything to sessions issued before
this moment. Running it again moves that moment forward.

Credentials issued afterwards are unaffected: a running localserver hands
out fresh ones at its next refresh. Permanent credentials (IAM users) are
not touched: delete the user (delete-user) or its key instead.

Prints the role, the policy and the cutoff time as JSON.`,
		Example: `  s3-credentials revoke-sessions
  s3-credentials revoke-sessions --role my-app-role`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Role == "" {
				return badParam(cmd, "role", "the role name must not be empty.")
			}
			if err := names.CheckRoleNameOrARN(opts.Role); err != nil {
				return badParam(cmd, "role", err.Error()+".")
			}
			opts.Context, opts.Steps = cmd.Context(), f.steps(false)
			if runF != nil {
				return runF(opts)
			}
			return runRevokeSessions(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Role, "role", roles.ToolRole, "The role whose sessions to revoke, by name or ARN")
	f.AddAWSFlags(cmd)
	return cmd
}

// runRevokeSessions revokes the role's sessions, says how the cutoff was
// chosen, and prints the role, the policy and the cutoff.
func runRevokeSessions(opts *RevokeSessionsOptions) error {
	ctx := opts.Context
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	role, err := roles.Name(ctx, c.STS, opts.Role)
	if err != nil {
		return err
	}
	rev, err := roles.RevokeSessions(ctx, c.IAM, role, opts.Now())
	if err != nil {
		return err
	}
	cutoff := rev.Cutoff
	steps := opts.Steps
	steps.Logf("Revoked the sessions of role %s issued before %s (inline policy %s)", role, cutoff, roles.RevokePolicyName)
	switch {
	case !rev.FromServer:
		steps.Warnf("Warning: IAM's answer carried no time, so the cutoff is this machine's clock, which may be off AWS's")
	case rev.Skew > clockSkewNoted:
		steps.Warnf("Note: this machine's clock is %s ahead of IAM's; the cutoff is IAM's time", timespec.Words(rev.Skew))
	case rev.Skew < -clockSkewNoted:
		steps.Warnf("Note: this machine's clock is %s behind IAM's; the cutoff is IAM's time", timespec.Words(-rev.Skew))
	}
	steps.Logf("Credentials issued from now on are unaffected; a running localserver hands out fresh ones at its next refresh")
	return pyjson.WriteJSON(opts.IO.Out, pyjson.Map{
		{Key: "RoleName", Value: role},
		{Key: "PolicyName", Value: roles.RevokePolicyName},
		{Key: "RevokedBefore", Value: cutoff},
	})
}
