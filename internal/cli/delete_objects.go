package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/objects"
)

// DeleteObjectsOptions are the arguments and flags of delete-objects.
type DeleteObjectsOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context

	Bucket      string
	Keys        []string
	Prefix      string
	Silent      bool
	DryRun      bool
	Concurrency int
}

// NewCmdDeleteObjects deletes keys, or everything under a prefix. runF,
// when given, runs instead of runDeleteObjects.
func NewCmdDeleteObjects(f *Factory, runF func(*DeleteObjectsOptions) error) *cobra.Command {
	opts := &DeleteObjectsOptions{IO: f.IO, Clients: f.Clients}
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
			opts.Bucket, opts.Keys = args[0], args[1:]
			if err := checkConcurrency(cmd, opts.Concurrency); err != nil {
				return err
			}
			if len(opts.Keys) > 0 && opts.Prefix != "" {
				return stringError("Cannot pass both keys and --prefix")
			}
			if len(opts.Keys) == 0 && opts.Prefix == "" {
				return stringError("Specify one or more keys or use --prefix")
			}
			// Keys typed or pasted from a Windows file may carry a stray \r.
			for i, k := range opts.Keys {
				if opts.Keys[i] = strings.TrimRight(k, "\r"); opts.Keys[i] == "" {
					return invalidArg(cmd, "[KEYS]...", names.CheckKey(""))
				}
			}
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runDeleteObjects(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Prefix, "prefix", "", "Delete every key starting with this prefix")
	fl.BoolVarP(&opts.Silent, "silent", "s", false, "Don't show informational output")
	fl.BoolVarP(&opts.DryRun, "dry-run", "d", false, "List the keys that would be deleted, without deleting them")
	addConcurrencyFlag(cmd, &opts.Concurrency)
	f.AddAWSFlags(cmd)
	return cmd
}

// runDeleteObjects finds the keys (listing a prefix), then lists them for
// --dry-run or deletes them, naming each S3 refused.
func runDeleteObjects(opts *DeleteObjectsOptions) error {
	ctx, out, errOut := opts.Context, opts.IO.Out, opts.IO.ErrOut
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	oc := objects.New(c.S3, opts.Concurrency)
	keys, err := oc.SelectDeletes(ctx, opts.Bucket, opts.Keys, opts.Prefix)
	if err != nil {
		return err
	}
	if !opts.Silent {
		fmt.Fprintf(errOut, "Deleting %s from %s\n", message.Count(len(keys), "object"), opts.Bucket)
	}
	if opts.DryRun {
		fmt.Fprintln(out, "The following keys would be deleted:")
		for _, k := range keys {
			fmt.Fprintln(out, k)
		}
		return nil
	}
	failures, err := oc.Delete(ctx, opts.Bucket, keys, nil)
	for _, fl := range failures {
		fmt.Fprintf(errOut, "Could not delete %s: %s: %s\n", fl.Key, fl.Code, fl.Message)
	}
	if err != nil {
		return err
	}
	if len(failures) > 0 {
		return fmt.Errorf("%s could not be deleted", message.Count(len(failures), "object"))
	}
	return nil
}
