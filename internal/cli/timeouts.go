package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/timespec"
)

// secondsValue is a timeout flag in seconds, fractions allowed; 0 means no
// timeout. It fills a time.Duration of awsclient.Options, where 0 is the
// default and awsclient.NoTimeout none.
type secondsValue struct{ d *time.Duration }

func newSecondsValue(d *time.Duration, def time.Duration) *secondsValue {
	*d = def
	return &secondsValue{d}
}

// maxTimeout bounds the flags to something a time.Duration holds.
const maxTimeout = 24 * time.Hour

// Set reads a length of time as every option does (timespec: 20, 2.5,
// 90s, 1m): 0 for none, else from 1 millisecond to 24 hours, refused in
// words outside that.
func (v *secondsValue) Set(s string) error {
	d, err := timespec.Parse(s)
	if err != nil {
		return err
	}
	if d == 0 {
		*v.d = awsclient.NoTimeout
		return nil
	}
	if d < time.Millisecond || d > maxTimeout {
		return fmt.Errorf("must be 0 (no limit) or between 1 millisecond and 24 hours, not %s", timespec.Words(d))
	}
	*v.d = d
	return nil
}

func (v *secondsValue) String() string {
	if v.d == nil || *v.d == 0 {
		return ""
	}
	if *v.d < 0 {
		return "0"
	}
	return strconv.FormatFloat(v.d.Seconds(), 'f', -1, 64)
}

func (v *secondsValue) Type() string { return "seconds" }

// addTimeoutFlags adds --connect-timeout and --read-timeout.
func (f *Factory) addTimeoutFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.Var(newSecondsValue(&f.AWS.ConnectTimeout, awsclient.DefaultConnectTimeout), "connect-timeout",
		"How long to wait for a connection to AWS, in seconds or as 1m, 90s (0: no limit)")
	fl.Var(newSecondsValue(&f.AWS.ReadTimeout, awsclient.DefaultReadTimeout), "read-timeout",
		"How long AWS may go silent, before answering or mid-transfer, before a call fails: seconds or 1m, 90s (0: no limit)")
}
