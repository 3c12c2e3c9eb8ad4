package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/testenv"
	"github.com/s3-credentials/s3-credentials/policy"
)

// TestInterruptPruneUnusedFor cuts prune --unused-for short at every
// request, in every way a process can be ended (see interrupt_test.go),
// and lets moto act unanswered on each request that changes something.
// The account holds a user made by the tool whose marked key has been idle
// for 200 days by IAM's clock, and a stranger with a key of its own.
// Whatever the ending, every line on standard output is true (the key or
// user it names is gone), the stranger and its key are untouched, and a
// user is never gone while its key is left. prune works on the whole
// account, so the runs go one at a time, each on the same account made
// afresh.
func TestInterruptPruneUnusedFor(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary a hundred times")
	}
	t.Parallel()
	e := newE2E(t)
	e.proxyDelay = 5 * time.Millisecond // 26 requests a run, 150 runs
	testenv.Binary(t)
	e.makeUser("stranger", 1)
	newIAMFront(t, e, time.Now().Add(200*24*time.Hour))
	args := []string{"prune", "--unused-for", "90d"}

	check := func(t *testing.T, key string, r toolRun, clean bool) {
		d := subE2E(t, e)
		userGone := !d.userExists("idle")
		keyGone := userGone || len(d.accessKeys("idle")) == 0
		if !d.userExists("stranger") || len(d.accessKeys("stranger")) != 1 {
			t.Errorf("the stranger or its key was touched\n%s", r)
		}
		if userGone && !keyGone {
			t.Errorf("user idle deleted, its key left\n%s", r)
		}
		if clean {
			if r.Code != 0 || r.Stdout != "idle "+key+"\nidle\n" || !userGone {
				t.Errorf("clean run: user gone %v\n%s", userGone, r)
			}
			return
		}
		for _, line := range strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n") {
			switch {
			case line == "":
			case line == "idle "+key && !keyGone:
				t.Errorf("stdout says key %s was deleted; it is there\n%s", key, r)
			case line == "idle" && !userGone:
				t.Errorf("stdout says user idle was deleted; it is there\n%s", r)
			case line != "idle "+key && line != "idle":
				t.Errorf("stdout line %q names nothing of this account\n%s", line, r)
			}
		}
	}

	key := idleMadeUser(t, e)
	r := runInterrupted(t, e, t.TempDir(), nil, 0, args...)
	check(t, key, r, true)
	if t.Failed() {
		return
	}
	v := interruptVariant{name: "prune --unused-for", serial: true, mayFinish: true}
	eachInterruption(t, r.Ops, func(t *testing.T, at interruptAt, _ int) {
		key := idleMadeUser(t, e)
		r := runInterrupted(t, e, t.TempDir(), &at, 0, args...)
		checkEnded(t, v, r, func(t *testing.T, r toolRun, clean bool) { check(t, key, r, clean) })
	})
	// A deletion moto carried out unanswered, or answered 500: the run
	// ends as a clean one, naming what it deleted (see
	// TestUnansweredAtEveryRequest).
	eachUnanswered(t, r.Ops, func(t *testing.T, at interruptAt, _ int) {
		key := idleMadeUser(t, e)
		r := runInterrupted(t, e, t.TempDir(), &at, 0, args...)
		noTrace(t, r)
		check(t, key, r, true)
	})
}

// idleMadeUser makes user "idle" as create leaves it (the tool's tag, an
// inline policy, a marked key), after removing what an earlier run left of
// it, and returns its key. Made by hand, it takes a tenth of create's time.
func idleMadeUser(t *testing.T, e *e2e) string {
	t.Helper()
	c := subE2E(t, e).Clients.IAM
	ctx := t.Context()
	user := aws.String("idle")
	if keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: user}); err == nil {
		for _, k := range keys.AccessKeyMetadata {
			must(c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: user, AccessKeyId: k.AccessKeyId})).ok(t)
		}
		pols := must(c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: user})).ok(t)
		for _, p := range pols.PolicyNames {
			must(c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: user, PolicyName: aws.String(p)})).ok(t)
		}
		must(c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: user})).ok(t)
	} else if !awsclient.IsNotFound(err) {
		t.Fatal(err)
	}
	must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: user, Tags: []iamtypes.Tag{
		{Key: aws.String(credentials.CreatedTag), Value: aws.String(time.Now().UTC().Format(policy.TimeFormat))},
	}})).ok(t)
	must(c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: user, PolicyName: aws.String("s3.read-write.intr-prune"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::intr-prune/*"}]}`)})).ok(t)
	key := must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: user})).ok(t)
	id := aws.ToString(key.AccessKey.AccessKeyId)
	noErr(t, credentials.MarkKey(ctx, c, "idle", id, aws.ToTime(key.AccessKey.CreateDate)))
	return id
}
