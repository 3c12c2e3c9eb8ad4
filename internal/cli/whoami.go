package cli

import (
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func init() { register(NewCmdWhoami) }

// NewCmdWhoami shows who the configured credentials belong to.
func NewCmdWhoami(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "whoami",
		GroupID: groupCredentials,
		Short:   "Identify currently authenticated user",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Clients(cmd.Context())
			if err != nil {
				return err
			}
			id, err := c.STS.GetCallerIdentity(cmd.Context(), &sts.GetCallerIdentityInput{})
			if err != nil {
				return err
			}
			m := pyjson.Map{}
			m.Put("UserId", id.UserId)
			m.Put("Account", id.Account)
			m.Put("Arn", id.Arn)
			return pyjson.WriteJSON(f.IO.Out, m)
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}
