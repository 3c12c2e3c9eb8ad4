package botocore

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func TestPolicyDocument(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// As IAM sends it: percent-encoded, a plus as %2B, key order kept.
		{`%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%5B%7B%22Resource%22%3A%20%22arn%3Aaws%3As3%3A%3A%3Aa%2Bb%2F%2A%22%2C%22Effect%22%3A%22Allow%22%7D%5D%7D`,
			`{"Version": "2012-10-17", "Statement": [{"Resource": "arn:aws:s3:::a+b/*", "Effect": "Allow"}]}`},
		// A literal plus is not a space (Python's unquote).
		{`{"a": "x+y"}`, `{"a": "x+y"}`},
		// Not JSON: kept as text.
		{`not%20json`, `"not json"`},
		{`100%zz`, `"100%zz"`},
	} {
		if got := string(pyjson.Encode(PolicyDocument(aws.String(tc.in)), -1)); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
	if PolicyDocument(nil) != nil {
		t.Error("nil document")
	}
}

func TestRoleOrder(t *testing.T) {
	when := time.Date(2024, 1, 2, 3, 4, 5, 600000000, time.UTC)
	r := &iamtypes.Role{
		RoleLastUsed:             &iamtypes.RoleLastUsed{Region: aws.String("us-east-1"), LastUsedDate: &when},
		Tags:                     []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
		PermissionsBoundary:      &iamtypes.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String("arn:b"), PermissionsBoundaryType: "Policy"},
		MaxSessionDuration:       aws.Int32(3600),
		Description:              aws.String("d"),
		AssumeRolePolicyDocument: aws.String(`%7B%7D`),
		CreateDate:               &when,
		Arn:                      aws.String("arn:r"),
		RoleId:                   aws.String("AROA1"),
		RoleName:                 aws.String("r"),
		Path:                     aws.String("/"),
	}
	want := `{"Path": "/", "RoleName": "r", "RoleId": "AROA1", "Arn": "arn:r", "CreateDate": "2024-01-02 03:04:05.600000+00:00", "AssumeRolePolicyDocument": {}, "Description": "d", "MaxSessionDuration": 3600, "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:b"}, "Tags": [{"Key": "k", "Value": "v"}], "RoleLastUsed": {"LastUsedDate": "2024-01-02 03:04:05.600000+00:00", "Region": "us-east-1"}}`
	if got := string(pyjson.Encode(Role(r), -1)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := string(pyjson.Encode(Role(&iamtypes.Role{RoleName: aws.String("bare")}), -1)); got != `{"RoleName": "bare"}` {
		t.Errorf("absent members: %s", got)
	}
}

func TestS3Converters(t *testing.T) {
	rules := CORSRules([]s3types.CORSRule{{
		MaxAgeSeconds: aws.Int32(5), ExposeHeaders: []string{"ETag"}, AllowedOrigins: []string{"*"},
		AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"A"}, ID: aws.String("id"),
	}, {AllowedMethods: []string{"PUT"}}})
	want := `[{"ID": "id", "AllowedHeaders": ["A"], "AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 5}, {"AllowedMethods": ["PUT"]}]`
	if got := string(pyjson.Encode(rules, -1)); got != want {
		t.Errorf("CORS:\n got %s\nwant %s", got, want)
	}
	web := BucketWebsite(nil, &s3types.IndexDocument{Suffix: aws.String("i")}, nil, []s3types.RoutingRule{{
		Redirect:  &s3types.Redirect{ReplaceKeyWith: aws.String("k"), HostName: aws.String("h"), HttpRedirectCode: aws.String("301")},
		Condition: &s3types.Condition{KeyPrefixEquals: aws.String("docs/")},
	}})
	want = `{"IndexDocument": {"Suffix": "i"}, "RoutingRules": [{"Condition": {"KeyPrefixEquals": "docs/"}, "Redirect": {"HostName": "h", "HttpRedirectCode": "301", "ReplaceKeyWith": "k"}}]}`
	if got := string(pyjson.Encode(web, -1)); got != want {
		t.Errorf("website:\n got %s\nwant %s", got, want)
	}
	b := Bucket(&s3types.Bucket{BucketRegion: aws.String("eu-west-1"), Name: aws.String("n")})
	if got := string(pyjson.Encode(b, -1)); got != `{"Name": "n", "BucketRegion": "eu-west-1"}` {
		t.Errorf("bucket: %s", got)
	}
	if got := string(pyjson.Encode(PolicyStatus(&s3types.PolicyStatus{}), -1)); got != `{"PolicyStatus": {}}` {
		t.Errorf("policy status: %s", got)
	}
}
