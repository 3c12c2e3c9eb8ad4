package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/bucket"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/flagvalue"
	"github.com/s3-credentials/s3-credentials/internal/policycheck"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

// GetBucketPolicyOptions are the argument of `get-bucket-policy`, and what
// running it needs.
type GetBucketPolicyOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Bucket  string
}

// NewCmdGetBucketPolicy prints a bucket's policy. runF, when given, runs
// instead of runGetBucketPolicy: tests read the options the flags made.
func NewCmdGetBucketPolicy(f *Factory, runF func(*GetBucketPolicyOptions) error) *cobra.Command {
	opts := &GetBucketPolicyOptions{IO: f.IO, Clients: f.Clients}
	cmd := &cobra.Command{
		Use:               "get-bucket-policy BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Print the policy attached to a bucket",
		Long: `Print the bucket's policy as JSON. A bucket without a policy is an error
(NoSuchBucketPolicy).

  s3-credentials get-bucket-policy my-bucket`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bucket, opts.Context = args[0], cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runGetBucketPolicy(opts)
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}

func runGetBucketPolicy(opts *GetBucketPolicyOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	doc, err := bucket.GetPolicy(opts.Context, c.S3, opts.Bucket)
	if err != nil {
		return err
	}
	return pyjson.WriteJSON(opts.IO.Out, doc)
}

// SetBucketPolicyOptions are the argument and flags of `set-bucket-policy`,
// and what running it needs.
type SetBucketPolicyOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Bucket  string
	// PolicyFile and AllowAllGet are the flags; Document is the policy
	// they name, read and checked.
	PolicyFile  string
	AllowAllGet bool
	Document    any
}

// NewCmdSetBucketPolicy sets a bucket's policy from a file or the
// public-read policy. runF, when given, runs instead of
// runSetBucketPolicy: tests read the options the flags made.
func NewCmdSetBucketPolicy(f *Factory, runF func(*SetBucketPolicyOptions) error) *cobra.Command {
	opts := &SetBucketPolicyOptions{IO: f.IO, Clients: f.Clients}
	cmd := &cobra.Command{
		Use:               "set-bucket-policy BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Attach a policy to a bucket, from a file or public-read",
		Long: `Set the bucket's policy from a JSON file (- for standard input), or with
--allow-all-get to a policy letting anyone GET its objects. The policy set
is echoed on standard error.

  s3-credentials set-bucket-policy my-bucket --policy-file policy.json
  s3-credentials set-bucket-policy my-bucket --allow-all-get`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bucket, opts.Context = args[0], cmd.Context()
			doc, err := bucketPolicyDocument(cmd, f, opts)
			if err != nil {
				return err
			}
			opts.Document = doc
			if runF != nil {
				return runF(opts)
			}
			return runSetBucketPolicy(opts)
		},
	}
	cmd.Flags().StringVar(&opts.PolicyFile, "policy-file", "", "JSON file holding the policy (- for standard input)")
	readsStdin(cmd, "policy-file")
	cmd.Flags().BoolVar(&opts.AllowAllGet, "allow-all-get", false, "Let anyone GET the bucket's objects")
	f.AddAWSFlags(cmd)
	return cmd
}

// bucketPolicyDocument reads and checks the policy the flags name: a
// file's (or standard input's), or the public-read one.
func bucketPolicyDocument(cmd *cobra.Command, f *Factory, opts *SetBucketPolicyOptions) (any, error) {
	if !cmd.Flags().Changed("policy-file") {
		if !opts.AllowAllGet {
			return nil, usageErrorf(cmd, "Pass --policy-file or --allow-all-get")
		}
		return policy.PublicRead(opts.Bucket), nil
	}
	data, err := flagvalue.ReadFile(opts.PolicyFile, f.IO.In)
	if err != nil {
		msg := err.Error()
		var tooLarge *flagvalue.TooLargeError
		if errors.Is(err, os.ErrNotExist) {
			msg = "No such file or directory"
		} else if errors.Is(err, os.ErrPermission) {
			msg = "Permission denied"
		} else if errors.As(err, &tooLarge) {
			msg = tooLarge.Error()
		}
		return nil, badParam(cmd, "policy-file", fmt.Sprintf("'%s': %s", opts.PolicyFile, msg))
	}
	if opts.AllowAllGet {
		return nil, errors.New("Cannot pass both --allow-all-get and --policy-file")
	}
	doc, err := pyjson.Decode(data)
	if err != nil {
		if opts.PolicyFile == "-" {
			return nil, errors.New("Input contained invalid JSON")
		}
		return nil, errors.New("File contained invalid JSON")
	}
	docs := []credentials.Document{{Name: "bucket policy", Doc: doc}}
	if err := checkDocuments(cmd, docs, policycheck.Options{Kind: policycheck.BucketPolicy}); err != nil {
		return nil, err
	}
	return doc, nil
}

func runSetBucketPolicy(opts *SetBucketPolicyOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	if err := bucket.SetPolicy(opts.Context, c.S3, opts.Bucket, opts.Document); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Policy set:\n%s\n", pyjson.Encode(opts.Document, 4))
	return nil
}
