package awsclient

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// DefaultMaxAttempts is how many times a call is tried before giving up on
// throttling, 5xx answers and dropped connections. The SDK's own default is
// 3; boto3, which the reference used, tries 5 times in its default mode, and
// a create that gives up half-way has to undo its work, so the tool keeps
// boto3's patience.
const DefaultMaxAttempts = 5

// MaxBackoff caps the wait between attempts (exponential with jitter: up
// to 1s, 2s, 4s, ...). It is the SDK's default; tests that inject
// failures shorten it.
var MaxBackoff = 20 * time.Second

// withRetries gives cfg DefaultMaxAttempts, unless the user chose a number
// of attempts or a retry mode (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE, or
// max_attempts and retry_mode in the profile), or a retryer.
func withRetries(cfg aws.Config) aws.Config {
	if cfg.RetryMaxAttempts != 0 || cfg.RetryMode != "" || cfg.Retryer != nil {
		return cfg
	}
	cfg.Retryer = func() aws.Retryer {
		return retry.AddWithMaxAttempts(retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxBackoff = MaxBackoff
		}), DefaultMaxAttempts)
	}
	return cfg
}
