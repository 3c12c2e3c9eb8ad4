package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// WhoamiOptions are what `whoami` needs: it has no flags of its own.
type WhoamiOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
}

// NewCmdWhoami shows who the configured credentials belong to. runF, when
// given, runs instead of runWhoami: tests read the options the flags made.
func NewCmdWhoami(f *Factory, runF func(*WhoamiOptions) error) *cobra.Command {
	opts := &WhoamiOptions{IO: f.IO, Clients: f.Clients}
	cmd := &cobra.Command{
		Use:     "whoami",
		GroupID: groupCredentials,
		Short:   "Identify currently authenticated user",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runWhoami(opts)
		},
	}
	f.AddAWSFlags(cmd)
	return cmd
}

// runWhoami prints the caller's identity as the reference does.
func runWhoami(opts *WhoamiOptions) error {
	c, err := opts.Clients(opts.Context)
	if err != nil {
		return err
	}
	id, err := credentials.Whoami(opts.Context, c.STS)
	if err != nil {
		return err
	}
	m := pyjson.Map{}
	m.Put("UserId", id.UserID)
	m.Put("Account", id.Account)
	m.Put("Arn", id.Arn)
	return pyjson.WriteJSON(opts.IO.Out, m)
}
