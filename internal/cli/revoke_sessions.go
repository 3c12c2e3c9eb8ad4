package cli

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/names"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/timespec"
)

func init() { register(NewCmdRevokeSessions) }

// NewCmdRevokeSessions stops the temporary credentials already handed out.
// clockSkewNoted is how far this machine's clock may be off IAM's before
// revoke-sessions says so.
const clockSkewNoted = 5 * time.Second

func NewCmdRevokeSessions(f *Factory) *cobra.Command {
	var role string
	cmd := &cobra.Command{
		Use:     "revoke-sessions",
		GroupID: groupCredentials,
		Short:   "Make every temporary credential issued so far stop working",
		Long: `Revoke the temporary credentials issued from the tool's role (` + credentials.RoleName + `,
or the role named with --role) before now, as the AWS console's "Revoke
active sessions" does: the role gets an inline policy named
` + credentials.RevokePolicyName + ` that denies everything to sessions issued before
this moment. Running it again moves that moment forward.

Credentials issued afterwards are unaffected: a running localserver hands
out fresh ones at its next refresh. Permanent credentials (IAM users) are
not touched: delete the user (delete-user) or its key instead.

Prints the role, the policy and the cutoff time as JSON.`,
		Example: `  s3-credentials revoke-sessions
  s3-credentials revoke-sessions --role my-app-role`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if role == "" {
				return badParam(cmd, "role", "the role name must not be empty.")
			}
			if err := names.CheckRoleNameOrARN(role); err != nil {
				return badParam(cmd, "role", err.Error()+".")
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			if role, err = roleName(ctx, c, role); err != nil {
				return err
			}
			rev, err := credentials.RevokeSessions(ctx, c.IAM, role, time.Now())
			if err != nil {
				return err
			}
			cutoff := rev.Cutoff
			steps := f.steps(false)
			steps.Logf("Revoked the sessions of role %s issued before %s (inline policy %s)", role, cutoff, credentials.RevokePolicyName)
			switch {
			case !rev.FromServer:
				steps.Warnf("Warning: IAM's answer carried no time, so the cutoff is this machine's clock, which may be off AWS's")
			case rev.Skew > clockSkewNoted:
				steps.Warnf("Note: this machine's clock is %s ahead of IAM's; the cutoff is IAM's time", timespec.Words(rev.Skew))
			case rev.Skew < -clockSkewNoted:
				steps.Warnf("Note: this machine's clock is %s behind IAM's; the cutoff is IAM's time", timespec.Words(-rev.Skew))
			}
			steps.Logf("Credentials issued from now on are unaffected; a running localserver hands out fresh ones at its next refresh")
			return pyjson.WriteJSON(f.IO.Out, pyjson.Map{
				{Key: "RoleName", Value: role},
				{Key: "PolicyName", Value: credentials.RevokePolicyName},
				{Key: "RevokedBefore", Value: cutoff},
			})
		},
	}
	cmd.Flags().StringVar(&role, "role", credentials.RoleName, "The role whose sessions to revoke, by name or ARN")
	f.AddAWSFlags(cmd)
	return cmd
}
