package awsclient

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Timeouts of every AWS call. A call fails when it cannot connect within
// Connect, or when the endpoint stays silent for Read: no byte of the answer
// arrives, or it stops taking the bytes of the request. Read is a silence,
// not a limit on the whole call: a transfer goes on for as long as bytes
// keep moving.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultReadTimeout    = 20 * time.Second
	// NoTimeout, given as Options.ConnectTimeout or ReadTimeout, waits
	// forever (the flags' 0). Zero in Options means the default.
	NoTimeout time.Duration = -1
)

// SilentAttempts is how many attempts of one call may end in a timeout:
// after the second the call gives up, whatever the retry settings, so a
// silent endpoint costs at most two timeouts per call.
const SilentAttempts = 2

// timeouts are the resolved values: 0 means none.
type timeouts struct{ connect, read time.Duration }

func resolveTimeouts(o Options) timeouts {
	pick := func(d, def time.Duration) time.Duration {
		switch {
		case d == 0:
			return def
		case d < 0:
			return 0
		}
		return d
	}
	return timeouts{pick(o.ConnectTimeout, DefaultConnectTimeout), pick(o.ReadTimeout, DefaultReadTimeout)}
}

// loadHTTPClient is the HTTP client config loading gets: a BuildableClient,
// so that a CA bundle (AWS_CA_BUNDLE, ca_bundle) can be added to it. The
// clients that fetch credentials (SSO, STS for a role) are built from it
// while loading and keep it: the connect timeout, and the SDK's own read
// timeout on each connection.
func loadHTTPClient(t timeouts) *awshttp.BuildableClient {
	b := awshttp.NewBuildableClient().WithDialerOptions(func(d *net.Dialer) { d.Timeout = t.connect })
	if t.read > 0 {
		b = b.WithReadTimeout(t.read)
	}
	return b
}

// httpClient is the HTTP client of the IAM, STS and S3 clients: the loaded
// client with the tool's timeouts on each connection (watchedConn).
//
// The SDK's own WithReadTimeout (used above for the clients that fetch
// credentials, whose requests are small) restarts its clock on each read
// only. http.Transport waits for the answer from the moment a request is
// on its way, so an upload that takes longer than the timeout would fail
// while its bytes are still moving. watchedConn keeps what the SDK does and
// adds what it does not: a write restarts the clock, bytes of the request
// still in the send queue count as progress (a slow uplink), a write that
// stalls times out as well, and the error names the phase and the
// endpoint (timeoutError). The connect timeout is the dialer's.
type httpClient struct {
	aws.HTTPClient
	base *awshttp.BuildableClient
	t    timeouts
}

// newHTTPClient builds the client from the loaded one; idle is how many
// idle connections per host it keeps (0: the SDK's default).
func newHTTPClient(base *awshttp.BuildableClient, t timeouts, idle int) *httpClient {
	b := base.WithReadTimeout(0).WithTransportOptions(func(tr *http.Transport) {
		dial := tr.DialContext
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr)
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil && t.connect > 0 {
					return nil, &timeoutError{phase: phaseConnect, after: t.connect, err: err}
				}
				return nil, err
			}
			if t.read <= 0 {
				return c, nil
			}
			return &watchedConn{Conn: c, silence: t.read}, nil
		}
		if idle > 0 {
			tr.MaxIdleConns = idle
			tr.MaxIdleConnsPerHost = idle
		}
	})
	// Frozen: service clients leave a client that is not a BuildableClient
	// as it is, instead of putting their own timeouts on it.
	return &httpClient{HTTPClient: b.Freeze(), base: base, t: t}
}

// WithIdleConns returns a client with the same timeouts that keeps n idle
// connections per host, for commands running many requests at once.
func (c *httpClient) WithIdleConns(n int) aws.HTTPClient { return newHTTPClient(c.base, c.t, n) }

// watchedConn fails a read or a write that sees no progress for silence.
// Each read and each write starts the clock again, and a write also moves
// the deadline of a read that is waiting (the transport keeps one waiting
// on every connection, idle ones too): the answer has silence from the
// moment the request was sent. Bytes of the request still on their way
// count as progress too: on a slow uplink the last megabytes of an upload
// sit in the send queue long after the last write, and the answer cannot
// come before they arrive.
type watchedConn struct {
	net.Conn
	silence time.Duration
	// queued is the send queue when the read deadline was last set.
	queued atomic.Int64
}

func (c *watchedConn) Read(p []byte) (int, error) {
	for {
		if err := c.arm(); err != nil {
			return 0, err
		}
		n, err := c.Conn.Read(p)
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return n, err
		}
		if q := unsent(c.Conn); q > 0 && int64(q) < c.queued.Load() {
			continue // the peer is still taking the request in
		}
		return n, &timeoutError{phase: phaseRead, after: c.silence, err: err}
	}
}

// arm sets the read deadline and notes the send queue at that moment.
func (c *watchedConn) arm() error {
	c.queued.Store(int64(unsent(c.Conn)))
	return c.Conn.SetReadDeadline(time.Now().Add(c.silence))
}

func (c *watchedConn) Write(p []byte) (int, error) {
	written := 0
	for {
		if err := c.Conn.SetWriteDeadline(time.Now().Add(c.silence)); err != nil {
			return written, err
		}
		n, err := c.Conn.Write(p[written:])
		written += n
		if errors.Is(err, os.ErrDeadlineExceeded) {
			if n > 0 {
				continue // slow, but taken
			}
			return written, &timeoutError{phase: phaseWrite, after: c.silence, err: err}
		}
		_ = c.arm()
		return written, err
	}
}

type phase int

const (
	phaseConnect phase = iota
	phaseRead          // waiting for an answer
	phaseWrite         // sending the request
	phaseBody          // in the middle of an answer
	phaseBroken        // the answer was cut short
)

// timeoutError is a timeout on a connection, before the endpoint is known.
type timeoutError struct {
	phase phase
	after time.Duration
	err   error
}

func (e *timeoutError) Error() string   { return e.err.Error() }
func (e *timeoutError) Unwrap() error   { return e.err }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

// NetworkError is a call that got no usable answer from an endpoint: it
// could not connect, or the endpoint went silent.
type NetworkError struct {
	// Endpoint is the scheme and host the call went to.
	Endpoint string
	// Timeout is the timeout that ran out, 0 when none did.
	Timeout time.Duration
	phase   phase
	// Attempts is how many attempts of the call went unanswered.
	Attempts int
	final    bool
	Err      error
}

func (e *NetworkError) Unwrap() error { return e.Err }

// RetryableError tells the SDK's retryer whether to try again: not after
// SilentAttempts timeouts.
func (e *NetworkError) RetryableError() bool { return !e.final }

// IsTimeout reports whether a timeout ran out (as opposed to a refused or
// broken connection).
func (e *NetworkError) IsTimeout() bool { return e.Timeout > 0 }

func (e *NetworkError) Error() string {
	var msg string
	switch {
	case e.Timeout > 0 && e.phase == phaseConnect:
		msg = "could not connect to " + e.Endpoint + " within " + Seconds(e.Timeout) + " (--connect-timeout)"
	case e.Timeout > 0 && e.phase == phaseWrite:
		msg = e.Endpoint + " took no part of the request for " + Seconds(e.Timeout) + " (--read-timeout)"
	case e.Timeout > 0 && e.phase == phaseBody:
		msg = e.Endpoint + " went silent for " + Seconds(e.Timeout) + " in the middle of an answer (--read-timeout)"
	case e.Timeout > 0:
		msg = "no answer from " + e.Endpoint + " within " + Seconds(e.Timeout) + " (--read-timeout)"
	case e.phase == phaseBroken:
		msg = "the answer from " + e.Endpoint + " broke off half-way: " + rootCause(e.Err)
	case errors.Is(e.Err, syscall.ECONNREFUSED):
		msg = "could not connect to " + e.Endpoint + ": connection refused"
	default:
		msg = "could not reach " + e.Endpoint + ": " + rootCause(e.Err)
	}
	if e.Timeout > 0 && e.Attempts > 1 {
		msg += ", " + strconv.Itoa(e.Attempts) + " attempts"
	}
	return msg
}

// Seconds words a timeout: "20 seconds", "1 second", "0.5 seconds".
func Seconds(d time.Duration) string {
	s := strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	if s == "1" {
		return "1 second"
	}
	return s + " seconds"
}

// rootCause is the last message in err's chain that says more than its
// wrappers, e.g. "no such host" rather than the whole URL and dial text.
func rootCause(err error) string {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "cannot resolve " + dns.Name + ": " + dns.Err
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		var sc *os.SyscallError
		if errors.As(op.Err, &sc) {
			return sc.Err.Error()
		}
		return op.Err.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// endpointOf is scheme://host of a request.
func endpointOf(u *url.URL) string {
	if u == nil {
		return "the endpoint"
	}
	return u.Scheme + "://" + u.Host
}

type callStateKey struct{}

// callState is what one call (across its attempts) has met so far.
type callState struct{ silent int }

// addNetworkMiddleware puts the timeouts' bookkeeping on every call:
// unanswered attempts become NetworkErrors naming the endpoint, counted per
// call so a silent endpoint is not retried past SilentAttempts; answers
// that are not AWS's are refused (see answerCheck); and a body that goes
// silent half-way says so.
func addNetworkMiddleware(stack *middleware.Stack) error {
	if err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("S3CredentialsCallState",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(context.WithValue(ctx, callStateKey{}, &callState{}), in)
		}), middleware.Before); err != nil {
		return err
	}
	attempt := middleware.FinalizeMiddlewareFunc("S3CredentialsNetworkErrors", handleAttempt)
	var err error
	if _, ok := stack.Finalize.Get("Retry"); ok {
		// Right inside the retry loop: once per attempt.
		err = stack.Finalize.Insert(attempt, "Retry", middleware.After)
	} else {
		err = stack.Finalize.Add(attempt, middleware.After)
	}
	if err != nil {
		return err
	}
	return stack.Deserialize.Add(answerCheck{}, middleware.After)
}

func handleAttempt(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleFinalize(ctx, in)
	if err == nil || ctx.Err() != nil {
		return out, md, err
	}
	var ne *NetworkError
	if !errors.As(err, &ne) {
		// Not from a body that went silent: from the transport.
		var te *timeoutError
		var send *smithyhttp.RequestSendError
		isTimeout := errors.As(err, &te)
		var sdkTimeout *awshttp.ResponseTimeoutError
		if !isTimeout && errors.As(err, &sdkTimeout) {
			// From a client made while loading (see loadHTTPClient).
			te, isTimeout = &timeoutError{phase: phaseRead, after: sdkTimeout.TimeoutDur, err: err}, true
		}
		if !isTimeout && !errors.As(err, &send) {
			return out, md, err
		}
		var u *url.URL
		if req, ok := in.Request.(*smithyhttp.Request); ok {
			u = req.URL
		}
		ne = &NetworkError{Endpoint: endpointOf(u), Err: err}
		if isTimeout {
			ne.Timeout, ne.phase = te.after, te.phase
		}
		err = ne
	}
	if ne.Timeout > 0 {
		if st, ok := ctx.Value(callStateKey{}).(*callState); ok {
			st.silent++
			ne.Attempts = st.silent
			ne.final = st.silent >= SilentAttempts
		}
	}
	return out, md, err
}

// IsNetworkError reports whether err is a call that got no answer at all
// (no connection, or silence): commands working through many items stop
// at the first one instead of meeting the same silence item after item.
func IsNetworkError(err error) bool {
	var ne *NetworkError
	return errors.As(err, &ne)
}
