package awsclient

import (
	"context"
	"testing"

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
