package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/policycheck"
)

// checkDocuments runs check-policy's checks, before any change, on the
// documents a run would attach when some of their statements are the
// user's own (--statement, --policy, a policy file): warnings go to
// standard error; an error-level finding refuses the run (exit 2). What
// the tool generates passes with no finding (policycheck's tests), so
// generated policies are not checked again. Some checks are left to
// check-policy (restates).
func checkDocuments(cmd *cobra.Command, docs []credentials.Document, opts policycheck.Options) error {
	var errs []string
	for _, d := range docs {
		for _, f := range policycheck.Check(d.Doc, opts) {
			if restates[f.Check] {
				continue
			}
			line := fmt.Sprintf("%s: %s", d.Name, strings.TrimPrefix(f.String(), string(f.Severity)+": "))
			if f.Severity == policycheck.Error {
				errs = append(errs, "  "+line)
				continue
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Warning: %s\n", line)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return usageErrorf(cmd, "the policy would be refused by AWS or grant nothing where it means to; nothing was changed:\n%s\n(s3-credentials check-policy explains each check)", strings.Join(errs, "\n"))
}

// restates are the checks create and set-bucket-policy leave to
// check-policy: sizes, which they check themselves for all of a user's
// policies together, and warnings that only restate what a statement
// plainly asks for (s3:*, every bucket), which its author chose.
var restates = map[string]bool{"size": true, "broad-action": true, "broad-resource": true}

// checkRequest checks the documents of a create or create-role request
// that holds statements of the user's own.
func checkRequest(cmd *cobra.Command, r *credentials.Request, kind policycheck.Kind) error {
	if !r.Custom() {
		return nil
	}
	docs, err := r.Documents()
	if err != nil {
		return requestUsage(cmd, err)
	}
	if r.DurationSeconds > 0 {
		kind = policycheck.SessionPolicy
	}
	return checkDocuments(cmd, docs, policycheck.Options{Kind: kind})
}
