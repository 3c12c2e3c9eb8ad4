package awsclient

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// NoCredentialsError says that none of the places the SDK looks in held
// credentials. The last of them is the EC2 instance metadata; Reason says
// why it gave none.
type NoCredentialsError struct {
	Profile         string
	CredentialsFile string
	ConfigFile      string
	Reason          string
}

func (e *NoCredentialsError) Error() string {
	return "no AWS credentials found. Looked for them in: the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); " +
		"profile \"" + e.Profile + "\" in " + e.CredentialsFile + " and " + e.ConfigFile + "; " +
		"the EC2 instance metadata (" + e.Reason + "). " +
		"Give them with --access-key and --secret-key, --auth FILE or --profile NAME, or in one of those places"
}

// RetryableError keeps the SDK from asking again: the answer will not change.
func (e *NoCredentialsError) RetryableError() bool { return false }

// noCredentials stands in front of the instance-metadata provider, which
// the SDK falls back to when nothing else is configured: its failure means
// there are no credentials at all.
type noCredentials struct {
	inner aws.CredentialsProvider
	where NoCredentialsError
}

func (p *noCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := p.inner.Retrieve(ctx)
	if err != nil && ctx.Err() == nil {
		e := p.where
		e.Reason = imdsReason(err)
		return c, &e
	}
	return c, err
}

func imdsReason(err error) string {
	var ne *NetworkError
	var send interface{ ConnectionError() bool }
	switch {
	case strings.Contains(err.Error(), "AWS_EC2_METADATA_DISABLED"):
		return "turned off by AWS_EC2_METADATA_DISABLED"
	case errors.As(err, &ne) || errors.As(err, &send):
		return "no answer, so not on EC2"
	}
	return "no instance role"
}

// withNoCredentialsCheck replaces the SDK's fallback to the instance
// metadata with one that fails fast (the metadata client's own short
// timeouts, one attempt per request) and says where credentials were
// looked for.
func withNoCredentialsCheck(cfg aws.Config, o Options) aws.Config {
	if !aws.IsCredentialsProvider(cfg.Credentials, (*ec2rolecreds.Provider)(nil)) {
		return cfg
	}
	imdsCfg := cfg.Copy()
	imdsCfg.HTTPClient = nil // the metadata client then uses its own fast timeouts
	client := imds.NewFromConfig(imdsCfg, func(io *imds.Options) {
		io.Retryer = retry.AddWithMaxAttempts(retry.NewStandard(), 1)
	})
	profile := o.Profile
	if profile == "" {
		profile = os.Getenv("AWS_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	cfg.Credentials = aws.NewCredentialsCache(&noCredentials{
		inner: ec2rolecreds.New(func(eo *ec2rolecreds.Options) { eo.Client = client }),
		where: NoCredentialsError{
			Profile:         profile,
			CredentialsFile: shortPath(envOr("AWS_SHARED_CREDENTIALS_FILE", config.DefaultSharedCredentialsFilename())),
			ConfigFile:      shortPath(envOr("AWS_CONFIG_FILE", config.DefaultSharedConfigFilename())),
		},
	})
	return cfg
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// shortPath writes a path under the home directory with ~.
func shortPath(p string) string {
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		if rel, err := filepath.Rel(home, p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.Join("~", rel)
		}
	}
	return p
}

// InvalidCredentialsError is STS refusing the credentials themselves.
type InvalidCredentialsError struct {
	Code, Message string
}

func (e *InvalidCredentialsError) Error() string {
	var what string
	switch e.Code {
	case "InvalidClientTokenId", "InvalidAccessKeyId", "UnrecognizedClientException":
		what = "the access key is invalid: AWS does not know it"
	case "SignatureDoesNotMatch":
		what = "the access key is invalid: the secret key does not match it"
	case "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "RequestExpired":
		what = "the credentials have expired"
	default:
		what = "the session token is invalid"
	}
	msg := what + " (STS GetCallerIdentity: " + e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg + ")"
}

// invalidCredentialCodes are the errors with which AWS refuses the
// credentials of a call, rather than the call.
var invalidCredentialCodes = map[string]bool{
	"InvalidClientTokenId":        true,
	"InvalidAccessKeyId":          true,
	"UnrecognizedClientException": true,
	"SignatureDoesNotMatch":       true,
	"ExpiredToken":                true,
	"ExpiredTokenException":       true,
	"TokenRefreshRequired":        true,
	"RequestExpired":              true,
	"InvalidToken":                true,
}

// CallerIdentifier is the STS call CheckCredentials makes.
type CallerIdentifier interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// CheckCredentials tells a 403 that means "not these credentials" from
// one that means "not this resource": S3 answers a HEAD with a bare 403
// either way. It asks STS who the caller is, which any valid credentials
// may, and returns an InvalidCredentialsError when STS refuses the
// credentials themselves, nil otherwise.
func CheckCredentials(ctx context.Context, s CallerIdentifier) error {
	_, err := s.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && invalidCredentialCodes[apiErr.ErrorCode()] {
		return &InvalidCredentialsError{Code: apiErr.ErrorCode(), Message: apiErr.ErrorMessage()}
	}
	return nil
}
