package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/bucket"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/progress"
)

// DeleteBucketOptions are the argument and flags of `delete-bucket`, and
// what running it needs.
type DeleteBucketOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Bucket  string
	Force   bool
	DryRun  bool
	Silent  bool
	Steps   message.Steps
}

// NewCmdDeleteBucket deletes a bucket, emptying it first with --force.
// runF, when given, runs instead of runDeleteBucket: tests read the
// options the flags made.
func NewCmdDeleteBucket(f *Factory, runF func(*DeleteBucketOptions) error) *cobra.Command {
	opts := &DeleteBucketOptions{IO: f.IO, Clients: f.Clients}
	cmd := &cobra.Command{
		Use:               "delete-bucket BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Delete a bucket, and with --force everything in it",
		Long: `Delete an S3 bucket.

A bucket that holds anything is refused unless --force is given. With
--force everything in it is deleted first: every object, all older versions
and delete markers of a versioned bucket, and incomplete multipart uploads;
then the bucket itself. If any object cannot be deleted the bucket is kept
and the failures are listed.

--dry-run reports what would be deleted and changes nothing; on a bucket
that is not empty it shows what --force would delete.`,
		Example: `  # Delete an empty bucket
  s3-credentials delete-bucket my-old-bucket

  # See what deleting a full bucket would remove
  s3-credentials delete-bucket my-old-bucket --force --dry-run

  # Delete everything in it, then the bucket
  s3-credentials delete-bucket my-old-bucket --force`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bucket, opts.Context, opts.Steps = args[0], cmd.Context(), f.steps(opts.Silent)
			if runF != nil {
				return runF(opts)
			}
			return runDeleteBucket(opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Force, "force", false, "Delete every object, version, delete marker and incomplete upload in the bucket first")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Show what would be deleted without deleting anything")
	fl.BoolVarP(&opts.Silent, "silent", "s", false, "Don't show progress and performed steps")
	f.AddAWSFlags(cmd)
	return cmd
}

// runDeleteBucket deletes the bucket, drawing the count of deleted
// objects on a terminal.
func runDeleteBucket(opts *DeleteBucketOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	io := opts.IO
	count := progress.NewCounter(io.ErrOut, io.StderrTTY, opts.Silent, "Deleting objects from "+strings.ReplaceAll(opts.Bucket, "%", "%%")+": %d deleted")
	d := &bucket.Deleter{S3: c.S3, Progress: count}
	return d.Delete(opts.Context, opts.Bucket, opts.Force, opts.DryRun, io.Out, opts.Steps)
}
