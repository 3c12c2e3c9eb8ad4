package awsclient

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestRetryAttempts(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	attempts := func(t *testing.T) (int, aws.RetryMode) {
		t.Helper()
		cfg, err := LoadConfig(context.Background(), Options{AccessKey: "a", SecretKey: "s", Region: "us-east-1"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := New(cfg)
		o := c.IAM.Options()
		if o.RetryMaxAttempts != 0 {
			return o.RetryMaxAttempts, o.RetryMode
		}
		return o.Retryer.MaxAttempts(), o.RetryMode
	}
	t.Run("default", func(t *testing.T) {
		if n, _ := attempts(t); n != DefaultMaxAttempts {
			t.Errorf("max attempts %d, want %d", n, DefaultMaxAttempts)
		}
	})
	t.Run("AWS_MAX_ATTEMPTS wins", func(t *testing.T) {
		t.Setenv("AWS_MAX_ATTEMPTS", "2")
		if n, _ := attempts(t); n != 2 {
			t.Errorf("max attempts %d, want 2", n)
		}
	})
	t.Run("AWS_RETRY_MODE is kept", func(t *testing.T) {
		t.Setenv("AWS_RETRY_MODE", "adaptive")
		if _, mode := attempts(t); mode != aws.RetryModeAdaptive {
			t.Errorf("retry mode %q, want adaptive", mode)
		}
	})
}

// Options.MaxBackoff caps the wait between attempts of the clients built
// from that configuration; left at zero, the cap is DefaultMaxBackoff. The
// waits are random (jitter) below the cap, so the test looks at twenty.
func TestRetryMaxBackoff(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	longest := func(maxBackoff time.Duration) (most time.Duration) {
		t.Helper()
		o := Options{AccessKey: "a", SecretKey: "s", Region: "us-east-1", MaxBackoff: maxBackoff}
		cfg, err := LoadConfig(context.Background(), o, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := New(cfg).S3.Options().Retryer
		for attempt := 5; attempt < 25; attempt++ {
			d, err := r.RetryDelay(attempt, errors.New("throttled"))
			if err != nil {
				t.Fatal(err)
			}
			most = max(most, d)
		}
		return most
	}
	if most := longest(5 * time.Millisecond); most > 5*time.Millisecond {
		t.Errorf("MaxBackoff 5ms: waited up to %v", most)
	}
	// Twenty waits all under a second would be a cap far below 20s (the
	// odds of it by chance are about 1 in 10^26).
	if most := longest(0); most > DefaultMaxBackoff || most < time.Second {
		t.Errorf("no MaxBackoff: longest of twenty waits %v, want at most %v and not all tiny", most, DefaultMaxBackoff)
	}
}
