package listing

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// fakeIAM serves ListUsers in pages of pageSize, each user tagged with its
// own name, and each user's inline policies (a user's policies are
// "NAME-p0".."NAME-pN" for N = the user's number mod 3).
type fakeIAM struct {
	users    int
	tagCalls atomic.Int32 // ListUserTags runs for several users at once
}

func (f *fakeIAM) ListUsers(_ context.Context, in *iam.ListUsersInput, _ ...func(*iam.Options)) (*iam.ListUsersOutput, error) {
	start, _ := strconv.Atoi(aws.ToString(in.Marker))
	size := 100
	if in.MaxItems != nil {
		size = int(*in.MaxItems)
	}
	out := &iam.ListUsersOutput{}
	for i := start; i < start+size && i < f.users; i++ {
		out.Users = append(out.Users, iamtypes.User{UserName: aws.String(fmt.Sprintf("user-%02d", i))})
	}
	if start+size < f.users {
		out.IsTruncated, out.Marker = true, aws.String(strconv.Itoa(start+size))
	}
	return out, nil
}

func (f *fakeIAM) ListUserTags(_ context.Context, in *iam.ListUserTagsInput, _ ...func(*iam.Options)) (*iam.ListUserTagsOutput, error) {
	f.tagCalls.Add(1)
	return &iam.ListUserTagsOutput{Tags: []iamtypes.Tag{{Key: aws.String("name"), Value: in.UserName}}}, nil
}

func (f *fakeIAM) ListUserPolicies(_ context.Context, in *iam.ListUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	n, _ := strconv.Atoi(strings.TrimPrefix(aws.ToString(in.UserName), "user-"))
	out := &iam.ListUserPoliciesOutput{PolicyNames: []string{}}
	for i := 0; i < n%3; i++ {
		out.PolicyNames = append(out.PolicyNames, fmt.Sprintf("%s-p%d", aws.ToString(in.UserName), i))
	}
	return out, nil
}

func (f *fakeIAM) GetUserPolicy(_ context.Context, in *iam.GetUserPolicyInput, _ ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error) {
	// URL-encoded, as IAM sends it.
	return &iam.GetUserPolicyOutput{PolicyDocument: aws.String("%7B%22Sid%22%3A%20%22" + aws.ToString(in.PolicyName) + "%22%7D")}, nil
}

func TestUserMaps(t *testing.T) {
	for _, tags := range []bool{false, true} {
		f := &fakeIAM{users: 10}
		var got []string
		pages := 0
		err := UserMaps(context.Background(), f, 4, tags, func(m pyjson.Map) error {
			got = append(got, string(pyjson.EncodeCompact(m)))
			return nil
		}, func() error { pages++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 10 {
			t.Fatalf("tags=%v: %d users, want 10", tags, len(got))
		}
		for i, m := range got {
			name := fmt.Sprintf("user-%02d", i)
			hasTags := strings.Contains(m, `"Tags":[{"Key":"name","Value":"`+name+`"}]`)
			if !strings.Contains(m, `"UserName":"`+name+`"`) || hasTags != tags {
				t.Errorf("tags=%v: user %d is %s", tags, i, m)
			}
		}
		// Without tags the output is flushed once a page (3 pages of 4),
		// with them once a user.
		wantPages, wantTagCalls := 3, 0
		if tags {
			wantPages, wantTagCalls = 10, 10
		}
		if pages != wantPages || int(f.tagCalls.Load()) != wantTagCalls {
			t.Errorf("tags=%v: pageDone %d times, %d ListUserTags; want %d, %d", tags, pages, f.tagCalls.Load(), wantPages, wantTagCalls)
		}
	}
}

func TestUserPolicies(t *testing.T) {
	for _, names := range [][]string{nil, {"user-05", "user-01", "user-03"}} {
		f := &fakeIAM{users: 6}
		var got []string
		err := UserPolicies(context.Background(), f, names, func(u string) error {
			got = append(got, "User "+u)
			return nil
		}, func(u, name string, doc any) error {
			got = append(got, u+" "+name+" "+string(pyjson.EncodeCompact(doc)))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := "User user-00|User user-01|user-01 user-01-p0 {\"Sid\":\"user-01-p0\"}|" +
			"User user-02|user-02 user-02-p0 {\"Sid\":\"user-02-p0\"}|user-02 user-02-p1 {\"Sid\":\"user-02-p1\"}|" +
			"User user-03|User user-04|user-04 user-04-p0 {\"Sid\":\"user-04-p0\"}|" +
			"User user-05|user-05 user-05-p0 {\"Sid\":\"user-05-p0\"}|user-05 user-05-p1 {\"Sid\":\"user-05-p1\"}"
		if names != nil {
			// Only those named, in the order given.
			want = "User user-05|user-05 user-05-p0 {\"Sid\":\"user-05-p0\"}|user-05 user-05-p1 {\"Sid\":\"user-05-p1\"}|" +
				"User user-01|user-01 user-01-p0 {\"Sid\":\"user-01-p0\"}|User user-03"
		}
		if g := strings.Join(got, "|"); g != want {
			t.Errorf("names %v:\n got %s\nwant %s", names, g, want)
		}
	}
}

func TestUserPoliciesStopsAtError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := UserPolicies(context.Background(), &fakeIAM{users: 6}, nil, func(string) error { return nil }, func(string, string, any) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("err %v after %d policies; want stop after 1", err, calls)
	}
}
