package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/bucket"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/clickbool"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyrepr"
)

// GetPublicAccessBlockOptions are the argument of `get-public-access-block`,
// and what running it needs.
type GetPublicAccessBlockOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Bucket  string
}

// NewCmdGetPublicAccessBlock prints a bucket's public access block. runF,
// when given, runs instead of runGetPublicAccessBlock: tests read the
// options the flags made.
func NewCmdGetPublicAccessBlock(f *Factory, runF func(*GetPublicAccessBlockOptions) error) *cobra.Command {
	opts := &GetPublicAccessBlockOptions{IO: f.IO, Clients: f.Clients}
	cmd := &cobra.Command{
		Use:               "get-public-access-block BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Print the public access block settings of a bucket",
		Long: `Print the bucket's public access block settings as JSON. A bucket without
them is an error (NoSuchPublicAccessBlockConfiguration).

  s3-credentials get-public-access-block my-bucket`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bucket, opts.Context = args[0], cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runGetPublicAccessBlock(opts)
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}

func runGetPublicAccessBlock(opts *GetPublicAccessBlockOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	cfg, err := bucket.GetPublicAccess(opts.Context, c.S3, opts.Bucket)
	if err != nil {
		return err
	}
	return pyjson.WriteJSON(opts.IO.Out, botocore.PublicAccessBlock(cfg))
}

// boolSetting is an optional true/false option read as the Python tool
// reads it (clickbool): unset, or a word checked once all flags are read.
type boolSetting struct {
	set bool
	raw string
}

func (b *boolSetting) String() string { return b.raw }
func (b *boolSetting) Set(s string) error {
	b.set, b.raw = true, s
	return nil
}
func (b *boolSetting) Type() string { return "boolean" }

// SetPublicAccessBlockOptions are the argument and flags of
// `set-public-access-block`, and what running it needs.
type SetPublicAccessBlockOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Bucket  string
	// Settings are the four settings given (nil: left as they are), in
	// bucket.PublicAccessSettings' order; --allow-public-access sets all
	// four to false.
	Settings [4]*bool
}

// NewCmdSetPublicAccessBlock changes a bucket's public access block. runF,
// when given, runs instead of runSetPublicAccessBlock: tests read the
// options the flags made.
func NewCmdSetPublicAccessBlock(f *Factory, runF func(*SetPublicAccessBlockOptions) error) *cobra.Command {
	opts := &SetPublicAccessBlockOptions{IO: f.IO, Clients: f.Clients}
	var (
		settings    [4]boolSetting
		allowPublic bool
	)
	cmd := &cobra.Command{
		Use:               "set-public-access-block BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Change the public access block settings of a bucket",
		Long: `Change the bucket's public access block. Only the settings given are sent;
each takes true or false (also yes/no, on/off, 1/0). --allow-public-access
sets all four to false.

  s3-credentials set-public-access-block my-bucket --block-public-acls false
  s3-credentials set-public-access-block my-bucket --allow-public-access`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bucket, opts.Context = args[0], cmd.Context()
			for i, s := range settings {
				if !s.set {
					continue
				}
				v, ok := clickbool.Parse(s.raw)
				if !ok {
					return badParam(cmd, bucket.PublicAccessSettings[i].Flag, clickbool.Invalid(s.raw))
				}
				opts.Settings[i] = new(v)
			}
			if allowPublic {
				for i := range opts.Settings {
					opts.Settings[i] = new(false)
				}
			}
			if opts.Settings == [4]*bool{} {
				return fmt.Errorf("No valid options provided. Use --help to see available options.")
			}
			if runF != nil {
				return runF(opts)
			}
			return runSetPublicAccessBlock(opts)
		},
	}
	help := []string{
		"Block public ACLs on the bucket (true/false)",
		"Ignore public ACLs on the bucket (true/false)",
		"Block public bucket policies (true/false)",
		"Restrict access to a bucket with a public policy (true/false)",
	}
	for i, s := range bucket.PublicAccessSettings {
		cmd.Flags().Var(&settings[i], s.Flag, help[i])
	}
	cmd.Flags().BoolVar(&allowPublic, "allow-public-access", false, "Set all four settings to false (allow public access)")
	f.AddAWSFlags(cmd)
	return cmd
}

func runSetPublicAccessBlock(opts *SetPublicAccessBlockOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	if err := bucket.SetPublicAccess(opts.Context, c.S3, opts.Bucket, opts.Settings); err != nil {
		return err
	}
	var shown []string
	for i, v := range opts.Settings {
		if v != nil {
			shown = append(shown, fmt.Sprintf("'%s': %s", bucket.PublicAccessSettings[i].Key, pyrepr.Bool(*v)))
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "Updated public access block settings for bucket '%s': {%s}\n", opts.Bucket, strings.Join(shown, ", "))
	return nil
}
