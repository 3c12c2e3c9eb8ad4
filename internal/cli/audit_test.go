package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// audit against moto: users made by create in every shape, a user with a
// managed and a group policy, a user with nothing on S3, and the tool's
// role; the whole account, one bucket, and CSV.
func TestAudit(t *testing.T) {
	e := newE2E(t)
	for _, b := range []string{"aud-one", "aud-two"} {
		e.makeBucket(b)
	}
	e.ok("create", "aud-one", "--read-only", "--prefix", "in/", "--prefix", "out/", "--username", "reader")
	e.ok("create", "aud-one", "aud-two", "--username", "both")
	e.ok("create", "aud-two", "--write-only", "--username", "writer")
	e.ok("create", "aud-two", "--statement", `{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}`, "--username", "custom")
	e.ok("create", "aud-one", "-d", "15m") // makes the tool's role
	ctx := e.ctx()
	iamc := e.Clients.IAM
	for _, step := range []func() error{
		func() error {
			_, err := iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("admin")})
			return err
		},
		func() error {
			_, err := iamc.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonS3FullAccess")})
			return err
		},
		func() error {
			_, err := iamc.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("readers")})
			return err
		},
		func() error {
			_, err := iamc.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("g"),
				PolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::aud-two/shared/*"}]}`)})
			return err
		},
		func() error {
			_, err := iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("grouped")})
			return err
		},
		func() error {
			_, err := iamc.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("grouped"), GroupName: aws.String("readers")})
			return err
		},
		func() error {
			_, err := iamc.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("team-s3"),
				PolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::aud-one/team/*"}]}`)})
			return err
		},
		func() error {
			_, err := iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("managed")})
			return err
		},
		func() error {
			_, err := iamc.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("managed"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/team-s3")})
			return err
		},
		func() error {
			_, err := iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("no-s3")})
			return err
		},
		func() error {
			_, err := iamc.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("no-s3"), PolicyName: aws.String("ec2"),
				PolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}`)})
			return err
		},
	} {
		noErr(t, step())
	}

	keyID := regexp.MustCompile(`"AccessKeyId": "[A-Z0-9]+"`)
	date := regexp.MustCompile(`"CreateDate": "[^"]+"`)
	norm := func(s string) string {
		return date.ReplaceAllString(keyID.ReplaceAllString(s, `"AccessKeyId": "<key>"`), `"CreateDate": "<date>"`)
	}
	r := e.ok("audit", "--nl")
	got := norm(r.Stdout)
	for _, want := range []string{
		`{"Type": "user", "Name": "reader", "Bucket": "aud-one", "Access": "read-only", "Prefixes": ["in/", "out/"], "Keys": [], "Policy": "inline:s3.read-only.aud-one", "Expires": null, "AccessKeys": [{"AccessKeyId": "<key>", "Status": "Active", "CreateDate": "<date>", "LastUsedDate": null, "LastUsedService": null, "LastUsedRegion": null, "LastUsed": "never", "AgeDays": 0, "MadeByS3Credentials": true}]}`,
		`{"Type": "user", "Name": "both", "Bucket": "aud-one", "Access": "read-write", "Prefixes": [], "Keys": [], "Policy": "inline:s3.read-write.aud-one", "Expires": null, "AccessKeys": [{"AccessKeyId": "<key>", "Status": "Active", "CreateDate": "<date>", "LastUsedDate": null, "LastUsedService": null, "LastUsedRegion": null, "LastUsed": "never", "AgeDays": 0, "MadeByS3Credentials": true}]}`,
		`{"Type": "user", "Name": "both", "Bucket": "aud-two", "Access": "read-write", "Prefixes": [], "Keys": [], "Policy": "inline:s3.read-write.aud-two"`,
		`{"Type": "user", "Name": "writer", "Bucket": "aud-two", "Access": "write-only", "Prefixes": [], "Keys": [], "Policy": "inline:s3.write-only.aud-two"`,
		// --statement adds a statement on every bucket; what it gives on the
		// bucket itself is still the read-write shape.
		`{"Type": "user", "Name": "custom", "Bucket": "aud-two", "Access": "read-write", "Prefixes": [], "Keys": [], "Policy": "inline:s3.custom.aud-two"`,
		`{"Type": "user", "Name": "custom", "Bucket": "*", "Access": "custom", "Prefixes": [], "Keys": [], "Policy": "inline:s3.custom.aud-two"`,
		`{"Type": "user", "Name": "admin", "Bucket": "*", "Access": "full", "Prefixes": [], "Keys": [], "Policy": "arn:aws:iam::aws:policy/AmazonS3FullAccess", "Expires": null, "AccessKeys": []}`,
		`{"Type": "user", "Name": "grouped", "Bucket": "aud-two", "Access": "custom", "Prefixes": ["shared/"], "Keys": [], "Policy": "group:readers/inline:g", "Expires": null, "AccessKeys": []}`,
		// A customer managed policy, read with the account's details.
		`{"Type": "user", "Name": "managed", "Bucket": "aud-one", "Access": "custom", "Prefixes": ["team/"], "Keys": [], "Policy": "arn:aws:iam::123456789012:policy/team-s3", "Expires": null, "AccessKeys": []}`,
		`{"Type": "role", "Name": "s3-credentials.AmazonS3FullAccess", "Bucket": "*", "Access": "full", "Prefixes": [], "Keys": [], "Policy": "arn:aws:iam::aws:policy/AmazonS3FullAccess", "Expires": null}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("audit lacks\n%s\nin\n%s", want, got)
		}
	}
	if strings.Contains(got, "no-s3") {
		t.Errorf("a user without S3 access is listed:\n%s", got)
	}
	// Users first, in AWS's order, then roles.
	if i, j := strings.Index(got, `"Name": "reader"`), strings.Index(got, `"Type": "role"`); i < 0 || j < i {
		t.Errorf("order:\n%s", got)
	}

	// One bucket: grants on it and on every bucket, nothing on the other.
	one := norm(e.ok("audit", "aud-one", "--nl").Stdout)
	if strings.Contains(one, `"Bucket": "aud-two"`) || !strings.Contains(one, `"Name": "reader"`) || !strings.Contains(one, `"Name": "admin", "Bucket": "*"`) ||
		strings.Contains(one, `"Name": "writer"`) || strings.Contains(one, `"Name": "grouped"`) {
		t.Errorf("audit aud-one:\n%s", one)
	}
	// A bucket nobody can reach but through full access.
	if nobody := e.ok("audit", "aud-none", "--nl").Stdout; strings.Contains(nobody, `"Name": "reader"`) || !strings.Contains(nobody, `"Name": "admin"`) {
		t.Errorf("audit aud-none:\n%s", nobody)
	}
	csv := e.ok("audit", "aud-two", "--csv").Stdout
	if !strings.HasPrefix(csv, "Type,Name,Bucket,Access,Prefixes,Keys,Policy,Expires,AccessKeys\r\n") || !strings.Contains(csv, "role,s3-credentials.AmazonS3FullAccess,*,full,[],[],arn:aws:iam::aws:policy/AmazonS3FullAccess,,\r\n") {
		t.Errorf("csv:\n%s", csv)
	}
	// The default is a JSON array.
	if js := e.ok("audit", "aud-two").Stdout; !strings.HasPrefix(js, "[\n  {\n    \"Type\": \"user\",") || !strings.HasSuffix(js, "}\n]\n") {
		t.Errorf("json:\n%s", js)
	}
}
