package cli

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3-credentials/s3-credentials/internal/roles"
)

// unansweredCase is a command line run in-process against moto behind a
// fault proxy: setup prepares a fresh moto and returns the arguments; check
// tells whether what the run printed and left is what a clean run gives
// (nil: the run must print exactly what the clean run printed).
type unansweredCase struct {
	name  string
	setup func(t *testing.T, e *e2e) []string
	check func(t *testing.T, e *e2e, r result)
}

// TestUnansweredInProcess does for the commands the interrupt suite does not
// run what TestUnansweredAtEveryRequest does for those it runs: each request
// of a clean run that changes something is acted on by moto, then its answer
// is lost or is a 500; the SDK sends it again, and the run must end as a
// clean run does.
func TestUnansweredInProcess(t *testing.T) {
	t.Parallel()
	for _, c := range []unansweredCase{
		{"delete-user", func(t *testing.T, e *e2e) []string {
			e.makeUser("gone", 2)
			e.acctPutUserPolicy("gone", "s3.read-write.b", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`)
			return []string{"delete-user", "gone"}
		}, func(t *testing.T, e *e2e, r result) {
			// Every line true: both keys and the policy named as deleted by
			// this run, nothing by "someone else", no console password.
			want := "User: gone\n  Deleted policy: s3.read-write.b\n  Deleted access key: AKIAXXXXXXXXXXXXXXXX\n  Deleted access key: AKIAXXXXXXXXXXXXXXXX\n  Deleted user\n"
			if r.Code != 0 || e.userExists("gone") || normalizeKeyIDs(r.Stdout) != want || r.Stderr != "" {
				t.Errorf("exit %d, user exists %v\nstdout %q\nstderr %s", r.Code, e.userExists("gone"), r.Stdout, r.Stderr)
			}
		}},
		{"prune", func(t *testing.T, e *e2e) []string {
			e.bucket("prune-b")
			e.expiredUser("prune-b", "old")
			return []string{"prune"}
		}, func(t *testing.T, e *e2e, r result) {
			if r.Code != 0 || e.userExists("old") || r.Stdout != "old\n" || strings.Contains(r.Stderr, "someone else") {
				t.Errorf("exit %d, user exists %v\nstdout %s\nstderr %s", r.Code, e.userExists("old"), r.Stdout, r.Stderr)
			}
		}},
		{"create-role", func(t *testing.T, e *e2e) []string {
			e.bucket("role-b")
			return []string{"create-role", "fresh", "role-b", "--tag", "a=b"}
		}, func(t *testing.T, e *e2e, r result) {
			if v := e.role("fresh"); r.Code != 0 || v == nil || len(v.Inline) != 1 || v.Tags["a"] != "b" {
				t.Errorf("exit %d, role %+v\nstderr %s", r.Code, v, r.Stderr)
			}
		}},
		{"create-role --update", func(t *testing.T, e *e2e) []string {
			e.bucket("role-b")
			e.bucket("role-c")
			e.ok("create-role", "kept", "role-b", "--tag", "v=1")
			return []string{"create-role", "kept", "role-c", "--update", "--tag", "v=2", "--max-session-duration", "3h"}
		}, func(t *testing.T, e *e2e, r result) {
			if v := e.role("kept"); r.Code != 0 || v == nil || len(v.Inline) != 1 || v.Tags["v"] != "2" || v.MaxDuration != 3*3600 {
				t.Errorf("exit %d, role %+v\nstderr %s", r.Code, v, r.Stderr)
			}
		}},
		{"create --expires --tag", func(t *testing.T, e *e2e) []string {
			e.bucket("exp-b")
			return []string{"create", "exp-b", "--username", "carol", "--expires", "1d", "--tag", "team=x"}
		}, func(t *testing.T, e *e2e, r result) {
			s := e.iamState("carol")
			if r.Code != 0 || s == nil || len(s.Keys) != 1 || !strings.Contains(r.Stdout, s.Keys[0]) || e.userTags("carol")["team"] != "x" {
				t.Errorf("exit %d, state %+v\nstdout %s\nstderr %s", r.Code, s, r.Stdout, r.Stderr)
			}
		}},
		{"revoke-sessions", func(t *testing.T, e *e2e) []string {
			e.bucket("rev-b")
			e.ok("create", "rev-b", "-d", "15m") // makes the role
			return []string{"revoke-sessions"}
		}, func(t *testing.T, e *e2e, r result) {
			// The cutoff printed is the one attached.
			out := must(e.Clients.IAM.GetRolePolicy(e.ctx(), &iam.GetRolePolicyInput{RoleName: aws.String(roles.ToolRole), PolicyName: aws.String(roles.RevokePolicyName)})).ok(t)
			doc, _ := url.QueryUnescape(aws.ToString(out.PolicyDocument))
			printed := ""
			if _, after, ok := strings.Cut(r.Stdout, `"RevokedBefore": "`); ok {
				printed, _, _ = strings.Cut(after, `"`)
			}
			if r.Code != 0 || printed == "" || !strings.Contains(doc, `"aws:TokenIssueTime":"`+printed+`"`) {
				t.Errorf("exit %d, printed cutoff %q, policy %s\nstderr %s", r.Code, printed, doc, r.Stderr)
			}
		}},
		{"delete-objects", func(t *testing.T, e *e2e) []string {
			e.bucket("del-b")
			e.putMany("del-b", []string{"p/1", "p/2", "keep"})
			return []string{"delete-objects", "del-b", "--prefix", "p/"}
		}, nil},
		{"set-public then set-private", func(t *testing.T, e *e2e) []string {
			e.bucket("pub-b")
			e.ok("set-public", "pub-b")
			return []string{"set-private", "pub-b"}
		}, nil},
		{"set-public", func(t *testing.T, e *e2e) []string {
			e.bucket("pub-b")
			return []string{"set-public", "pub-b"}
		}, nil},
		{"set-cors-policy", func(t *testing.T, e *e2e) []string {
			e.bucket("cors-b")
			return []string{"set-cors-policy", "cors-b", "-m", "PUT"}
		}, nil},
		{"set-bucket-policy", func(t *testing.T, e *e2e) []string {
			e.bucket("pol-b")
			return []string{"set-bucket-policy", "pol-b", "--allow-all-get"}
		}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// The clean run gives back its moto server before the runs
			// with faults, which each take one, start.
			var log []string
			check := c.check
			t.Run("clean", func(t *testing.T) {
				e := newE2E(t)
				args := c.setup(t, e)
				p := newFaultProxy(t, e, func(string, int) fault { return pass })
				clean := e.run(args...)
				if check == nil {
					if clean.Code != 0 {
						t.Fatalf("clean run: exit %d\n%s", clean.Code, clean.Stderr)
					}
					check = func(t *testing.T, _ *e2e, r result) {
						if r != clean {
							t.Errorf("got %+v\nclean run %+v", r, clean)
						}
					}
				}
				check(t, e, clean)
				log = p.log
			})
			if t.Failed() {
				return
			}
			ops := make([]string, len(log))
			for i, entry := range log {
				ops[i] = entry[:strings.LastIndexByte(entry, ':')] // "Op#n:fault"
			}
			eachUnanswered(t, ops, func(t *testing.T, at interruptAt, _ int) {
				t.Parallel()
				e := newE2E(t)
				args := c.setup(t, e)
				newFaultProxy(t, e, faultAt(at.op, at.n, at.fault))
				check(t, e, e.run(args...))
			})
		})
	}
}
