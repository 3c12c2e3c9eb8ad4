package cli

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyrepr"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func init() {
	register(NewCmdGetPublicAccessBlock)
	register(NewCmdSetPublicAccessBlock)
}

// NewCmdGetPublicAccessBlock prints a bucket's public access block.
func NewCmdGetPublicAccessBlock(f *Factory) *cobra.Command {
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
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			out, err := c.S3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(args[0])})
			if err != nil {
				return err
			}
			cfg := out.PublicAccessBlockConfiguration
			if cfg == nil {
				cfg = &s3types.PublicAccessBlockConfiguration{}
			}
			return pyjson.WriteJSON(f.IO.Out, botocore.PublicAccessBlock(cfg))
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}

// boolSetting is an optional true/false option read as click's BOOL type:
// unset, or one of the words below in any case.
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

var (
	trueWords  = map[string]bool{"1": true, "true": true, "t": true, "yes": true, "y": true, "on": true}
	falseWords = map[string]bool{"0": true, "false": true, "f": true, "no": true, "n": true, "off": true, "": true}
)

// value parses the setting; ok is false when it is not a recognised word.
func (b *boolSetting) value() (v, ok bool) {
	w := strings.ToLower(strings.TrimSpace(b.raw))
	switch {
	case trueWords[w]:
		return true, true
	case falseWords[w]:
		return false, true
	}
	return false, false
}

// publicAccessSettings are the four settings in the order AWS lists them.
var publicAccessSettings = []struct{ flag, key string }{
	{"block-public-acls", "BlockPublicAcls"},
	{"ignore-public-acls", "IgnorePublicAcls"},
	{"block-public-policy", "BlockPublicPolicy"},
	{"restrict-public-buckets", "RestrictPublicBuckets"},
}

// NewCmdSetPublicAccessBlock changes a bucket's public access block.
func NewCmdSetPublicAccessBlock(f *Factory) *cobra.Command {
	settings := make([]boolSetting, len(publicAccessSettings))
	var allowPublic bool
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
			bucket := args[0]
			values := make([]*bool, len(settings))
			for i := range settings {
				if !settings[i].set {
					continue
				}
				v, ok := settings[i].value()
				if !ok {
					return badParam(cmd, publicAccessSettings[i].flag, fmt.Sprintf(
						"%s is not a valid boolean. Recognized values: , 0, 1, f, false, n, no, off, on, t, true, y, yes",
						pyrepr.Str(settings[i].raw)))
				}
				values[i] = aws.Bool(v)
			}
			if allowPublic {
				for i := range values {
					values[i] = aws.Bool(false)
				}
			}
			var shown []string
			for i, v := range values {
				if v != nil {
					shown = append(shown, fmt.Sprintf("'%s': %s", publicAccessSettings[i].key, pyrepr.Bool(*v)))
				}
			}
			if len(shown) == 0 {
				return fmt.Errorf("No valid options provided. Use --help to see available options.")
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			if _, err := c.S3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
				Bucket: aws.String(bucket),
				PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
					BlockPublicAcls:       values[0],
					IgnorePublicAcls:      values[1],
					BlockPublicPolicy:     values[2],
					RestrictPublicBuckets: values[3],
				},
			}); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "Updated public access block settings for bucket '%s': {%s}\n", bucket, strings.Join(shown, ", "))
			return nil
		},
	}
	help := []string{
		"Block public ACLs on the bucket (true/false)",
		"Ignore public ACLs on the bucket (true/false)",
		"Block public bucket policies (true/false)",
		"Restrict access to a bucket with a public policy (true/false)",
	}
	for i, s := range publicAccessSettings {
		cmd.Flags().Var(&settings[i], s.flag, help[i])
	}
	cmd.Flags().BoolVar(&allowPublic, "allow-public-access", false, "Set all four settings to false (allow public access)")
	f.AddAWSFlags(cmd)
	return cmd
}
