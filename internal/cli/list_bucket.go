package cli

import (
	"bufio"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/objects"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
)

func init() { register(NewCmdListBucket) }

// listBucketHeaders are the CSV/TSV columns of list-bucket.
var listBucketHeaders = []string{"Key", "LastModified", "ETag", "Size", "StorageClass", "Owner"}

// NewCmdListBucket lists the objects in a bucket, streamed page by page.
func NewCmdListBucket(f *Factory) *cobra.Command {
	var (
		prefix string
		urls   bool
		lf     listFormat
	)
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
			bucket := args[0]
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			headers := listBucketHeaders
			if urls {
				headers = append(append([]string{}, headers...), "URL")
			}
			oc := objects.New(c.S3, 1)
			// Buffered, and flushed after every page: few writes, and each
			// page is out before the next is fetched.
			out := bufio.NewWriterSize(f.IO.Out, 64*1024)
			lw := listfmt.NewListWriter(out, lf.format(), headers)
			err = oc.ListPages(ctx, bucket, prefix, func(page []types.Object) error {
				for i := range page {
					item := botocore.S3Object(&page[i])
					if urls {
						// As the reference: the key is not URL-encoded.
						item.Set("URL", "https://s3.amazonaws.com/"+bucket+"/"+aws.ToString(page[i].Key))
					}
					if err := lw.Write(item); err != nil {
						return err
					}
				}
				return out.Flush()
			})
			if err != nil {
				out.Flush()
				return err
			}
			if err := lw.Close(); err != nil {
				return err
			}
			return out.Flush()
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&prefix, "prefix", "", "Only list keys starting with this prefix")
	fl.BoolVar(&urls, "urls", false, "Add a URL field for each key")
	lf.addFlags(cmd)
	f.AddAWSFlags(cmd)
	return cmd
}
