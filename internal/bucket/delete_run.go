package bucket

import (
	"context"
	"fmt"
	"io"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/message"
)

// Delete deletes bucket as delete-bucket does. Without force a bucket
// holding anything is refused; with force it is emptied first: incomplete
// uploads aborted (one finishing later would add an object back), then
// every entry deleted. With dryRun nothing changes: out gets what deleting
// would take. steps gets a line per step taken and, after a run that
// stopped (interrupted), what was left in place, as a warning. A bucket
// deleted by someone else while this ran is what was asked: no error.
func (d *Deleter) Delete(ctx context.Context, name string, force, dryRun bool, out io.Writer, steps message.Steps) (err error) {
	if dryRun {
		return d.dryRun(ctx, name, force, out)
	}
	// existed: a request about the bucket succeeded, so it existed when
	// this run began. If it is gone when a later request fails, someone
	// else (another delete-bucket at the same time) deleted it.
	existed := false
	defer func() {
		switch {
		case err == nil:
		case ctx.Err() != nil:
			d.reportRemains(ctx, name, steps)
		case existed:
			if gone, _, rerr := d.Remains(ctx, name); rerr == nil && gone {
				steps.Logf("Bucket %s was deleted by someone else meanwhile", name)
				err = nil
			}
		}
	}()
	if !force {
		// One page tells whether the bucket is empty.
		contents, err := d.Survey(ctx, name, false)
		if err != nil {
			return err
		}
		existed = true
		if contents.Total() > 0 {
			return fmt.Errorf("Bucket %s is not empty: it holds %s; use --force to delete its objects and the bucket", name, contents)
		}
	} else {
		aborted, err := d.AbortUploads(ctx, name)
		if err != nil {
			return err
		}
		existed = true
		if aborted > 0 {
			steps.Logf("Aborted %s in %s", message.Count(aborted, "incomplete multipart upload"), name)
		}
		n, err := d.Empty(ctx, name)
		if d.Progress != nil {
			d.Progress.Clear()
		}
		if err != nil {
			return err
		}
		if n > 0 {
			steps.Logf("Deleted %s from %s", message.Count(n, "object"), name)
		}
	}
	if err := d.DeleteBucket(ctx, name); err != nil {
		return err
	}
	steps.Logf("Deleted bucket: %s", name)
	return nil
}

// dryRun writes to out what deleting bucket would take, counting
// everything in it.
func (d *Deleter) dryRun(ctx context.Context, name string, force bool, out io.Writer) error {
	contents, err := d.Survey(ctx, name, true)
	if err != nil {
		return err
	}
	if contents.Total() > 0 {
		if !force {
			// What --force would do, as the question a dry run answers is
			// what deleting this bucket takes.
			fmt.Fprintf(out, "Bucket %s is not empty: deleting it needs --force, which would:\n", name)
		}
		fmt.Fprintf(out, "Would delete %s from %s\n", contents, name)
	}
	fmt.Fprintf(out, "Would delete bucket: %s\n", name)
	return nil
}

// reportRemains says, after an interrupt, what is left of the bucket.
func (d *Deleter) reportRemains(ctx context.Context, name string, steps message.Steps) {
	gone, contents, err := d.Remains(ctx, name)
	switch {
	case err != nil:
		steps.Warnf("Left in place: bucket %s (what it still holds could not be checked: %s)", name, awsclient.ErrorMessage(err))
	case gone:
		steps.Logf("Deleted bucket: %s", name) // its answer was lost, but it was done
	case contents.Total() == 0:
		steps.Warnf("Left in place: bucket %s, empty", name)
	default:
		steps.Warnf("Left in place: bucket %s, holding %s", name, contents)
	}
}
