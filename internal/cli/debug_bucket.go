package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/bucket"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// DebugBucketOptions are the argument of `debug-bucket`, and what running
// it needs.
type DebugBucketOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Bucket  string
}

// NewCmdDebugBucket prints a bucket's ACL, policy status and public access
// block, reporting each check that fails and carrying on. runF, when
// given, runs instead of runDebugBucket: tests read the options the flags
// made.
func NewCmdDebugBucket(f *Factory, runF func(*DebugBucketOptions) error) *cobra.Command {
	opts := &DebugBucketOptions{IO: f.IO, Clients: f.Clients}
	cmd := &cobra.Command{
		Use:               "debug-bucket BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Show a bucket's ACL, policy status and public access block",
		Long: `Print what decides who can reach a bucket: its ACL, its policy status and
its public access block. A check that fails is reported in place of its
result and the next one still runs.

  s3-credentials debug-bucket my-bucket`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bucket, opts.Context = args[0], cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runDebugBucket(opts)
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}

// runDebugBucket prints each check's answer, or the error in its place.
func runDebugBucket(opts *DebugBucketOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	return bucket.Debug(opts.Context, c.S3, opts.Bucket, func(title string, m pyjson.Map) error {
		if _, err := fmt.Fprintf(out, "%s:\n", title); err != nil {
			return err
		}
		return pyjson.WriteJSON(out, m)
	}, func(what string, err error) error {
		_, err = fmt.Fprintf(out, "Error checking %s: %s\n", what, awsclient.BotoError(err))
		return err
	})
}
