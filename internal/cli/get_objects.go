package cli

import (
	"errors"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/objects"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
	"github.com/s3-credentials/s3-credentials/internal/progress"
)

func init() { register(NewCmdGetObjects) }

// NewCmdGetObjects downloads many objects into a directory, several at once.
func NewCmdGetObjects(f *Factory) *cobra.Command {
	var (
		outDir      string
		patterns    []string
		silent      bool
		concurrency int
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

  s3-credentials get-objects my-bucket -o backup
  s3-credentials get-objects my-bucket one.txt path/two.txt
  s3-credentials get-objects my-bucket -p "*.txt" -p "static/*.css"`,
		Args: minArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			bucket, keys := args[0], args[1:]
			if err := checkConcurrency(cmd, concurrency); err != nil {
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

			// The keys named, then those matching each pattern in turn; each once.
			var want []string
			sizes := map[string]int64{}
			seen := map[string]bool{}
			add := func(k string, size int64) {
				if !seen[k] {
					seen[k] = true
					want = append(want, k)
				}
				sizes[k] = size
			}
			for _, k := range keys {
				add(k, 0)
			}
			if len(keys) > 0 && !silent {
				// Sizes for the progress label; missing keys count as 0.
				got, err := oc.HeadSizes(ctx, bucket, keys)
				if err != nil {
					return err
				}
				for i, k := range keys {
					sizes[k] = got[i]
				}
			}
			if len(keys) == 0 || len(patterns) > 0 {
				all, err := oc.ListAll(ctx, bucket, "")
				if err != nil {
					return err
				}
				if len(patterns) == 0 {
					for _, o := range all {
						add(o.Key, o.Size)
					}
				}
				for _, p := range patterns {
					pat := objects.CompilePattern(p)
					for _, o := range all {
						if pat.Match(o.Key) {
							add(o.Key, o.Size)
						}
					}
				}
			}
			var total int64
			for _, k := range want {
				total += sizes[k]
			}
			bar := progress.New(f.IO.ErrOut, f.IO.StderrTTY, silent, progress.Label("Downloading", total, len(want)), total)
			res, err := oc.GetFiles(ctx, bucket, want, dir, bar)
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
	addConcurrencyFlag(cmd, &concurrency)
	f.AddAWSFlags(cmd)
	return cmd
}
