package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/presign"
	"github.com/s3-credentials/s3-credentials/internal/roles"
	"github.com/s3-credentials/s3-credentials/internal/timespec"
)

// PresignOptions are the arguments and flags of `presign`, and what
// running it needs.
type PresignOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	// factory gives a --scoped session its (silent) steps.
	factory *Factory
	// Request is the URL the arguments and flags describe, checked.
	Request     presign.Request
	Method      string
	Expires     string
	ContentType string
	Scoped      bool
}

// NewCmdPresign signs a URL for one GET or PUT of one object. runF, when
// given, runs instead of runPresign: tests read the options the flags
// made.
func NewCmdPresign(f *Factory, runF func(*PresignOptions) error) *cobra.Command {
	opts := &PresignOptions{IO: f.IO, Clients: f.Clients, factory: f}
	cmd := &cobra.Command{
		Use:               "presign BUCKET KEY",
		GroupID:           groupSharing,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Print a URL that lets anyone holding it download or upload one object",
		Long: `Print a presigned URL (AWS Signature Version 4) that lets whoever holds it
GET (download) or, with --method PUT, upload one object, without credentials
of their own, until it expires. The bucket and key are not checked: making
the URL sends nothing to S3.

The URL is signed with your credentials and can do what they can do with
that one request; it stops working when they do (temporary credentials end,
a key is deleted). With --scoped it is signed instead by a new session of
the tool's role (s3-credentials.AmazonS3FullAccess, created when missing, as
create --duration does) whose session policy allows only this method on
this key: the access key and session token in the URL can do nothing else,
and the session ends with the link (15 minutes at the least, 12 hours at
the most).

Only the URL goes to standard output; when it expires, and who signed it,
go to standard error.`,
		Example: `  # A download link for one hour
  s3-credentials presign my-bucket reports/2024.pdf

  # An upload link for a day; the upload must send the same Content-Type
  URL=$(s3-credentials presign my-bucket inbox/data.csv --method PUT --expires 1d --content-type text/csv)
  curl -T data.csv -H 'Content-Type: text/csv' "$URL"

  # Signed by a session that can read this one object and nothing else
  s3-credentials presign my-bucket reports/2024.pdf --scoped --expires 30m`,
		Args: exactArgs("BUCKET", "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := presign.Request{Method: strings.ToUpper(opts.Method), Bucket: args[0], Key: args[1], ContentType: opts.ContentType}
			if req.Method != http.MethodGet && req.Method != http.MethodPut {
				return badParam(cmd, "method", fmt.Sprintf("'%s' is not one of 'GET', 'PUT'.", opts.Method))
			}
			var err error
			if req.Expires, err = parseExpires(cmd, opts.Expires, opts.Scoped); err != nil {
				return err
			}
			if cmd.Flags().Changed("content-type") {
				if req.Method != http.MethodPut {
					return usageErrorf(cmd, "--content-type is signed only into upload URLs: add --method PUT")
				}
				if err := presign.CheckContentType(req.ContentType); err != nil || req.ContentType == "" {
					return badParam(cmd, "content-type", "give a MIME type such as text/csv, in printable ASCII.")
				}
			}
			if err := req.Validate(); err != nil {
				return usageErrorf(cmd, "Invalid value for 'KEY': %s", err)
			}
			opts.Request, opts.Context = req, cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runPresign(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Method, "method", "GET", "GET to download, PUT to upload")
	fl.StringVar(&opts.Expires, "expires", "1h", "How long the URL works: 30s, 15m, 1h, 7d (at most 7 days; 12 hours with --scoped)")
	fl.StringVar(&opts.ContentType, "content-type", "", "With --method PUT: the Content-Type the upload must send, signed into the URL")
	fl.BoolVar(&opts.Scoped, "scoped", false, "Sign with a new session allowed only this method on this key, lasting as long as the URL")
	f.AddAWSFlags(cmd)
	return cmd
}

// parseExpires reads --expires, refusing with --scoped what a session
// cannot last.
func parseExpires(cmd *cobra.Command, raw string, scoped bool) (time.Duration, error) {
	d, err := presign.ParseExpires(raw)
	if err != nil {
		return 0, badParam(cmd, "expires", err.Error()+".")
	}
	if scoped {
		if _, err := presign.SessionSeconds(d); err != nil {
			return 0, badParam(cmd, "expires", fmt.Sprintf("'%s' is longer than 12 hours, the longest session that can sign a --scoped link.", raw))
		}
	}
	return d, nil
}

func runPresign(opts *PresignOptions) error {
	ctx, req, io := opts.Context, opts.Request, opts.IO
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	client, err := signingClient(ctx, opts.factory, c, opts.Scoped, req.Bucket, req.Scope(), req.Expires)
	if err != nil {
		return err
	}
	link, err := (&presign.Signer{S3: client}).URL(ctx, req)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(io.Out, link.URL); err != nil {
		return err
	}
	what := "Download"
	if req.Method == http.MethodPut {
		what = "Upload"
		if ct := link.Header.Get("Content-Type"); ct != "" {
			what = "Upload (sending the header Content-Type: " + ct + ")"
		}
	}
	reportValidity(io.ErrOut, what+" URL", req.Expires, link.Expires, link.Signer, opts.Scoped)
	if presign.HasDotSegments(req.Key) {
		fmt.Fprintln(io.ErrOut, "Warning: the key has a '.' or '..' path segment, which browsers and most HTTP clients resolve away before sending a URL; the link works only with a client that sends the path as it is (curl --path-as-is).")
	}
	return nil
}

// signingClient is the S3 client to sign with: the caller's own, or with
// scoped a client of a new session of the tool's role allowed only scope.
func signingClient(ctx context.Context, f *Factory, c *awsclient.Clients, scoped bool, bucket string, scope presign.Scope, expires time.Duration) (*s3.Client, error) {
	if !scoped {
		return c.S3, nil
	}
	seconds, err := presign.SessionSeconds(expires)
	if err != nil {
		return nil, err
	}
	creator := &credentials.Creator{
		IAM: c.IAM, STS: c.STS, S3: c.S3,
		Region: c.Config.Region,
		Steps:  f.steps(true),
	}
	req := &credentials.Request{Buckets: []string{bucket}, PolicyText: scope.SessionPolicy(), DurationSeconds: seconds}
	sess, err := creator.AssumeSession(ctx, req)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(f.IO.ErrOut, "Signed by session %s of role %s (access key %s), which may only %s on %s\n",
		req.SessionName(), roles.ToolRole, sess.AccessKeyID, scope.Action, scope.Resource)
	return presign.SessionClient(c.S3, sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken, sess.Expiration), nil
}

// reportValidity says on w until when the link works, and warns when the
// credentials that signed it end first.
func reportValidity(w io.Writer, what string, lifetime time.Duration, expires time.Time, signer presign.SignerInfo, scoped bool) {
	end := expires
	if ce := signer.CredentialsExpire; !ce.IsZero() && ce.Before(end) {
		end = ce
	}
	fmt.Fprintf(w, "%s valid for %s, until %s\n", what, timespec.Short(lifetime), end.UTC().Format(time.RFC3339))
	if !scoped && end.Before(expires) {
		fmt.Fprintf(w, "Warning: the credentials that signed it expire at %s, before the %s asked for; it stops working then. --scoped signs with a session that lasts as long as the link.\n",
			end.UTC().Format(time.RFC3339), timespec.Short(lifetime))
	}
}
