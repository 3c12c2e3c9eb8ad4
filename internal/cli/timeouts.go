package cli

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
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

func (v *secondsValue) Set(s string) error {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > maxTimeout.Seconds() {
		return errors.New("not a number of seconds")
	}
	d := time.Duration(f * float64(time.Second))
	switch {
	case f == 0:
		d = awsclient.NoTimeout
	case d < time.Millisecond:
		d = time.Millisecond
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
		"Seconds to wait for a connection to AWS (0: no limit)")
	fl.Var(newSecondsValue(&f.AWS.ReadTimeout, awsclient.DefaultReadTimeout), "read-timeout",
		"Seconds AWS may go silent, before answering or mid-transfer, before a call fails (0: no limit)")
}
