package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/presign"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// PresignPostOptions are the argument and flags of `presign-post`, and
// what running it needs.
type PresignPostOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	// factory gives a --scoped session its (silent) steps.
	factory *Factory
	// Request is the form the flags describe, checked.
	Request     presign.PostRequest
	Key         string
	Prefix      string
	MaxSize     string
	ContentType string
	Expires     string
	Scoped      bool
}

// NewCmdPresignPost signs an upload form (a presigned POST policy). runF,
// when given, runs instead of runPresignPost: tests read the options the
// flags made.
func NewCmdPresignPost(f *Factory, runF func(*PresignPostOptions) error) *cobra.Command {
	opts := &PresignPostOptions{IO: f.IO, Clients: f.Clients, factory: f}
	cmd := &cobra.Command{
		Use:               "presign-post BUCKET",
		GroupID:           groupSharing,
		ValidArgsFunction: completeBuckets(f, false),
		Short:             "Print a signed upload form for browsers and curl, with a size cap",
		Long: `Print a presigned POST policy: the URL and form fields with which a browser
or curl can upload a file to the bucket without credentials of its own,
until the form expires.

Say where uploads go with exactly one of:
  --key KEY        that one key; ${filename} in it is replaced by the name
                   of the uploaded file (the uploader may then choose any key
                   that starts with the part before ${filename})
  --prefix PREFIX  any key starting with PREFIX: the form's key is
                   PREFIX${filename}, and an uploader may send another key
                   under PREFIX; --prefix '' allows the whole bucket

--max-size caps the file (10MB, 1GiB, 500KB, or plain bytes; SI units are
powers of 1000, IEC units of 1024); without it only S3's 5 GiB limit applies.
--content-type makes the upload store that Content-Type.

The JSON {"url": ..., "fields": {...}} goes to standard output. A ready curl
command and a minimal HTML page go to standard error. With --scoped the form
is signed by a new session of the tool's role whose session policy allows
only s3:PutObject on that key or prefix (see presign --help).`,
		Example: `  # Anyone with the form may upload files of up to 10 MB under uploads/ for a day
  s3-credentials presign-post my-bucket --prefix uploads/ --max-size 10MB --expires 1d

  # One upload slot: exactly this key, a PDF of at most 1 GiB
  s3-credentials presign-post my-bucket --key inbox/report.pdf --content-type application/pdf --max-size 1GiB`,
		Args: exactArgs("BUCKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := presign.PostRequest{Bucket: args[0], ContentType: opts.ContentType}
			hasKey, hasPrefix := cmd.Flags().Changed("key"), cmd.Flags().Changed("prefix")
			switch {
			case hasKey && hasPrefix:
				return usageErrorf(cmd, "--key and --prefix cannot be used together")
			case hasKey:
				if opts.Key == "" {
					return badParam(cmd, "key", "the key is empty.")
				}
				req.Key = opts.Key
			case hasPrefix:
				req.Key, req.StartsWith = opts.Prefix, true
			default:
				return usageErrorf(cmd, "Say where uploads go: --key KEY for one key, or --prefix PREFIX for any key under it (--prefix '' for the whole bucket)")
			}
			var err error
			if req.Expires, err = parseExpires(cmd, opts.Expires, opts.Scoped); err != nil {
				return err
			}
			if cmd.Flags().Changed("max-size") {
				n, err := presign.ParseSize(opts.MaxSize)
				if err != nil {
					return badParam(cmd, "max-size", err.Error()+".")
				}
				if n < 1 || n > presign.MaxPostSize {
					return badParam(cmd, "max-size", fmt.Sprintf("'%s' is not between 1 byte and 5GiB, the largest object a POST upload can create.", opts.MaxSize))
				}
				req.MaxSize = n
			}
			if cmd.Flags().Changed("content-type") {
				if err := presign.CheckContentType(req.ContentType); err != nil || req.ContentType == "" {
					return badParam(cmd, "content-type", "give a MIME type such as image/png, in printable ASCII.")
				}
			}
			if err := req.Validate(); err != nil {
				flag := "key"
				if req.StartsWith {
					flag = "prefix"
				}
				return badParam(cmd, flag, err.Error()+".")
			}
			opts.Request, opts.Context = req, cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runPresignPost(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Key, "key", "", "Upload to exactly this key (${filename}: the uploaded file's name)")
	fl.StringVar(&opts.Prefix, "prefix", "", "Upload to any key starting with this prefix, by default PREFIX${filename}")
	fl.StringVar(&opts.MaxSize, "max-size", "", "Largest file accepted: 10MB, 1GiB, or bytes (default: S3's 5 GiB)")
	fl.StringVar(&opts.ContentType, "content-type", "", "Content-Type the uploaded object gets")
	fl.StringVar(&opts.Expires, "expires", "1h", "How long the form works: 30s, 15m, 1h, 7d (at most 7 days; 12 hours with --scoped)")
	fl.BoolVar(&opts.Scoped, "scoped", false, "Sign with a new session allowed only s3:PutObject on this key or prefix, lasting as long as the form")
	f.AddAWSFlags(cmd)
	return cmd
}

func runPresignPost(opts *PresignPostOptions) error {
	ctx, req := opts.Context, opts.Request
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	client, err := signingClient(ctx, opts.factory, c, opts.Scoped, req.Bucket, req.Scope(), req.Expires)
	if err != nil {
		return err
	}
	form, err := (&presign.Signer{S3: client}).Post(ctx, req)
	if err != nil {
		return err
	}
	fields := pyjson.Map{}
	for _, fl := range form.Fields {
		fields = append(fields, pyjson.Field{Key: fl.Name, Value: fl.Value})
	}
	if err := pyjson.WriteJSON(opts.IO.Out, pyjson.Map{{Key: "url", Value: form.URL}, {Key: "fields", Value: fields}}); err != nil {
		return err
	}

	w := opts.IO.ErrOut
	where := "key " + req.Key
	if req.StartsWith {
		where = "any key starting with " + req.Key
		if req.Key == "" {
			where = "any key"
		}
	} else if prefix, _, ok := strings.Cut(req.Key, presign.FilenameVariable); ok {
		where = "key " + req.Key + " (any key starting with " + prefix + ")"
	}
	limits := ""
	if req.MaxSize > 0 {
		limits += ", at most " + presign.FormatSize(req.MaxSize)
	}
	if req.ContentType != "" {
		limits += ", stored as " + req.ContentType
	}
	fmt.Fprintf(w, "Upload form for bucket %s: %s%s\n", req.Bucket, where, limits)
	reportValidity(w, "Form", req.Expires, form.Expires, form.Signer, opts.Scoped)
	fmt.Fprintf(w, "\nUpload FILE with curl:\n\n%s\n\nOr save this page as upload.html and open it in a browser:\n\n%s\n", form.Curl("FILE"), form.HTML())
	return nil
}
