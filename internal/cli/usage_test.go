package cli

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// iamFront stands in front of moto as an IAM that knows when keys were last
// used (moto cannot be told): it answers GetAccessKeyLastUsed and the
// credential report from a table, dates every answer by a clock of its own
// (IAM's clock, unlike this machine's), can refuse the bulk calls, and
// counts the requests of each kind.
type iamFront struct {
	e *e2e

	mu sync.Mutex
	// now is IAM's time.
	now time.Time
	// used is when each key was last used (missing: never), with how.
	used map[string]keyUse
	// refuseBulk answers AccessDenied to the account's details and the
	// credential report.
	refuseBulk bool
	// refuse answers AccessDenied to these operations.
	refuse map[string]bool
	// before, when set, runs before each request is answered (as another
	// run would act meanwhile).
	before func(op string, params url.Values)
	counts map[string]int
}

type keyUse struct {
	at              time.Time
	service, region string
}

func newIAMFront(t *testing.T, e *e2e, now time.Time) *iamFront {
	t.Helper()
	f := &iamFront{e: e, now: now, used: map[string]keyUse{}, counts: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	e.endpoint = srv.URL
	return f
}

func (f *iamFront) set(fn func(f *iamFront)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// requests is how many requests were made since the last call, and of
// which kinds.
func (f *iamFront) requests() (int, map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, c := 0, f.counts
	for _, k := range c {
		n += k
	}
	f.counts = map[string]int{}
	return n, c
}

func (f *iamFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	params, _ := url.ParseQuery(string(body))
	op := awsOp(r, body)
	f.mu.Lock()
	f.counts[op]++
	now, refuse := f.now, f.refuseBulk
	use, known := f.used[params.Get("AccessKeyId")]
	denied, before := f.refuse[op], f.before
	f.mu.Unlock()
	if before != nil {
		before(op, params)
	}
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	if denied {
		writeError(w, false, http.StatusForbidden, "AccessDenied", "User: arn:aws:iam::123456789012:user/pruner is not authorized to perform: iam:"+op)
		return
	}
	switch op {
	case "GetAccountAuthorizationDetails", "GenerateCredentialReport", "GetCredentialReport":
		if refuse {
			writeError(w, false, http.StatusForbidden, "AccessDenied", "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:"+op)
			return
		}
	}
	switch op {
	case "GetAccessKeyLastUsed":
		last := "<ServiceName>N/A</ServiceName><Region>N/A</Region>"
		if known {
			last = fmt.Sprintf("<LastUsedDate>%s</LastUsedDate><ServiceName>%s</ServiceName><Region>%s</Region>", use.at.UTC().Format(time.RFC3339), use.service, use.region)
		}
		fmt.Fprintf(w, `<GetAccessKeyLastUsedResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccessKeyLastUsedResult><UserName>u</UserName><AccessKeyLastUsed>%s</AccessKeyLastUsed></GetAccessKeyLastUsedResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetAccessKeyLastUsedResponse>`, last)
		return
	case "GenerateCredentialReport":
		fmt.Fprint(w, `<GenerateCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GenerateCredentialReportResult><State>COMPLETE</State></GenerateCredentialReportResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GenerateCredentialReportResponse>`)
		return
	case "GetCredentialReport":
		fmt.Fprintf(w, `<GetCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetCredentialReportResult><Content>%s</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>%s</GeneratedTime></GetCredentialReportResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCredentialReportResponse>`,
			base64.StdEncoding.EncodeToString([]byte(f.report())), now.Add(-time.Hour).UTC().Format(time.RFC3339))
		return
	}
	resp, data, err := relay(r, f.e.moto.URL, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for k, v := range resp.Header {
		if k != "Date" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(data)
}

// report is the credential report of moto's users and keys, with the last
// uses of the table, in IAM's layout (moto's own knows no last use).
func (f *iamFront) report() string {
	ctx := context.Background()
	c := f.e.Clients.IAM
	var b strings.Builder
	b.WriteString("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n")
	users, err := c.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		panic(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range users.Users {
		fmt.Fprintf(&b, "%s,%s,%s,false,N/A,N/A,N/A,false", aws.ToString(u.UserName), aws.ToString(u.Arn), aws.ToTime(u.CreateDate).UTC().Format(time.RFC3339))
		keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: u.UserName})
		if err != nil {
			panic(err)
		}
		for i := range 2 {
			if i >= len(keys.AccessKeyMetadata) {
				b.WriteString(",false,N/A,N/A,N/A,N/A")
				continue
			}
			k := keys.AccessKeyMetadata[i]
			last, region, service := "N/A", "N/A", "N/A"
			if use, ok := f.used[aws.ToString(k.AccessKeyId)]; ok {
				last, region, service = use.at.UTC().Format(time.RFC3339), use.region, use.service
			}
			fmt.Fprintf(&b, ",%v,%s,%s,%s,%s", k.Status == "Active", aws.ToTime(k.CreateDate).UTC().Format(time.RFC3339), last, region, service)
		}
		b.WriteString(",false,N/A,false,N/A\n")
	}
	return b.String()
}

// foreignKey gives user a key made without the tool (no mark).
func (e *e2e) foreignKey(user string) string {
	e.t.Helper()
	out := must(e.Clients.IAM.CreateAccessKey(e.ctx(), &iam.CreateAccessKeyInput{UserName: aws.String(user)})).ok(e.t)
	return aws.ToString(out.AccessKey.AccessKeyId)
}

// audit shows, per access key, its age and last use by IAM's clock, the
// service and region, "never" for a key never used, and whether the tool
// made it; the same whether IAM answers in bulk (credential report) or key
// by key, and the fallback is said once.
func TestAuditKeyUsage(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("usage-bucket")
	e.ok("create", "usage-bucket", "--username", "busy")
	e.ok("create", "usage-bucket", "--read-only", "--username", "idle")
	busy, idle := e.accessKeys("busy")[0], e.accessKeys("idle")[0]
	// The credential report names no key IDs: its keys are told apart by
	// the second they were made in (two keys made in the same second are
	// asked about one by one).
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	other := e.foreignKey("idle")
	iamNow := time.Now().Add(200*24*time.Hour + time.Hour)
	front := newIAMFront(t, e, iamNow)
	front.used[busy] = keyUse{iamNow.Add(-(3*24 + 1) * time.Hour), "s3", "eu-west-1"}

	want := []string{
		`{"AccessKeyId": "` + busy + `", "Status": "Active", "CreateDate": "<date>", "LastUsedDate": "<date>", "LastUsedService": "s3", "LastUsedRegion": "eu-west-1", "LastUsed": "3 days ago (s3, eu-west-1)", "AgeDays": 200, "MadeByS3Credentials": true}`,
		`{"AccessKeyId": "` + idle + `", "Status": "Active", "CreateDate": "<date>", "LastUsedDate": null, "LastUsedService": null, "LastUsedRegion": null, "LastUsed": "never", "AgeDays": 200, "MadeByS3Credentials": true}`,
		`{"AccessKeyId": "` + other + `", "Status": "Active", "CreateDate": "<date>", "LastUsedDate": null, "LastUsedService": null, "LastUsedRegion": null, "LastUsed": "never", "AgeDays": 200, "MadeByS3Credentials": false}`,
	}
	dates := regexp.MustCompile(`"(CreateDate|LastUsedDate)": "[^"]+"`)
	check := func(how string, r result) {
		t.Helper()
		got := dates.ReplaceAllString(r.Stdout, `"$1": "<date>"`)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: audit lacks\n%s\nin\n%s", how, w, got)
			}
		}
	}

	front.requests()
	r := e.ok("audit", "--nl")
	check("in bulk", r)
	if r.Stderr != "" {
		t.Errorf("in bulk: stderr %q", r.Stderr)
	}
	if _, c := front.requests(); c["GetAccessKeyLastUsed"] != 0 || c["ListUserPolicies"] != 0 || c["GetAccountAuthorizationDetails"] != 1 {
		t.Errorf("in bulk, requests %v", c)
	}

	front.set(func(f *iamFront) { f.refuseBulk = true })
	r = e.ok("audit", "--nl")
	check("user by user", r)
	if strings.Count(r.Stderr, "Note: IAM did not give the account's details in bulk (AccessDenied: ") != 1 || strings.Count(r.Stderr, "\n") != 1 {
		t.Errorf("user by user: stderr %q", r.Stderr)
	}
	if _, c := front.requests(); c["GetAccessKeyLastUsed"] != 3 {
		t.Errorf("user by user, requests %v", c)
	}
	// The CSV carries the same fields.
	if csv := e.ok("audit", "--csv").Stdout; !strings.Contains(csv, `""LastUsed"": ""3 days ago (s3, eu-west-1)"",`) || !strings.Contains(csv, `""MadeByS3Credentials"": false`) {
		t.Errorf("csv:\n%s", csv)
	}
}

// prune --unused-for deletes the keys the tool made that went unused that
// long by IAM's clock (never used: made that long ago), then the users it
// made that are left keyless; keys and users it did not make are never
// touched, a user holding something else is named and kept, and --dry-run
// says the same and why, deleting nothing.
func TestPruneUnusedFor(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("prune-unused")
	for _, u := range []string{"old-never", "old-used", "recent", "mixed", "grouped"} {
		e.ok("create", "prune-unused", "--username", u)
	}
	mixedOwn := e.accessKeys("mixed")[0]
	mixedForeign := e.foreignKey("mixed")
	ctx := e.ctx()
	for _, step := range []func() error{
		func() error {
			_, err := e.Clients.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("stranger")})
			return err
		},
		func() error {
			_, err := e.Clients.IAM.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("team")})
			return err
		},
		func() error {
			_, err := e.Clients.IAM.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("team"), UserName: aws.String("grouped")})
			return err
		},
	} {
		noErr(t, step())
	}
	stranger := e.foreignKey("stranger")
	oldNever, oldUsed, recent, grouped := e.accessKeys("old-never")[0], e.accessKeys("old-used")[0], e.accessKeys("recent")[0], e.accessKeys("grouped")[0]

	// IAM's clock is 200 days ahead of this machine's: by it, every key
	// here was made 200 days ago.
	iamNow := time.Now().Add(200*24*time.Hour + time.Hour)
	front := newIAMFront(t, e, iamNow)
	front.used[oldUsed] = keyUse{iamNow.Add(-120 * 24 * time.Hour), "s3", "us-east-1"}
	front.used[recent] = keyUse{iamNow.Add(-5 * time.Minute), "s3", "us-east-1"}

	wantOut := []string{"old-never " + oldNever, "old-never", "old-used " + oldUsed, "old-used", "mixed " + mixedOwn, "grouped " + grouped}
	sameLines := func(got string, want []string) bool {
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		return slices.Equal(lines, want)
	}
	front.requests()
	dry := e.ok("prune", "--unused-for", "90d", "--dry-run")
	if !sameLines(dry.Stdout, wantOut) {
		t.Errorf("dry run stdout:\n%s", dry.Stdout)
	}
	// In bulk: the credential report shows "recent" used, and "stranger"
	// holds nothing the tool made, so neither is asked about; the keys
	// that may be idle are asked about one by one (the report can be
	// hours old).
	if _, c := front.requests(); c["GetAccessKeyLastUsed"] != 4 || c["ListUserTags"] != 0 || c["GetAccountAuthorizationDetails"] != 1 {
		t.Errorf("dry run requests %v", c)
	}
	for _, w := range []string{
		"Would delete access key " + oldNever + " of user old-never: never used, made 200 days ago\n",
		"Would delete user old-never: made 200 days ago and its access keys were unused\n",
		"Would delete access key " + oldUsed + " of user old-used: last used 120 days ago (s3, us-east-1)\n",
		"Left alone: access key " + mixedForeign + " of user mixed, which s3-credentials did not make",
		"Skipped user grouped: made 200 days ago and its access keys were unused, but it also has group team, which create never makes",
	} {
		if !strings.Contains(dry.Stderr, w) {
			t.Errorf("dry run stderr lacks %q:\n%s", w, dry.Stderr)
		}
	}
	if strings.Contains(dry.Stderr+dry.Stdout, "stranger") || strings.Contains(dry.Stderr+dry.Stdout, "recent") {
		t.Errorf("dry run names a key it must not touch:\n%s%s", dry.Stdout, dry.Stderr)
	}
	for _, u := range []string{"old-never", "old-used", "mixed", "grouped"} {
		if !e.userExists(u) || len(e.accessKeys(u)) == 0 {
			t.Errorf("--dry-run deleted %s or its keys", u)
		}
	}

	r := e.ok("prune", "--unused-for", "90d")
	if !sameLines(r.Stdout, wantOut) {
		t.Errorf("stdout:\n%s\nstderr:\n%s", r.Stdout, r.Stderr)
	}
	for _, gone := range []string{"old-never", "old-used"} {
		if e.userExists(gone) {
			t.Errorf("%s still exists", gone)
		}
	}
	for user, keys := range map[string][]string{"recent": {recent}, "mixed": {mixedForeign}, "grouped": nil, "stranger": {stranger}} {
		if got := e.accessKeys(user); !slices.Equal(got, keys) {
			t.Errorf("%s keeps keys %v, want %v", user, got, keys)
		}
	}
	// The mark of a deleted key goes with it.
	tags := must(e.Clients.IAM.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("mixed")})).ok(t)
	for _, tg := range tags.Tags {
		if strings.HasPrefix(aws.ToString(tg.Key), "s3-credentials:key:") {
			t.Errorf("mixed still has %s", aws.ToString(tg.Key))
		}
	}

	// IAM's clock 300 days behind this machine's: a key used 5 minutes
	// ago by IAM's clock was used 300 days ago by this machine's, and
	// stays. User by user, so that the key itself is asked about.
	iamNow = time.Now().Add(-300 * 24 * time.Hour)
	front.set(func(f *iamFront) {
		f.now = iamNow
		f.used[recent] = keyUse{iamNow.Add(-5 * time.Minute), "s3", "us-east-1"}
		f.refuseBulk = true
	})
	front.requests()
	r = e.ok("prune", "--unused-for", "90d")
	if r.Stdout != "" || len(e.accessKeys("recent")) != 1 {
		t.Errorf("a key used 5 minutes ago by IAM's clock: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	if r.Stderr != "Note: IAM did not give the account's details in bulk (AccessDenied: User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:GetAccountAuthorizationDetails); asking user by user, which takes more requests\n" {
		t.Errorf("stderr %q", r.Stderr)
	}
	if _, c := front.requests(); c["GetAccessKeyLastUsed"] != 1 {
		t.Errorf("the key of \"recent\" was not asked about: %v", c)
	}
}

// --unused-for takes the tool's one time syntax, and at least a day: IAM
// learns of a use within hours.
func TestPruneUnusedForBadValues(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"", "abc", "-1d", "1h", "23h59m", "200y"} {
		r := run(t, "", "prune", "--unused-for", v)
		if r.Code != 2 || !strings.HasPrefix(r.Stderr, "Usage: ") || !strings.Contains(r.Stderr, "Invalid value for '--unused-for'") {
			t.Errorf("--unused-for %q: exit %d, stderr %q", v, r.Code, r.Stderr)
		}
	}
}

// An account of 500 users, 450 of them with access to S3 and a key, costs
// audit about one request per user with access (the key IDs still need
// ListAccessKeys), all told under one per user. (User by user it took
// 3,353: TestAuditKeyUsage checks that both ways give the same audit.)
func TestAuditBigAccountRequests(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	const users, withS3 = 500, 450
	ctx := e.ctx()
	c := e.Clients.IAM
	var wg sync.WaitGroup
	errs := make(chan error, users)
	// Four at a time: more would starve the tests running beside it.
	sem := make(chan struct{}, 4)
	for i := range users {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			name := aws.String(fmt.Sprintf("user-%03d", i))
			doc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}`
			if i < withS3 {
				doc = fmt.Sprintf(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::big-%d/*"}]}`, i%5)
			}
			if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: name}); err != nil {
				errs <- err
				return
			}
			if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: name, PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
				errs <- err
				return
			}
			if i < withS3 {
				if _, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: name}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	front := newIAMFront(t, e, time.Now())
	front.requests()
	t0 := time.Now()
	bulk := e.ok("audit", "--nl")
	t.Logf("audit took %v", time.Since(t0))
	n, kinds := front.requests()
	if rows := strings.Count(bulk.Stdout, "\n"); rows != withS3 {
		t.Errorf("%d rows, want %d", rows, withS3)
	}
	// The details (one page), the report (two), one ListAccessKeys per
	// user with access.
	if n != 3+withS3 || kinds["ListAccessKeys"] != withS3 || n > users {
		t.Errorf("in bulk: %d requests for %d users: %v", n, users, kinds)
	}
	t.Logf("audit of %d users (%d with S3 access): %d requests", users, withS3, n)
}

// Two prune --unused-for at once (overlapping cron jobs): both exit 0, and
// each key and user deleted is named by exactly one of them.
func TestConcurrentPruneUnusedFor(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("prune-unused-twice")
	var want []string
	for _, u := range []string{"idle-1", "idle-2", "idle-3", "idle-4"} {
		e.ok("create", "prune-unused-twice", "--username", u)
		want = append(want, u, u+" "+e.accessKeys(u)[0])
	}
	newIAMFront(t, e, time.Now().Add(100*24*time.Hour))
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i] = e.run("prune", "--unused-for", "30d") })
	}
	wg.Wait()
	var named []string
	for i, r := range results {
		if r.Code != 0 || strings.Contains(r.Stderr, "Error") || strings.Contains(r.Stderr, "Could not") {
			t.Errorf("prune %d: exit %d\n%s", i, r.Code, r.Stderr)
		}
		if r.Stdout != "" {
			named = append(named, strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")...)
		}
	}
	slices.Sort(named)
	slices.Sort(want)
	if !slices.Equal(named, want) {
		t.Errorf("named %q, want each of %q once", named, want)
	}
	for _, u := range []string{"idle-1", "idle-2", "idle-3", "idle-4"} {
		if e.userExists(u) {
			t.Errorf("%s still exists", u)
		}
	}
}

// A key whose last use IAM will not tell is left alone, said, and the run
// ends with exit 1; nothing else is stopped by it.
func TestPruneUnusedForRefused(t *testing.T) {
	t.Parallel()
	e, key, front := idleUser(t, "unknowable")
	front.set(func(f *iamFront) { f.refuse = map[string]bool{"GetAccessKeyLastUsed": true} })
	r := e.run("prune", "--unused-for", "90d")
	if r.Code != 1 || r.Stdout != "" ||
		!strings.Contains(r.Stderr, "Could not tell when access key "+key+" of user unknowable was last used, so it was left alone: AccessDenied: ") ||
		!strings.HasSuffix(r.Stderr, "Error: 1 user or access key could not be deleted: access key "+key+" of user unknowable\n") {
		t.Errorf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if !e.userExists("unknowable") || len(e.accessKeys("unknowable")) != 1 {
		t.Error("the key or user was deleted")
	}
}

// idleUser is a user made by create, with its one key, seen through an
// IAM whose clock runs 200 days ahead: prune --unused-for 90d would
// delete both.
func idleUser(t *testing.T, name string) (*e2e, string, *iamFront) {
	e := newE2E(t)
	e.makeBucket(name)
	e.ok("create", name, "--username", name)
	key := e.accessKeys(name)[0]
	return e, key, newIAMFront(t, e, time.Now().Add(200*24*time.Hour))
}

// A user given a key while prune --unused-for was deciding to delete it
// (a create at work) keeps the user and the new key: only its old, unused
// key goes.
func TestPruneUnusedForKeyMeanwhile(t *testing.T) {
	t.Parallel()
	e, old, front := idleUser(t, "busy-again")
	var once sync.Once
	var fresh string
	front.set(func(f *iamFront) {
		f.before = func(op string, p url.Values) {
			if op == "GetLoginProfile" && p.Get("UserName") == "busy-again" {
				once.Do(func() { fresh = e.foreignKey("busy-again") })
			}
		}
	})
	r := e.run("prune", "--unused-for", "90d")
	if r.Code != 0 || r.Stdout != "busy-again "+old+"\n" || !strings.Contains(r.Stderr, "Skipped user busy-again: it was given an access key meanwhile\n") {
		t.Errorf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if keys := e.accessKeys("busy-again"); !e.userExists("busy-again") || !slices.Equal(keys, []string{fresh}) {
		t.Errorf("user exists %v, keys %v, want [%s]", e.userExists("busy-again"), keys, fresh)
	}
}
