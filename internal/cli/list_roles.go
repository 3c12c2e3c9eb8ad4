package cli

import (
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/listing"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
)

func init() { register(NewCmdListRoles) }

// listRolesHeaders are the CSV/TSV columns of list-roles.
var listRolesHeaders = []string{"Path", "RoleName", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument", "Description", "MaxSessionDuration", "PermissionsBoundary", "Tags", "RoleLastUsed"}

// NewCmdListRoles lists IAM roles, optionally with their policies.
func NewCmdListRoles(f *Factory) *cobra.Command {
	var (
		lf       listFormat
		details  bool
		pageSize int32
	)
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
			if err := checkPageSize(cmd, pageSize); err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			if args, err = roleNames(ctx, c, args); err != nil {
				return err
			}
			headers := listRolesHeaders
			if details {
				headers = append(append([]string{}, headers...), "inline_policies", "attached_policies")
			}
			lw := listfmt.NewListWriter(f.IO.Out, lf.format(), headers)
			if err := listing.Roles(ctx, c.IAM, pageSize, args, details, lw.Write); err != nil {
				return err
			}
			return lw.Close()
		},
	}
	cmd.Flags().BoolVar(&details, "details", false, "Include inline and attached policies (more calls per role)")
	lf.addFlags(cmd)
	addPageSize(cmd, &pageSize)
	f.AddAWSFlags(cmd)
	return cmd
}
