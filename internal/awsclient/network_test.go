package awsclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// pipe is a TCP connection on loopback: the client side watched with
// silence, the server side plain.
func pipe(t *testing.T, silence time.Duration, rcvbuf int) (client *watchedConn, server net.Conn) {
	t.Helper()
	lc := net.ListenConfig{}
	if rcvbuf > 0 {
		// A small receive window keeps unread bytes in the client's send
		// queue, as a slow link does.
		lc.Control = func(_, _ string, c syscall.RawConn) error {
			return c.Control(func(fd uintptr) {
				syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf)
			})
		}
	}
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	t.Cleanup(func() { c.Close(); server.Close() })
	return &watchedConn{Conn: c, silence: silence}, server
}

func isPhase(err error, p phase) bool {
	var te *timeoutError
	return errors.As(err, &te) && te.phase == p
}

// A peer that says nothing: the read fails after the silence, not before.
func TestWatchedConnSilentPeer(t *testing.T) {
	c, _ := pipe(t, 300*time.Millisecond, 0)
	start := time.Now()
	_, err := c.Read(make([]byte, 10))
	took := time.Since(start)
	if !isPhase(err, phaseRead) {
		t.Fatalf("err %v", err)
	}
	if took < 300*time.Millisecond || took > 3*time.Second {
		t.Errorf("took %v", took)
	}
}

// Bytes that keep coming, each within the silence, are read for as long as
// they come: the timeout is no limit on the transfer.
func TestWatchedConnSlowButSteadyPeer(t *testing.T) {
	c, s := pipe(t, 500*time.Millisecond, 0)
	go func() {
		for range 8 {
			time.Sleep(200 * time.Millisecond)
			s.Write([]byte("0123456789"))
		}
		s.Close()
	}()
	start := time.Now()
	data, err := io.ReadAll(c)
	if err != nil || len(data) != 80 {
		t.Fatalf("%d bytes, %v", len(data), err)
	}
	if took := time.Since(start); took < 1500*time.Millisecond {
		t.Errorf("took %v: not slow", took)
	}
}

// A write moves the deadline of the read waiting for the answer: a
// connection that sat idle is not timed out the moment it is used.
func TestWatchedConnWriteRearmsRead(t *testing.T) {
	c, s := pipe(t, 600*time.Millisecond, 0)
	got := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 10))
		got <- err
	}()
	time.Sleep(400 * time.Millisecond) // idle, two thirds of the silence
	if _, err := c.Write([]byte("request")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond) // answered 0.8 s after the read began
	s.Write([]byte("answer"))
	if err := <-got; err != nil {
		t.Errorf("read: %v", err)
	}
}

// An upload over a slow link: the request's last bytes are still in the
// send queue long after the last write. While the peer keeps taking them,
// the wait for the answer is not a silence.
func TestWatchedConnSlowReceiver(t *testing.T) {
	c, s := pipe(t, 500*time.Millisecond, 4096)
	const size = 256 * 1024
	go func() {
		buf := make([]byte, 4096)
		for n := 0; n < size; {
			time.Sleep(30 * time.Millisecond)
			m, err := s.Read(buf)
			if err != nil {
				return
			}
			n += m
		}
		s.Write([]byte("done"))
	}()
	start := time.Now()
	if _, err := c.Write(bytes.Repeat([]byte("u"), size)); err != nil {
		t.Fatalf("write: %v", err)
	}
	b := make([]byte, 4)
	if _, err := io.ReadFull(c, b); err != nil || string(b) != "done" {
		t.Fatalf("read %q: %v", b, err)
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("took %v: the receiver was not slow", took)
	}
}

// A peer that stops taking the request: the write fails after the silence.
func TestWatchedConnStalledReceiver(t *testing.T) {
	c, _ := pipe(t, 300*time.Millisecond, 4096)
	start := time.Now()
	var err error
	for range 1000 { // until the buffers are full
		if _, err = c.Write(make([]byte, 64*1024)); err != nil {
			break
		}
	}
	if !isPhase(err, phaseWrite) {
		t.Fatalf("err %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v", took)
	}
}

// The whole client: a server that never answers costs SilentAttempts read
// timeouts, and the error names the endpoint and the flag.
func TestClientsGiveUpOnSilence(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	hits := make(chan struct{}, 100)
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits <- struct{}{}
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer srv.Close()
	defer close(stop)
	cfg, err := LoadConfig(context.Background(), Options{
		AccessKey: "a", SecretKey: "s", EndpointURL: srv.URL, ReadTimeout: 300 * time.Millisecond,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(cfg).STS.GetCallerIdentity(context.Background(), nil)
	want := "no answer from " + srv.URL + " within 0.3 seconds (--read-timeout), 2 attempts"
	if got := ErrorMessage(err); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if !IsNetworkError(err) || IsServiceError(err) {
		t.Errorf("IsNetworkError %v IsServiceError %v", IsNetworkError(err), IsServiceError(err))
	}
	if len(hits) != SilentAttempts {
		t.Errorf("%d requests, want %d", len(hits), SilentAttempts)
	}
}

// The defaults are what the documentation says, and a silent endpoint
// cannot keep a call going for two minutes with them.
func TestDefaultTimeouts(t *testing.T) {
	if DefaultConnectTimeout != 10*time.Second || DefaultReadTimeout != 20*time.Second || SilentAttempts != 2 {
		t.Errorf("defaults changed: connect %v read %v attempts %d: update docs/timeouts.md", DefaultConnectTimeout, DefaultReadTimeout, SilentAttempts)
	}
	if worst := time.Duration(SilentAttempts) * (DefaultConnectTimeout + DefaultReadTimeout); worst >= 2*time.Minute {
		t.Errorf("a silent endpoint may cost %v per call", worst)
	}
	got := resolveTimeouts(Options{})
	if got.connect != DefaultConnectTimeout || got.read != DefaultReadTimeout {
		t.Errorf("zero options resolve to %+v", got)
	}
	if got := resolveTimeouts(Options{ConnectTimeout: NoTimeout, ReadTimeout: NoTimeout}); got.connect != 0 || got.read != 0 {
		t.Errorf("NoTimeout resolves to %+v", got)
	}
	// The clients get the tool's HTTP client, not one a service would
	// put its own timeouts on.
	cfg, err := LoadConfig(context.Background(), Options{AccessKey: "a", SecretKey: "s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := New(cfg)
	for name, hc := range map[string]any{"s3": c.S3.Options().HTTPClient, "iam": c.IAM.Options().HTTPClient, "sts": c.STS.Options().HTTPClient} {
		if _, ok := hc.(*httpClient); !ok {
			t.Errorf("%s uses %T", name, hc)
		}
		if _, ok := hc.(*awshttp.BuildableClient); ok {
			t.Errorf("%s uses a BuildableClient", name)
		}
	}
	if msg := ErrorMessage(&NetworkError{Endpoint: "https://x", Timeout: 1500 * time.Millisecond, phase: phaseConnect}); !strings.Contains(msg, "within 1.5 seconds (--connect-timeout)") {
		t.Errorf("message %q", msg)
	}
}
