package cli

import (
	"bufio"
	"context"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/listing"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
)

// listUsersHeaders are the CSV/TSV columns of list-users.
var listUsersHeaders = []string{"UserName", "UserId", "Arn", "Path", "CreateDate", "PasswordLastUsed", "PermissionsBoundary", "Tags"}

// ListUsersOptions are the flags of `list-users`, and what running it
// needs.
type ListUsersOptions struct {
	IO       *IOStreams
	Clients  func(context.Context) (*awsclient.Clients, error)
	Context  context.Context
	Format   listFormat
	Tags     bool
	PageSize int32
}

// NewCmdListUsers lists the account's IAM users, streamed page by page.
// runF, when given, runs instead of runListUsers: tests read the options
// the flags made.
func NewCmdListUsers(f *Factory, runF func(*ListUsersOptions) error) *cobra.Command {
	opts := &ListUsersOptions{IO: f.IO, Clients: f.Clients}
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
			if err := checkPageSize(cmd, opts.PageSize); err != nil {
				return err
			}
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runListUsers(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Tags, "tags", false, "Include each user's tags (ListUsers leaves them out; one more call per user)")
	opts.Format.addFlags(cmd)
	addPageSize(cmd, &opts.PageSize)
	f.AddAWSFlags(cmd)
	return cmd
}

func runListUsers(opts *ListUsersOptions) error {
	ctx := opts.Context
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	// Buffered and flushed after every page: few writes, and each page is
	// out before the next one is asked for.
	out := bufio.NewWriterSize(opts.IO.Out, 64*1024)
	lw := listfmt.NewListWriter(out, opts.Format.format(), listUsersHeaders)
	err = listing.UserMaps(ctx, c.IAM, opts.PageSize, opts.Tags, lw.Write, out.Flush)
	if err == nil {
		err = lw.Close()
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	return err
}
