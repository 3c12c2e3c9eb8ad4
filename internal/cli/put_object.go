package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/objects"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
	"github.com/s3-credentials/s3-credentials/internal/progress"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/mimetypes"
)

// PutObjectOptions are the arguments and flags of `put-object`, and what
// running it needs.
type PutObjectOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Bucket  string
	Key     string
	// Path is the file uploaded; "-": standard input.
	Path string
	// Size is the file's, or -1 when it is streamed (standard input, a
	// FIFO).
	Size int64
	// ContentType is --content-type, or the guess from Path's extension.
	ContentType string
	Silent      bool
	Concurrency int
}

// NewCmdPutObject uploads one file, or standard input, to a key. runF,
// when given, runs instead of runPutObject: tests read the options the
// flags made.
func NewCmdPutObject(f *Factory, runF func(*PutObjectOptions) error) *cobra.Command {
	opts := &PutObjectOptions{IO: f.IO, Clients: f.Clients}
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
			opts.Bucket, opts.Key, opts.Path, opts.Context = args[0], args[1], args[2], cmd.Context()
			if err := checkConcurrency(cmd, opts.Concurrency); err != nil {
				return err
			}
			opts.Size = -1
			if path := opts.Path; path != "-" {
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
					opts.Size = st.Size()
				}
				if opts.ContentType == "" {
					opts.ContentType = mimetypes.GuessType(path)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return runPutObject(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.ContentType, "content-type", "", "Content-Type to set (default: guessed from the file extension)")
	fl.BoolVarP(&opts.Silent, "silent", "s", false, "Don't show progress bar")
	addConcurrencyFlag(cmd, &opts.Concurrency)
	f.AddAWSFlags(cmd)
	return cmd
}

func runPutObject(opts *PutObjectOptions) error {
	ctx := opts.Context
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	oc := objects.New(c.S3, opts.Concurrency)
	bar := progress.New(opts.IO.ErrOut, opts.IO.StderrTTY, opts.Silent, "Uploading", opts.Size)
	if opts.Path == "-" {
		err = oc.PutStream(ctx, opts.Bucket, opts.Key, opts.IO.In, opts.ContentType, bar)
	} else {
		err = oc.PutFile(ctx, opts.Bucket, opts.Key, opts.Path, opts.ContentType, bar)
	}
	if err != nil {
		bar.Stop()
		return err
	}
	bar.Finish()
	return nil
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
