package cli

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/policycheck"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/timespec"
)

func init() { register(NewCmdCreateRole) }

// CreateRoleOptions are the flags of `create-role`.
type CreateRoleOptions struct {
	ReadOnly           bool
	WriteOnly          bool
	Scope              scopeFlags
	Statements         []string
	Trust              []string
	MaxSessionDuration string
	Tags               []string
	DryRun             bool
	Update             bool
	Silent             bool
	// roleARN is ROLE_NAME when it was given as an ARN.
	roleARN string
}

// NewCmdCreateRole makes an IAM role scoped to buckets.
func NewCmdCreateRole(f *Factory) *cobra.Command {
	opts := &CreateRoleOptions{}
	cmd := &cobra.Command{
		Use:               "create-role ROLE_NAME BUCKETS...",
		GroupID:           groupCredentials,
		ValidArgsFunction: completeBucketsAfterName(f),
		Short:             "Create an IAM role that can access only the specified buckets",
		Long: `Create an IAM role for services or people to assume, with one inline
policy per bucket: the same policies, under the same names
(s3.PERMISSION.BUCKET), that create gives a user.

--trust says who may assume it: account (the default: any principal of
the account of the credentials in use that is allowed to), lambda, ec2,
ecs-tasks, any SERVICE.amazonaws.com, a 12-digit account ID or an IAM ARN.
Repeat it to trust several; they all go in one trust policy statement.

An existing role is refused. With --update its bucket policies are
replaced instead: the ones for the buckets given are written, and its other
s3.PERMISSION.BUCKET policies are deleted; other inline policies stay. Its
trust policy and MaxSessionDuration change only when --trust or
--max-session-duration is given; --tag adds or changes tags.

ROLE_NAME may also be given as the role's ARN (at the path /, in the
account of the credentials in use).

The role's name and ARN are printed as JSON; the steps go to standard
error. If a step fails, or the run is interrupted, every change made is
undone.`,
		Example: `  # A role Lambda functions can assume to read one bucket
  s3-credentials create-role reader my-bucket --read-only --trust lambda

  # A role for people in another account, writing under uploads/
  s3-credentials create-role uploader my-bucket --write-only --prefix uploads/ \
    --trust arn:aws:iam::210987654321:root --max-session-duration 1h

  # Give an existing role a second bucket, replacing its bucket policies
  s3-credentials create-role reader my-bucket other-bucket --read-only --update

  # See the trust policy and the inline policies, without AWS calls
  s3-credentials create-role reader my-bucket --trust ec2 --dry-run`,
		Args: minArgs("ROLE_NAME", "BUCKETS..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if arn, ok := names.ParseRoleARN(name); ok {
				if arn.Path != "/" {
					return usageErrorf(cmd, "Invalid value for 'ROLE_NAME': create-role makes roles at the path /, and %s has the path %s.", name, arn.Path)
				}
				name, opts.roleARN = arn.Name, args[0]
			}
			req := &credentials.RoleRequest{
				Request: credentials.Request{Buckets: args[1:], Username: name},
				Update:  opts.Update,
			}
			var err error
			if req.Scope, err = opts.Scope.scope(cmd, args[1:], time.Now()); err != nil {
				return err
			}
			if req.Statements, err = parseStatements(cmd, opts.Statements); err != nil {
				return err
			}
			if req.Permission, err = permission(opts.ReadOnly, opts.WriteOnly); err != nil {
				return err
			}
			for _, raw := range opts.Trust {
				p, err := credentials.ParseTrust(raw)
				if err != nil {
					return badParam(cmd, "trust", err.Error())
				}
				req.Trust = append(req.Trust, p)
			}
			if cmd.Flags().Changed("max-session-duration") {
				if req.MaxSessionDuration, err = parseMaxSessionDuration(cmd, opts.MaxSessionDuration); err != nil {
					return err
				}
			}
			if req.Tags, err = parseTags(cmd, opts.Tags); err != nil {
				return err
			}
			if err := checkRequest(cmd, &req.Request, policycheck.RolePolicy); err != nil {
				return err
			}
			return requestUsage(cmd, runCreateRole(cmd, f, opts, req))
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.ReadOnly, "read-only", false, "Only allow reading from the buckets")
	fl.BoolVar(&opts.WriteOnly, "write-only", false, "Only allow writing to the buckets")
	opts.Scope.add(cmd, false)
	fl.StringArrayVar(&opts.Statements, "statement", nil, "JSON statement to add to each bucket's policy (repeatable)")
	fl.StringArrayVar(&opts.Trust, "trust", nil, "Who may assume the role: account, lambda, ec2, ecs-tasks, SERVICE.amazonaws.com, an account ID or an ARN (repeatable; default: account)")
	fl.StringVar(&opts.MaxSessionDuration, "max-session-duration", "", "Longest session the role allows, e.g. 3600, 90m, 4h (1h to 12h; default: 12h for a new role)")
	fl.StringArrayVar(&opts.Tags, "tag", nil, "Tag the role with KEY=VALUE (repeatable)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Show the trust policy and the inline policies without calling AWS")
	fl.BoolVar(&opts.Update, "update", false, "Update the role if it exists: replace its bucket policies")
	fl.BoolVar(&opts.Silent, "silent", false, "Don't show performed steps")
	f.AddAWSFlags(cmd)
	return cmd
}

// parseMaxSessionDuration reads --max-session-duration in the forms
// --duration takes, within IAM's bounds for a role (1 to 12 hours).
func parseMaxSessionDuration(cmd *cobra.Command, raw string) (int, error) {
	n, err := timespec.Seconds(raw, time.Duration(credentials.MinRoleSessionDuration)*time.Second, maxSessionLength)
	var bounds *timespec.RangeError
	switch {
	case errors.As(err, &bounds):
		return 0, badParam(cmd, "max-session-duration", "A role's MaxSessionDuration "+err.Error())
	case err != nil:
		return 0, badParam(cmd, "max-session-duration", err.Error())
	}
	return n, nil
}

func runCreateRole(cmd *cobra.Command, f *Factory, opts *CreateRoleOptions, req *credentials.RoleRequest) error {
	if opts.DryRun {
		return credentials.DryRunRole(f.IO.Out, req)
	}
	if err := req.Validate(); err != nil {
		return err
	}
	ctx := cmd.Context()
	c, err := f.Clients(ctx)
	if err != nil {
		return err
	}
	if opts.roleARN != "" {
		if _, err := roleName(ctx, c, opts.roleARN); err != nil {
			return err // an ARN of another account
		}
	}
	creator := &credentials.Creator{IAM: c.IAM, STS: c.STS, S3: c.S3, Region: c.Config.Region, Steps: f.steps(opts.Silent)}
	res, err := creator.CreateRole(ctx, req)
	if err != nil {
		return err
	}
	return pyjson.WriteJSON(f.IO.Out, res.Document())
}
