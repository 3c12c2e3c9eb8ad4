package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/objects"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
	"github.com/s3-credentials/s3-credentials/internal/progress"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/fnmatch"
)

func init() { register(NewCmdGetObjects) }

// NewCmdGetObjects downloads many objects into a directory, several at once.
func NewCmdGetObjects(f *Factory) *cobra.Command {
	var (
		outDir      string
		patterns    []string
		silent      bool
		concurrency int
		dryRun      bool
		skip        skipFlags
	)
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
			bucket, keys := args[0], args[1:]
			if err := checkConcurrency(cmd, concurrency); err != nil {
				return err
			}
			mode, err := skip.mode(cmd)
			if err != nil {
				return err
			}
			dir := outDir
			if dir == "" {
				dir = "."
			}
			// The reference's click checks, word for word, and the same
			// for what is neither a file nor a directory.
			if st, err := os.Stat(dir); err == nil && !st.IsDir() {
				return badParam(cmd, "output", "Directory '"+dir+"' is "+outfile.What(st.Mode())+".")
			} else if err == nil && !outfile.Writable(dir) {
				return badParam(cmd, "output", "Directory '"+dir+"' is not writable.")
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			oc := objects.New(c.S3, concurrency)

			// The keys named, then those matching each pattern in turn; each
			// once. remote has their sizes and ETags when known.
			var want []string
			remote := map[string]*objects.Remote{}
			seen := map[string]bool{}
			add := func(k string, r *objects.Remote) {
				if !seen[k] {
					seen[k] = true
					want = append(want, k)
				}
				if r != nil {
					remote[k] = r
				}
			}
			headErrs := map[string]error{}
			for _, k := range keys {
				add(k, nil)
			}
			if len(keys) > 0 && (!silent || mode != objects.SkipNone || dryRun) {
				// Sizes for the progress label (missing keys count as 0),
				// ETags to compare with, what is missing for a dry run.
				got, errs, err := oc.HeadObjects(ctx, bucket, keys)
				if err != nil {
					return err
				}
				for i, k := range keys {
					remote[k] = got[i]
					headErrs[k] = errs[i]
				}
			}
			if len(keys) == 0 || len(patterns) > 0 {
				all, err := oc.ListAll(ctx, bucket, "")
				if err != nil {
					return err
				}
				if len(patterns) == 0 {
					for _, o := range all {
						add(o.Key, &objects.Remote{Size: o.Size, ETag: o.ETag})
					}
				}
				for _, p := range patterns {
					pat := fnmatch.Compile(p)
					for _, o := range all {
						if pat.Match(o.Key) {
							add(o.Key, &objects.Remote{Size: o.Size, ETag: o.ETag})
						}
					}
				}
			}
			same := map[string]bool{}
			if mode != objects.SkipNone || dryRun {
				remotes := make([]*objects.Remote, len(want))
				for i, k := range want {
					remotes[i] = remote[k]
				}
				steps, err := oc.PlanDownloads(ctx, bucket, dir, want, remotes, mode)
				if err != nil {
					return err
				}
				tally := &skipTally{mode: mode, bucket: bucket}
				res := &objects.GetResult{}
				for i, k := range want {
					st := steps[i]
					tally.add(k, st.Verdict)
					if st.Skip {
						same[k] = true
					}
					if !dryRun {
						continue
					}
					switch {
					case remote[k] == nil && headErrs[k] != nil:
						res.Record(k, headErrs[k])
					case st.Problem != nil:
						res.Record(k, st.Problem)
					case st.Skip:
						fmt.Fprintf(f.IO.Out, "s3://%s/%s == %s (skipped: %s)\n", bucket, k, filepath.Join(dir, st.Path), tally.why(st.Verdict))
					case strings.HasSuffix(k, "/"):
						fmt.Fprintf(f.IO.Out, "s3://%s/%s => %s%c\n", bucket, k, filepath.Join(dir, st.Path), filepath.Separator)
					default:
						fmt.Fprintf(f.IO.Out, "s3://%s/%s => %s\n", bucket, k, filepath.Join(dir, st.Path))
					}
				}
				tally.report(f.IO.ErrOut, silent, dryRun)
				if dryRun {
					if !res.OK() {
						return errors.New(strings.Join(res.Messages(), "\n"))
					}
					return nil
				}
			}
			var total int64
			for _, k := range want {
				if r := remote[k]; r != nil && !same[k] {
					total += r.Size
				}
			}
			bar := progress.New(f.IO.ErrOut, f.IO.StderrTTY, silent, progress.Label("Downloading", total, len(want)-len(same)), total)
			res, err := oc.GetFiles(ctx, bucket, want, same, dir, bar)
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
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&outDir, "output", "o", "", "Write to this directory instead of the current one")
	fl.StringArrayVarP(&patterns, "pattern", "p", nil, "Shell-style pattern of keys to download, e.g. '*/*.js' (repeatable)")
	fl.BoolVarP(&silent, "silent", "s", false, "Don't show progress bar")
	fl.BoolVar(&dryRun, "dry-run", false, "Show what would be downloaded where, without downloading")
	skip.add(cmd, "objects", "local file")
	addConcurrencyFlag(cmd, &concurrency)
	f.AddAWSFlags(cmd)
	return cmd
}
