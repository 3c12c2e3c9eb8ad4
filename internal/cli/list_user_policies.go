package cli

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsview"
	"github.com/s3-credentials/s3-credentials/internal/inventory"
	"github.com/s3-credentials/s3-credentials/internal/pyjson"
)

func init() { register(NewCmdListUserPolicies) }

// NewCmdListUserPolicies prints the inline policies of users.
func NewCmdListUserPolicies(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "list-user-policies [USERNAMES]...",
		GroupID: groupAccount,
		Short:   "Print the inline policies of IAM users",
		Long: `Print the inline policies of the named users, or of every user when no name
is given: a "User:" line per user, then a "PolicyName:" line and the policy
document as JSON for each policy.

  s3-credentials list-user-policies s3.read-write.my-bucket`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := f.Clients(ctx)
			if err != nil {
				return err
			}
			show := func(name string) error {
				fmt.Fprintf(f.IO.Out, "User: %s\n", name)
				return inventory.UserPolicyNames(ctx, c.IAM, 0, name, func(policy string) error {
					fmt.Fprintf(f.IO.Out, "PolicyName: %s\n", policy)
					out, err := c.IAM.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(policy)})
					if err != nil {
						return err
					}
					return pyjson.WriteJSON(f.IO.Out, awsview.PolicyDocument(out.PolicyDocument))
				})
			}
			if len(args) > 0 {
				for _, name := range args {
					if err := show(name); err != nil {
						return err
					}
				}
				return nil
			}
			return inventory.Users(ctx, c.IAM, 0, func(u iamtypes.User) error {
				return show(aws.ToString(u.UserName))
			}, nil)
		},
	}
	// The names are optional, so the Use line does not get them a completer.
	cmd.ValidArgsFunction = completeUsers(f, true)
	f.AddAWSFlags(cmd)
	return cmd
}
