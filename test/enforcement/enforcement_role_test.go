//go:build enforcement

package enforcement

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// TestCreateRoleWithoutPutRolePolicy: SeaweedFS 4.53 has no PutRolePolicy,
// so a role made by create-role cannot get its bucket policies there, and
// cannot be proven assumed and scoped. What can be proven is the failure
// path on a real server: the role is created, PutRolePolicy is refused,
// and the role is deleted again, leaving nothing behind. (When a SeaweedFS
// release implements PutRolePolicy this test fails: then prove the role's
// scope here instead.)
func TestCreateRoleWithoutPutRolePolicy(t *testing.T) {
	s, f := buckets(t)
	role := "enf-role-" + randomHex(3)
	args := []string{"create-role", role, f.A, "--trust", "ec2", "--endpoint-url", s.Endpoint, "-a", s.AdminJSON}
	cmd := exec.Command(testenv.Binary(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("s3-credentials %s\n%s", strings.Join(args[:5], " "), strings.TrimSpace(stderr.String()))
	if err == nil {
		t.Fatalf("create-role succeeded; SeaweedFS now has PutRolePolicy: prove the role's scope here\n%s", stdout.String())
	}
	for _, want := range []string{
		"Created role: '" + role + "'",
		"Undone: deleted role " + role + "\n",
		"Error: InvalidAction: The action PutRolePolicy is not valid for this endpoint\n",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q", stdout.String())
	}
	_, gerr := s.iamAdmin(t).GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String(role)})
	if gerr == nil {
		t.Errorf("role %s was left behind", role)
	}
	res := "refused: InvalidAction; role deleted again"
	if gerr == nil {
		res = "role LEFT BEHIND"
	}
	record(row{"create-role NAME A --trust ec2", "role", "PutRolePolicy", "allowed (on AWS)", res})
}
