package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/objects"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
	"github.com/s3-credentials/s3-credentials/internal/progress"
)

// GetObjectsOptions are the arguments and flags of get-objects.
type GetObjectsOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context

	Bucket      string
	Keys        []string
	Patterns    []string
	Dir         string // the directory written to, "." unless -o is given
	Silent      bool
	Concurrency int
	DryRun      bool
	Skip        objects.SkipMode
}

// NewCmdGetObjects downloads many objects into a directory, several at
// once. runF, when given, runs instead of runGetObjects.
func NewCmdGetObjects(f *Factory, runF func(*GetObjectsOptions) error) *cobra.Command {
	opts := &GetObjectsOptions{IO: f.IO, Clients: f.Clients}
	var skip skipFlags
	cmd := &cobra.Command{
		Use:               "get-objects BUCKET [KEYS]...",
		GroupID:           groupObjects,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Download multiple objects from an S3 bucket",
		Long: `Download objects into a directory (the current one unless -o is given),
keeping the folder structure of their keys. With no KEYS and no --pattern
everything in the bucket is downloaded. --pattern takes shell-style
patterns in which * also matches /. Up to --concurrency objects are
downloaded at once. Keys that do not exist are reported at the end (exit
1); keys that would be written outside the directory (such as ../x) are
refused, and keys that clash with another (x and x/y cannot both be
files) are skipped. Each file is written as get-object -o writes one.

--skip leaves out objects whose file is already there with the same size;
--skip-hash those whose file has the same MD5 (the object's ETag, or for
an object uploaded in parts the ETag the file would get in parts of the
same size). Where the ETag is no MD5 (objects encrypted with KMS or a
customer key) or the part size cannot be found, --skip-hash compares sizes
and says so. --dry-run shows what would be downloaded, as
s3://BUCKET/KEY => PATH, and what would be left out, as
s3://BUCKET/KEY == PATH, and writes nothing.

  s3-credentials get-objects my-bucket -o backup
  s3-credentials get-objects my-bucket one.txt path/two.txt
  s3-credentials get-objects my-bucket -p "*.txt" -p "static/*.css"
  s3-credentials get-objects my-bucket -o backup --skip-hash --dry-run`,

		Args: minArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bucket, opts.Keys = args[0], args[1:]
			if err := checkConcurrency(cmd, opts.Concurrency); err != nil {
				return err
			}
			mode, err := skip.mode(cmd)
			if err != nil {
				return err
			}
			opts.Skip = mode
			if opts.Dir == "" {
				opts.Dir = "."
			}
			// The reference's click checks, word for word, and the same
			// for what is neither a file nor a directory.
			if st, err := os.Stat(opts.Dir); err == nil && !st.IsDir() {
				return badParam(cmd, "output", "Directory '"+opts.Dir+"' is "+outfile.What(st.Mode())+".")
			} else if err == nil && !outfile.Writable(opts.Dir) {
				return badParam(cmd, "output", "Directory '"+opts.Dir+"' is not writable.")
			}
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runGetObjects(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Dir, "output", "o", "", "Write to this directory instead of the current one")
	fl.StringArrayVarP(&opts.Patterns, "pattern", "p", nil, "Shell-style pattern of keys to download, e.g. '*/*.js' (repeatable)")
	fl.BoolVarP(&opts.Silent, "silent", "s", false, "Don't show progress bar")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Show what would be downloaded where, without downloading")
	skip.add(cmd, "objects", "local file")
	addConcurrencyFlag(cmd, &opts.Concurrency)
	f.AddAWSFlags(cmd)
	return cmd
}

// runGetObjects selects the objects, plans what --skip leaves out (and
// prints it for --dry-run), then downloads the rest.
func runGetObjects(opts *GetObjectsOptions) error {
	ctx := opts.Context
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	oc := objects.New(c.S3, opts.Concurrency)
	// Sizes for the progress label (missing keys count as 0), ETags to
	// compare with, what is missing for a dry run.
	head := !opts.Silent || opts.Skip != objects.SkipNone || opts.DryRun
	sel, err := oc.SelectDownloads(ctx, opts.Bucket, opts.Keys, opts.Patterns, head)
	if err != nil {
		return err
	}
	same := map[string]bool{}
	if opts.Skip != objects.SkipNone || opts.DryRun {
		steps, err := oc.PlanDownloads(ctx, opts.Bucket, opts.Dir, sel.Keys, sel.Remotes(), opts.Skip)
		if err != nil {
			return err
		}
		if done, err := showDownloadPlan(opts, sel, steps, same); done {
			return err
		}
	}
	var total int64
	for _, k := range sel.Keys {
		if r := sel.Remote[k]; r != nil && !same[k] {
			total += r.Size
		}
	}
	bar := progress.New(opts.IO.ErrOut, opts.IO.StderrTTY, opts.Silent, progress.Label("Downloading", total, len(sel.Keys)-len(same)), total)
	res, err := oc.GetFiles(ctx, opts.Bucket, sel.Keys, same, opts.Dir, bar)
	if err != nil {
		bar.Stop()
		return err
	}
	if !res.OK() {
		bar.Stop()
		return errors.New(strings.Join(res.Messages(), "\n"))
	}
	bar.Finish()
	return nil
}

// showDownloadPlan marks in same the keys the plan leaves out, tells how
// many, and for --dry-run prints each step; done says the command ends
// there (a dry run), with err.
func showDownloadPlan(opts *GetObjectsOptions, sel *objects.Selection, steps []objects.DownloadStep, same map[string]bool) (done bool, err error) {
	bucket, dir, out := opts.Bucket, opts.Dir, opts.IO.Out
	tally := &skipTally{mode: opts.Skip, bucket: bucket}
	res := &objects.GetResult{}
	for i, k := range sel.Keys {
		st := steps[i]
		tally.add(k, st.Verdict)
		if st.Skip {
			same[k] = true
		}
		if !opts.DryRun {
			continue
		}
		switch {
		case sel.Remote[k] == nil && sel.HeadErrs[k] != nil:
			res.Record(k, sel.HeadErrs[k])
		case st.Problem != nil:
			res.Record(k, st.Problem)
		case st.Skip:
			fmt.Fprintf(out, "s3://%s/%s == %s (skipped: %s)\n", bucket, k, filepath.Join(dir, st.Path), tally.why(st.Verdict))
		case strings.HasSuffix(k, "/"):
			fmt.Fprintf(out, "s3://%s/%s => %s%c\n", bucket, k, filepath.Join(dir, st.Path), filepath.Separator)
		default:
			fmt.Fprintf(out, "s3://%s/%s => %s\n", bucket, k, filepath.Join(dir, st.Path))
		}
	}
	tally.report(opts.IO.ErrOut, opts.Silent, opts.DryRun)
	if !opts.DryRun {
		return false, nil
	}
	if !res.OK() {
		return true, errors.New(strings.Join(res.Messages(), "\n"))
	}
	return true, nil
}
