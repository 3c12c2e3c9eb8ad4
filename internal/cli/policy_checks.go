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
// generated policies are not checked again. Sizes are left to the
// commands' own checks, which count a user's policies together.
func checkDocuments(cmd *cobra.Command, docs []credentials.Document, opts policycheck.Options) error {
	var errs []string
	for _, d := range docs {
		for _, f := range policycheck.Check(d.Doc, opts) {
			if f.Check == "size" {
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
