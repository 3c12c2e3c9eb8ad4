package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/flagvalue"
	"github.com/s3-credentials/s3-credentials/internal/policycheck"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

func init() {
	register(NewCmdGetBucketPolicy)
	register(NewCmdSetBucketPolicy)
}

// NewCmdGetBucketPolicy prints a bucket's policy.
func NewCmdGetBucketPolicy(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:               "get-bucket-policy BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Print the policy attached to a bucket",
		Long: `Print the bucket's policy as JSON. A bucket without a policy is an error
(NoSuchBucketPolicy).

  s3-credentials get-bucket-policy my-bucket`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			out, err := c.S3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(args[0])})
			if err != nil {
				return err
			}
			doc, err := pyjson.Decode([]byte(aws.ToString(out.Policy)))
			if err != nil {
				return fmt.Errorf("the bucket policy is not valid JSON: %v", err)
			}
			return pyjson.WriteJSON(f.IO.Out, doc)
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}

// NewCmdSetBucketPolicy sets a bucket's policy from a file or the
// public-read policy.
func NewCmdSetBucketPolicy(f *Factory) *cobra.Command {
	var (
		policyFile  string
		allowAllGet bool
	)
	cmd := &cobra.Command{
		Use:               "set-bucket-policy BUCKET",
		GroupID:           groupBuckets,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Attach a policy to a bucket, from a file or public-read",
		Long: `Set the bucket's policy from a JSON file (- for standard input), or with
--allow-all-get to a policy letting anyone GET its objects. The policy set
is echoed on standard error.

  s3-credentials set-bucket-policy my-bucket --policy-file policy.json
  s3-credentials set-bucket-policy my-bucket --allow-all-get`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			bucket := args[0]
			var data []byte
			if cmd.Flags().Changed("policy-file") {
				var err error
				data, err = flagvalue.ReadFile(policyFile, f.IO.In)
				if err != nil {
					msg := err.Error()
					var tooLarge *flagvalue.TooLargeError
					if errors.Is(err, os.ErrNotExist) {
						msg = "No such file or directory"
					} else if errors.Is(err, os.ErrPermission) {
						msg = "Permission denied"
					} else if errors.As(err, &tooLarge) {
						msg = tooLarge.Error()
					}
					return badParam(cmd, "policy-file", fmt.Sprintf("'%s': %s", policyFile, msg))
				}
				if allowAllGet {
					return errors.New("Cannot pass both --allow-all-get and --policy-file")
				}
			} else if !allowAllGet {
				return usageErrorf(cmd, "Pass --policy-file or --allow-all-get")
			}
			var doc any
			if allowAllGet {
				doc = policy.PublicRead(bucket)
			} else {
				var err error
				if doc, err = pyjson.Decode(data); err != nil {
					if policyFile == "-" {
						return errors.New("Input contained invalid JSON")
					}
					return errors.New("File contained invalid JSON")
				}
				docs := []credentials.Document{{Name: "bucket policy", Doc: doc}}
				if err := checkDocuments(cmd, docs, policycheck.Options{Kind: policycheck.BucketPolicy}); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			if _, err := c.S3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{
				Bucket: aws.String(bucket),
				Policy: aws.String(string(pyjson.Encode(doc, -1))),
			}); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "Policy set:\n%s\n", pyjson.Encode(doc, 4))
			return nil
		},
	}
	cmd.Flags().StringVar(&policyFile, "policy-file", "", "JSON file holding the policy (- for standard input)")
	readsStdin(cmd, "policy-file")
	cmd.Flags().BoolVar(&allowAllGet, "allow-all-get", false, "Let anyone GET the bucket's objects")
	f.AddAWSFlags(cmd)
	return cmd
}
