package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/bucket"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func init() {
	register(NewCmdSetPublic)
	register(NewCmdSetPrivate)
}

// publicStateHelp describes what set-public and set-private print.
const publicStateHelp = `Standard output gets the state the bucket is left in, as JSON: its public
access block as get-public-access-block prints it (null when the bucket has
none), whether the bucket policy holds the public-read statement, and how
many other statements it holds. The steps taken go to standard error.`

// NewCmdSetPublic lets anyone download a bucket's objects.
func NewCmdSetPublic(f *Factory) *cobra.Command {
	var silent bool
	cmd := &cobra.Command{
		Use:               "set-public BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Let anyone download the objects of a bucket",
		Long: `Make a bucket's objects readable by anyone who knows their names.

Two public access block settings are turned off, BlockPublicPolicy and
RestrictPublicBuckets (without which no public bucket policy works); the
two ACL settings keep their values. Then the statement create --public
writes (Sid AllowAllGetObject: s3:GetObject on every object, for everyone)
is added to the bucket policy; its other statements are kept. Running it
again changes nothing. If the policy cannot be written, the block settings
are put back.

An account-wide public access block, if the account has one, still wins:
set-public does not change it.

` + publicStateHelp,
		Example: `  s3-credentials set-public my-bucket
  s3-credentials set-private my-bucket    # and back`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPublicity(cmd.Context(), f, silent, args[0], (*bucket.Publicity).SetPublic)
		},
	}
	cmd.Flags().BoolVar(&silent, "silent", false, "Don't show performed steps")
	f.AddAWSFlags(cmd)
	return cmd
}

// NewCmdSetPrivate undoes set-public.
func NewCmdSetPrivate(f *Factory) *cobra.Command {
	var silent bool
	cmd := &cobra.Command{
		Use:               "set-private BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Stop anyone without credentials from downloading a bucket's objects",
		Long: `Take back what set-public (or create --public) did.

The public-read statement (Sid AllowAllGetObject) is removed from the bucket
policy, which is deleted when nothing else is left in it; its other
statements are kept. Then all four public access block settings are turned
on. Running it again changes nothing.

` + publicStateHelp,
		Example: `  s3-credentials set-private my-bucket`,
		Args:    exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPublicity(cmd.Context(), f, silent, args[0], (*bucket.Publicity).SetPrivate)
		},
	}
	cmd.Flags().BoolVar(&silent, "silent", false, "Don't show performed steps")
	f.AddAWSFlags(cmd)
	return cmd
}

func runPublicity(ctx context.Context, f *Factory, silent bool, name string,
	set func(*bucket.Publicity, context.Context, string) (*bucket.PublicState, error)) error {
	c, err := f.Clients(ctx)
	if err != nil {
		return err
	}
	st, err := set(&bucket.Publicity{S3: c.S3, Steps: f.steps(silent)}, ctx, name)
	if err != nil {
		return err
	}
	return pyjson.WriteJSON(f.IO.Out, st.Document())
}
