package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/bucket"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// publicStateHelp describes what set-public and set-private print.
const publicStateHelp = `Standard output gets the state the bucket is left in, as JSON: its public
access block as get-public-access-block prints it (null when the bucket has
none), whether the bucket policy holds the public-read statement, and how
many other statements it holds. The steps taken go to standard error.`

// PublicityOptions are the argument and flags of `set-public` and
// `set-private`, and what running them needs.
type PublicityOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Steps   message.Steps
	Bucket  string
	Silent  bool
	// Public: set-public; else set-private.
	Public bool
}

// newPublicityCmd fills opts for set-public or set-private, and runs it.
func newPublicityCmd(f *Factory, cmd *cobra.Command, public bool, runF func(*PublicityOptions) error) *cobra.Command {
	opts := &PublicityOptions{IO: f.IO, Clients: f.Clients, Public: public}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts.Bucket, opts.Context, opts.Steps = args[0], cmd.Context(), f.steps(opts.Silent)
		if runF != nil {
			return runF(opts)
		}
		return runPublicity(opts)
	}
	cmd.Flags().BoolVar(&opts.Silent, "silent", false, "Don't show performed steps")
	f.AddAWSFlags(cmd)
	return cmd
}

// NewCmdSetPublic lets anyone download a bucket's objects. runF, when
// given, runs instead of runPublicity: tests read the options the flags
// made.
func NewCmdSetPublic(f *Factory, runF func(*PublicityOptions) error) *cobra.Command {
	return newPublicityCmd(f, &cobra.Command{
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
	}, true, runF)
}

// NewCmdSetPrivate undoes set-public. runF, when given, runs instead of
// runPublicity: tests read the options the flags made.
func NewCmdSetPrivate(f *Factory, runF func(*PublicityOptions) error) *cobra.Command {
	return newPublicityCmd(f, &cobra.Command{
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
	}, false, runF)
}

// runPublicity makes the bucket public or private, and prints the state
// it is left in.
func runPublicity(opts *PublicityOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	p := &bucket.Publicity{S3: c.S3, Steps: opts.Steps}
	set := p.SetPrivate
	if opts.Public {
		set = p.SetPublic
	}
	st, err := set(opts.Context, opts.Bucket)
	if err != nil {
		return err
	}
	return pyjson.WriteJSON(opts.IO.Out, st.Document())
}
