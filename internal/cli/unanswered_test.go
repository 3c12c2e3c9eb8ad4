package cli

import (
	"fmt"
	"strings"
	"testing"
)

// unansweredCase is a command line run in-process against moto behind a
// fault proxy: setup prepares a fresh moto and returns the arguments; check
// tells whether what the run printed and left is what a clean run gives.
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
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// The clean run gives back its moto server before the runs
			// with faults, which each take one, start.
			var log []string
			t.Run("clean", func(t *testing.T) {
				e := newE2E(t)
				args := c.setup(t, e)
				p := newFaultProxy(t, e, func(string, int) fault { return pass })
				c.check(t, e, e.run(args...))
				log = p.log
			})
			if t.Failed() {
				return
			}
			for _, entry := range log {
				o := entry[:strings.LastIndexByte(entry, '#')]
				if readOnly(o) || strings.HasPrefix(o, "HEAD ") || strings.HasPrefix(o, "GET ") || o == "GetCallerIdentity" {
					continue
				}
				n := 0
				fmt.Sscanf(entry[strings.LastIndexByte(entry, '#')+1:], "%d", &n)
				for _, u := range unanswered {
					t.Run(fmt.Sprintf("%s#%d/%s", o, n, u.name), func(t *testing.T) {
						t.Parallel()
						e := newE2E(t)
						args := c.setup(t, e)
						newFaultProxy(t, e, func(op string, i int) fault {
							if op == o && i == n {
								return u.fault
							}
							return pass
						})
						c.check(t, e, e.run(args...))
					})
				}
			}
		})
	}
}
