package cli

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/users"
)

// RotateKeyOptions are the argument and flags of `rotate-key`, and what
// running it needs.
type RotateKeyOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	// factory opens the credential output (--output and its checks).
	factory *Factory
	// User is the user given a new key.
	User          string
	DeactivateOld bool
	DeleteOld     bool
	Silent        bool
	Out           credentialOutput
}

// errOldKeyFlags is returned when both ways of retiring old keys are asked for.
var errOldKeyFlags = errors.New("Cannot use --deactivate-old and --delete-old at the same time")

// NewCmdRotateKey gives an existing user a new access key. runF, when
// given, runs instead of runRotateKey: tests read the options the flags
// made.
func NewCmdRotateKey(f *Factory, runF func(*RotateKeyOptions) error) *cobra.Command {
	opts := &RotateKeyOptions{IO: f.IO, Clients: f.Clients, factory: f}
	cmd := &cobra.Command{
		Use:               "rotate-key USERNAME",
		GroupID:           groupCredentials,
		ValidArgsFunction: completeUsers(f, false),
		Short:             "Create a new access key for a user and retire the old ones",
		Long: `Create a new access key for an existing IAM user and print it, in the same
form as create does. Then, optionally, make the user's previous keys
inactive (--deactivate-old) or delete them (--delete-old). Without either
option the previous keys keep working.

IAM allows two access keys per user. When the user already has two, the
command stops before changing anything and explains what to do, except
with --delete-old when one of the two is inactive: that one is deleted
first to make room.

The new key is printed before any old key is touched; if it cannot be
printed it is deleted again. Steps are reported on standard error.`,
		Example: `  # New key for the user, old one deactivated
  s3-credentials rotate-key s3.read-write.my-bucket --deactivate-old

  # New key as an INI profile, old keys deleted
  s3-credentials rotate-key my-user --delete-old -f ini > credentials.ini`,
		Args: exactArgs("USERNAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Out.validate(cmd); err != nil {
				return err
			}
			if opts.DeactivateOld && opts.DeleteOld {
				return errOldKeyFlags
			}
			opts.User, opts.Context = args[0], cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runRotateKey(opts)
		},
	}
	fl := cmd.Flags()
	opts.Out.addFlags(cmd)
	fl.BoolVar(&opts.DeactivateOld, "deactivate-old", false, "Make the user's previous access keys inactive")
	fl.BoolVar(&opts.DeleteOld, "delete-old", false, "Delete the user's previous access keys")
	fl.BoolVar(&opts.Silent, "silent", false, "Don't show performed steps")
	f.AddAWSFlags(cmd)
	return cmd
}

func runRotateKey(opts *RotateKeyOptions) error {
	ctx, f := opts.Context, opts.factory
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	old := users.KeepOld
	switch {
	case opts.DeactivateOld:
		old = users.DeactivateOld
	case opts.DeleteOld:
		old = users.DeleteOld
	}
	r := &users.Rotator{IAM: c.IAM, Steps: f.steps(opts.Silent)}
	deliver, closeOut, err := opts.Out.open(f, r.Log)
	if err != nil {
		return err
	}
	defer closeOut()
	r.Deliver = func(key *iamtypes.AccessKey) error {
		return deliver(&credentials.Result{
			AccessKeyID:     aws.ToString(key.AccessKeyId),
			SecretAccessKey: aws.ToString(key.SecretAccessKey),
			Document:        botocore.AccessKey(key),
		})
	}
	_, err = r.Rotate(ctx, opts.User, old)
	return err
}
