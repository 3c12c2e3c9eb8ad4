package presign

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// SessionClient is base signing with a session's credentials instead of
// its own (--scoped), keeping every other setting (endpoint, region,
// addressing).
func SessionClient(base *s3.Client, accessKeyID, secretAccessKey, sessionToken string, expires time.Time) *s3.Client {
	return s3.New(base.Options(), func(o *s3.Options) {
		o.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{
				AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey, SessionToken: sessionToken,
				CanExpire: true, Expires: expires, Source: "AssumeRole",
			}, nil
		})
	})
}
