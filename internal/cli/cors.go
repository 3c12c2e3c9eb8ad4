package cli

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func init() {
	register(NewCmdGetCORSPolicy)
	register(NewCmdSetCORSPolicy)
}

// corsRuleID names the rule set-cors-policy writes.
const corsRuleID = "set-by-s3-credentials"

// NewCmdGetCORSPolicy prints a bucket's CORS rules.
func NewCmdGetCORSPolicy(f *Factory) *cobra.Command {
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
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			out, err := c.S3.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(args[0])})
			if err != nil {
				return err
			}
			return pyjson.WriteJSON(f.IO.Out, botocore.CORSRules(out.CORSRules))
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}

// NewCmdSetCORSPolicy replaces a bucket's CORS rules with one rule.
func NewCmdSetCORSPolicy(f *Factory) *cobra.Command {
	var (
		methods, headers, origins, expose []string
		maxAge                            int
	)
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
			bucket := args[0]
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			if _, err := c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
				if awsclient.IsNotFound(err) {
					return fmt.Errorf("Bucket %s does not exists", bucket)
				}
				return err
			}
			rule := s3types.CORSRule{
				ID:             aws.String(corsRuleID),
				AllowedOrigins: origins,
				AllowedHeaders: headers,
				AllowedMethods: methods,
				ExposeHeaders:  expose,
			}
			if len(rule.AllowedOrigins) == 0 {
				rule.AllowedOrigins = []string{"*"}
			}
			if len(rule.AllowedMethods) == 0 {
				rule.AllowedMethods = []string{"GET"}
			}
			if maxAge != 0 {
				rule.MaxAgeSeconds = aws.Int32(int32(maxAge))
			}
			_, err = c.S3.PutBucketCors(ctx, &s3.PutBucketCorsInput{
				Bucket:            aws.String(bucket),
				CORSConfiguration: &s3types.CORSConfiguration{CORSRules: []s3types.CORSRule{rule}},
			})
			return err
		},
	}
	fl := cmd.Flags()
	// -h is --allowed-header here, so help gets the long form only (cobra
	// would otherwise claim -h for it).
	fl.Bool("help", false, "help for set-cors-policy")
	fl.StringArrayVarP(&methods, "allowed-method", "m", nil, "Allowed method, e.g. GET (default GET)")
	fl.StringArrayVarP(&headers, "allowed-header", "h", nil, "Allowed header, e.g. Authorization")
	fl.StringArrayVarP(&origins, "allowed-origin", "o", nil, "Allowed origin, e.g. https://www.example.com/ (default *)")
	fl.StringArrayVarP(&expose, "expose-header", "e", nil, "Header to expose, e.g. ETag")
	fl.IntVar(&maxAge, "max-age-seconds", 0, "How long browsers may cache the preflight answer")
	f.AddAWSFlags(cmd)
	return cmd
}
