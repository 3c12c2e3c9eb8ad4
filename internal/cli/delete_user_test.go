package cli

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

func (e *e2e) acctUserExists(name string) bool {
	e.t.Helper()
	_, err := e.Clients.IAM.GetUser(acctCtx(), &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil && !awsclient.IsNotFound(err) {
		e.t.Fatal(err)
	}
	return err == nil
}

func (e *e2e) acctNewKey(user string) string {
	e.t.Helper()
	out := must(e.Clients.IAM.CreateAccessKey(acctCtx(), &iam.CreateAccessKeyInput{UserName: aws.String(user)})).ok(e.t)
	return aws.ToString(out.AccessKey.AccessKeyId)
}

// TestDeleteUser deletes a user as create leaves it (inline policy and an
// access key): output as the reference's, on stdout.
func TestDeleteUser(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	n := &acctNormalizer{}
	for _, u := range []string{"s3.read-write.bucket-one", "second"} {
		e.acctCreateUser(nil, &iam.CreateUserInput{UserName: aws.String(u)})
		e.acctPutUserPolicy(u, "s3.read-write.bucket-one", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`)
		n.add(e.acctNewKey(u), "<key:"+u+">")
	}
	e.acctPutUserPolicy("second", "another", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}`)
	n.add(e.acctNewKey("second"), "<key2:second>")

	r := e.ok("delete-user", "s3.read-write.bucket-one", "second")
	// Key order from moto varies; sort the key lines of "second" for the golden.
	golden(t, "account/delete-user.out", acctSortKeyLines(n.apply(r.Stdout)))
	if r.Stderr != "" {
		t.Errorf("stderr: %q", r.Stderr)
	}
	for _, u := range []string{"s3.read-write.bucket-one", "second"} {
		if e.acctUserExists(u) {
			t.Errorf("user %s still exists", u)
		}
	}
}

// acctSortKeyLines orders each run of "Deleted access key" lines.
func acctSortKeyLines(s string) string {
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		j := i
		for j < len(lines) && strings.HasPrefix(lines[j], "  Deleted access key: ") {
			j++
		}
		if j-i > 1 {
			run := lines[i:j]
			for a := 0; a < len(run); a++ {
				for b := a + 1; b < len(run); b++ {
					if run[b] < run[a] {
						run[a], run[b] = run[b], run[a]
					}
				}
			}
		}
		if j > i {
			i = j - 1
		}
	}
	return strings.Join(lines, "\n")
}

// TestDeleteUserMatchesReference runs both tools on identical users.
func TestDeleteUserMatchesReference(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.acctCreateUser(nil, &iam.CreateUserInput{UserName: aws.String("u1")})
	e.acctPutUserPolicy("u1", "p", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`)
	key := e.acctNewKey("u1")
	r := e.ok("delete-user", "u1")
	want := "User: u1\n  Deleted policy: p\n  Deleted access key: " + key + "\n  Deleted user\n"
	if r.Stdout != want {
		t.Errorf("got %q, want %q", r.Stdout, want)
	}
	// The same state again, for the reference.
	e.acctCreateUser(nil, &iam.CreateUserInput{UserName: aws.String("u2")})
	e.acctPutUserPolicy("u2", "p", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`)
	key = e.acctNewKey("u2")
	e.sameAsReferenceWithStderr(result{Stdout: "User: u2\n  Deleted policy: p\n  Deleted access key: " + key + "\n  Deleted user\n"}, "delete-user", "u2")
}

// A throwaway SSH public key and self-signed certificate (no private
// parts) for IAM to hold.
const (
	testSSHKey      = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIVLLZqO1usQouXKmSbO9xQzSOmsD1zW3sS0+PDjgVOA test"
	testCertificate = `-----BEGIN CERTIFICATE-----
MIIC/zCCAeegAwIBAgIUAYC2ktvUajIw5g/jEJvHZmxsHH4wDQYJKoZIhvcNAQEL
BQAwDzENMAsGA1UEAwwEdGVzdDAeFw0yNjExMjYyMjI5MTJaFw0zNjExMjMyMjI5
MTJaMA8xDTALBgNVBAMMBHRlc3QwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
AoIBAQDnQXu1ejguKXsnXOcjFBDuWGnMT0gHadgfwajV/623nsADdJPV+PIVwJy/
zXG9Fusl2DKLp3YLfOFoCuNsI72nbWrwcenlWehGsGzkr4/ahOJBSUxn0jUdSt2L
9yr2ZyvbVH5s45Qup4yoai/yMsRB/j4hXdyjPinoTtWcjZHSN1aPQ1tPz81esfbD
Uku8nXWx1Un8Ey1jBURRBEiVKD17mpMsTnhjN4E0lmUCh+TwiQgcz2ooqRF6UQvC
RIUXX808XJhP5/DzS/b8f+7zuBciAkmoS1PfY9bodkGtF2KOFq+vN/CLksCjek5v
0NbU1MKAkg4h6zOp+8zKNTCR/RRhAgMBAAGjUzBRMB0GA1UdDgQWBBTIMWWJ1cB2
rYtb3WDoa67EquALgjAfBgNVHSMEGDAWgBTIMWWJ1cB2rYtb3WDoa67EquALgjAP
BgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQBk2qjlqY+JHfwzDpEj
tki/R4SRpsjA6XKZ05YftCKgLW9baQ1IVJC2WoVj/LD1IKSuLj7jWI8vxQokqATn
buZGe8GkHu+RfnLoZFROZoBBuqYl6nZN3bYUpUymBmLOekOwcjar37rhJk4dmgQE
2dWNnjquYegJw2dntYvb5FHBmAN0ai8A8cN6cUQsIURDE23Q/D7+Ma6pFgGKisO/
dJnkZF/FMMcA6cJt9x0Evzwo3nGo6tuE4j35KJ+vP7lKjq6tjuRxWol1mail6uKh
gZDIF/O28TYw6IACmNioDZLO1O/+oJTgDufGQV5d0wRb1ZLedxIwL6y2zRT9ypo9
jIuN
-----END CERTIFICATE-----
`
)

// TestDeleteUserNotMadeByUs deletes a user with a managed policy, groups,
// a console password, an MFA device, an SSH key and a signing certificate,
// none of which the reference removes (so IAM refuses its DeleteUser).
func TestDeleteUserNotMadeByUs(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	ctx := acctCtx()
	e.acctCreateUser(nil, &iam.CreateUserInput{UserName: aws.String("console-user")})
	for _, g := range []string{"readers", "writers"} {
		must(e.Clients.IAM.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(g)})).ok(t)
		must(e.Clients.IAM.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(g), UserName: aws.String("console-user")})).ok(t)
	}
	arn := "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	must(e.Clients.IAM.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("console-user"), PolicyArn: aws.String(arn)})).ok(t)
	must(e.Clients.IAM.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("console-user"), Password: aws.String("Secret-Passw0rd!")})).ok(t)
	mfa := must(e.Clients.IAM.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("phone")})).ok(t)
	serial := aws.ToString(mfa.VirtualMFADevice.SerialNumber)
	must(e.Clients.IAM.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("console-user"),
		SerialNumber: aws.String(serial), AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")})).ok(t)
	ssh := must(e.Clients.IAM.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("console-user"), SSHPublicKeyBody: aws.String(testSSHKey)})).ok(t)
	cert := must(e.Clients.IAM.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("console-user"), CertificateBody: aws.String(testCertificate)})).ok(t)
	e.acctPutUserPolicy("console-user", "inline", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`)
	key := e.acctNewKey("console-user")

	r := e.ok("delete-user", "console-user")
	want := "User: console-user\n" +
		"  Deleted policy: inline\n" +
		"  Deleted access key: " + key + "\n" +
		"  Detached policy: " + arn + "\n" +
		"  Removed from group: readers\n" +
		"  Removed from group: writers\n" +
		"  Deleted login profile\n" +
		"  Deactivated MFA device: " + serial + "\n" +
		"  Deleted SSH public key: " + aws.ToString(ssh.SSHPublicKey.SSHPublicKeyId) + "\n" +
		"  Deleted signing certificate: " + aws.ToString(cert.Certificate.CertificateId) + "\n" +
		"  Deleted user\n"
	if r.Stdout != want {
		t.Errorf("got:\n%s\nwant:\n%s", r.Stdout, want)
	}
	if e.acctUserExists("console-user") {
		t.Error("user still exists")
	}
}
