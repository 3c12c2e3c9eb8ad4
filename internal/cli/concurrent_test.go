package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Things that vanish or happen twice: a user deleted between the listing
// and the reading of its details, an identity the server lists but cannot
// describe, and two runs of the same command at once. A thing already gone
// is done, not an error; every run ends with a true exit code and message.

// hookProxy forwards to moto; before a request it calls hook, which may
// change moto's state first (as another run would), or answer in moto's
// place with an error.
type hookProxy struct {
	target string
	hook   func(op string, params url.Values) *injectedError
}

// injectedError is an error answer given instead of moto's.
type injectedError struct {
	status    int
	code, msg string
}

func newHookProxy(t *testing.T, e *e2e, hook func(op string, params url.Values) *injectedError) {
	t.Helper()
	p := &hookProxy{target: e.moto.URL, hook: hook}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	e.endpoint = srv.URL
}

func (p *hookProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	params, _ := url.ParseQuery(string(body))
	op := awsOp(r, body)
	if op == "DeleteBucket" || op == "ListObjectVersions" {
		params = url.Values{"Bucket": {strings.Trim(r.URL.Path, "/")}}
	}
	if inj := p.hook(op, params); inj != nil {
		writeError(w, params.Get("Action") == "", inj.status, inj.code, inj.msg)
		return
	}
	resp, data, err := relay(r, p.target, body)
	if err != nil {
		hangUp(w)
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(data)
}

// once calls fn the first time op is asked about name (the request's
// UserName, or Bucket for S3), before the request goes on.
func once(op, name string, fn func() *injectedError) func(string, url.Values) *injectedError {
	var done sync.Once
	return func(o string, params url.Values) (inj *injectedError) {
		if o == op && (params.Get("UserName") == name || params.Get("Bucket") == name) {
			done.Do(func() { inj = fn() })
		}
		return inj
	}
}

// deleteUserNow deletes a user with everything it holds, directly on moto,
// as another run would.
func (e *e2e) deleteUserNow(name string) {
	e.t.Helper()
	r := e.exec(e.ctx(), &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}, "delete-user", name, "--endpoint-url", e.moto.URL)
	if r != 0 {
		e.t.Fatalf("deleting %s directly: exit %d", name, r)
	}
}

func noSuchUser(name string) *injectedError {
	return &injectedError{http.StatusNotFound, "NoSuchEntity", "the user with name " + name + " cannot be found."}
}

// audit goes on when a user is deleted between the listing and the
// reading of its details (it is left out: it no longer has access), and
// when a listed identity's details cannot be read (it is shown with Access
// unknown, and a warning says why): SeaweedFS lists its static admin but
// answers NoSuchEntity for its attached policies.
func TestAuditVanishingAndUnreadableUsers(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("aud-vanish")
	for _, u := range []string{"stays", "vanishes-early", "vanishes-late", "admin", "denied"} {
		e.ok("create", "aud-vanish", "--read-only", "--username", u)
	}
	hooks := []func(string, url.Values) *injectedError{
		// The user-by-user path, where the vanishing can happen at every
		// step (the bulk path reads all policies in one answer).
		func(op string, _ url.Values) *injectedError {
			if op == "GetAccountAuthorizationDetails" {
				return &injectedError{http.StatusForbidden, "AccessDenied", "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:GetAccountAuthorizationDetails"}
			}
			return nil
		},
		once("ListUserPolicies", "vanishes-early", func() *injectedError { e.deleteUserNow("vanishes-early"); return nil }),
		once("ListAccessKeys", "vanishes-late", func() *injectedError { e.deleteUserNow("vanishes-late"); return nil }),
		func(op string, p url.Values) *injectedError {
			if op == "ListAttachedUserPolicies" && p.Get("UserName") == "admin" {
				return noSuchUser("admin")
			}
			return nil
		},
		func(op string, p url.Values) *injectedError {
			if op == "GetUserPolicy" && p.Get("UserName") == "denied" {
				return &injectedError{http.StatusForbidden, "AccessDenied", "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:GetUserPolicy"}
			}
			return nil
		},
	}
	newHookProxy(t, e, func(op string, p url.Values) *injectedError {
		for _, h := range hooks {
			if inj := h(op, p); inj != nil {
				return inj
			}
		}
		return nil
	})
	r := e.run("audit", "--nl")
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	keyID := regexp.MustCompile(`"AccessKeyId": "[A-Z0-9]+"`)
	date := regexp.MustCompile(`"CreateDate": "[^"]+"`)
	got := date.ReplaceAllString(keyID.ReplaceAllString(r.Stdout, `"AccessKeyId": "<key>"`), `"CreateDate": "<date>"`)
	golden(t, "audit/vanishing.nl", got)
	// Warnings come from the principals' readers, several at a time.
	lines := strings.SplitAfter(r.Stderr, "\n")
	sort.Strings(lines)
	golden(t, "audit/vanishing.stderr", strings.Join(lines, ""))
	for _, gone := range []string{"vanishes-early", "vanishes-late"} {
		if strings.Contains(got, gone) || e.userExists(gone) {
			t.Errorf("%s: listed or still there", gone)
		}
	}
}

// Two prunes at once (overlapping cron jobs): both exit 0, and each
// expired user is named on the standard output of exactly one of them,
// the one that deleted it; the other says it was deleted meanwhile. The
// runs really overlap, so which run deletes which user varies: what is
// checked holds for every interleaving.
func TestConcurrentPrune(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("prune-twice")
	var want []string
	for _, u := range []string{"twice-1", "twice-2", "twice-3", "twice-4", "twice-5", "twice-6"} {
		e.expiredUser("prune-twice", u)
		want = append(want, u)
	}
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i] = e.run("prune") })
	}
	wg.Wait()
	var named []string
	for i, r := range results {
		if r.Code != 0 || strings.Contains(r.Stderr, "Error") || strings.Contains(r.Stderr, "Could not") {
			t.Errorf("prune %d: exit %d\n%s", i, r.Code, r.Stderr)
		}
		named = append(named, strings.Fields(r.Stdout)...)
		// The report of each user it began to delete ends with what became
		// of it: deleted by this run (and named), or by the other.
		report := regexp.MustCompile(`(?m)^User \S+ expired at .*\n`).ReplaceAllString(r.Stderr, "")
		for _, block := range strings.Split(report, "User: ")[1:] {
			u := block[:strings.IndexByte(block, '\n')]
			byUs := strings.HasSuffix(block, "  Deleted user\n")
			byOther := strings.HasSuffix(block, "  Deleted by someone else meanwhile\n")
			if byUs != slices.Contains(strings.Fields(r.Stdout), u) || byUs == byOther {
				t.Errorf("prune %d: %s deleted by this run %v, by the other %v, named %v\n%s", i, u, byUs, byOther, !byUs, r.Stderr)
			}
		}
	}
	sort.Strings(named)
	if !slices.Equal(named, want) {
		t.Errorf("users named: %v, want each of %v once", named, want)
	}
	for _, u := range want {
		if e.userExists(u) {
			t.Errorf("%s still exists", u)
		}
	}
}

// Deterministic versions of the overlaps a second prune causes: the user,
// a key, or the whole user gone between prune's listing and its request.
func TestPruneUserDeletedMeanwhile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, op string
		byUs     bool // the user is still deleted by this run
		said     string
	}{
		{"gone before its tags are read", "ListUserTags", false, ""},
		{"gone before its policies are listed", "ListUserPolicies", false, "User: u\n  Deleted by someone else meanwhile\n"},
		{"gone before its key is deleted", "DeleteAccessKey", false, "  Deleted by someone else meanwhile\n"},
		{"gone before it is deleted", "DeleteUser", false, "  Deleted by someone else meanwhile\n"},
		{"its key gone before it is deleted", "DeleteAccessKey/key", true, "  Deleted user\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t)
			e.makeBucket("prune-race")
			e.expiredUser("prune-race", "u")
			e.expiredUser("prune-race", "other")
			op, keyOnly := strings.CutSuffix(tc.op, "/key")
			newHookProxy(t, e, once(op, "u", func() *injectedError {
				if keyOnly {
					for _, k := range e.accessKeys("u") {
						must(e.Clients.IAM.DeleteAccessKey(e.ctx(), &iam.DeleteAccessKeyInput{UserName: aws.String("u"), AccessKeyId: aws.String(k)})).ok(t)
					}
				} else {
					e.deleteUserNow("u")
				}
				return nil
			}))
			r := e.run("prune")
			if r.Code != 0 {
				t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
			}
			wantOut := []string{"other"}
			if tc.byUs {
				wantOut = append(wantOut, "u")
			}
			gotOut := strings.Fields(r.Stdout)
			sort.Strings(gotOut)
			if !slices.Equal(gotOut, wantOut) || !strings.Contains(r.Stderr, tc.said) {
				t.Errorf("stdout %q, want %q; stderr lacks %q:\n%s", r.Stdout, wantOut, tc.said, r.Stderr)
			}
			if e.userExists("u") || e.userExists("other") {
				t.Error("a user is left")
			}
		})
	}
}

// delete-user of a user that does not exist is still an error, as in the
// reference; one deleted by someone else while delete-user is at work is
// done.
func TestDeleteUserDeletedMeanwhile(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	if r := e.run("delete-user", "nobody"); r.Code != 1 || r.Stderr != "Error: NoSuchEntity: The user with name nobody cannot be found.\n" {
		t.Errorf("missing user: exit %d, stderr %q", r.Code, r.Stderr)
	}
	e.makeBucket("del-race")
	e.ok("create", "del-race", "--username", "racing")
	newHookProxy(t, e, once("DeleteUser", "racing", func() *injectedError { e.deleteUserNow("racing"); return nil }))
	r := e.run("delete-user", "racing")
	if r.Code != 0 || !strings.HasSuffix(r.Stdout, "  Deleted by someone else meanwhile\n") {
		t.Errorf("exit %d\nstdout %q\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// create, when another run makes the same new user between its check and
// its CreateUser, stops without touching that user and says why.
func TestCreateUserMadeMeanwhile(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("create-race")
	newHookProxy(t, e, once("CreateUser", "racer", func() *injectedError {
		must(e.Clients.IAM.CreateUser(e.ctx(), &iam.CreateUserInput{UserName: aws.String("racer")})).ok(t)
		return nil
	}))
	r := e.run("create", "create-race", "--username", "racer")
	want := "Error: User racer was created by someone else (another run at the same time?) after this run found it missing, so this run left it alone; run the command again to use that user\n"
	if r.Code != 1 || r.Stderr != want || r.Stdout != "" {
		t.Errorf("exit %d\nstdout %q\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if s := e.iamState("racer"); s == nil || len(s.Keys) != 0 || len(s.Policies) != 0 {
		t.Errorf("the other run's user was touched: %+v", s)
	}
}

// Two creates of the same new user at once: each ends with a true exit
// code; every key that exists was printed by one of them, and every key
// printed exists.
func TestConcurrentCreate(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("create-twice")
	for round := range 3 {
		user := "twice-" + string(rune('a'+round))
		results := make([]result, 2)
		var wg sync.WaitGroup
		for i := range results {
			wg.Go(func() { results[i] = e.run("create", "create-twice", "--username", user) })
		}
		wg.Wait()
		var printed []string
		for i, r := range results {
			switch {
			case r.Code == 0 && createdKey(r.Stdout) != "":
				printed = append(printed, createdKey(r.Stdout))
			case r.Code == 1 && r.Stdout == "" && strings.Contains(r.Stderr, "was created by someone else"):
			default:
				t.Errorf("round %d, run %d: exit %d\nstdout %q\nstderr %s", round, i, r.Code, r.Stdout, r.Stderr)
			}
		}
		keys := e.accessKeys(user)
		sort.Strings(keys)
		sort.Strings(printed)
		if len(printed) == 0 || !slices.Equal(keys, printed) {
			t.Errorf("round %d: keys %v, printed %v", round, keys, printed)
		}
	}
}

// rotate-key, when another run takes the user's last free key slot while
// it is at work, makes no key and says so, naming the keys there are.
func TestRotateKeyLimitReachedMeanwhile(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	old := e.makeUser("rot-race", 1)
	var made string
	newHookProxy(t, e, once("CreateAccessKey", "rot-race", func() *injectedError {
		made = e.acctNewKey("rot-race")
		return nil
	}))
	r := e.run("rotate-key", "rot-race", "--deactivate-old")
	if r.Code != 1 || r.Stdout != "" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}
	keys := e.keyStatus("rot-race")
	want := "Error: User rot-race reached the 2 access keys IAM allows while this run was at work (another rotate-key or create at the same time?), so no new key was made; it now holds "
	if !strings.HasPrefix(r.Stderr, want) || !strings.Contains(r.Stderr, old[0]+" (Active)") || !strings.Contains(r.Stderr, made+" (Active)") {
		t.Errorf("stderr %q", r.Stderr)
	}
	if !sameStatus(keys, map[string]string{old[0]: "Active", made: "Active"}) {
		t.Errorf("keys %v", keys)
	}
}

// Two rotate-key runs at once: each prints a key that exists, or ends with
// exit 1 having made none; no key exists that nobody saw.
func TestConcurrentRotateKey(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	for round := range 3 {
		user := "rot-twice-" + string(rune('a'+round))
		old := e.makeUser(user, 1)
		results := make([]result, 2)
		var wg sync.WaitGroup
		for i := range results {
			wg.Go(func() { results[i] = e.run("rotate-key", user, "--deactivate-old") })
		}
		wg.Wait()
		seen := map[string]bool{old[0]: true}
		for i, r := range results {
			if k := createdKey(r.Stdout); k != "" {
				seen[k] = true
			} else if r.Code != 1 || !strings.Contains(r.Stderr, "Error: User "+user) {
				t.Errorf("round %d, run %d: exit %d without a key\n%s", round, i, r.Code, r.Stderr)
			}
		}
		for k := range e.keyStatus(user) {
			if !seen[k] {
				t.Errorf("round %d: key %s exists, printed by neither run\n%v", round, k, results)
			}
		}
	}
}

// delete-bucket finding the bucket deleted by someone else meanwhile is
// done: exit 0, saying so. A bucket missing from the start is still an
// error.
func TestDeleteBucketDeletedMeanwhile(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	if r := e.run("delete-bucket", "never-was", "--force"); r.Code != 1 || !strings.Contains(r.Stderr, "NoSuchBucket") {
		t.Errorf("missing bucket: exit %d, stderr %q", r.Code, r.Stderr)
	}
	e.makeBucket("del-race")
	e.putObjects("del-race", "a", "b")
	newHookProxy(t, e, once("DeleteBucket", "del-race", func() *injectedError {
		must(e.Clients.S3.DeleteBucket(e.ctx(), &s3.DeleteBucketInput{Bucket: aws.String("del-race")})).ok(t)
		return nil
	}))
	r := e.run("delete-bucket", "del-race", "--force")
	if r.Code != 0 || r.Stderr != "Deleted 2 objects from del-race\nBucket del-race was deleted by someone else meanwhile\n" {
		t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// Two delete-bucket --force runs at once: the bucket is gone, and each run
// ends with exit 0, or with exit 1 when the bucket was already gone at its
// first request.
func TestConcurrentDeleteBucket(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	for round := range 3 {
		b := "del-twice-" + string(rune('a'+round))
		e.makeBucket(b)
		e.putObjects(b, "k1", "k2", "k3", "k4")
		results := make([]result, 2)
		var wg sync.WaitGroup
		for i := range results {
			wg.Go(func() { results[i] = e.run("delete-bucket", b, "--force") })
		}
		wg.Wait()
		for i, r := range results {
			ok := r.Code == 0 && (strings.HasSuffix(r.Stderr, "Deleted bucket: "+b+"\n") || strings.HasSuffix(r.Stderr, "Bucket "+b+" was deleted by someone else meanwhile\n"))
			missing := r.Code == 1 && r.Stderr == "Error: NoSuchBucket: The specified bucket does not exist\n"
			if !ok && !missing {
				t.Errorf("round %d, run %d: exit %d\n%s", round, i, r.Code, r.Stderr)
			}
		}
		if e.bucketExists(b) {
			t.Errorf("round %d: bucket left", round)
		}
	}
}
