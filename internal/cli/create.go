package cli

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/flagvalue"
	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/policycheck"
)

// CreateOptions are what `create` needs: the factory's streams and clients,
// the flag values, and the request the flags and arguments made.
type CreateOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	factory *Factory // for the output file and the step lines

	Request             *credentials.Request
	Duration            string
	Username            string
	CreateBucket        bool
	Scope               scopeFlags
	Public              bool
	Website             bool
	ReadOnly            bool
	WriteOnly           bool
	Policy              string
	Statements          []string
	BucketRegion        string
	Silent              bool
	DryRun              bool
	PermissionsBoundary string
	Tags                []string
	ReplacePolicy       bool
	Out                 credentialOutput
}

// NewCmdCreate creates credentials for buckets. runF, when given, runs
// instead of runCreate: tests read the options the flags made.
func NewCmdCreate(f *Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IO, Clients: f.Clients, factory: f}
	cmd := &cobra.Command{
		Use:               "create BUCKETS...",
		GroupID:           groupCredentials,
		ValidArgsFunction: completeBuckets(f, true),
		Short:             "Create and return new AWS credentials for specified S3 buckets",
		Long: `Create credentials that can access only the buckets named, and print them.

Without --duration an IAM user is made (or reused with --username), given one
inline policy per bucket and a new access key: permanent credentials. With
--duration the tool's role is assumed with a session policy instead, giving
credentials that expire after 15 minutes to 12 hours.

Steps taken are reported on standard error; the credentials alone go to
standard output.

--dry-run shows every bucket being created, as it cannot know which exist;
with --create-bucket it checks each name against S3's rules for new buckets,
as the real run does for the buckets it finds missing.`,
		Example: `  # Create a bucket and read-write credentials for it
  s3-credentials create my-new-bucket -c

  # Read-only credentials for an existing bucket
  s3-credentials create my-existing-bucket --read-only

  # Write-only credentials that last 15 minutes
  s3-credentials create my-existing-bucket --write-only -d 15m

  # See what would happen, without credentials or AWS calls
  s3-credentials create my-bucket --prefix uploads/ --dry-run`,
		Args: requireArgs("BUCKETS..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			req, err := createRequest(cmd, f.IO.In, opts, args)
			if err != nil {
				return err
			}
			opts.Request = req
			if runF != nil {
				return runF(opts)
			}
			return requestUsage(cmd, runCreate(cmd.Context(), opts))
		},
	}
	fl := cmd.Flags()
	opts.Out.addFlags(cmd)
	fl.StringVarP(&opts.Duration, "duration", "d", "", "How long the credentials should work, e.g. 3600 or 3600s, 15m, 1h (15m to 12h); default: forever")
	fl.StringVar(&opts.Username, "username", "", "Username to create, or existing user to use")
	fl.BoolVarP(&opts.CreateBucket, "create-bucket", "c", false, "Create buckets if they do not already exist")
	opts.Scope.add(cmd, true)
	fl.BoolVar(&opts.Public, "public", false, "Make the created bucket public: anyone can download files if they know their names")
	fl.BoolVar(&opts.Website, "website", false, "Configure the created bucket as a website, using index.html and error.html (implies --public)")
	fl.BoolVar(&opts.ReadOnly, "read-only", false, "Only allow reading from the bucket")
	fl.BoolVar(&opts.WriteOnly, "write-only", false, "Only allow writing to the bucket")
	fl.StringVar(&opts.Policy, "policy", "", "Path to a policy.json file, - for standard input, or literal JSON; $!BUCKET_NAME!$ is replaced by each bucket's name")
	fl.StringArrayVar(&opts.Statements, "statement", nil, "JSON statement to add to the policy (repeatable)")
	readsStdin(cmd, "policy")
	fl.StringVar(&opts.BucketRegion, "bucket-region", "", "Region in which to create buckets")
	fl.BoolVar(&opts.Silent, "silent", false, "Don't show performed steps")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Show steps without executing them (no credentials needed)")
	fl.StringVar(&opts.PermissionsBoundary, "user-permissions-boundary", "", "Permissions boundary for created users, or 'none'; default follows --read-only/--write-only")
	fl.StringArrayVar(&opts.Tags, "tag", nil, "Tag what create makes (user, new buckets, STS session), or the existing user, with KEY=VALUE (repeatable)")
	fl.BoolVar(&opts.ReplacePolicy, "replace-policy", false, "Let an existing user's policy for a bucket be replaced by one that says something else, changing what its earlier keys may do")
	f.AddAWSFlags(cmd)
	return cmd
}

// createRequest checks create's flags and arguments and makes the request
// they describe; a mistake is a usage error.
func createRequest(cmd *cobra.Command, stdin io.Reader, opts *CreateOptions, args []string) (*credentials.Request, error) {
	req := &credentials.Request{
		Buckets:             args,
		Username:            opts.Username,
		CreateBucket:        opts.CreateBucket,
		Public:              opts.Public,
		Website:             opts.Website,
		BucketRegion:        opts.BucketRegion,
		PermissionsBoundary: opts.PermissionsBoundary,
		ReplacePolicy:       opts.ReplacePolicy,
	}
	if err := opts.Out.validate(cmd); err != nil {
		return nil, err
	}
	var err error
	if req.Scope, err = opts.Scope.scope(cmd, args, time.Now()); err != nil {
		return nil, err
	}
	if cmd.Flags().Changed("duration") {
		if cmd.Flags().Changed("expires") {
			return nil, usageErrorf(cmd, "--expires is for permanent credentials: those of --duration expire anyway")
		}
		if req.DurationSeconds, err = parseDuration(cmd, opts.Duration); err != nil {
			return nil, err
		}
	}
	if opts.Policy != "" {
		if req.PolicyText, err = flagvalue.ReadPolicy(opts.Policy, stdin); err != nil {
			return nil, badParam(cmd, "policy", err.Error())
		}
	}
	if req.Statements, err = parseStatements(cmd, opts.Statements); err != nil {
		return nil, err
	}
	if req.Permission, err = permission(opts.ReadOnly, opts.WriteOnly); err != nil {
		return nil, err
	}
	if req.Tags, err = parseTags(cmd, opts.Tags); err != nil {
		return nil, err
	}
	if cmd.Flags().Changed("username") {
		if err := names.CheckUserName(opts.Username); err != nil {
			return nil, badParam(cmd, "username", err.Error()+".")
		}
	}
	if err := checkRequest(cmd, req, policycheck.UserPolicy); err != nil {
		return nil, err
	}
	return req, nil
}

// runCreate makes the credentials opts.Request describes, or with --dry-run
// prints the steps it would take.
func runCreate(ctx context.Context, opts *CreateOptions) error {
	req := opts.Request
	f := opts.factory
	if opts.DryRun {
		return credentials.DryRun(opts.IO.Out, req)
	}
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	creator := &credentials.Creator{
		IAM:    c.IAM,
		STS:    c.STS,
		S3:     c.S3,
		Region: c.Config.Region,
		Steps:  f.steps(opts.Silent),
	}
	deliver, closeOut, err := opts.Out.open(f, creator.Log)
	if err != nil {
		return err
	}
	defer closeOut()
	creator.Deliver = deliver
	_, err = creator.Create(ctx, req)
	return err
}
