package cli

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/listing"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func init() { register(NewCmdListUserPolicies) }

// NewCmdListUserPolicies prints the inline policies of users.
func NewCmdListUserPolicies(f *Factory) *cobra.Command {
	var (
		lf     listFormat
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:               "list-user-policies [USERNAMES]...",
		GroupID:           groupAccount,
		ValidArgsFunction: completeUsers(f, true),
		Short:             "Print the inline policies of IAM users",
		Long: `Print the inline policies of the named users, or of every user when no name
is given: a "User:" line per user, then a "PolicyName:" line and the policy
document as JSON for each policy.

With --json, --nl, --csv or --tsv, one row per policy instead: UserName,
PolicyName and PolicyDocument (an object; in CSV and TSV a compact JSON
string), streamed like the other listings.

  s3-credentials list-user-policies s3.read-write.my-bucket
  s3-credentials list-user-policies --csv > policies.csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && (lf.nl || lf.csv || lf.tsv) {
				return usageErrorf(cmd, "Use only one of --json, --nl, --csv and --tsv")
			}
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			var lw *listfmt.ListWriter
			format := lf.format()
			if asJSON || lf.nl || lf.csv || lf.tsv {
				lw = listfmt.NewListWriter(f.IO.Out, format, listUserPoliciesHeaders)
			}
			show := func(name string) error {
				if lw == nil {
					fmt.Fprintf(f.IO.Out, "User: %s\n", name)
				}
				return listing.UserPolicyNames(ctx, c.IAM, 0, name, func(policy string) error {
					if lw == nil {
						fmt.Fprintf(f.IO.Out, "PolicyName: %s\n", policy)
					}
					out, err := c.IAM.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(policy)})
					if err != nil {
						return err
					}
					doc := botocore.PolicyDocument(out.PolicyDocument)
					if lw == nil {
						return pyjson.WriteJSON(f.IO.Out, doc)
					}
					if format == listfmt.CSV || format == listfmt.TSV {
						doc = string(pyjson.EncodeCompact(doc))
					}
					return lw.Write(pyjson.Map{{Key: "UserName", Value: name}, {Key: "PolicyName", Value: policy}, {Key: "PolicyDocument", Value: doc}})
				})
			}
			if len(args) > 0 {
				for _, name := range args {
					if err := show(name); err != nil {
						return err
					}
				}
			} else if err := listing.Users(ctx, c.IAM, 0, func(u iamtypes.User) error {
				return show(aws.ToString(u.UserName))
			}, nil); err != nil {
				return err
			}
			if lw != nil {
				return lw.Close()
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "Output a JSON array of {UserName, PolicyName, PolicyDocument}")
	lf.addFlags(cmd)
	f.AddAWSFlags(cmd)
	return cmd
}

// listUserPoliciesHeaders are the CSV/TSV columns of list-user-policies.
var listUserPoliciesHeaders = []string{"UserName", "PolicyName", "PolicyDocument"}
