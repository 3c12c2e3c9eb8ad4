package cli

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func init() { register(NewCmdDebugBucket) }

// NewCmdDebugBucket prints a bucket's ACL, policy status and public access
// block, reporting each check that fails and carrying on.
func NewCmdDebugBucket(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:               "debug-bucket BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Show a bucket's ACL, policy status and public access block",
		Long: `Print what decides who can reach a bucket: its ACL, its policy status and
its public access block. A check that fails is reported in place of its
result and the next one still runs.

  s3-credentials debug-bucket my-bucket`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			bucket := aws.String(args[0])
			out := f.IO.Out
			check := func(title, what string, get func() (pyjson.Map, error)) error {
				m, err := get()
				if awsclient.IsNetworkError(err) || awsclient.IsNotAWS(err) {
					return err // the endpoint, not the bucket: the other checks would meet it too
				}
				if err != nil {
					_, werr := fmt.Fprintf(out, "Error checking %s: %s\n", what, awsclient.BotoError(err))
					return werr
				}
				if _, err := fmt.Fprintf(out, "%s:\n", title); err != nil {
					return err
				}
				return pyjson.WriteJSON(out, m)
			}
			if err := check("Bucket ACL", "bucket ACL", func() (pyjson.Map, error) {
				r, err := c.S3.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: bucket})
				if err != nil {
					return nil, err
				}
				return botocore.BucketACL(r.Owner, r.Grants), nil
			}); err != nil {
				return err
			}
			if err := check("Bucket policy status", "bucket policy status", func() (pyjson.Map, error) {
				r, err := c.S3.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: bucket})
				if err != nil {
					return nil, err
				}
				return botocore.PolicyStatus(r.PolicyStatus), nil
			}); err != nil {
				return err
			}
			return check("Bucket public access block", "bucket public access block", func() (pyjson.Map, error) {
				r, err := c.S3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: bucket})
				if err != nil {
					return nil, err
				}
				m := pyjson.Map{}
				if r.PublicAccessBlockConfiguration != nil {
					m.Put("PublicAccessBlockConfiguration", botocore.PublicAccessBlock(r.PublicAccessBlockConfiguration))
				}
				return m, nil
			})
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}
