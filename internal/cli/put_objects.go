package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/objects"
	"github.com/s3-credentials/s3-credentials/internal/progress"
)

func init() { register(NewCmdPutObjects) }

// NewCmdPutObjects uploads files and directories, several at once.
func NewCmdPutObjects(f *Factory) *cobra.Command {
	var (
		prefix      string
		silent      bool
		dryRun      bool
		concurrency int
		skip        skipFlags
	)
	cmd := &cobra.Command{
		Use:               "put-objects BUCKET OBJECTS...",
		GroupID:           groupObjects,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Upload multiple objects to an S3 bucket",
		Long: `Upload files and directories. A file goes to a key named after it; a
directory is uploaded recursively, its files keyed by their path starting
with the directory's own name ("." uploads the contents of the current
directory). --prefix puts every key under a folder. Up to --concurrency
files are uploaded at once; each gets a Content-Type guessed from its
extension. Inside a directory, what is not a regular file (a FIFO, a
socket, a device, a symlink to a directory) is skipped and named on
standard error; the rest is uploaded.

--skip leaves out files whose key already holds an object of the same
size; --skip-hash those whose object has the same MD5 (S3's ETag, or for
an object uploaded in parts the ETag the file would get in parts of the
same size). Where the ETag is no MD5 (objects encrypted with KMS or a
customer key) or the part size cannot be found, --skip-hash compares sizes
and says so. What the bucket holds is found by listing it, which needs
permission to list it. With --dry-run, the files that would be uploaded are shown as
PATH => s3://BUCKET/KEY and those left out as PATH == s3://BUCKET/KEY.

  s3-credentials put-objects my-bucket one.txt two.txt --prefix my-folder
  s3-credentials put-objects my-bucket my-folder
  s3-credentials put-objects my-bucket . --dry-run
  s3-credentials put-objects my-bucket photos --skip-hash`,
		Args: minArgs("BUCKET", "OBJECTS..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			bucket := args[0]
			if err := checkConcurrency(cmd, concurrency); err != nil {
				return err
			}
			mode, err := skip.mode(cmd)
			if err != nil {
				return err
			}
			files, skipped, err := objects.UploadPlan(args[1:], prefix)
			if err != nil {
				return err
			}
			for _, s := range skipped {
				fmt.Fprintf(f.IO.ErrOut, "Skipped: %s (%s)\n", s.Path, s.Why)
			}
			if dryRun && mode == objects.SkipNone {
				for _, lf := range files {
					fmt.Fprintf(f.IO.Out, "%s => s3://%s/%s\n", lf.Path, bucket, lf.Key)
				}
				return nil
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			oc := objects.New(c.S3, concurrency)
			verdicts, err := oc.CompareUploads(ctx, bucket, files, mode)
			if err != nil {
				return err
			}
			tally := &skipTally{mode: mode, bucket: bucket}
			var send []objects.LocalFile
			for i, lf := range files {
				tally.add(lf.Key, verdicts[i])
				if dryRun {
					if verdicts[i].Skip {
						fmt.Fprintf(f.IO.Out, "%s == s3://%s/%s (skipped: %s)\n", lf.Path, bucket, lf.Key, tally.why(verdicts[i]))
					} else {
						fmt.Fprintf(f.IO.Out, "%s => s3://%s/%s\n", lf.Path, bucket, lf.Key)
					}
				}
				if !verdicts[i].Skip {
					send = append(send, lf)
				}
			}
			tally.report(f.IO.ErrOut, silent, dryRun)
			if dryRun {
				return nil
			}
			var total int64
			for _, lf := range send {
				total += lf.Size
			}
			bar := progress.New(f.IO.ErrOut, f.IO.StderrTTY, silent, progress.Label("Uploading", total, len(send)), total)
			if err := oc.PutFiles(ctx, bucket, send, bar); err != nil {
				bar.Stop()
				var stopped *objects.UploadStopped
				if errors.As(err, &stopped) {
					reportStoppedUpload(f.IO.ErrOut, stopped)
				}
				return err
			}
			bar.Finish()
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&prefix, "prefix", "", "Prefix to add to the keys in the bucket")
	fl.BoolVarP(&silent, "silent", "s", false, "Don't show progress bar")
	fl.BoolVar(&dryRun, "dry-run", false, "Show what would be uploaded where, without uploading")
	skip.add(cmd, "files", "object in the bucket")
	addConcurrencyFlag(cmd, &concurrency)
	f.AddAWSFlags(cmd)
	return cmd
}

// shownKeys bounds how many keys one line of reportStoppedUpload lists.
const shownKeys = 20

// reportStoppedUpload says what an upload that stopped early put in the
// bucket, or may have, and what it could not clean up.
func reportStoppedUpload(w io.Writer, s *objects.UploadStopped) {
	if len(s.Uploaded) > 0 {
		fmt.Fprintf(w, "Uploaded: %s (%d of %s)\n", keyList(s.Uploaded), len(s.Uploaded), message.Count(s.Total, "file"))
	}
	if len(s.Perhaps) > 0 {
		fmt.Fprintf(w, "Perhaps uploaded: %s (cut off in flight: %s may or may not be in the bucket)\n",
			keyList(s.Perhaps), message.Noun(len(s.Perhaps), "it", "they"))
	}
	if len(s.Left) > 0 {
		fmt.Fprintf(w, "Left in place: %s\n", strings.Join(s.Left, "; "))
	}
}

func keyList(keys []string) string {
	if len(keys) <= shownKeys {
		return strings.Join(keys, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(keys[:shownKeys], ", "), len(keys)-shownKeys)
}
