package cli

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

func init() { register(NewCmdPolicy) }

// PolicyOptions are the flags of `policy`.
type PolicyOptions struct {
	Buckets      []string
	ReadOnly     bool
	WriteOnly    bool
	Scope        scopeFlags
	Statements   []string
	PublicBucket bool
}

// NewCmdPolicy prints the policy create would use, without calling AWS.
func NewCmdPolicy(f *Factory) *cobra.Command {
	opts := &PolicyOptions{}
	cmd := &cobra.Command{
		Use:               "policy BUCKETS...",
		GroupID:           groupCredentials,
		ValidArgsFunction: completeBuckets(f, true),
		Short:             "Output generated JSON policy for one or more buckets",
		Long: `Print the IAM policy that create would attach for the given buckets.
No AWS call is made and no credentials are needed.

Takes the same permission options as create.`,
		Example: `  s3-credentials policy my-bucket --read-only
  s3-credentials policy my-bucket --prefix uploads/ --write-only
  s3-credentials policy my-bucket --public-bucket`,
		Args: requireArgs("BUCKETS..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Buckets = args
			stmts, err := parseStatements(cmd, opts.Statements)
			if err != nil {
				return err
			}
			scope, err := opts.Scope.scope(cmd, opts.Buckets, time.Now())
			if err != nil {
				return err
			}
			return requestUsage(cmd, runPolicy(f, opts, scope, stmts))
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.ReadOnly, "read-only", false, "Only allow reading from the bucket")
	fl.BoolVar(&opts.WriteOnly, "write-only", false, "Only allow writing to the bucket")
	opts.Scope.add(cmd, true)
	fl.StringArrayVar(&opts.Statements, "statement", nil, "JSON statement to add to the policy (repeatable)")
	fl.BoolVar(&opts.PublicBucket, "public-bucket", false, "Print the bucket policy that allows public access instead")
	return cmd
}

func runPolicy(f *Factory, opts *PolicyOptions, scope policy.Scope, stmts []policy.Statement) error {
	if opts.PublicBucket {
		if len(opts.Buckets) != 1 {
			return errors.New("--public-bucket policy can only be generated for a single bucket")
		}
		return pyjson.WriteJSON(f.IO.Out, policy.PublicRead(opts.Buckets[0]))
	}
	perm, err := permission(opts.ReadOnly, opts.WriteOnly)
	if err != nil {
		return err
	}
	doc, err := policy.ForBuckets(perm, opts.Buckets, scope, stmts...)
	if err != nil {
		return err
	}
	return pyjson.WriteJSON(f.IO.Out, doc)
}
