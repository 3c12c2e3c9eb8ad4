package iambulk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

const header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The report as AWS writes it: the root account line, a user with two
// keys (one used, one never), a user with none; moto's "not_supported".
func TestParseReport(t *testing.T) {
	csv := header +
		"<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,2024-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"alice,arn:aws:iam::1:user/alice,2021-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2021-02-03T04:05:06+00:00,2024-05-06T07:08:00+00:00,eu-west-1,s3,false,2022-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"bob,arn:aws:iam::1:user/bob,2021-01-01T00:00:00+00:00,true,no_information,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"carol,arn:aws:iam::1:user/carol,2021-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2023-01-01T00:00:00+00:00,2023-02-01T00:00:00+00:00,not_supported,not_supported,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
	rep, err := ParseReport([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	alice := rep.Users["alice"]
	if len(alice) != 2 || !alice[0].Active || alice[1].Active ||
		!alice[0].LastUsed.Equal(at("2024-05-06T07:08:00Z")) || alice[0].Service != "s3" || alice[0].Region != "eu-west-1" ||
		!alice[1].LastUsed.IsZero() || alice[1].Service != "" || !alice[1].Created.Equal(at("2022-01-01T00:00:00Z")) {
		t.Errorf("alice %+v", alice)
	}
	if has, known := rep.HasKeys("bob"); has || !known {
		t.Errorf("bob: has %v known %v", has, known)
	}
	if _, known := rep.HasKeys("dave"); known {
		t.Error("a user not in the report is known")
	}
	if c := rep.Users["carol"]; len(c) != 1 || c[0].Service != "" || c[0].Region != "" || c[0].LastUsed.IsZero() {
		t.Errorf("carol %+v", c)
	}
	// A key is told by the second it was made in.
	if k, ok := rep.Key("alice", at("2021-02-03T04:05:06Z").Add(700*time.Millisecond)); !ok || k.Service != "s3" {
		t.Errorf("alice's first key: %+v %v", k, ok)
	}
	if _, ok := rep.Key("alice", at("2021-02-03T04:05:07Z")); ok {
		t.Error("a key made another second matched")
	}
	for _, bad := range []string{"", "name,arn\nx,y\n", header + "\"unterminated\n"} {
		if _, err := ParseReport([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// Two keys of a user made in the same second cannot be told apart.
func TestReportKeyAmbiguous(t *testing.T) {
	csv := header + "u,arn,2021-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2021-02-03T04:05:06+00:00,N/A,N/A,N/A,true,2021-02-03T04:05:06+00:00,N/A,N/A,N/A,false,N/A,false,N/A\n"
	rep, err := ParseReport([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rep.Key("u", at("2021-02-03T04:05:06Z")); ok {
		t.Error("an ambiguous key matched")
	}
}

type fakeReport struct {
	states  []iamtypes.ReportStateType
	getErrs []error
	gens    int
	gets    int
}

func (f *fakeReport) GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error) {
	s := f.states[min(f.gens, len(f.states)-1)]
	f.gens++
	return &iam.GenerateCredentialReportOutput{State: s}, nil
}

func (f *fakeReport) GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error) {
	i := f.gets
	f.gets++
	if i < len(f.getErrs) && f.getErrs[i] != nil {
		return nil, f.getErrs[i]
	}
	return &iam.GetCredentialReportOutput{Content: []byte(header), GeneratedTime: aws.Time(at("2026-01-01T00:00:00Z"))}, nil
}

// The report is asked for until IAM has made it; a refusal ends the wait
// at once, and so does an interrupt.
func TestCredentialReportWaits(t *testing.T) {
	inProgress := &smithy.GenericAPIError{Code: "ReportInProgress", Message: "not yet"}
	f := &fakeReport{states: []iamtypes.ReportStateType{"STARTED", "INPROGRESS", "COMPLETE"}, getErrs: []error{inProgress, inProgress}}
	waits := 0
	rep, err := CredentialReport(context.Background(), f, func(context.Context) error { waits++; return nil })
	if err != nil || waits != 2 || f.gets != 3 || !rep.Generated.Equal(at("2026-01-01T00:00:00Z")) {
		t.Errorf("err %v, waits %d, gets %d", err, waits, f.gets)
	}

	denied := &smithy.GenericAPIError{Code: "AccessDenied", Message: "no"}
	f = &fakeReport{states: []iamtypes.ReportStateType{"COMPLETE"}, getErrs: []error{denied}}
	if _, err := CredentialReport(context.Background(), f, func(context.Context) error { t.Fatal("waited"); return nil }); !errors.Is(err, denied) {
		t.Errorf("refused: %v", err)
	}

	f = &fakeReport{states: []iamtypes.ReportStateType{"STARTED"}, getErrs: []error{inProgress, inProgress, inProgress}}
	stop := errors.New("interrupted")
	if _, err := CredentialReport(context.Background(), f, func(context.Context) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("interrupted: %v", err)
	}

	// Never ready: a minute of asking, then an error that says so.
	f = &fakeReport{states: []iamtypes.ReportStateType{"STARTED"}, getErrs: make([]error, 100)}
	for i := range f.getErrs {
		f.getErrs[i] = inProgress
	}
	if _, err := CredentialReport(context.Background(), f, func(context.Context) error { return nil }); err == nil || f.gens != 60 {
		t.Errorf("never ready: %v after %d", err, f.gens)
	}
}

type fakeDetails struct {
	pages []*iam.GetAccountAuthorizationDetailsOutput
	asked []string // markers asked with
}

func (f *fakeDetails) GetAccountAuthorizationDetails(_ context.Context, in *iam.GetAccountAuthorizationDetailsInput, _ ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	f.asked = append(f.asked, aws.ToString(in.Marker))
	i := len(f.asked) - 1
	return f.pages[i], nil
}

// Pages are followed to the end; users and roles keep IAM's order, groups
// and customer managed policies (their default version only) are found
// by name and ARN; roles are left out unless asked for.
func TestDetailsPages(t *testing.T) {
	f := &fakeDetails{pages: []*iam.GetAccountAuthorizationDetailsOutput{
		{IsTruncated: true, Marker: aws.String("m1"),
			UserDetailList: []iamtypes.UserDetail{{UserName: aws.String("u1")}},
			RoleDetailList: []iamtypes.RoleDetail{{RoleName: aws.String("r1")}},
			Policies: []iamtypes.ManagedPolicyDetail{{Arn: aws.String("arn:p"), PolicyVersionList: []iamtypes.PolicyVersion{
				{Document: aws.String("old"), IsDefaultVersion: false}, {Document: aws.String("current"), IsDefaultVersion: true},
			}}}},
		{UserDetailList: []iamtypes.UserDetail{{UserName: aws.String("u2")}},
			GroupDetailList: []iamtypes.GroupDetail{{GroupName: aws.String("g")}}},
	}}
	acct, err := Details(context.Background(), f, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.asked) != 2 || f.asked[1] != "m1" || len(acct.Users) != 2 || aws.ToString(acct.Users[1].UserName) != "u2" ||
		len(acct.Roles) != 0 || acct.Policies["arn:p"] != "current" {
		t.Errorf("asked %q, account %+v", f.asked, acct)
	}
	if _, ok := acct.Groups["g"]; !ok {
		t.Error("group g missing")
	}
}

type refusingDetails struct{ err error }

func (f refusingDetails) GetAccountAuthorizationDetails(context.Context, *iam.GetAccountAuthorizationDetailsInput, ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	return nil, f.err
}

// A refusal is said once and answered with nothing (the caller asks one
// by one); anything else (the network, an interrupt) is an error and
// says nothing.
func TestOrSay(t *testing.T) {
	var said []string
	say := func(format string, a ...any) { said = append(said, fmt.Sprintf(format, a...)) }

	denied := &smithy.GenericAPIError{Code: "AccessDenied", Message: "not for you"}
	acct, err := DetailsOrSay(context.Background(), refusingDetails{denied}, false, 0, say)
	if acct != nil || err != nil || len(said) != 1 || !strings.Contains(said[0], "account's details in bulk (AccessDenied: not for you)") {
		t.Errorf("refused: %v %v %q", acct, err, said)
	}
	said = nil
	lost := errors.New("connection reset")
	if _, err := DetailsOrSay(context.Background(), refusingDetails{lost}, false, 0, say); !errors.Is(err, lost) || len(said) != 0 {
		t.Errorf("network: %v %q", err, said)
	}

	f := &fakeReport{states: []iamtypes.ReportStateType{"COMPLETE"}, getErrs: []error{denied}}
	rep, err := CredentialReportOrSay(context.Background(), f, "doing it the long way", say)
	if rep != nil || err != nil || len(said) != 1 || !strings.HasSuffix(said[0], "(AccessDenied: not for you); doing it the long way") {
		t.Errorf("report refused: %v %v %q", rep, err, said)
	}
	said = nil
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f = &fakeReport{states: []iamtypes.ReportStateType{"COMPLETE"}, getErrs: []error{context.Canceled}}
	if _, err := CredentialReportOrSay(ctx, f, "x", say); !errors.Is(err, context.Canceled) || len(said) != 0 {
		t.Errorf("interrupted: %v %q", err, said)
	}
	// A lost connection (no service error, no answer) is said and
	// passed over, not a crash.
	f = &fakeReport{states: []iamtypes.ReportStateType{"COMPLETE"}, getErrs: []error{lost}}
	if rep, err := CredentialReportOrSay(context.Background(), f, "x", say); rep != nil || err != nil || len(said) != 1 {
		t.Errorf("network: %v %v %q", rep, err, said)
	}
}
