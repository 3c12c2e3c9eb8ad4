package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// The output-format flags, declared once here for every command that has
// them: the listings' --nl/--csv/--tsv and --page-size, and the credential
// commands' --format/--output/--force.

// listFormat holds the --nl/--csv/--tsv flags of a listing command.
type listFormat struct{ nl, csv, tsv bool }

func (lf *listFormat) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&lf.nl, "nl", false, "Output newline-delimited JSON, one object per line")
	fl.BoolVar(&lf.csv, "csv", false, "Output CSV, with a header row")
	fl.BoolVar(&lf.tsv, "tsv", false, "Output TSV, with a header row")
}

func (lf *listFormat) format() listfmt.Format { return listfmt.FormatFromFlags(lf.nl, lf.csv, lf.tsv) }

// addPageSize adds --page-size, the number of items asked of AWS per
// listing call (as the aws CLI's --page-size): smaller pages make each call
// quicker, for slow or throttled endpoints.
func addPageSize(cmd *cobra.Command, size *int32) {
	cmd.Flags().Int32Var(size, "page-size", 0, "Items to ask for per listing call (default: the service's maximum)")
}

// checkPageSize refuses a negative --page-size.
func checkPageSize(cmd *cobra.Command, size int32) error {
	if size < 0 {
		return badParam(cmd, "page-size", fmt.Sprintf("%d is not a positive number.", size))
	}
	return nil
}

// credentialFormats are the forms credentials can be printed in.
var credentialFormats = []string{"json", "ini", "env"}

// credentialOutput holds how create and rotate-key hand over credentials:
// --format, and --output FILE (mode 0600) with --force.
type credentialOutput struct {
	format string
	output string
	force  bool
}

func (o *credentialOutput) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&o.format, "format", "f", "json", "Output format for credentials: json, ini, or env (export lines for eval in a shell)")
	fl.StringVar(&o.output, "output", "", "Write the credentials to this file (mode 0600), or - for standard output (the default)")
	fl.BoolVar(&o.force, "force", false, "With --output, replace the file if it exists")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(credentialFormats, cobra.ShellCompDirectiveNoFileComp))
}

// validate checks the flags, as usage errors.
func (o *credentialOutput) validate(cmd *cobra.Command) error {
	if !slices.Contains(credentialFormats, o.format) {
		sorted := slices.Sorted(slices.Values(credentialFormats))
		return badParam(cmd, "format", fmt.Sprintf("%s is not one of '%s'.", names.Quote(o.format), strings.Join(sorted, "', '")))
	}
	if o.force && o.output == "" {
		return usageErrorf(cmd, "--force only applies with --output")
	}
	return nil
}

// text renders credentials as JSON (the AWS structure), as an INI
// [default] profile, or as shell export lines.
func (o *credentialOutput) text(res *credentials.Result) []byte {
	if o.format == "env" {
		return envExports(res)
	}
	if o.format == "ini" {
		text := fmt.Sprintf("[default]\naws_access_key_id=%s\naws_secret_access_key=%s\n", res.AccessKeyID, res.SecretAccessKey)
		if res.SessionToken != "" {
			text += fmt.Sprintf("aws_session_token=%s\n", res.SessionToken)
		}
		return []byte(text)
	}
	return append(pyjson.Encode(res.Document, 4), '\n')
}

// open prepares delivery: to standard output (no --output, or --output -),
// or to the --output file, which is checked now, before anything is
// created, so a bad path costs nothing. close must be called when the
// command ends: it removes the prepared file when nothing was delivered.
func (o *credentialOutput) open(f *Factory, log func(string)) (deliver func(*credentials.Result) error, close func(), err error) {
	if o.output == "" || o.output == "-" {
		return func(res *credentials.Result) error {
			_, err := f.IO.Out.Write(o.text(res))
			return err
		}, func() {}, nil
	}
	file, err := outfile.PrepareSecretFile(o.output, o.force)
	if err != nil {
		return nil, nil, err
	}
	delivered := false
	deliver = func(res *credentials.Result) error {
		if err := file.Commit(o.text(res)); err != nil {
			return err
		}
		delivered = true
		if log != nil {
			log("Wrote credentials to " + file.Path())
		}
		return nil
	}
	return deliver, func() {
		if !delivered {
			file.Abandon()
		}
	}, nil
}

// envExports are export NAME='VALUE' lines that sh, bash and zsh can
// eval: every value single-quoted (a quote inside closes the quoting, is
// escaped with a backslash, and opens it again). Permanent credentials
// unset AWS_SESSION_TOKEN.
func envExports(res *credentials.Result) []byte {
	var b strings.Builder
	line := func(name, value string) {
		b.WriteString("export " + name + "='" + strings.ReplaceAll(value, "'", `'\''`) + "'\n")
	}
	line("AWS_ACCESS_KEY_ID", res.AccessKeyID)
	line("AWS_SECRET_ACCESS_KEY", res.SecretAccessKey)
	if res.SessionToken != "" {
		line("AWS_SESSION_TOKEN", res.SessionToken)
	} else {
		// A token left from earlier temporary credentials would be sent
		// with the new key, and AWS would refuse the pair.
		b.WriteString("unset AWS_SESSION_TOKEN\n")
	}
	return []byte(b.String())
}
