package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/listing"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
)

// listBucketsHeaders are the CSV/TSV columns of list-buckets. As in the
// reference, "region" (a --details member) has no column.
var listBucketsHeaders = []string{"Name", "CreationDate"}

// ListBucketsOptions are the arguments and flags of `list-buckets`, and
// what running it needs.
type ListBucketsOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	// Buckets are the buckets asked for; none: every bucket.
	Buckets  []string
	Format   listFormat
	Details  bool
	Tags     bool
	PageSize int32
}

// NewCmdListBuckets lists the account's buckets, optionally with details.
// runF, when given, runs instead of runListBuckets: tests read the options
// the flags made.
func NewCmdListBuckets(f *Factory, runF func(*ListBucketsOptions) error) *cobra.Command {
	opts := &ListBucketsOptions{IO: f.IO, Clients: f.Clients}
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
			if err := checkPageSize(cmd, opts.PageSize); err != nil {
				return err
			}
			opts.Buckets, opts.Context = args, cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runListBuckets(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Details, "details", false, "Include region, ACL, public access block and website (more calls per bucket)")
	cmd.Flags().BoolVar(&opts.Tags, "tags", false, "Include each bucket's tags (one more call per bucket)")
	opts.Format.addFlags(cmd)
	addPageSize(cmd, &opts.PageSize)
	cmd.ValidArgsFunction = completeBuckets(f, true)
	f.AddAWSFlags(cmd)
	return cmd
}

func runListBuckets(opts *ListBucketsOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	headers := listBucketsHeaders
	if opts.Details {
		headers = append(append([]string{}, headers...), "bucket_acl", "public_access_block", "bucket_website")
	}
	if opts.Tags {
		headers = append(append([]string{}, headers...), "tags")
	}
	lw := listfmt.NewListWriter(opts.IO.Out, opts.Format.format(), headers)
	if err := listing.Buckets(opts.Context, c.S3, opts.PageSize, opts.Buckets, opts.Details, opts.Tags, lw.Write); err != nil {
		return err
	}
	return lw.Close()
}
