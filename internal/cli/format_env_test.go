package cli

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// --format env prints export lines that sh, bash and zsh read back as the
// very values, whatever characters they hold.
func TestEnvExportsEvalInEveryShell(t *testing.T) {
	res := &credentials.Result{
		AccessKeyID:     "AKIA'quote",
		SecretAccessKey: `se"c$HOME` + "`id`" + `\ret; echo pwned'' $(x)`,
		SessionToken:    "tok\nen with newline and !history *glob",
	}
	text := string(envExports(res))
	for _, shell := range []string{"sh", "bash", "zsh"} {
		path, err := exec.LookPath(shell)
		if err != nil {
			testenv.Unavailable(t, shell, "install it (Debian: apt-get install "+shell+")")
		}
		script := text + `printf '%s\0%s\0%s' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"`
		out, err := exec.Command(path, "-c", "eval \"$1\"", "eval", script).Output()
		if err != nil {
			t.Fatalf("%s: %v", shell, err)
		}
		got := strings.Split(string(out), "\x00")
		want := []string{res.AccessKeyID, res.SecretAccessKey, res.SessionToken}
		if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("%s read back %q, want %q", shell, got, want)
		}
	}
	// Permanent credentials unset a token left in the shell by earlier
	// temporary ones, which would be sent with the new key.
	perm := string(envExports(&credentials.Result{AccessKeyID: "a", SecretAccessKey: "b"}))
	if strings.Contains(perm, "export AWS_SESSION_TOKEN") {
		t.Error("permanent credentials export a session token")
	}
	for _, shell := range []string{"sh", "bash", "zsh"} {
		path, err := exec.LookPath(shell)
		if err != nil {
			testenv.Unavailable(t, shell, "install it (Debian: apt-get install "+shell+")")
		}
		script := "export AWS_SESSION_TOKEN=stale\n" + perm + `printf '%s:%s' "$AWS_ACCESS_KEY_ID" "${AWS_SESSION_TOKEN-unset}"`
		out, err := exec.Command(path, "-c", "eval \"$1\"", "eval", script).Output()
		if err != nil || string(out) != "a:unset" {
			t.Errorf("%s: %q, %v", shell, out, err)
		}
	}
}

// create and rotate-key print env lines for real credentials.
func TestCreateFormatEnv(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("env-bkt")
	perm := regexp.MustCompile(`^export AWS_ACCESS_KEY_ID='[A-Z0-9]+'\nexport AWS_SECRET_ACCESS_KEY='[^'\n]+'\nunset AWS_SESSION_TOKEN\n$`)
	if r := e.ok("create", "env-bkt", "-f", "env", "--username", "env-user"); !perm.MatchString(r.Stdout) {
		t.Errorf("create -f env:\n%s", r.Stdout)
	}
	temp := regexp.MustCompile(`^export AWS_ACCESS_KEY_ID='[A-Z0-9]+'\nexport AWS_SECRET_ACCESS_KEY='[^'\n]+'\nexport AWS_SESSION_TOKEN='[^'\n]+'\n$`)
	if r := e.ok("create", "env-bkt", "-f", "env", "-d", "15m"); !temp.MatchString(r.Stdout) {
		t.Errorf("create -f env -d 15m:\n%s", r.Stdout)
	}
	if r := e.ok("rotate-key", "env-user", "-f", "env", "--delete-old"); !perm.MatchString(r.Stdout) {
		t.Errorf("rotate-key -f env:\n%s", r.Stdout)
	}
}
