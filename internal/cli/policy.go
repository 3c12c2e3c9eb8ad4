package cli

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

// PolicyOptions are what `policy` needs: the output stream, the flag values
// and the scope and statements they parse into.
type PolicyOptions struct {
	IO *IOStreams

	Buckets      []string
	ReadOnly     bool
	WriteOnly    bool
	Scope        scopeFlags
	Statements   []string
	PublicBucket bool

	Limits           policy.Scope
	ParsedStatements []policy.Statement
}

// NewCmdPolicy prints the policy create would use, without calling AWS.
//
// runF, when given, runs instead of runPolicy: tests read the options the
// flags made.
func NewCmdPolicy(f *Factory, runF func(*PolicyOptions) error) *cobra.Command {
	opts := &PolicyOptions{IO: f.IO}
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
			var err error
			if opts.ParsedStatements, err = parseStatements(cmd, opts.Statements); err != nil {
				return err
			}
			if opts.Limits, err = opts.Scope.scope(cmd, opts.Buckets, time.Now()); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return requestUsage(cmd, runPolicy(opts))
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

// runPolicy prints the policy the options describe.
func runPolicy(opts *PolicyOptions) error {
	if opts.PublicBucket {
		if len(opts.Buckets) != 1 {
			return errors.New("--public-bucket policy can only be generated for a single bucket")
		}
		return pyjson.WriteJSON(opts.IO.Out, policy.PublicRead(opts.Buckets[0]))
	}
	perm, err := permission(opts.ReadOnly, opts.WriteOnly)
	if err != nil {
		return err
	}
	doc, err := policy.ForBuckets(perm, opts.Buckets, opts.Limits, opts.ParsedStatements...)
	if err != nil {
		return err
	}
	return pyjson.WriteJSON(opts.IO.Out, doc)
}
