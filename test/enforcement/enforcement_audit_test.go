//go:build enforcement

package enforcement

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// TestAudit runs audit against SeaweedFS, whose IAM lists its static admin
// identity but answers NoSuchEntity for that user's attached policies, and
// which has no inline role policies (ListRolePolicies is InvalidAction).
// The audit must go through: the admin shown with what could be read (its
// inline admin_policy: full access) and a row with Access unknown for what
// could not, the user create just made with its read-only grant, exit 0.
func TestAudit(t *testing.T) {
	s, f := buckets(t)
	user := "enf-audit-" + randomHex(3)
	s.create(t, f.A, "--read-only", "--prefix", "foo/", "--username", user)
	args := []string{"audit", f.A, "--nl", "--endpoint-url", s.Endpoint, "-a", s.AdminJSON}
	cmd := exec.Command(testenv.Binary(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("s3-credentials audit %s --nl\n%s\n%s", f.A, strings.TrimSpace(stdout.String()), strings.TrimSpace(stderr.String()))
	if err != nil {
		t.Fatalf("audit failed: %v", err)
	}
	for _, want := range []string{
		`{"Type": "user", "Name": "` + user + `", "Bucket": "` + f.A + `", "Access": "read-only", "Prefixes": ["foo/"], "Keys": [], "Policy": "inline:s3.read-only.` + f.A + `"`,
		`{"Type": "user", "Name": "admin", "Bucket": "*", "Access": "full", "Prefixes": [], "Keys": [], "Policy": "inline:admin_policy"`,
		`{"Type": "user", "Name": "admin", "Bucket": null, "Access": "unknown", "Prefixes": [], "Keys": [], "Policy": "(attached policies could not be read: NoSuchEntity: `,
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("audit lacks\n%s", want)
		}
	}
	// SeaweedFS gives no account details in bulk: said once, and asked
	// user by user. It keeps the tool's mark of the key create made, and
	// does not keep when keys were used: that is unknown, not "never".
	if strings.Count(stderr.String(), "Note: IAM did not give the account's details in bulk (") != 1 {
		t.Errorf("the fallback to user by user is not said once:\n%s", stderr.String())
	}
	if !strings.Contains(stdout.String(), `"LastUsed": "unknown (the server does not say)", "AgeDays": null, "MadeByS3Credentials": true}]}`) {
		t.Errorf("the new user's key is not shown as the tool's, its use unknown")
	}
	if !strings.Contains(stderr.String(), "Warning: the attached policies of user admin could not be read (NoSuchEntity: ") {
		t.Errorf("no warning about the admin's attached policies:\n%s", stderr.String())
	}
	res := "exit 0; admin shown with its inline grant and Access unknown for its attached policies"
	if t.Failed() {
		res = "FAILED"
	}
	record(row{"audit A", "admin", "ListAttachedUserPolicies", "NoSuchEntity (static identity)", res})
}

// TestDocsTableHasEveryScenario: docs/enforcement.md holds a copy of the
// table this suite writes (TestZReport); every credentials scenario has its
// rows there, so the prose that cites them cites rows that exist.
func TestDocsTableHasEveryScenario(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "docs", "enforcement.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scenarios {
		if !strings.Contains(string(doc), "\n|  "+sc.Name+" | ") {
			t.Errorf("docs/enforcement.md has no row for %q", sc.Name)
		}
	}
}
