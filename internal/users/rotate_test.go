package users

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/s3-credentials/s3-credentials/internal/report"
)

// fakeIAM holds one user's keys; calls can be made to fail.
type fakeIAM struct {
	keys      []iamtypes.AccessKeyMetadata
	next      int
	failOn    map[string]error
	calls     []string
	noDates   bool
	userFound bool
}

func (f *fakeIAM) fail(op string) error {
	f.calls = append(f.calls, op)
	return f.failOn[op]
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
	}}, nil
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
	return &iam.UpdateAccessKeyOutput{}, nil
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
	return &iam.DeleteAccessKeyOutput{}, nil
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
	r := &Rotator{IAM: f, Steps: report.Steps{Warn: func(s string) { notes = append(notes, s) }},
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
