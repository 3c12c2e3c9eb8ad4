package iambulk

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

// ReportAPI names the calls that make and read the credential report.
type ReportAPI interface {
	GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error)
	GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error)
}

// KeyUsage is one access key as the credential report describes it. The
// report names no key IDs: a key is told by its creation time.
type KeyUsage struct {
	Active  bool
	Created time.Time
	// LastUsed is zero for a key never used. Service and Region are ""
	// when the report does not say (never used, or a server that does not
	// track them).
	LastUsed        time.Time
	Service, Region string
}

// Report is the credential report: per user, up to two access keys.
type Report struct {
	// Generated is when IAM made the report, by IAM's clock: it can be up
	// to four hours old.
	Generated time.Time
	Users     map[string][]KeyUsage
}

// Key is the key of user created at created, if the report knows it and
// no other key of the user was created in the same second.
func (r *Report) Key(user string, created time.Time) (KeyUsage, bool) {
	var found []KeyUsage
	for _, k := range r.Users[user] {
		if k.Created.Equal(created.Truncate(time.Second)) {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		return KeyUsage{}, false
	}
	return found[0], true
}

// HasKeys says whether the report shows user with any access key; false
// for a user it does not know, who may be newer than the report.
func (r *Report) HasKeys(user string) (hasKeys, known bool) {
	keys, known := r.Users[user]
	return len(keys) > 0, known
}

// CredentialReport asks IAM for a fresh enough credential report (IAM
// makes a new one at most every four hours), waiting while it is made,
// and reads it. wait sleeps between polls (nil: a second).
func CredentialReport(ctx context.Context, api ReportAPI, wait func(context.Context) error) (*Report, error) {
	if wait == nil {
		wait = func(ctx context.Context) error {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
				return nil
			}
		}
	}
	for tries := 0; ; tries++ {
		if tries == 60 {
			return nil, errors.New("IAM was still making the credential report after a minute")
		}
		if _, err := api.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{}); err != nil {
			return nil, err
		}
		// Asked at once, even when the report was only started: a server
		// may have it ready in no time (moto does).
		out, err := api.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		switch code := awsclient.ErrorCode(err); {
		case code == "ReportInProgress", code == "ReportNotPresent":
		case err == nil:
			rep, err := ParseReport(out.Content)
			if err != nil {
				return nil, fmt.Errorf("the credential report: %w", err)
			}
			rep.Generated = aws.ToTime(out.GeneratedTime)
			return rep, nil
		default:
			return nil, err
		}
		if err := wait(ctx); err != nil {
			return nil, err
		}
	}
}

// ParseReport reads the CSV of a credential report.
func ParseReport(content []byte) (*Report, error) {
	r := csv.NewReader(bytes.NewReader(content))
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("no header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	if _, ok := col["user"]; !ok {
		return nil, errors.New(`no "user" column`)
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	rep := &Report{Users: map[string][]KeyUsage{}}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rep, nil
		}
		if err != nil {
			return nil, err
		}
		user := get(rec, "user")
		keys := []KeyUsage{}
		for _, n := range []string{"1", "2"} {
			p := "access_key_" + n + "_"
			created, ok := reportTime(get(rec, p+"last_rotated"))
			if !ok {
				continue // no such key
			}
			k := KeyUsage{Active: get(rec, p+"active") == "true", Created: created}
			k.LastUsed, _ = reportTime(get(rec, p+"last_used_date"))
			k.Service = reportWord(get(rec, p+"last_used_service"))
			k.Region = reportWord(get(rec, p+"last_used_region"))
			keys = append(keys, k)
		}
		rep.Users[user] = keys
	}
}

// reportTime reads a time of the report; "N/A", "no_information" and
// "not_supported" are no time.
func reportTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// reportWord is a service or region of the report, "" for the words the
// report uses for none.
func reportWord(s string) string {
	switch s {
	case "N/A", "no_information", "not_supported":
		return ""
	}
	return s
}

// CredentialReportOrSay is CredentialReport where IAM gives it. Where it
// does not, say is told so once, with instead (what the caller does
// without it), and the answer is nil. Only an interrupt is an error.
func CredentialReportOrSay(ctx context.Context, api ReportAPI, instead string, say func(format string, a ...any)) (*Report, error) {
	rep, err := CredentialReport(ctx, api, nil)
	if err == nil {
		return rep, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	say("Note: IAM did not give the credential report (%s); %s", awsclient.ErrorMessage(err), instead)
	return nil, nil
}
