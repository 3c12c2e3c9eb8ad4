package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/objects"
	"github.com/s3-credentials/s3-credentials/internal/progress"
)

// PutObjectsOptions are the arguments and flags of put-objects.
type PutObjectsOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context

	Bucket      string
	Paths       []string
	Prefix      string
	Silent      bool
	DryRun      bool
	Concurrency int
	Skip        objects.SkipMode
}

// NewCmdPutObjects uploads files and directories, several at once. runF,
// when given, runs instead of runPutObjects.
func NewCmdPutObjects(f *Factory, runF func(*PutObjectsOptions) error) *cobra.Command {
	opts := &PutObjectsOptions{IO: f.IO, Clients: f.Clients}
	var skip skipFlags
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
			opts.Bucket, opts.Paths = args[0], args[1:]
			if err := checkConcurrency(cmd, opts.Concurrency); err != nil {
				return err
			}
			mode, err := skip.mode(cmd)
			if err != nil {
				return err
			}
			opts.Skip = mode
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runPutObjects(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Prefix, "prefix", "", "Prefix to add to the keys in the bucket")
	fl.BoolVarP(&opts.Silent, "silent", "s", false, "Don't show progress bar")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Show what would be uploaded where, without uploading")
	skip.add(cmd, "files", "object in the bucket")
	addConcurrencyFlag(cmd, &opts.Concurrency)
	f.AddAWSFlags(cmd)
	return cmd
}

// runPutObjects plans the files, leaves out what --skip finds in the
// bucket (printing the plan for --dry-run), then uploads the rest.
func runPutObjects(opts *PutObjectsOptions) error {
	bucket, out := opts.Bucket, opts.IO.Out
	files, skipped, err := objects.UploadPlan(opts.Paths, opts.Prefix)
	if err != nil {
		return err
	}
	for _, s := range skipped {
		fmt.Fprintf(opts.IO.ErrOut, "Skipped: %s (%s)\n", s.Path, s.Why)
	}
	if opts.DryRun && opts.Skip == objects.SkipNone {
		for _, lf := range files {
			fmt.Fprintf(out, "%s => s3://%s/%s\n", lf.Path, bucket, lf.Key)
		}
		return nil
	}
	ctx := opts.Context
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	oc := objects.New(c.S3, opts.Concurrency)
	verdicts, err := oc.CompareUploads(ctx, bucket, files, opts.Skip)
	if err != nil {
		return err
	}
	tally := &skipTally{mode: opts.Skip, bucket: bucket}
	var send []objects.LocalFile
	for i, lf := range files {
		tally.add(lf.Key, verdicts[i])
		if opts.DryRun {
			if verdicts[i].Skip {
				fmt.Fprintf(out, "%s == s3://%s/%s (skipped: %s)\n", lf.Path, bucket, lf.Key, tally.why(verdicts[i]))
			} else {
				fmt.Fprintf(out, "%s => s3://%s/%s\n", lf.Path, bucket, lf.Key)
			}
		}
		if !verdicts[i].Skip {
			send = append(send, lf)
		}
	}
	tally.report(opts.IO.ErrOut, opts.Silent, opts.DryRun)
	if opts.DryRun {
		return nil
	}
	var total int64
	for _, lf := range send {
		total += lf.Size
	}
	bar := progress.New(opts.IO.ErrOut, opts.IO.StderrTTY, opts.Silent, progress.Label("Uploading", total, len(send)), total)
	if err := oc.PutFiles(ctx, bucket, send, bar); err != nil {
		bar.Stop()
		var stopped *objects.UploadStopped
		if errors.As(err, &stopped) {
			reportStoppedUpload(opts.IO.ErrOut, stopped)
		}
		return err
	}
	bar.Finish()
	return nil
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
