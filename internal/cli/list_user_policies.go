package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/listing"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// ListUserPoliciesOptions are the arguments and flags of
// `list-user-policies`, and what running it needs.
type ListUserPoliciesOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	// Users are the users asked about; none: every user.
	Users  []string
	Format listFormat
	JSON   bool
}

// NewCmdListUserPolicies prints the inline policies of users. runF, when
// given, runs instead of runListUserPolicies: tests read the options the
// flags made.
func NewCmdListUserPolicies(f *Factory, runF func(*ListUserPoliciesOptions) error) *cobra.Command {
	opts := &ListUserPoliciesOptions{IO: f.IO, Clients: f.Clients}
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
			lf := opts.Format
			if opts.JSON && (lf.nl || lf.csv || lf.tsv) {
				return usageErrorf(cmd, "Use only one of --json, --nl, --csv and --tsv")
			}
			opts.Users, opts.Context = args, cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runListUserPolicies(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Output a JSON array of {UserName, PolicyName, PolicyDocument}")
	opts.Format.addFlags(cmd)
	f.AddAWSFlags(cmd)
	return cmd
}

// runListUserPolicies prints each user's policies as they are read: in
// words, or one row per policy.
func runListUserPolicies(opts *ListUserPoliciesOptions) error {
	ctx, out, lf := opts.Context, opts.IO.Out, opts.Format
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	var lw *listfmt.ListWriter
	format := lf.format()
	if opts.JSON || lf.nl || lf.csv || lf.tsv {
		lw = listfmt.NewListWriter(out, format, listUserPoliciesHeaders)
	}
	user := func(name string) error {
		if lw == nil {
			fmt.Fprintf(out, "User: %s\n", name)
		}
		return nil
	}
	err = listing.UserPolicies(ctx, c.IAM, opts.Users, user, func(name, policy string, doc any) error {
		if lw == nil {
			fmt.Fprintf(out, "PolicyName: %s\n", policy)
			return pyjson.WriteJSON(out, doc)
		}
		if format == listfmt.CSV || format == listfmt.TSV {
			doc = string(pyjson.EncodeCompact(doc))
		}
		return lw.Write(pyjson.Map{{Key: "UserName", Value: name}, {Key: "PolicyName", Value: policy}, {Key: "PolicyDocument", Value: doc}})
	})
	if err != nil {
		return err
	}
	if lw != nil {
		return lw.Close()
	}
	return nil
}

// listUserPoliciesHeaders are the CSV/TSV columns of list-user-policies.
var listUserPoliciesHeaders = []string{"UserName", "PolicyName", "PolicyDocument"}
