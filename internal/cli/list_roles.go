package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/listing"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
	"github.com/s3-credentials/s3-credentials/internal/roles"
)

// listRolesHeaders are the CSV/TSV columns of list-roles.
var listRolesHeaders = []string{"Path", "RoleName", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument", "Description", "MaxSessionDuration", "PermissionsBoundary", "Tags", "RoleLastUsed"}

// ListRolesOptions are the arguments and flags of `list-roles`, and what
// running it needs.
type ListRolesOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	// Roles are the roles asked for, by name or ARN; none means all.
	Roles    []string
	Format   listFormat
	Details  bool
	PageSize int32
}

// NewCmdListRoles lists IAM roles, optionally with their policies. runF,
// when given, runs instead of runListRoles: tests read the options the
// flags made.
func NewCmdListRoles(f *Factory, runF func(*ListRolesOptions) error) *cobra.Command {
	opts := &ListRolesOptions{IO: f.IO, Clients: f.Clients}
	cmd := &cobra.Command{
		Use:     "list-roles [ROLE_NAMES]...",
		GroupID: groupAccount,
		Short:   "List IAM roles, optionally with their policies",
		Long: `List the account's IAM roles (only the named ones, when names or ARNs are
given) as a JSON array, or with --nl, --csv or --tsv one per line.

--details adds each role's inline policies and attached managed policies
(with the default version's document); that takes a few more calls per role.

  s3-credentials list-roles
  s3-credentials list-roles my-role --details`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkPageSize(cmd, opts.PageSize); err != nil {
				return err
			}
			opts.Roles, opts.Context = args, cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runListRoles(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Details, "details", false, "Include inline and attached policies (more calls per role)")
	opts.Format.addFlags(cmd)
	addPageSize(cmd, &opts.PageSize)
	f.AddAWSFlags(cmd)
	return cmd
}

// runListRoles writes the roles asked for, with their policies when
// Details.
func runListRoles(opts *ListRolesOptions) error {
	ctx := opts.Context
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	wanted, err := roles.Names(ctx, c.STS, opts.Roles)
	if err != nil {
		return err
	}
	headers := listRolesHeaders
	if opts.Details {
		headers = append(append([]string{}, headers...), "inline_policies", "attached_policies")
	}
	lw := listfmt.NewListWriter(opts.IO.Out, opts.Format.format(), headers)
	if err := listing.Roles(ctx, c.IAM, opts.PageSize, wanted, opts.Details, lw.Write); err != nil {
		return err
	}
	return lw.Close()
}
