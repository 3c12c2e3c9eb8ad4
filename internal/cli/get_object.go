package cli

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/objects"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
)

func init() { register(NewCmdGetObject) }

// NewCmdGetObject downloads one object to standard output or a file.
func NewCmdGetObject(f *Factory) *cobra.Command {
	var (
		outPath     string
		concurrency int
	)
	cmd := &cobra.Command{
		Use:               "get-object BUCKET KEY",
		GroupID:           groupObjects,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Download an object from an S3 bucket",
		Long: `Download an object and write it to standard output (streamed as it
arrives; also with -o -), or with -o to a file (large objects in concurrent
parts; the file is replaced only once the download is complete). -o follows a symlink to
its target and writes straight into a FIFO or a device such as /dev/null.

  s3-credentials get-object my-bucket hello.txt
  s3-credentials get-object my-bucket hello.txt -o hello.txt`,
		Args: exactArgs("BUCKET", "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			bucket, key := args[0], args[1]
			if err := checkConcurrency(cmd, concurrency); err != nil {
				return err
			}
			if outPath == "-" {
				outPath = "" // standard output, as --output - means elsewhere
			}
			if outPath != "" {
				// The reference's click checks, word for word.
				if st, err := os.Stat(outPath); err == nil && st.IsDir() {
					return badParam(cmd, "output", "File '"+outPath+"' is a directory.")
				} else if err == nil && st.Mode().IsRegular() && !outfile.Writable(outPath) {
					return badParam(cmd, "output", "File '"+outPath+"' is not writable.")
				}
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			oc := objects.New(c.S3, concurrency)
			if outPath == "" {
				return oc.GetTo(ctx, bucket, key, f.IO.Out)
			}
			return oc.GetFile(ctx, bucket, key, outPath, nil)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&outPath, "output", "o", "", "Write to this file instead of standard output (- for standard output)")
	addConcurrencyFlag(cmd, &concurrency)
	f.AddAWSFlags(cmd)
	return cmd
}
