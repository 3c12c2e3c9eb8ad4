package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/objects"
)

func init() { register(NewCmdDeleteObjects) }

// NewCmdDeleteObjects deletes keys, or everything under a prefix.
func NewCmdDeleteObjects(f *Factory) *cobra.Command {
	var (
		prefix      string
		silent      bool
		dryRun      bool
		concurrency int
	)
	cmd := &cobra.Command{
		Use:               "delete-objects BUCKET [KEYS]...",
		GroupID:           groupObjects,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Delete one or more object from an S3 bucket",
		Long: `Delete the keys named, or every key starting with --prefix. Keys are
deleted 1,000 per request, up to --concurrency requests at once. Keys S3
refuses to delete are listed on stderr and make the exit code 1.

  s3-credentials delete-objects my-bucket one.txt two.txt
  s3-credentials delete-objects my-bucket --prefix my-folder/ --dry-run`,
		Args: minArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			bucket, keys := args[0], args[1:]
			if err := checkConcurrency(cmd, concurrency); err != nil {
				return err
			}
			if len(keys) > 0 && prefix != "" {
				return stringError("Cannot pass both keys and --prefix")
			}
			if len(keys) == 0 && prefix == "" {
				return stringError("Specify one or more keys or use --prefix")
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			oc := objects.New(c.S3, concurrency)
			if prefix != "" {
				all, err := oc.ListAll(ctx, bucket, prefix)
				if err != nil {
					return err
				}
				keys = make([]string, len(all))
				for i, o := range all {
					keys[i] = o.Key
				}
			} else {
				// Keys typed or pasted from a Windows file may carry a stray \r.
				for i, k := range keys {
					if keys[i] = strings.TrimRight(k, "\r"); keys[i] == "" {
						return invalidArg(cmd, "[KEYS]...", names.CheckKey(""))
					}
				}
			}
			if !silent {
				fmt.Fprintf(f.IO.ErrOut, "Deleting %s from %s\n", message.Count(len(keys), "object"), bucket)
			}
			if dryRun {
				fmt.Fprintln(f.IO.Out, "The following keys would be deleted:")
				for _, k := range keys {
					fmt.Fprintln(f.IO.Out, k)
				}
				return nil
			}
			failures, err := oc.Delete(ctx, bucket, keys, nil)
			for _, fl := range failures {
				fmt.Fprintf(f.IO.ErrOut, "Could not delete %s: %s: %s\n", fl.Key, fl.Code, fl.Message)
			}
			if err != nil {
				return err
			}
			if len(failures) > 0 {
				return fmt.Errorf("%s could not be deleted", message.Count(len(failures), "object"))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&prefix, "prefix", "", "Delete every key starting with this prefix")
	fl.BoolVarP(&silent, "silent", "s", false, "Don't show informational output")
	fl.BoolVarP(&dryRun, "dry-run", "d", false, "List the keys that would be deleted, without deleting them")
	addConcurrencyFlag(cmd, &concurrency)
	f.AddAWSFlags(cmd)
	return cmd
}
