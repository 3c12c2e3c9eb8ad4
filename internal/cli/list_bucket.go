package cli

import (
	"bufio"
	"context"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/listing"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
)

// listBucketHeaders are the CSV/TSV columns of list-bucket.
var listBucketHeaders = []string{"Key", "LastModified", "ETag", "Size", "StorageClass", "Owner"}

// ListBucketOptions are the argument and flags of `list-bucket`, and what
// running it needs.
type ListBucketOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Bucket  string
	Prefix  string
	URLs    bool
	Format  listFormat
}

// NewCmdListBucket lists the objects in a bucket, streamed page by page.
// runF, when given, runs instead of runListBucket: tests read the options
// the flags made.
func NewCmdListBucket(f *Factory, runF func(*ListBucketOptions) error) *cobra.Command {
	opts := &ListBucketOptions{IO: f.IO, Clients: f.Clients}
	cmd := &cobra.Command{
		Use:               "list-bucket BUCKET",
		GroupID:           groupObjects,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "List contents of bucket",
		Long: `List the objects in a bucket as a JSON array, or with --nl, --csv or --tsv
one per line. The listing is printed as it arrives, page by page.

  s3-credentials list-bucket my-bucket
  s3-credentials list-bucket my-bucket --prefix photos/ --csv
  s3-credentials list-bucket my-bucket --urls`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bucket, opts.Context = args[0], cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runListBucket(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Prefix, "prefix", "", "Only list keys starting with this prefix")
	fl.BoolVar(&opts.URLs, "urls", false, "Add a URL field for each key")
	opts.Format.addFlags(cmd)
	f.AddAWSFlags(cmd)
	return cmd
}

func runListBucket(opts *ListBucketOptions) error {
	ctx := opts.Context
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	headers := listBucketHeaders
	if opts.URLs {
		headers = append(append([]string{}, headers...), "URL")
	}
	// Buffered, and flushed after every page: few writes, and each page is
	// out before the next is fetched.
	out := bufio.NewWriterSize(opts.IO.Out, 64*1024)
	lw := listfmt.NewListWriter(out, opts.Format.format(), headers)
	if err := listing.Objects(ctx, c.S3, opts.Bucket, opts.Prefix, opts.URLs, lw.Write, out.Flush); err != nil {
		out.Flush()
		return err
	}
	if err := lw.Close(); err != nil {
		return err
	}
	return out.Flush()
}
