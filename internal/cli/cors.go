package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/bucket"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// GetCORSPolicyOptions are what `get-cors-policy` needs.
type GetCORSPolicyOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Bucket  string
}

// NewCmdGetCORSPolicy prints a bucket's CORS rules. runF, when given, runs
// instead of runGetCORSPolicy: tests read the options the flags made.
func NewCmdGetCORSPolicy(f *Factory, runF func(*GetCORSPolicyOptions) error) *cobra.Command {
	opts := &GetCORSPolicyOptions{IO: f.IO, Clients: f.Clients}
	cmd := &cobra.Command{
		Use:               "get-cors-policy BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Print the CORS rules of a bucket",
		Long: `Print the bucket's CORS rules as a JSON list. A bucket without CORS rules is
an error (NoSuchCORSConfiguration).

  s3-credentials get-cors-policy my-bucket`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context, opts.Bucket = cmd.Context(), args[0]
			if runF != nil {
				return runF(opts)
			}
			return runGetCORSPolicy(opts)
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}

// runGetCORSPolicy prints the rules as botocore orders them.
func runGetCORSPolicy(opts *GetCORSPolicyOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	rules, err := bucket.GetCORS(opts.Context, c.S3, opts.Bucket)
	if err != nil {
		return err
	}
	return pyjson.WriteJSON(opts.IO.Out, botocore.CORSRules(rules))
}

// SetCORSPolicyOptions are what `set-cors-policy` needs.
type SetCORSPolicyOptions struct {
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Bucket  string
	Rule    bucket.CORSRule
}

// NewCmdSetCORSPolicy replaces a bucket's CORS rules with one rule. runF,
// when given, runs instead of runSetCORSPolicy.
func NewCmdSetCORSPolicy(f *Factory, runF func(*SetCORSPolicyOptions) error) *cobra.Command {
	opts := &SetCORSPolicyOptions{Clients: f.Clients}
	cmd := &cobra.Command{
		Use:               "set-cors-policy BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Replace the CORS rules of a bucket with one rule",
		Long: `Replace the bucket's CORS configuration with one rule. Without options the
rule allows GET from any origin. Each option may be repeated. Note that -h
is --allowed-header here; use --help for help.

  s3-credentials set-cors-policy my-bucket
  s3-credentials set-cors-policy my-bucket -m GET -m PUT \
    -o https://www.example.com/ -e ETag --max-age-seconds 3600`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context, opts.Bucket = cmd.Context(), args[0]
			if runF != nil {
				return runF(opts)
			}
			return runSetCORSPolicy(opts)
		},
	}
	fl := cmd.Flags()
	// -h is --allowed-header here, so help gets the long form only (cobra
	// would otherwise claim -h for it).
	fl.Bool("help", false, "help for set-cors-policy")
	fl.StringArrayVarP(&opts.Rule.Methods, "allowed-method", "m", nil, "Allowed method, e.g. GET (default GET)")
	fl.StringArrayVarP(&opts.Rule.Headers, "allowed-header", "h", nil, "Allowed header, e.g. Authorization")
	fl.StringArrayVarP(&opts.Rule.Origins, "allowed-origin", "o", nil, "Allowed origin, e.g. https://www.example.com/ (default *)")
	fl.StringArrayVarP(&opts.Rule.ExposeHeaders, "expose-header", "e", nil, "Header to expose, e.g. ETag")
	fl.IntVar(&opts.Rule.MaxAgeSeconds, "max-age-seconds", 0, "How long browsers may cache the preflight answer")
	f.AddAWSFlags(cmd)
	return cmd
}

// runSetCORSPolicy writes the rule.
func runSetCORSPolicy(opts *SetCORSPolicyOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	return bucket.SetCORS(opts.Context, c.S3, opts.Bucket, opts.Rule)
}
