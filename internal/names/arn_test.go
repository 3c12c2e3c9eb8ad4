package names

import "testing"

func TestParseRoleARN(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want RoleARN
		ok   bool
	}{
		{"arn:aws:iam::123456789012:role/X", RoleARN{"123456789012", "/", "X"}, true},
		{"arn:aws-cn:iam::123456789012:role/service-role/app/X", RoleARN{"123456789012", "/service-role/app/", "X"}, true},
		{"arn:aws:iam::role/s3-credentials.AmazonS3FullAccess", RoleARN{"", "/", "s3-credentials.AmazonS3FullAccess"}, true},
		{"X", RoleARN{}, false},
		{"arn:aws:iam::123456789012:user/X", RoleARN{}, false},
		{"arn:aws:iam::123456789012:role/", RoleARN{}, false},
		{"arn:aws:iam::123456789012:role/path/", RoleARN{}, false},
		{"arn:aws:s3:::bucket", RoleARN{}, false},
		{"arn:aws:iam:us-east-1:123456789012:role/X", RoleARN{}, false},
	} {
		got, ok := ParseRoleARN(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRoleARN(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	if err := CheckRoleNameOrARN("arn:aws:iam::123456789012:role/bad name"); err == nil {
		t.Error("a role ARN with an invalid name was accepted")
	}
	if err := CheckRoleNameOrARN("arn:aws:iam::123456789012:role/good"); err != nil {
		t.Error(err)
	}
}
