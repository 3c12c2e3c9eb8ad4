package cli

import (
	"bufio"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/listing"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func init() { register(NewCmdListUsers) }

// listUsersHeaders are the CSV/TSV columns of list-users.
var listUsersHeaders = []string{"UserName", "UserId", "Arn", "Path", "CreateDate", "PasswordLastUsed", "PermissionsBoundary", "Tags"}

// NewCmdListUsers lists the account's IAM users, streamed page by page.
func NewCmdListUsers(f *Factory) *cobra.Command {
	var (
		lf       listFormat
		tags     bool
		pageSize int32
	)
	cmd := &cobra.Command{
		Use:     "list-users",
		GroupID: groupAccount,
		Short:   "List the IAM users of the account",
		Long: `List every IAM user of the account as a JSON array, or with --nl, --csv or
--tsv one per line. Users are printed as the pages arrive.

  s3-credentials list-users
  s3-credentials list-users --csv`,
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
			// Buffered and flushed after every page: few writes, and each
			// page is out before the next one is asked for.
			out := bufio.NewWriterSize(f.IO.Out, 64*1024)
			lw := listfmt.NewListWriter(out, lf.format(), listUsersHeaders)
			if tags {
				err = listing.UsersTagged(ctx, c.IAM, pageSize, func(m pyjson.Map) error {
					if err := lw.Write(m); err != nil {
						return err
					}
					return out.Flush()
				})
			} else {
				err = listing.Users(ctx, c.IAM, pageSize, func(u iamtypes.User) error {
					return lw.Write(botocore.User(&u))
				}, out.Flush)
			}
			if err == nil {
				err = lw.Close()
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&tags, "tags", false, "Include each user's tags (ListUsers leaves them out; one more call per user)")
	lf.addFlags(cmd)
	addPageSize(cmd, &pageSize)
	f.AddAWSFlags(cmd)
	return cmd
}
