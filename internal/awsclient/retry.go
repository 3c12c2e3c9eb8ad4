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

// DefaultMaxBackoff caps the wait between attempts (exponential with
// jitter: up to 1s, 2s, 4s, ...). It is the SDK's default.
const DefaultMaxBackoff = 20 * time.Second

// withRetries gives cfg DefaultMaxAttempts, with waits between attempts
// capped at maxBackoff (DefaultMaxBackoff when zero), unless the user chose
// a number of attempts or a retry mode (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE, or
// max_attempts and retry_mode in the profile), or a retryer.
func withRetries(cfg aws.Config, maxBackoff time.Duration) aws.Config {
	if cfg.RetryMaxAttempts != 0 || cfg.RetryMode != "" || cfg.Retryer != nil {
		return cfg
	}
	if maxBackoff <= 0 {
		maxBackoff = DefaultMaxBackoff
	}
	cfg.Retryer = func() aws.Retryer {
		return retry.AddWithMaxAttempts(retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxBackoff = maxBackoff
		}), DefaultMaxAttempts)
	}
	return cfg
}
