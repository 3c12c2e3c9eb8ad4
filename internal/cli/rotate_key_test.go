package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// makeUser creates an IAM user holding n access keys and returns their ids.
func (e *e2e) makeUser(name string, n int) []string {
	e.t.Helper()
	must(e.Clients.IAM.CreateUser(e.ctx(), &iam.CreateUserInput{UserName: aws.String(name)})).ok(e.t)
	var ids []string
	for i := 0; i < n; i++ {
		out := must(e.Clients.IAM.CreateAccessKey(e.ctx(), &iam.CreateAccessKeyInput{UserName: aws.String(name)})).ok(e.t)
		ids = append(ids, aws.ToString(out.AccessKey.AccessKeyId))
	}
	return ids
}

// keyStatus maps a user's access key ids to their status.
func (e *e2e) keyStatus(user string) map[string]string {
	e.t.Helper()
	out := must(e.Clients.IAM.ListAccessKeys(e.ctx(), &iam.ListAccessKeysInput{UserName: aws.String(user)})).ok(e.t)
	m := map[string]string{}
	for _, k := range out.AccessKeyMetadata {
		m[aws.ToString(k.AccessKeyId)] = string(k.Status)
	}
	return m
}

func (e *e2e) deactivate(user, id string) {
	e.t.Helper()
	must(e.Clients.IAM.UpdateAccessKey(e.ctx(), &iam.UpdateAccessKeyInput{
		UserName: aws.String(user), AccessKeyId: aws.String(id), Status: iamtypes.StatusTypeInactive,
	})).ok(e.t)
}

func sameStatus(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// newKeyOf returns the one key id in status that is not among old.
func newKeyOf(t *testing.T, status map[string]string, old ...string) string {
	t.Helper()
	var fresh []string
	for id := range status {
		isOld := false
		for _, o := range old {
			isOld = isOld || o == id
		}
		if !isOld {
			fresh = append(fresh, id)
		}
	}
	if len(fresh) != 1 {
		t.Fatalf("want exactly one new key, have %v (old %v)", status, old)
	}
	return fresh[0]
}

func TestRotateKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		flags   []string
		oldKeys int
		// inactive is the index of an old key made inactive beforehand, or -1.
		inactive int
		// want gives the final status of each old key ("" for deleted).
		want []string
		// stderr holds the expected step lines, old key ids written OLD0, OLD1.
		stderr string
	}{
		{"keep", nil, 1, -1, []string{"Active"},
			"Created access key for user: alice\nNote: the old access key OLD0 still works; use --deactivate-old or --delete-old to retire it\n"},
		{"keep two inactive old", nil, 1, 0, []string{"Inactive"},
			"Created access key for user: alice\n"},
		{"no old key", nil, 0, -1, nil,
			"Created access key for user: alice\n"},
		{"deactivate", []string{"--deactivate-old"}, 1, -1, []string{"Inactive"},
			"Created access key for user: alice\nDeactivated access key OLD0\n"},
		{"deactivate already inactive", []string{"--deactivate-old"}, 1, 0, []string{"Inactive"},
			"Created access key for user: alice\nAccess key OLD0 was already inactive\n"},
		{"delete", []string{"--delete-old"}, 1, -1, []string{""},
			"Created access key for user: alice\nDeleted access key OLD0\n"},
		{"delete with two keys, one inactive", []string{"--delete-old"}, 2, 1, []string{"", ""},
			"Deleted inactive access key OLD1 first, to make room for the new one\nCreated access key for user: alice\nDeleted access key OLD0\n"},
		{"delete silent", []string{"--delete-old", "--silent"}, 1, -1, []string{""}, ""},
		{"keep silent still notes", []string{"--silent"}, 1, -1, []string{"Active"},
			"Note: the old access key OLD0 still works; use --deactivate-old or --delete-old to retire it\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t)
			old := e.makeUser("alice", tc.oldKeys)
			if tc.inactive >= 0 {
				e.deactivate("alice", old[tc.inactive])
			}
			r := e.ok(append([]string{"rotate-key", "alice"}, tc.flags...)...)
			key := decodeJSON(t, r.Stdout)
			status := e.keyStatus("alice")
			newID := newKeyOf(t, status, old...)
			if key["AccessKeyId"] != newID || key["UserName"] != "alice" || key["Status"] != "Active" || key["SecretAccessKey"] == "" {
				t.Errorf("printed %v, new key %s", key, newID)
			}
			want := map[string]string{newID: "Active"}
			for i, s := range tc.want {
				if s != "" {
					want[old[i]] = s
				}
			}
			if !sameStatus(status, want) {
				t.Errorf("keys after rotation %v, want %v", status, want)
			}
			stderr := r.Stderr
			for i, id := range old {
				stderr = strings.ReplaceAll(stderr, id, "OLD"+string(rune('0'+i)))
			}
			if stderr != tc.stderr {
				t.Errorf("stderr\n%s\nwant\n%s", stderr, tc.stderr)
			}
			if strings.Contains(r.Stderr, key["SecretAccessKey"].(string)) {
				t.Error("secret printed on stderr")
			}
		})
	}
}

// normalizeKeyIDs replaces bare access key ids, as step lines print them.
func normalizeKeyIDs(s string) string {
	return reKeyID.ReplaceAllString(s, "${1}XXXXXXXXXXXXXXXX")
}

func TestRotateKeyTwoKeysRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		flags    []string
		inactive int
	}{
		{"no flag", nil, -1},
		{"no flag with an inactive key", nil, 1},
		{"deactivate", []string{"--deactivate-old"}, -1},
		{"deactivate with an inactive key", []string{"--deactivate-old"}, 0},
		{"delete, both active", []string{"--delete-old"}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t)
			old := e.makeUser("alice", 2)
			if tc.inactive >= 0 {
				e.deactivate("alice", old[tc.inactive])
			}
			before := e.keyStatus("alice")
			r := e.run(append([]string{"rotate-key", "alice"}, tc.flags...)...)
			if r.Code != 1 || r.Stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %s", r.Code, r.Stdout, r.Stderr)
			}
			var hint string
			if tc.inactive >= 0 {
				hint = "To proceed, delete the inactive key, then run this again:\n" +
					"  aws iam delete-access-key --user-name alice --access-key-id " + old[tc.inactive] + "\n" +
					"or use --delete-old, which deletes the inactive key first and the other old key once the new one is printed:\n" +
					"  s3-credentials rotate-key alice --delete-old\n"
			} else {
				hint = "To proceed, delete the key that is no longer needed:\n" +
					"  aws iam delete-access-key --user-name alice --access-key-id " + old[0] + "\n" +
					"or deactivate one, then use --delete-old, which deletes the inactive key first and the other old key once the new one is printed:\n" +
					"  aws iam update-access-key --user-name alice --access-key-id " + old[0] + " --status Inactive\n" +
					"  s3-credentials rotate-key alice --delete-old\n"
			}
			want := "Error: User alice already has 2 access keys, the most IAM allows per user; nothing was changed:\n" +
				"  " + old[0] + "  " + before[old[0]] + "  created YYYY-MM-DD HH:MM:SS+00:00\n" +
				"  " + old[1] + "  " + before[old[1]] + "  created YYYY-MM-DD HH:MM:SS+00:00\n" + hint
			if got := normalize(r.Stderr); got != want {
				t.Errorf("stderr\n%s\nwant\n%s", got, want)
			}
			if after := e.keyStatus("alice"); !sameStatus(after, before) {
				t.Errorf("keys changed: %v, were %v", after, before)
			}
		})
	}
}

// A key that could not be printed is deleted again, and old keys are kept.
func TestRotateKeyRollsBackWhenPrintingFails(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	old := e.makeUser("alice", 1)
	var errOut bytes.Buffer
	code := e.exec(context.Background(), &IOStreams{In: strings.NewReader(""), Out: &closedPipe{}, ErrOut: &errOut},
		"rotate-key", "alice", "--delete-old")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	stderr := normalizeKeyIDs(errOut.String())
	want := "Created access key for user: alice\n" +
		"Deleted the new access key AKIAXXXXXXXXXXXXXXXX again, since it could not be handed over; the old keys are unchanged\n" +
		brokenPipeError
	if stderr != want {
		t.Errorf("stderr\n%s\nwant\n%s", stderr, want)
	}
	if got := e.keyStatus("alice"); !sameStatus(got, map[string]string{old[0]: "Active"}) {
		t.Errorf("keys after failed rotation %v, want only the old one", got)
	}
}

var reKeyID = regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`)
