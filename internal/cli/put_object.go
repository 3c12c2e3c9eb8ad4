package cli

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/objects"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
	"github.com/s3-credentials/s3-credentials/internal/progress"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/mimetypes"
)

// NewCmdPutObject uploads one file, or standard input, to a key.
func NewCmdPutObject(f *Factory) *cobra.Command {
	var (
		contentType string
		silent      bool
		concurrency int
	)
	cmd := &cobra.Command{
		Use:               "put-object BUCKET KEY PATH",
		GroupID:           groupObjects,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Upload an object to an S3 bucket",
		Long: `Upload a file to a key in a bucket. Use - as PATH to upload standard
input, which is streamed (in parts, for large inputs) rather than read
into memory first; so is a PATH that is not a regular file, such as a
FIFO or <(command).

The Content-Type is guessed from the file's extension unless
--content-type is given.

  s3-credentials put-object my-bucket my-key.txt /path/to/file.txt
  echo "Hello" | s3-credentials put-object my-bucket hello.txt -`,
		Args:        exactArgs("BUCKET", "KEY", "PATH"),
		Annotations: map[string]string{stdinAnnotation: "PATH"},
		RunE: func(cmd *cobra.Command, args []string) error {
			bucket, key, path := args[0], args[1], args[2]
			if err := checkConcurrency(cmd, concurrency); err != nil {
				return err
			}
			var size int64 = -1
			if path != "-" {
				st, err := os.Stat(path)
				if err != nil {
					return usageErrorf(cmd, "Invalid value for 'PATH': File '%s' does not exist.", path)
				}
				if st.IsDir() {
					return usageErrorf(cmd, "Invalid value for 'PATH': File '%s' is a directory.", path)
				}
				if st.Mode()&fs.ModeSocket != 0 {
					return fmt.Errorf("cannot read %s: it is a socket", path)
				}
				if !outfile.Readable(path) {
					return usageErrorf(cmd, "Invalid value for 'PATH': File '%s' is not readable.", path)
				}
				if st.Mode().IsRegular() {
					// Anything else (a FIFO, /dev/stdin) is streamed: its size is unknown.
					size = st.Size()
				}
				if contentType == "" {
					contentType = mimetypes.GuessType(path)
				}
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			oc := objects.New(c.S3, concurrency)
			bar := progress.New(f.IO.ErrOut, f.IO.StderrTTY, silent, "Uploading", size)
			if path == "-" {
				err = oc.PutStream(ctx, bucket, key, f.IO.In, contentType, bar)
			} else {
				err = oc.PutFile(ctx, bucket, key, path, contentType, bar)
			}
			if err != nil {
				bar.Stop()
				return err
			}
			bar.Finish()
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&contentType, "content-type", "", "Content-Type to set (default: guessed from the file extension)")
	fl.BoolVarP(&silent, "silent", "s", false, "Don't show progress bar")
	addConcurrencyFlag(cmd, &concurrency)
	f.AddAWSFlags(cmd)
	return cmd
}

// addConcurrencyFlag adds --concurrency, the number of requests in flight.
func addConcurrencyFlag(cmd *cobra.Command, n *int) {
	cmd.Flags().IntVar(n, "concurrency", objects.DefaultConcurrency, "Most requests to run at once")
}

func checkConcurrency(cmd *cobra.Command, n int) error {
	if n < 1 {
		return badParam(cmd, "concurrency", fmt.Sprintf("%d is not in the range x>=1.", n))
	}
	return nil
}
