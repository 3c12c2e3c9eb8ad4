package cli

import (
	"bufio"
	"context"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/audit"
	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// AuditOptions are the arguments and flags of `audit`, and what running it
// needs.
type AuditOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	Steps   message.Steps
	// Buckets limits the audit to grants that reach them; none: every grant.
	Buckets  []string
	Format   listFormat
	PageSize int32
}

// NewCmdAudit lists which users and roles can reach which buckets. runF,
// when given, runs instead of runAudit: tests read the options the flags
// made.
func NewCmdAudit(f *Factory, runF func(*AuditOptions) error) *cobra.Command {
	opts := &AuditOptions{IO: f.IO, Clients: f.Clients}
	cmd := &cobra.Command{
		Use:               "audit [BUCKETS]...",
		GroupID:           groupAccount,
		ValidArgsFunction: completeBuckets(f, true),
		Short:             "List the users and roles whose policies reach buckets",
		Long: `List every IAM user and role whose policies give access to the named buckets
(to any bucket when none is named): one row per principal, bucket and
policy, as a JSON array, or with --nl, --csv or --tsv one per line.

Access is read-write, read-only or write-only when the policy has exactly
the shape s3-credentials writes for it (network and time conditions
aside), full for s3:* on every bucket (AmazonS3FullAccess), and custom for
anything else that names the bucket. Prefixes and Keys say what part of
the bucket it is limited to (both empty: all of it). Policy is inline:NAME,
a managed policy's ARN, or either behind group:GROUP/ for a group the user
is in. Expires is the s3-credentials:expires tag create --expires sets.

Users also show their access keys: each one's status, age in days, last
use (date, service and region, and in words: "never", "12 days ago (s3,
eu-west-1)"), by IAM's clock, and whether s3-credentials made it.

IAM is asked in bulk where it allows (the account's authorization details
and its credential report, then one request per user listed, for its key
IDs); where it does not, this is said once and each user and role is asked
about in turn.

Only grants are listed: Deny statements and permissions boundaries are
not taken into account, so a row says what a policy allows, not
necessarily what a request would be allowed to do.`,
		Example: `  # Who can reach my-bucket?
  s3-credentials audit my-bucket

  # Everything, as CSV
  s3-credentials audit --csv > access.csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkPageSize(cmd, opts.PageSize); err != nil {
				return err
			}
			opts.Buckets, opts.Context, opts.Steps = args, cmd.Context(), f.steps(true)
			if runF != nil {
				return runF(opts)
			}
			return runAudit(opts)
		},
	}
	opts.Format.addFlags(cmd)
	addPageSize(cmd, &opts.PageSize)
	f.AddAWSFlags(cmd)
	return cmd
}

// runAudit streams the audit's rows, each written out as soon as it is
// known.
func runAudit(opts *AuditOptions) error {
	ctx := opts.Context
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	a := &audit.Auditor{IAM: c.IAM, Buckets: opts.Buckets, PageSize: opts.PageSize, Steps: opts.Steps}
	out := bufio.NewWriterSize(opts.IO.Out, 64*1024)
	lw := listfmt.NewListWriter(out, opts.Format.format(), audit.Headers)
	err = a.Run(ctx, func(row pyjson.Map) error {
		if err := lw.Write(row); err != nil {
			return err
		}
		return out.Flush()
	})
	if err == nil {
		err = lw.Close()
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	return err
}
