package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/flagvalue"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/policycheck"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func init() {
	register(func(f *Factory) *cobra.Command { return NewCmdCheckPolicy(f, nil) })
}

// CheckPolicyOptions are the argument and flags of check-policy.
type CheckPolicyOptions struct {
	IO *IOStreams
	// Policy is where the policy is: a file, "-" for standard input, or
	// the JSON itself (text starting with "{"), as --policy of create.
	Policy string
	Kind   policycheck.Kind
	JSON   bool
	// Analyzer asks IAM Access Analyzer too (--analyzer), through the
	// client AccessAnalyzer makes.
	Analyzer       bool
	AccessAnalyzer func(context.Context) (policycheck.ValidatePolicyAPI, error)
	Context        context.Context
}

// NewCmdCheckPolicy lints a policy offline. runF, when given, runs instead
// of checkPolicyRun: tests read the options the flags made.
func NewCmdCheckPolicy(f *Factory, runF func(*CheckPolicyOptions) error) *cobra.Command {
	opts := &CheckPolicyOptions{IO: f.IO, AccessAnalyzer: func(ctx context.Context) (policycheck.ValidatePolicyAPI, error) {
		c, err := f.Clients(ctx)
		if err != nil {
			return nil, err
		}
		return accessanalyzer.NewFromConfig(c.Config), nil
	}}
	var kind string
	kinds := make([]string, len(policycheck.Kinds))
	for i, k := range policycheck.Kinds {
		kinds[i] = string(k)
	}
	cmd := &cobra.Command{
		Use:     "check-policy POLICY",
		GroupID: groupCredentials,
		Short:   "Check an IAM policy for S3 before it is used",
		Long: `Check an IAM policy for what would make AWS refuse it, or make it grant
something other than it seems to. POLICY is a file, - for standard input,
or the JSON itself. No AWS call is made and no credentials are needed,
unless --analyzer asks IAM Access Analyzer's ValidatePolicy as well: its
findings follow, their check named analyzer:ISSUE_CODE, its errors as
errors and its security warnings, warnings and suggestions as warnings.
Where Access Analyzer cannot be asked (no access-analyzer:ValidatePolicy
permission, an S3-compatible server without it, no credentials), a warning
on standard error says why, and the offline findings stand alone.

It reports: structure IAM refuses (Version, Statement, Effect, Action,
Resource; a Principal in a user, role or session policy, or none in a
bucket policy); S3 actions that do not exist, and patterns matching none;
actions on resources they cannot act on (an object action on a bucket ARN
grants nothing); unknown condition operators, condition keys S3 does not
have, and keys none of the statement's actions is asked with; grants wider
than one bucket (s3:*, Resource "*", arn:aws:s3:::*, wildcards in bucket
names, Allow with NotAction, NotResource or NotPrincipal); Principal "*" in
a bucket policy with no condition on who calls; objects limited to a
prefix while ListBucket lists every key name; and the size limit of the
kind of policy, whitespace not counted: user 2,048 characters (for all of
a user's inline policies together), role 10,240, session 2,048, bucket
20 KB. Actions of other services (kms:, sts:) are not checked.

Each finding is a line: error or warning, the statement (Statement[0] is
the first; "policy" for the whole), the text at fault, why, and the name of
the check. A policy with none gets "No findings". --json writes the same as
one JSON object.

Exit status: 1 when a finding is an error, 0 when there are warnings only
or nothing, 2 when POLICY cannot be read or an option is wrong.`,
		Example: `  s3-credentials check-policy policy.json
  s3-credentials check-policy bucket-policy.json --kind bucket
  s3-credentials policy my-bucket --prefix in/ | s3-credentials check-policy - --kind session
  s3-credentials check-policy '{"Version": "2012-10-17", "Statement": []}' --json
  s3-credentials check-policy policy.json --analyzer --profile audit`,
		Args: exactArgs("POLICY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Policy = args[0]
			k, err := policycheck.ParseKind(kind)
			if err != nil {
				return badParam(cmd, "kind", fmt.Sprintf("%s is not one of '%s'.", names.Quote(kind), strings.Join(kinds, "', '")))
			}
			opts.Kind = k
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return checkPolicyRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&kind, "kind", string(policycheck.UserPolicy), "What the policy is for: "+strings.Join(kinds, ", ")+" (its size limit and principal rules)")
	fl.BoolVar(&opts.JSON, "json", false, "Write the findings as a JSON object")
	fl.BoolVar(&opts.Analyzer, "analyzer", false, "Also ask IAM Access Analyzer's ValidatePolicy (needs AWS credentials)")
	f.AddAWSFlags(cmd)
	_ = cmd.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions(kinds, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// checkPolicyRun reads the policy, checks it and writes the findings. An
// error-level finding makes it fail (exit 1) once they are written.
func checkPolicyRun(opts *CheckPolicyOptions) error {
	text, err := flagvalue.ReadPolicyText(opts.Policy, opts.IO.In)
	if err != nil {
		msg := err.Error()
		var pe *os.PathError
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		return &UsageError{Msg: fmt.Sprintf("Invalid value for 'POLICY': %s: %s.", names.Quote(opts.Policy), msg)}
	}
	checkOpts := policycheck.Options{Kind: opts.Kind}
	var findings []policycheck.Finding
	chars := -1
	doc, decodeErr := pyjson.Decode([]byte(text))
	if decodeErr == nil {
		findings, chars = policycheck.Check(doc, checkOpts), policycheck.Size(doc)
	} else {
		findings = policycheck.CheckText([]byte(text), checkOpts)
	}
	if opts.Analyzer {
		more, err := askAnalyzer(opts, text, decodeErr == nil)
		if err != nil {
			return err
		}
		findings = append(findings, more...)
	}
	if opts.JSON {
		err = pyjson.WriteJSON(opts.IO.Out, findingsJSON(opts.Kind, chars, findings))
	} else {
		err = writeFindings(opts.IO.Out, opts.Kind, chars, findings)
	}
	if err != nil {
		return err
	}
	if n := policycheck.Errors(findings); n > 0 {
		msg := "The policy has " + message.Count(n, "error")
		if w := len(findings) - n; w > 0 {
			msg += " and " + message.Count(w, "warning")
		}
		return errors.New(msg)
	}
	return nil
}

// askAnalyzer returns IAM Access Analyzer's findings on a policy that is
// JSON, or nothing with a warning saying why it was not asked or did not
// answer. Only an interrupt is an error.
func askAnalyzer(opts *CheckPolicyOptions, text string, isJSON bool) ([]policycheck.Finding, error) {
	warn := func(why string) {
		fmt.Fprintln(opts.IO.ErrOut, "Warning: IAM Access Analyzer did not check the policy: "+why)
	}
	if !isJSON {
		warn("the policy is not JSON")
		return nil, nil
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	api, err := opts.AccessAnalyzer(ctx)
	if err == nil {
		var found []policycheck.Finding
		if found, err = policycheck.Analyze(ctx, api, text, opts.Kind); err == nil {
			return found, nil
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	why := awsclient.ErrorMessage(err)
	if awsclient.HTTPStatus(err) == 403 {
		why += " (asking needs the permission access-analyzer:ValidatePolicy)"
	}
	warn(why)
	return nil, nil
}

// writeFindings writes one finding a line, or says there are none.
func writeFindings(w io.Writer, kind policycheck.Kind, chars int, findings []policycheck.Finding) error {
	var b strings.Builder
	for _, f := range findings {
		b.WriteString(f.String() + "\n")
	}
	if len(findings) == 0 {
		fmt.Fprintf(&b, "No findings: a %s policy of %s characters (at most %s).\n", kind, message.Thousands(chars), message.Thousands(policycheck.Limit(kind)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// findingsJSON is the --json document: what was checked and each finding
// (Statement null for the whole policy; Characters missing when the
// policy is not JSON).
func findingsJSON(kind policycheck.Kind, chars int, findings []policycheck.Finding) pyjson.Map {
	list := make([]any, 0, len(findings))
	for _, f := range findings {
		m := pyjson.Map{}
		m.Set("Severity", string(f.Severity))
		m.Set("Check", f.Check)
		if f.Statement == policycheck.Whole {
			m.Set("Statement", nil)
		} else {
			m.Set("Statement", f.Statement)
		}
		m.Set("Text", f.Text)
		m.Set("Why", f.Why)
		list = append(list, m)
	}
	errs := policycheck.Errors(findings)
	doc := pyjson.Map{}
	doc.Set("Kind", string(kind))
	if chars >= 0 {
		doc.Set("Characters", chars)
	}
	doc.Set("Limit", policycheck.Limit(kind))
	doc.Set("Errors", errs)
	doc.Set("Warnings", len(findings)-errs)
	doc.Set("Findings", list)
	return doc
}
