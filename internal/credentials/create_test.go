package credentials

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/fakeaws"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/roles"
	"github.com/s3-credentials/s3-credentials/policy"
)

// harness runs Create against a fake and keeps what it said.
type harness struct {
	t      *testing.T
	f      *fakeaws.AWS
	c      *Creator
	log    []string // step lines
	warn   []string // warnings and rollback reports
	sleeps []time.Duration
	got    *Result // what Deliver received
}

func newHarness(t *testing.T, f *fakeaws.AWS) *harness {
	h := &harness{t: t, f: f}
	h.c = &Creator{
		IAM: f, STS: f, S3: f, Region: "us-east-1",
		Steps: message.Steps{
			Log:  func(s string) { h.log = append(h.log, s) },
			Warn: func(s string) { h.warn = append(h.warn, s) },
		},
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.sleeps = append(h.sleeps, d)
			return ctx.Err()
		},
		Deliver: func(r *Result) error { h.got = r; return nil },
	}
	return h
}

func (h *harness) create(ctx context.Context, r *Request) (*Result, error) {
	return h.c.Create(ctx, r)
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %#v\n want %#v", what, got, want)
	}
}

func twoBuckets(f *fakeaws.AWS) *Request {
	f.Buckets["bk1"] = true
	f.Buckets["bk2"] = true
	return &Request{Buckets: []string{"bk1", "bk2"}, Permission: policy.ReadWrite}
}

func TestCreateUserSteps(t *testing.T) {
	f := fakeaws.New()
	h := newHarness(t, f)
	res, err := h.create(context.Background(), twoBuckets(f))
	if err != nil {
		t.Fatal(err)
	}
	user := "s3.read-write.bk1,bk2"
	eq(t, "log", h.log, []string{
		"Created  user: '" + user + "' with permissions boundary: 'arn:aws:iam::aws:policy/AmazonS3FullAccess'",
		"Attached policy s3.read-write.bk1 to user " + user,
		"Attached policy s3.read-write.bk2 to user " + user,
		"Created access key for user: " + user,
	})
	eq(t, "warnings", h.warn, []string(nil))
	eq(t, "mutations", f.Mutations(), []string{"CreateUser", "PutUserPolicy", "PutUserPolicy", "CreateAccessKey", "TagUser"})
	if h.got != res || res.AccessKeyID != "AKIANEW001" || res.SecretAccessKey != "secret-AKIANEW001" {
		t.Errorf("result %+v, delivered %+v", res, h.got)
	}
	u := f.User(user)
	if u == nil || len(u.Policies) != 2 || len(u.Keys) != 1 || u.Boundary != S3FullAccessARN {
		t.Errorf("user state %+v", u)
	}
}

// Each failing step of a new user's creation undoes everything before it,
// newest first, and says so.
func TestCreateUserRollback(t *testing.T) {
	user := "s3.read-write.bk1,bk2"
	undoPolicy1 := "Undone: deleted inline policy s3.read-write.bk1 from user " + user
	undoPolicy2 := "Undone: deleted inline policy s3.read-write.bk2 from user " + user
	undoUser := "Undone: deleted user " + user
	for _, tc := range []struct {
		name      string
		op        string
		n         int
		wantLog   int // step lines printed before the failure
		wantWarn  []string
		wantError string
	}{
		{"CreateUser denied", "CreateUser", 0, 0, nil, "AccessDenied"},
		{"first PutUserPolicy denied", "PutUserPolicy", 0, 1, []string{undoUser}, "AccessDenied"},
		{"second PutUserPolicy denied", "PutUserPolicy", 1, 2, []string{undoPolicy1, undoUser}, "AccessDenied"},
		{"CreateAccessKey denied", "CreateAccessKey", 0, 3, []string{undoPolicy2, undoPolicy1, undoUser}, "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeaws.New()
			f.Hook = fakeaws.FailOn(tc.op, tc.n, fakeaws.Denied(tc.op))
			h := newHarness(t, f)
			res, err := h.create(context.Background(), twoBuckets(f))
			if err == nil || res != nil || awsclient.ErrorCode(err) != tc.wantError {
				t.Fatalf("got %v, %v; want a %s error", res, err, tc.wantError)
			}
			if len(h.log) != tc.wantLog {
				t.Errorf("step lines: %q, want %d", h.log, tc.wantLog)
			}
			eq(t, "warnings", h.warn, tc.wantWarn)
			eq(t, "users left", f.UserNames(), []string(nil))
			if h.got != nil {
				t.Error("credentials were delivered")
			}
		})
	}
}

func TestCreateDeliverFailureDeletesKey(t *testing.T) {
	f := fakeaws.New()
	h := newHarness(t, f)
	h.c.Deliver = func(*Result) error { return errors.New("disk full") }
	_, err := h.create(context.Background(), twoBuckets(f))
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("err = %v", err)
	}
	user := "s3.read-write.bk1,bk2"
	eq(t, "warnings", h.warn, []string{
		"Undone: deleted access key AKIANEW001",
		"Undone: deleted inline policy s3.read-write.bk2 from user " + user,
		"Undone: deleted inline policy s3.read-write.bk1 from user " + user,
		"Undone: deleted user " + user,
	})
	eq(t, "users left", f.UserNames(), []string(nil))
}

// Ctrl-C in the middle of the run: the call in flight fails with the
// context's error and the undo still runs, on a context of its own.
func TestCreateInterrupted(t *testing.T) {
	user := "s3.read-write.bk1,bk2"
	t.Run("during the second PutUserPolicy", func(t *testing.T) {
		f := fakeaws.New()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f.Hook = func(ctx context.Context, op string, n int) error {
			if op == "PutUserPolicy" && n == 1 {
				cancel()
				return ctx.Err()
			}
			return nil
		}
		h := newHarness(t, f)
		_, err := h.create(ctx, twoBuckets(f))
		if !errors.Is(err, context.Canceled) || awsclient.ErrorMessage(err) != "interrupted" {
			t.Fatalf("err = %v", err)
		}
		eq(t, "warnings", h.warn, []string{
			"Interrupted: undoing what this run changed (press Ctrl-C again to stop at once)",
			"Undone: deleted inline policy s3.read-write.bk1 from user " + user,
			"Undone: deleted user " + user,
		})
		eq(t, "users left", f.UserNames(), []string(nil))
	})
	t.Run("just after CreateAccessKey answered", func(t *testing.T) {
		f := fakeaws.New()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f.After = func(_ context.Context, op string, _ int) error {
			if op == "CreateAccessKey" {
				cancel() // the key exists, but nobody will see it
			}
			return nil
		}
		h := newHarness(t, f)
		_, err := h.create(ctx, twoBuckets(f))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if h.got != nil {
			t.Error("credentials were delivered after the interruption")
		}
		eq(t, "warnings", h.warn, []string{
			"Interrupted: undoing what this run changed (press Ctrl-C again to stop at once)",
			"Undone: deleted access key AKIANEW001",
			"Undone: deleted inline policy s3.read-write.bk2 from user " + user,
			"Undone: deleted inline policy s3.read-write.bk1 from user " + user,
			"Undone: deleted user " + user,
		})
		eq(t, "users left", f.UserNames(), []string(nil))
	})
	t.Run("CreateAccessKey made a key but its answer was lost", func(t *testing.T) {
		f := fakeaws.New()
		f.After = func(ctx context.Context, op string, _ int) error {
			if op == "CreateAccessKey" {
				return errors.New("operation error IAM: CreateAccessKey, connection reset by peer")
			}
			return nil
		}
		h := newHarness(t, f)
		if _, err := h.create(context.Background(), twoBuckets(f)); err == nil {
			t.Fatal("no error")
		}
		// The key nobody saw is found and deleted, so the user can go too.
		eq(t, "warnings", h.warn, []string{
			"Undone: deleted access key AKIANEW001",
			"Undone: deleted inline policy s3.read-write.bk2 from user " + user,
			"Undone: deleted inline policy s3.read-write.bk1 from user " + user,
			"Undone: deleted user " + user,
		})
		eq(t, "users left", f.UserNames(), []string(nil))
	})
}

// When undoing fails too, what is left is listed.
func TestCreateUndoFailures(t *testing.T) {
	f := fakeaws.New()
	f.Hook = func(_ context.Context, op string, n int) error {
		switch op {
		case "CreateAccessKey", "DeleteUserPolicy":
			return fakeaws.Denied(op)
		}
		return nil
	}
	h := newHarness(t, f)
	_, err := h.create(context.Background(), twoBuckets(f))
	if awsclient.ErrorCode(err) != "AccessDenied" {
		t.Fatalf("err = %v", err)
	}
	user := "s3.read-write.bk1,bk2"
	eq(t, "warnings", h.warn, []string{
		"Could not undo: inline policy s3.read-write.bk2 of user " + user + ": AccessDenied: User: arn:aws:iam::123456789012:user/admin is not authorized to perform: iam:DeleteUserPolicy",
		"Could not undo: inline policy s3.read-write.bk1 of user " + user + ": AccessDenied: User: arn:aws:iam::123456789012:user/admin is not authorized to perform: iam:DeleteUserPolicy",
		"Could not undo: user " + user + ": DeleteConflict: Cannot delete entity, must delete policies first.",
		"Left in place: inline policy s3.read-write.bk2 of user " + user + "; inline policy s3.read-write.bk1 of user " + user + "; user " + user,
	})
}

// An existing user keeps what it had: a policy this run replaced is put
// back as it was (IAM returns documents URL-encoded), one it added is
// deleted, its old keys stay, and the user is not deleted.
func TestCreateExistingUserRollback(t *testing.T) {
	f := fakeaws.New()
	f.EncodePolicies = true
	old := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bk1/old/*"}]}`
	f.AddUser("alice", 1, map[string]string{"s3.read-write.bk1": old, "unrelated": "{}"})
	f.Hook = fakeaws.FailOn("CreateAccessKey", 0, fakeaws.Denied("CreateAccessKey"))
	h := newHarness(t, f)
	r := twoBuckets(f)
	r.Username = "alice"
	r.ReplacePolicy = true
	if _, err := h.create(context.Background(), r); err == nil {
		t.Fatal("no error")
	}
	eq(t, "log", h.log, []string{
		"Attached policy s3.read-write.bk1 to user alice",
		"Attached policy s3.read-write.bk2 to user alice",
		"The policy applies to the user's earlier access key AKIAOLD001 too",
	})
	eq(t, "warnings", h.warn, []string{
		"Replaced the earlier policy s3.read-write.bk1 of user alice (permission custom -> read-write; reach prefix old/ -> the whole bucket): its access key AKIAOLD001 now has it",
		"Undone: deleted inline policy s3.read-write.bk2 from user alice",
		"Undone: restored the previous inline policy s3.read-write.bk1 of user alice",
	})
	u := f.User("alice")
	if u == nil {
		t.Fatal("the existing user was deleted")
	}
	eq(t, "policies", u.Policies, map[string]string{"s3.read-write.bk1": old, "unrelated": "{}"})
	eq(t, "keys", u.Keys, []string{"AKIAOLD001"})
}

// When the existing version of a policy cannot be read, nothing is
// changed: the run cannot tell what it would do to the user's keys, and
// undoing could not put the policy back.
func TestCreateUnreadablePreviousPolicyIsKept(t *testing.T) {
	f := fakeaws.New()
	old := `{"Version": "2012-10-17", "Statement": []}`
	f.AddUser("alice", 0, map[string]string{"s3.read-write.bk1": old})
	f.Hook = func(_ context.Context, op string, n int) error {
		if op == "GetUserPolicy" {
			return fakeaws.Denied(op)
		}
		return nil
	}
	h := newHarness(t, f)
	r := &Request{Buckets: []string{"bk1"}, Permission: policy.ReadWrite, Username: "alice", ReplacePolicy: true}
	f.Buckets["bk1"] = true
	before := f.Snapshot()
	if _, err := h.create(context.Background(), r); err == nil || !strings.Contains(err.Error(), "iam:GetUserPolicy") {
		t.Fatalf("got %v", err)
	}
	eq(t, "warnings", h.warn, []string(nil))
	eq(t, "state", f.Snapshot(), before)
}

// Everything that can be refused without changing anything is checked first.
func TestCreatePrechecksChangeNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*fakeaws.AWS, *Request)
		want  string
	}{
		{"missing bucket", func(f *fakeaws.AWS, r *Request) { delete(f.Buckets, "bk2") },
			"Bucket does not exist: bk2 - try --create-bucket to create it"},
		{"bucket name not creatable", func(f *fakeaws.AWS, r *Request) {
			r.Buckets[1], r.CreateBucket = "Bad_Name", true
		}, "'Bad_Name' cannot be the name of a new bucket: new bucket names use lowercase letters"},
		{"forbidden bucket", func(f *fakeaws.AWS, r *Request) {
			f.Hook = func(_ context.Context, op string, n int) error {
				if op == "HeadBucket" && n == 1 {
					return httpErr(403)
				}
				return nil
			}
		}, "Bucket bk2 exists but these credentials may not access it (403 Forbidden)"},
		{"user with two keys", func(f *fakeaws.AWS, r *Request) { f.AddUser("bob", 2, nil); r.Username = "bob" },
			"User bob already has 2 access keys (AKIAOLD001, AKIAOLD002), the most IAM allows per user; nothing was changed."},
		{"GetUser denied", func(f *fakeaws.AWS, r *Request) { f.Hook = fakeaws.FailOn("GetUser", 0, fakeaws.Denied("GetUser")) },
			"AccessDenied"},
		{"user name too long", func(f *fakeaws.AWS, r *Request) { r.Username = strings.Repeat("u", 65) },
			"IAM allows at most 64"},
		{"policies too large", func(f *fakeaws.AWS, r *Request) {
			for i := 0; i < 20; i++ {
				r.Statements = append(r.Statements, policy.RawStatement([]byte(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "`+strings.Repeat("x", 50)+`"}`)))
			}
		}, "IAM allows at most 2048 per user"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeaws.New()
			r := twoBuckets(f)
			tc.setup(f, r)
			h := newHarness(t, f)
			_, err := h.create(context.Background(), r)
			if err == nil || !strings.Contains(awsclient.ErrorMessage(err), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			eq(t, "mutations", f.Mutations(), []string(nil))
			eq(t, "warnings", h.warn, []string(nil))
		})
	}
}

// A failure after buckets were created leaves the buckets (their contents
// may matter) and says so; a bucket whose creation failed is not reported.
func TestCreateBucketsAreLeftAndReported(t *testing.T) {
	t.Run("CreateBucket fails", func(t *testing.T) {
		f := fakeaws.New()
		f.Hook = fakeaws.FailOn("CreateBucket", 1, fakeaws.APIError("BucketAlreadyExists", "taken"))
		h := newHarness(t, f)
		_, err := h.create(context.Background(), &Request{Buckets: []string{"new1", "new2"}, Permission: policy.ReadWrite, CreateBucket: true})
		if awsclient.ErrorCode(err) != "BucketAlreadyExists" {
			t.Fatalf("err = %v", err)
		}
		eq(t, "warnings", h.warn, []string{"Left in place: bucket new1, created by this run"})
	})
	t.Run("tagging the new bucket fails", func(t *testing.T) {
		f := fakeaws.New()
		f.Hook = fakeaws.FailOn("PutBucketTagging", 0, fakeaws.Denied("PutBucketTagging"))
		h := newHarness(t, f)
		_, err := h.create(context.Background(), &Request{Buckets: []string{"new1"}, Permission: policy.ReadWrite,
			CreateBucket: true, Tags: []Tag{{"team", "x"}}})
		if awsclient.ErrorCode(err) != "AccessDenied" {
			t.Fatalf("err = %v", err)
		}
		eq(t, "log", h.log, []string{"Created bucket: new1"})
		eq(t, "warnings", h.warn, []string{"Left in place: bucket new1, created by this run"})
	})
	t.Run("user step fails after --public bucket", func(t *testing.T) {
		f := fakeaws.New()
		f.Hook = fakeaws.FailOn("PutUserPolicy", 0, fakeaws.Denied("PutUserPolicy"))
		h := newHarness(t, f)
		_, err := h.create(context.Background(), &Request{Buckets: []string{"new1"}, Permission: policy.ReadWrite,
			CreateBucket: true, Public: true})
		if err == nil {
			t.Fatal("no error")
		}
		eq(t, "log", h.log, []string{
			"Created bucket: new1",
			"Set public access block configuration",
			"Attached bucket policy allowing public access",
			"Created  user: 's3.read-write.new1' with permissions boundary: 'arn:aws:iam::aws:policy/AmazonS3FullAccess'",
		})
		eq(t, "warnings", h.warn, []string{"Undone: deleted user s3.read-write.new1", "Left in place: bucket new1, created by this run"})
	})
}

func TestCreateEmptyAnswersDoNotPanic(t *testing.T) {
	t.Run("CreateAccessKey", func(t *testing.T) {
		f := fakeaws.New()
		f.NoCredentials = true
		h := newHarness(t, f)
		_, err := h.create(context.Background(), twoBuckets(f))
		if err == nil || err.Error() != "CreateAccessKey returned no access key" {
			t.Fatalf("err = %v", err)
		}
		eq(t, "users left", f.UserNames(), []string(nil)) // the key it made is found and deleted
	})
	t.Run("AssumeRole", func(t *testing.T) {
		f := fakeaws.New()
		f.NoCredentials = true
		r := twoBuckets(f)
		r.DurationSeconds = 900
		_, err := newHarness(t, f).create(context.Background(), r)
		if err == nil || err.Error() != "AssumeRole returned no credentials" {
			t.Fatalf("err = %v", err)
		}
	})
}

// Interrupted at any call that changes something, before it takes effect or
// after it took effect but before its answer arrived (Ctrl-C, a timeout, a
// dropped connection), or at any call that reads: everything the run made
// is undone, buckets are named, and nothing is left unsaid. (The tool's
// role is kept once it has its policy, and named.)
func TestCreateInterruptedAtEveryStep(t *testing.T) {
	variants := []struct {
		name string
		req  func(f *fakeaws.AWS) *Request
	}{
		{"new user", func(f *fakeaws.AWS) *Request { return twoBuckets(f) }},
		{"new user, new public bucket", func(f *fakeaws.AWS) *Request {
			return &Request{Buckets: []string{"new1"}, Permission: policy.ReadWrite, CreateBucket: true, Website: true, Tags: []Tag{{"k", "v"}}}
		}},
		{"existing user", func(f *fakeaws.AWS) *Request {
			f.AddUser("bob", 1, map[string]string{"s3.read-write.bk1": `{"old": true}`})
			r := twoBuckets(f)
			r.Username = "bob"
			r.ReplacePolicy = true
			return r
		}},
		{"temporary, new role", func(f *fakeaws.AWS) *Request { return tempRequest(f) }},
	}
	// The calls each variant makes, found by a clean run.
	for _, v := range variants {
		clean := fakeaws.New()
		if _, err := newHarness(t, clean).create(context.Background(), v.req(clean)); err != nil {
			t.Fatalf("%s: clean run: %v", v.name, err)
		}
		fakeaws.EachInterruption(t, v.name, clean.Calls, clean.Mutations(), func(t *testing.T, op string, n int, when string) {
			f := fakeaws.New()
			r := v.req(f)
			before := f.Snapshot()
			ctx := f.InterruptAt(t, op, n, when)
			h := newHarness(t, f)
			_, err := h.create(ctx, r)
			if op == "TagUser" && when == "answer lost" {
				// Marking the new key is the last step and not
				// needed for the key to work: the key is handed
				// over, and the missing mark is said.
				if err != nil || h.got == nil || !slices.ContainsFunc(h.warn, func(w string) bool { return strings.Contains(w, "could not be marked") }) {
					t.Fatalf("err %v, delivered %v, warnings %q", err, h.got != nil, h.warn)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if h.got != nil {
				t.Error("credentials were delivered")
			}
			for _, w := range h.warn {
				if strings.HasPrefix(w, "Could not undo") {
					t.Errorf("warning %q", w)
				}
			}
			after := f.Snapshot()
			var leftBuckets []string
			for b := range after.Buckets {
				if !before.Buckets[b] {
					leftBuckets = append(leftBuckets, b)
				}
			}
			after.Buckets = before.Buckets
			var left []string // what must be named, and only that
			for _, b := range leftBuckets {
				left = append(left, "bucket "+b+", created by this run")
			}
			if !before.Role && after.Role && reflect.DeepEqual(after.RolePolicies, []string{S3FullAccessARN}) {
				// The tool's role, once complete, is kept: every
				// later run reuses it. It is named.
				after.Role, after.RolePolicies = false, nil
				left = append(left, "role "+roles.ToolRole+", created by this run")
			}
			eq(t, "state after the undo", after, before)
			var named string
			for _, w := range h.warn {
				if s, ok := strings.CutPrefix(w, "Left in place: "); ok {
					named = s
				}
			}
			for _, l := range left {
				if !strings.Contains(named, l) {
					t.Errorf("%s not named; warnings %q", l, h.warn)
				}
			}
			if len(left) == 0 && named != "" {
				t.Errorf("nothing was left, but %q is named", named)
			}
		})
	}
}

// When the report no longer reaches anyone (standard error was closed),
// what would have been named as left in place is taken back instead: a
// bucket this run created (S3 deletes only an empty one) and the tool's
// role it created. Nothing is left that nobody saw.
func TestCreateUnheardReportTakesBackWhatItWouldName(t *testing.T) {
	lost := func(h *harness) { h.c.Unheard = func() bool { return true } }
	t.Run("bucket", func(t *testing.T) {
		f := fakeaws.New()
		f.Hook = fakeaws.FailOn("PutUserPolicy", 0, fakeaws.Denied("PutUserPolicy"))
		h := newHarness(t, f)
		lost(h)
		_, err := h.create(context.Background(), &Request{Buckets: []string{"new1"}, Permission: policy.ReadWrite, CreateBucket: true})
		if awsclient.ErrorCode(err) != "AccessDenied" {
			t.Fatalf("err = %v", err)
		}
		eq(t, "warnings", h.warn, []string{"Undone: deleted user s3.read-write.new1", "Undone: deleted bucket new1"})
		if f.Buckets["new1"] {
			t.Error("the new bucket was left")
		}
	})
	t.Run("bucket that cannot be deleted", func(t *testing.T) {
		f := fakeaws.New()
		f.Hook = func(_ context.Context, op string, n int) error {
			switch op {
			case "PutUserPolicy":
				return fakeaws.Denied(op)
			case "DeleteBucket":
				return fakeaws.APIError("BucketNotEmpty", "The bucket you tried to delete is not empty")
			}
			return nil
		}
		h := newHarness(t, f)
		lost(h)
		if _, err := h.create(context.Background(), &Request{Buckets: []string{"new1"}, Permission: policy.ReadWrite, CreateBucket: true}); err == nil {
			t.Fatal("no error")
		}
		eq(t, "warnings", h.warn, []string{
			"Undone: deleted user s3.read-write.new1",
			"Could not undo: bucket new1, created by this run: BucketNotEmpty: The bucket you tried to delete is not empty",
			"Left in place: bucket new1, created by this run",
		})
	})
	t.Run("role", func(t *testing.T) {
		f := fakeaws.New()
		f.Hook = fakeaws.FailOn("AssumeRole", 0, fakeaws.APIError("PackedPolicyTooLarge", "too large"))
		h := newHarness(t, f)
		lost(h)
		if _, err := h.create(context.Background(), tempRequest(f)); err == nil {
			t.Fatal("no error")
		}
		if f.Role != nil {
			t.Error("the role this run made was left, unnamed")
		}
		if last := h.warn[len(h.warn)-1]; last != "Undone: deleted role "+roles.ToolRole {
			t.Errorf("warnings %q", h.warn)
		}
	})
	t.Run("heard: named, not taken back", func(t *testing.T) {
		f := fakeaws.New()
		f.Hook = fakeaws.FailOn("PutUserPolicy", 0, fakeaws.Denied("PutUserPolicy"))
		h := newHarness(t, f)
		h.c.Unheard = func() bool { return false }
		if _, err := h.create(context.Background(), &Request{Buckets: []string{"new1"}, Permission: policy.ReadWrite, CreateBucket: true}); err == nil {
			t.Fatal("no error")
		}
		eq(t, "warnings", h.warn, []string{"Undone: deleted user s3.read-write.new1", "Left in place: bucket new1, created by this run"})
	})
}

// The names create gives its inline policies are recognised, and nothing
// else: a look-alike with a character no bucket name has is not the tool's.
func TestIsPolicyName(t *testing.T) {
	for _, p := range []policy.Permission{policy.ReadWrite, policy.ReadOnly, policy.WriteOnly, policy.Custom} {
		r := &Request{Permission: p}
		if p == policy.Custom {
			r = &Request{PolicyText: `{"Version":"2012-10-17","Statement":[]}`}
		}
		if name := r.PolicyName("my.bucket-1"); !IsPolicyName(name) {
			t.Errorf("%s not recognised", name)
		}
	}
	for _, name := range []string{"s3.read-write.", "s3.admin.bucket", "s3.read-write.a b", "x.s3.read-only.b", "s3.read-only.b/c"} {
		if IsPolicyName(name) {
			t.Errorf("%q recognised", name)
		}
	}
}
