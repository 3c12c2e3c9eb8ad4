package users

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/message"
)

// fakeIAM holds one user's keys; calls can be made to fail.
type fakeIAM struct {
	keys      []iamtypes.AccessKeyMetadata
	next      int
	failOn    map[string]error
	calls     []string
	userFound bool
	// lostOn loses the answer of the n-th call (from 0) of an operation,
	// after carrying it out.
	lostOn map[string]int
	// marks are the key marks on the user (credentials.KeyTag), kept out
	// of calls so that the call sequences tested stay the AWS steps.
	marks map[string]bool
}

func (f *fakeIAM) TagUser(_ context.Context, in *iam.TagUserInput, _ ...func(*iam.Options)) (*iam.TagUserOutput, error) {
	if err := f.failOn["TagUser"]; err != nil {
		return nil, err
	}
	if f.marks == nil {
		f.marks = map[string]bool{}
	}
	for _, t := range in.Tags {
		f.marks[aws.ToString(t.Key)] = true
	}
	return &iam.TagUserOutput{}, nil
}

func (f *fakeIAM) UntagUser(_ context.Context, in *iam.UntagUserInput, _ ...func(*iam.Options)) (*iam.UntagUserOutput, error) {
	for _, k := range in.TagKeys {
		delete(f.marks, k)
	}
	return &iam.UntagUserOutput{}, nil
}

func (f *fakeIAM) fail(op string) error {
	f.calls = append(f.calls, op)
	return f.failOn[op]
}

// lost says whether the answer to this call of op, carried out, is lost.
func (f *fakeIAM) lost(op string) error {
	n, ok := f.lostOn[op]
	if !ok {
		return nil
	}
	for _, c := range f.calls[:len(f.calls)-1] {
		if c == op {
			n--
		}
	}
	if n != 0 {
		return nil
	}
	return errors.New("operation error IAM: " + op + ": read tcp: i/o timeout")
}

func (f *fakeIAM) GetUser(context.Context, *iam.GetUserInput, ...func(*iam.Options)) (*iam.GetUserOutput, error) {
	if !f.userFound {
		return nil, &smithy.GenericAPIError{Code: "NoSuchEntity", Message: "no such user"}
	}
	return &iam.GetUserOutput{}, f.fail("GetUser")
}

func (f *fakeIAM) ListAccessKeys(context.Context, *iam.ListAccessKeysInput, ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	return &iam.ListAccessKeysOutput{AccessKeyMetadata: append([]iamtypes.AccessKeyMetadata(nil), f.keys...)}, f.fail("ListAccessKeys")
}

func (f *fakeIAM) CreateAccessKey(_ context.Context, in *iam.CreateAccessKeyInput, _ ...func(*iam.Options)) (*iam.CreateAccessKeyOutput, error) {
	if err := f.fail("CreateAccessKey"); err != nil {
		return nil, err
	}
	f.next++
	id := "AKIANEW" + strings.Repeat("0", 12) + string(rune('0'+f.next))
	f.keys = append(f.keys, iamtypes.AccessKeyMetadata{AccessKeyId: aws.String(id), Status: iamtypes.StatusTypeActive})
	return &iam.CreateAccessKeyOutput{AccessKey: &iamtypes.AccessKey{
		UserName: in.UserName, AccessKeyId: aws.String(id), Status: iamtypes.StatusTypeActive, SecretAccessKey: aws.String("secret"),
	}}, f.lost("CreateAccessKey")
}

func (f *fakeIAM) UpdateAccessKey(_ context.Context, in *iam.UpdateAccessKeyInput, _ ...func(*iam.Options)) (*iam.UpdateAccessKeyOutput, error) {
	if err := f.fail("UpdateAccessKey"); err != nil {
		return nil, err
	}
	for i := range f.keys {
		if aws.ToString(f.keys[i].AccessKeyId) == aws.ToString(in.AccessKeyId) {
			f.keys[i].Status = in.Status
		}
	}
	return &iam.UpdateAccessKeyOutput{}, f.lost("UpdateAccessKey")
}

func (f *fakeIAM) DeleteAccessKey(_ context.Context, in *iam.DeleteAccessKeyInput, _ ...func(*iam.Options)) (*iam.DeleteAccessKeyOutput, error) {
	if err := f.fail("DeleteAccessKey"); err != nil {
		return nil, err
	}
	for i := range f.keys {
		if aws.ToString(f.keys[i].AccessKeyId) == aws.ToString(in.AccessKeyId) {
			f.keys = append(f.keys[:i], f.keys[i+1:]...)
			break
		}
	}
	return &iam.DeleteAccessKeyOutput{}, f.lost("DeleteAccessKey")
}

func key(id string, status iamtypes.StatusType, created *time.Time) iamtypes.AccessKeyMetadata {
	return iamtypes.AccessKeyMetadata{AccessKeyId: aws.String(id), Status: status, CreateDate: created}
}

// Servers that leave out CreateDate get no made-up date in the message.
func TestLimitErrorWithoutDates(t *testing.T) {
	f := &fakeIAM{userFound: true, keys: []iamtypes.AccessKeyMetadata{
		key("AKIAOLD0000000000001", iamtypes.StatusTypeActive, nil),
		key("AKIAOLD0000000000002", iamtypes.StatusTypeActive, nil),
	}}
	_, err := (&Rotator{IAM: f}).Rotate(context.Background(), "bob", DeactivateOld)
	if err == nil || !strings.Contains(err.Error(), "\n  AKIAOLD0000000000001  Active\n  AKIAOLD0000000000002  Active\nTo proceed") {
		t.Errorf("error: %v", err)
	}
	if len(f.keys) != 2 {
		t.Errorf("keys changed: %v", f.keys)
	}
}

// Keys are listed oldest first whatever order the server used.
func TestLimitErrorOldestFirst(t *testing.T) {
	t1 := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	f := &fakeIAM{userFound: true, keys: []iamtypes.AccessKeyMetadata{
		key("AKIANEWER00000000002", iamtypes.StatusTypeActive, &t2),
		key("AKIAOLDER00000000001", iamtypes.StatusTypeActive, &t1),
	}}
	_, err := (&Rotator{IAM: f}).Rotate(context.Background(), "bob", KeepOld)
	want := "  AKIAOLDER00000000001  Active  created 2024-01-02 03:04:05+00:00\n  AKIANEWER00000000002  Active  created 2024-01-02 04:04:05+00:00\n"
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--access-key-id AKIAOLDER00000000001\n") {
		t.Errorf("error: %v", err)
	}
}

// When an old key cannot be retired, the new key (already printed) stays,
// and the error says which old key is still as it was.
func TestOldKeyFailureKeepsNewKey(t *testing.T) {
	f := &fakeIAM{userFound: true, keys: []iamtypes.AccessKeyMetadata{key("AKIAOLD0000000000001", iamtypes.StatusTypeActive, nil)},
		failOn: map[string]error{"UpdateAccessKey": &smithy.GenericAPIError{Code: "AccessDenied", Message: "not allowed"}}}
	delivered := 0
	r := &Rotator{IAM: f, Deliver: func(*iamtypes.AccessKey) error { delivered++; return nil }}
	k, err := r.Rotate(context.Background(), "bob", DeactivateOld)
	want := "the new access key AKIANEW0000000000001 was created and printed, but could not deactivate AKIAOLD0000000000001: AccessDenied: not allowed"
	if err == nil || err.Error() != want || k == nil || delivered != 1 || len(f.keys) != 2 {
		t.Errorf("err %v, key %v, delivered %d, keys %v", err, k, delivered, f.keys)
	}
}

func TestCreateFailureChangesNothing(t *testing.T) {
	f := &fakeIAM{userFound: true, keys: []iamtypes.AccessKeyMetadata{key("AKIAOLD0000000000001", iamtypes.StatusTypeActive, nil)},
		failOn: map[string]error{"CreateAccessKey": errors.New("boom")}}
	if _, err := (&Rotator{IAM: f}).Rotate(context.Background(), "bob", DeleteOld); err == nil || len(f.keys) != 1 {
		t.Errorf("err %v, keys %v", err, f.keys)
	}
	for _, c := range f.calls {
		if c == "DeleteAccessKey" || c == "UpdateAccessKey" {
			t.Errorf("%s called after CreateAccessKey failed", c)
		}
	}
}

// An interrupted run deletes the key it made before anyone saw it.
func TestInterruptedAfterCreateRollsBack(t *testing.T) {
	f := &fakeIAM{userFound: true}
	ctx, cancel := context.WithCancel(context.Background())
	var notes []string
	r := &Rotator{IAM: f, Steps: message.Steps{Warn: func(s string) { notes = append(notes, s) }},
		Deliver: func(*iamtypes.AccessKey) error { t.Error("delivered after interruption"); return nil }}
	// Cancel as the key is created.
	r.IAM = &cancelOnCreate{fakeIAM: f, cancel: cancel}
	_, err := r.Rotate(ctx, "bob", KeepOld)
	if !errors.Is(err, context.Canceled) || len(f.keys) != 0 || len(notes) != 1 || !strings.HasPrefix(notes[0], "Deleted the new access key") {
		t.Errorf("err %v, keys %v, notes %v", err, f.keys, notes)
	}
}

type cancelOnCreate struct {
	*fakeIAM
	cancel context.CancelFunc
}

func (c *cancelOnCreate) CreateAccessKey(ctx context.Context, in *iam.CreateAccessKeyInput, o ...func(*iam.Options)) (*iam.CreateAccessKeyOutput, error) {
	out, err := c.fakeIAM.CreateAccessKey(ctx, in, o...)
	c.cancel()
	return out, err
}

// A request carried out but whose answer was lost (to an interrupt, a
// dropped connection) is looked up: a key it made, never shown, is deleted;
// an old key it retired counts as retired.
func TestLostAnswers(t *testing.T) {
	const oldID, inactiveID, newID = "AKIAOLD0000000000001", "AKIAOLD0000000000000", "AKIANEW0000000000001"
	cases := []struct {
		name    string
		keys    []iamtypes.AccessKeyMetadata
		how     OldKeys
		lostOn  map[string]int
		fails   bool
		left    map[string]iamtypes.StatusType
		log     []string
		warning string
	}{
		{"new key", []iamtypes.AccessKeyMetadata{key(oldID, iamtypes.StatusTypeActive, nil)}, DeactivateOld,
			map[string]int{"CreateAccessKey": 0}, true, map[string]iamtypes.StatusType{oldID: "Active"}, nil,
			fmt.Sprintf(credentials.UnseenKeyNote, newID)},
		{"deactivating", []iamtypes.AccessKeyMetadata{key(oldID, iamtypes.StatusTypeActive, nil)}, DeactivateOld,
			map[string]int{"UpdateAccessKey": 0}, false, map[string]iamtypes.StatusType{oldID: "Inactive", newID: "Active"},
			[]string{"Created access key for user: bob", "Deactivated access key " + oldID}, ""},
		{"deleting", []iamtypes.AccessKeyMetadata{key(oldID, iamtypes.StatusTypeActive, nil)}, DeleteOld,
			map[string]int{"DeleteAccessKey": 0}, false, map[string]iamtypes.StatusType{newID: "Active"},
			[]string{"Created access key for user: bob", "Deleted access key " + oldID}, ""},
		{"making room", []iamtypes.AccessKeyMetadata{key(inactiveID, iamtypes.StatusTypeInactive, nil), key(oldID, iamtypes.StatusTypeActive, nil)}, DeleteOld,
			map[string]int{"DeleteAccessKey": 0}, false, map[string]iamtypes.StatusType{newID: "Active"},
			[]string{"Deleted inactive access key " + inactiveID + " first, to make room for the new one", "Created access key for user: bob", "Deleted access key " + oldID}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeIAM{userFound: true, keys: c.keys, lostOn: c.lostOn}
			var log, warn []string
			r := &Rotator{IAM: f, Steps: message.Steps{
				Log:  func(s string) { log = append(log, s) },
				Warn: func(s string) { warn = append(warn, s) },
			}}
			_, err := r.Rotate(context.Background(), "bob", c.how)
			if (err != nil) != c.fails {
				t.Errorf("err %v", err)
			}
			left := map[string]iamtypes.StatusType{}
			for _, k := range f.keys {
				left[aws.ToString(k.AccessKeyId)] = k.Status
			}
			if fmt.Sprint(left) != fmt.Sprint(c.left) {
				t.Errorf("keys %v, want %v", left, c.left)
			}
			if fmt.Sprint(log) != fmt.Sprint(c.log) {
				t.Errorf("log %q, want %q", log, c.log)
			}
			if c.warning != "" && !slices.Contains(warn, c.warning) {
				t.Errorf("warnings %q lack %q", warn, c.warning)
			}
		})
	}
}

// When the answer to retiring an old key was lost and looking the key up
// fails too, the error says it may or may not have been retired.
func TestLostAnswerUnknown(t *testing.T) {
	f := &fakeIAM{userFound: true, keys: []iamtypes.AccessKeyMetadata{key("AKIAOLD0000000000001", iamtypes.StatusTypeActive, nil)},
		lostOn: map[string]int{"UpdateAccessKey": 0}}
	r := &Rotator{IAM: &listFailsLater{fakeIAM: f}}
	_, err := r.Rotate(context.Background(), "bob", DeactivateOld)
	want := "the new access key AKIANEW0000000000001 was created and printed, but AKIAOLD0000000000001 may or may not be deactivated (operation error IAM: UpdateAccessKey: read tcp: i/o timeout, and looking it up failed)"
	if err == nil || err.Error() != want {
		t.Errorf("err %v\nwant %s", err, want)
	}
}

// listFailsLater answers the first ListAccessKeys and fails the others.
type listFailsLater struct {
	*fakeIAM
	n int
}

func (l *listFailsLater) ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, o ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	if l.n++; l.n > 1 {
		return nil, errors.New("dial tcp: connection refused")
	}
	return l.fakeIAM.ListAccessKeys(ctx, in, o...)
}

// The new key carries the tool's mark (prune --unused-for may delete it
// one day); an old key deleted loses its mark; a mark that cannot be set
// is said, and the rotation goes on.
func TestRotateMarksKeys(t *testing.T) {
	f := &fakeIAM{userFound: true, keys: []iamtypes.AccessKeyMetadata{key("AKIAOLD0000000000001", iamtypes.StatusTypeActive, nil)},
		marks: map[string]bool{"s3-credentials:key:AKIAOLD0000000000001": true}}
	if _, err := (&Rotator{IAM: f}).Rotate(context.Background(), "bob", DeleteOld); err != nil {
		t.Fatal(err)
	}
	if !f.marks["s3-credentials:key:AKIANEW0000000000001"] || f.marks["s3-credentials:key:AKIAOLD0000000000001"] || len(f.marks) != 1 {
		t.Errorf("marks %v", f.marks)
	}

	f = &fakeIAM{userFound: true, failOn: map[string]error{"TagUser": &smithy.GenericAPIError{Code: "AccessDenied", Message: "no iam:TagUser"}}}
	var warned []string
	r := &Rotator{IAM: f, Steps: message.Steps{Warn: func(s string) { warned = append(warned, s) }}}
	if k, err := r.Rotate(context.Background(), "bob", KeepOld); err != nil || k == nil {
		t.Fatalf("key %v, err %v", k, err)
	}
	want := "Note: access key AKIANEW0000000000001 could not be marked as made by s3-credentials (AccessDenied: no iam:TagUser); prune --unused-for will leave it alone"
	if !slices.Contains(warned, want) {
		t.Errorf("warnings %q", warned)
	}
}

// A last use in words: never, today, days ago with how; and a server that
// does not say is not "never".
func TestKeyUsageWords(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		u    KeyUsage
		want string
	}{
		{KeyUsage{}, "never"},
		{KeyUsage{Unknown: true}, "unknown (the server does not say)"},
		{KeyUsage{LastUsed: now.Add(-time.Hour)}, "today"},
		{KeyUsage{LastUsed: now.Add(-25 * time.Hour), Service: "s3"}, "1 day ago (s3)"},
		{KeyUsage{LastUsed: now.Add(-90 * 24 * time.Hour), Service: "s3", Region: "eu-west-1"}, "90 days ago (s3, eu-west-1)"},
		{KeyUsage{LastUsed: now.Add(time.Hour)}, "today"}, // a clock a little behind another
	} {
		if got := c.u.Words(now); got != c.want {
			t.Errorf("%+v: %q, want %q", c.u, got, c.want)
		}
	}
}
