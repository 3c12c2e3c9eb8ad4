package cli

import (
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/listing"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
)

func init() { register(NewCmdListBuckets) }

// listBucketsHeaders are the CSV/TSV columns of list-buckets. As in the
// reference, "region" (a --details member) has no column.
var listBucketsHeaders = []string{"Name", "CreationDate"}

// NewCmdListBuckets lists the account's buckets, optionally with details.
func NewCmdListBuckets(f *Factory) *cobra.Command {
	var (
		lf       listFormat
		details  bool
		tags     bool
		pageSize int32
	)
	cmd := &cobra.Command{
		Use:     "list-buckets [BUCKETS]...",
		GroupID: groupBuckets,
		Short:   "List the account's buckets, optionally with details",
		Long: `List the account's buckets (only the named ones, when names are given) with
their creation dates, as a JSON array or with --nl, --csv or --tsv one per line.

--details adds each bucket's region, ACL, public access block and website
configuration; that takes a few more calls per bucket.

  s3-credentials list-buckets
  s3-credentials list-buckets my-bucket --details`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkPageSize(cmd, pageSize); err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			headers := listBucketsHeaders
			if details {
				headers = append(append([]string{}, headers...), "bucket_acl", "public_access_block", "bucket_website")
			}
			if tags {
				headers = append(append([]string{}, headers...), "tags")
			}
			lw := listfmt.NewListWriter(f.IO.Out, lf.format(), headers)
			if err := listing.Buckets(ctx, c.S3, pageSize, args, details, tags, lw.Write); err != nil {
				return err
			}
			return lw.Close()
		},
	}
	cmd.Flags().BoolVar(&details, "details", false, "Include region, ACL, public access block and website (more calls per bucket)")
	cmd.Flags().BoolVar(&tags, "tags", false, "Include each bucket's tags (one more call per bucket)")
	lf.addFlags(cmd)
	addPageSize(cmd, &pageSize)
	cmd.ValidArgsFunction = completeBuckets(f, true)
	f.AddAWSFlags(cmd)
	return cmd
}
