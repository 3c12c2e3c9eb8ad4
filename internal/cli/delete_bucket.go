package cli

import (
	"context"
	"fmt"
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
			opts.Bucket, opts.Context = args[0], cmd.Context()
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

func runDeleteBucket(opts *DeleteBucketOptions) (err error) {
	ctx, name, io := opts.Context, opts.Bucket, opts.IO
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	d := &bucket.Deleter{S3: c.S3}
	logf := func(format string, args ...any) {
		if !opts.Silent {
			fmt.Fprintf(io.ErrOut, format+"\n", args...)
		}
	}
	// existed: a request about the bucket succeeded, so it existed when
	// this run began. If it is gone when a later request fails, someone
	// else (another delete-bucket at the same time) deleted it: what was
	// asked is done.
	existed := false
	defer func() {
		switch {
		case err == nil || opts.DryRun:
		case ctx.Err() != nil:
			reportRemains(ctx, io, d, name, logf)
		case existed:
			if gone, _, rerr := d.Remains(ctx, name); rerr == nil && gone {
				logf("Bucket %s was deleted by someone else meanwhile", name)
				err = nil
			}
		}
	}()

	if !opts.Force || opts.DryRun {
		// Without --force one page tells whether the bucket is empty; a dry
		// run counts everything.
		contents, err := d.Survey(ctx, name, opts.DryRun)
		if err != nil {
			return err
		}
		existed = true
		if contents.Total() > 0 && !opts.Force {
			if !opts.DryRun {
				return fmt.Errorf("Bucket %s is not empty: it holds %s; use --force to delete its objects and the bucket", name, contents)
			}
			// The dry run shows what --force would do, as the question
			// it answers is what deleting this bucket takes.
			fmt.Fprintf(io.Out, "Bucket %s is not empty: deleting it needs --force, which would:\n", name)
		}
		if opts.DryRun {
			if contents.Total() > 0 {
				fmt.Fprintf(io.Out, "Would delete %s from %s\n", contents, name)
			}
			fmt.Fprintf(io.Out, "Would delete bucket: %s\n", name)
			return nil
		}
	} else {
		// Uploads first: one finishing later would add an object back.
		aborted, err := d.AbortUploads(ctx, name)
		if err != nil {
			return err
		}
		existed = true
		if aborted > 0 {
			logf("Aborted %s in %s", message.Count(aborted, "incomplete multipart upload"), name)
		}
		count := progress.NewCounter(io.ErrOut, io.StderrTTY, opts.Silent, "Deleting objects from "+strings.ReplaceAll(name, "%", "%%")+": %d deleted")
		d.Progress = count.Set
		n, err := d.Empty(ctx, name)
		count.Clear()
		if err != nil {
			return err
		}
		if n > 0 {
			logf("Deleted %s from %s", message.Count(n, "object"), name)
		}
	}
	if err := d.DeleteBucket(ctx, name); err != nil {
		return err
	}
	logf("Deleted bucket: %s", name)
	return nil
}

// reportRemains says, after an interrupt, what is left of the bucket.
func reportRemains(ctx context.Context, io *IOStreams, d *bucket.Deleter, name string, logf func(string, ...any)) {
	gone, contents, err := d.Remains(ctx, name)
	switch {
	case err != nil:
		fmt.Fprintf(io.ErrOut, "Left in place: bucket %s (what it still holds could not be checked: %s)\n", name, awsclient.ErrorMessage(err))
	case gone:
		logf("Deleted bucket: %s", name) // its answer was lost, but it was done
	case contents.Total() == 0:
		fmt.Fprintf(io.ErrOut, "Left in place: bucket %s, empty\n", name)
	default:
		fmt.Fprintf(io.ErrOut, "Left in place: bucket %s, holding %s\n", name, contents)
	}
}
