package cli

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/objects"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
)

// GetObjectOptions are the arguments and flags of `get-object`, and what
// running it needs.
type GetObjectOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Bucket  string
	Key     string
	// Output is the file written; "": standard output.
	Output      string
	Concurrency int
}

// NewCmdGetObject downloads one object to standard output or a file. runF,
// when given, runs instead of runGetObject: tests read the options the
// flags made.
func NewCmdGetObject(f *Factory, runF func(*GetObjectOptions) error) *cobra.Command {
	opts := &GetObjectOptions{IO: f.IO, Clients: f.Clients}
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
			opts.Bucket, opts.Key, opts.Context = args[0], args[1], cmd.Context()
			if err := checkConcurrency(cmd, opts.Concurrency); err != nil {
				return err
			}
			if opts.Output == "-" {
				opts.Output = "" // standard output, as --output - means elsewhere
			}
			if out := opts.Output; out != "" {
				// The reference's click checks, word for word.
				if st, err := os.Stat(out); err == nil && st.IsDir() {
					return badParam(cmd, "output", "File '"+out+"' is a directory.")
				} else if err == nil && st.Mode().IsRegular() && !outfile.Writable(out) {
					return badParam(cmd, "output", "File '"+out+"' is not writable.")
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return runGetObject(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Output, "output", "o", "", "Write to this file instead of standard output (- for standard output)")
	addConcurrencyFlag(cmd, &opts.Concurrency)
	f.AddAWSFlags(cmd)
	return cmd
}

func runGetObject(opts *GetObjectOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	oc := objects.New(c.S3, opts.Concurrency)
	if opts.Output == "" {
		return oc.GetTo(opts.Context, opts.Bucket, opts.Key, opts.IO.Out)
	}
	return oc.GetFile(opts.Context, opts.Bucket, opts.Key, opts.Output, nil)
}
