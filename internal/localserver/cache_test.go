package localserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// source is a credentials provider that counts fetches and hands out
// numbered credentials that last life from the fake clock's now. fail makes fetches fail; gate, when set, holds
// each fetch until it is closed.
type source struct {
	clock *clock
	life  time.Duration
	calls atomic.Int64
	fail  atomic.Bool
	delay time.Duration
	gate  chan struct{}
}

func (s *source) Retrieve(ctx context.Context) (aws.Credentials, error) {
	n := s.calls.Add(1)
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return aws.Credentials{}, ctx.Err()
		}
	}
	if s.delay > 0 {
		time.Sleep(s.delay)
	}
	if s.fail.Load() {
		return aws.Credentials{}, errors.New("AccessDenied: STS is down")
	}
	return aws.Credentials{
		AccessKeyID:     fmt.Sprintf("ASIA%04d", n),
		SecretAccessKey: fmt.Sprintf("secret-%d", n),
		SessionToken:    fmt.Sprintf("token-%d", n),
		Source:          "test",
		CanExpire:       true,
		Expires:         s.clock.now().Add(s.life),
	}, nil
}

// logSink collects log lines.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) log(s string) {
	l.mu.Lock()
	l.lines = append(l.lines, s)
	l.mu.Unlock()
}

func (l *logSink) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func newTestCache(life time.Duration) (*Cache, *source, *clock, *logSink) {
	clk := newClock()
	src := &source{clock: clk, life: life}
	logs := &logSink{}
	return NewCache(src, clk.now, logs.log), src, clk, logs
}

// waitFor polls cond for up to 5 s: background refreshes run on their own
// goroutine.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func mustGet(t *testing.T, c *Cache) *Entry {
	t.Helper()
	e, err := c.Get(context.Background())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return e
}

func TestMargins(t *testing.T) {
	start := newClock().now()
	for _, tc := range []struct {
		life, margin time.Duration
	}{
		{15 * time.Minute, 3 * time.Minute},   // a fifth
		{12 * time.Hour, 144 * time.Minute},   // a fifth
		{4 * time.Minute, 60 * time.Second},   // at least a minute
		{100 * time.Second, 50 * time.Second}, // never more than half
	} {
		e := newEntry(aws.Credentials{CanExpire: true, Expires: start.Add(tc.life)}, start)
		if got := e.Expires.Sub(e.HandOutUntil); got != tc.margin {
			t.Errorf("life %s: margin %s, want %s", tc.life, got, tc.margin)
		}
		if got := e.Expires.Sub(e.RefreshAt); got != 2*tc.margin {
			t.Errorf("life %s: refresh %s before expiry, want %s", tc.life, got, 2*tc.margin)
		}
	}
}

func TestRefreshAheadTiming(t *testing.T) {
	c, src, clk, _ := newTestCache(15 * time.Minute)
	first := mustGet(t, c)
	if src.calls.Load() != 1 || first.AccessKeyID != "ASIA0001" {
		t.Fatalf("first Get: calls %d, key %s", src.calls.Load(), first.AccessKeyID)
	}
	// Margin is 3 minutes: refresh starts 6 minutes before expiry, at 9m.
	clk.advance(9*time.Minute - time.Second)
	for range 100 {
		if e := mustGet(t, c); e != first {
			t.Fatal("fresh credentials were replaced")
		}
	}
	if n := src.calls.Load(); n != 1 {
		t.Fatalf("%d fetches before the refresh point, want 1", n)
	}
	clk.advance(time.Second)
	// In the refresh window the current credentials are served at once and
	// a refresh starts in the background.
	if e := mustGet(t, c); e != first {
		t.Fatal("Get in the refresh window waited for the refresh")
	}
	waitFor(t, "background refresh", func() bool { return c.Current() != first })
	if n := src.calls.Load(); n != 2 {
		t.Fatalf("%d fetches after one refresh, want 2", n)
	}
	second := mustGet(t, c)
	if second.AccessKeyID != "ASIA0002" {
		t.Fatalf("after refresh got %s", second.AccessKeyID)
	}
	left := second.Expires.Sub(clk.now())
	if left != 15*time.Minute {
		t.Fatalf("new credentials have %s left", left)
	}
}

// Credentials are never handed out in their last fifth: an idle server
// whose background refresh did not run makes the client wait for new ones.
func TestNeverHandsOutNearExpiry(t *testing.T) {
	c, src, clk, _ := newTestCache(15 * time.Minute)
	first := mustGet(t, c)
	clk.advance(12*time.Minute + time.Second) // 2m59s left < 3m margin
	e := mustGet(t, c)
	if e == first || src.calls.Load() != 2 {
		t.Fatalf("served credentials with %s left (calls %d)", first.Expires.Sub(clk.now()), src.calls.Load())
	}
	if left := e.Expires.Sub(clk.now()); left < 3*time.Minute {
		t.Fatalf("served credentials with only %s left", left)
	}
}

// 500 concurrent requests on a cold cache make exactly one fetch.
func TestColdCacheSingleFlight(t *testing.T) {
	c, src, _, _ := newTestCache(time.Hour)
	src.gate = make(chan struct{})
	const n = 500
	var wg sync.WaitGroup
	var started sync.WaitGroup
	started.Add(n)
	keys := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			e, err := c.Get(context.Background())
			errs[i] = err
			if e != nil {
				keys[i] = e.AccessKeyID
			}
		}()
	}
	started.Wait()
	waitFor(t, "the fetch to start", func() bool { return src.calls.Load() == 1 })
	time.Sleep(20 * time.Millisecond) // let the stragglers join the flight
	close(src.gate)
	wg.Wait()
	if got := src.calls.Load(); got != 1 {
		t.Fatalf("%d fetches for %d concurrent requests, want 1", got, n)
	}
	for i := range n {
		if errs[i] != nil || keys[i] != "ASIA0001" {
			t.Fatalf("request %d: %v %q", i, errs[i], keys[i])
		}
	}
}

// At an expiring cache: 500 concurrent requests in the refresh window all
// get the current credentials at once and cause one fetch; past the
// hand-out limit they all wait for one fetch.
func TestExpiringCacheSingleFlight(t *testing.T) {
	for _, tc := range []struct {
		name    string
		advance time.Duration
		blocks  bool
	}{
		{"refresh window", 10 * time.Minute, false},
		{"past hand-out limit", 13 * time.Minute, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, src, clk, _ := newTestCache(15 * time.Minute)
			first := mustGet(t, c)
			src.gate = make(chan struct{})
			clk.advance(tc.advance)
			const n = 500
			var wg sync.WaitGroup
			var served atomic.Int64
			results := make([]*Entry, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					e, err := c.Get(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					results[i] = e
					served.Add(1)
				}()
			}
			if !tc.blocks {
				// Nobody waits for STS in the refresh window.
				waitFor(t, "all requests served from cache", func() bool { return served.Load() == n })
			} else {
				time.Sleep(50 * time.Millisecond)
				if served.Load() != 0 {
					t.Fatalf("%d requests got credentials within the margin", served.Load())
				}
			}
			close(src.gate)
			wg.Wait()
			waitFor(t, "refresh", func() bool { return c.Current() != first })
			if got := src.calls.Load(); got != 2 {
				t.Fatalf("%d fetches in total, want 2 (one refresh for %d requests)", got, n)
			}
			for i, e := range results {
				want := first
				if tc.blocks {
					want = c.Current()
				}
				if e != want {
					t.Fatalf("request %d got %s", i, e.AccessKeyID)
				}
			}
		})
	}
}

// STS failing during the refresh window: the current credentials keep
// being served, the failure is logged, retries back off; past the
// hand-out limit the failure reaches the client; then STS recovers.
func TestRefreshFailureThenRecovery(t *testing.T) {
	c, src, clk, logs := newTestCache(15 * time.Minute)
	first := mustGet(t, c)
	src.fail.Store(true)
	clk.advance(9 * time.Minute)
	if e := mustGet(t, c); e != first {
		t.Fatal("did not serve the current credentials")
	}
	waitFor(t, "failed refresh", func() bool { return strings.Contains(logs.text(), "Could not refresh") })
	waitFor(t, "flight to end", func() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.inflight == nil })
	if !strings.Contains(logs.text(), "AccessDenied: STS is down") || !strings.Contains(logs.text(), "still serving") {
		t.Fatalf("log: %s", logs.text())
	}
	// Within the backoff, requests neither wait nor call STS again. Each
	// request waits for any flight it started to end, so a request that
	// did start one is counted.
	noFlight := func() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.inflight == nil }
	for range 50 {
		if e := mustGet(t, c); e != first {
			t.Fatal("did not serve the current credentials")
		}
		waitFor(t, "flight to end", noFlight)
	}
	if n := src.calls.Load(); n != 2 {
		t.Fatalf("%d fetches during backoff, want 2", n)
	}
	clk.advance(MinBackoff)
	mustGet(t, c)
	waitFor(t, "retry", func() bool { return src.calls.Load() == 3 })

	// Past the hand-out limit, the error is what clients get.
	clk.advance(3*time.Minute + time.Second)
	if _, err := c.Get(context.Background()); err == nil || !strings.Contains(err.Error(), "STS is down") {
		t.Fatalf("Get near expiry while STS fails: %v", err)
	}
	src.fail.Store(false)
	clk.advance(MaxBackoff)
	e := mustGet(t, c)
	if e == first || e.Expires.Sub(clk.now()) != 15*time.Minute {
		t.Fatalf("after recovery got %s expiring in %s", e.AccessKeyID, e.Expires.Sub(clk.now()))
	}
	if !strings.Contains(logs.text(), "after earlier failures") {
		t.Fatalf("recovery not logged: %s", logs.text())
	}
	for _, secret := range []string{"secret-", "token-"} {
		if strings.Contains(logs.text(), secret) {
			t.Fatalf("log holds a secret: %s", logs.text())
		}
	}
}

// A cold cache whose first fetch fails returns the error, backs off, and
// recovers.
func TestColdFailureBacksOff(t *testing.T) {
	c, src, clk, _ := newTestCache(time.Hour)
	src.fail.Store(true)
	for range 10 {
		if _, err := c.Get(context.Background()); err == nil {
			t.Fatal("Get succeeded while the source fails")
		}
	}
	if n := src.calls.Load(); n != 1 {
		t.Fatalf("%d fetches within the backoff, want 1", n)
	}
	src.fail.Store(false)
	clk.advance(MinBackoff)
	if e := mustGet(t, c); e.AccessKeyID != "ASIA0002" {
		t.Fatalf("got %s", e.AccessKeyID)
	}
}

// A client giving up does not cancel the fetch the others wait for.
func TestCallerCancelDoesNotAbortFetch(t *testing.T) {
	c, src, _, _ := newTestCache(time.Hour)
	src.gate = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := c.Get(ctx); done <- err }()
	waitFor(t, "fetch", func() bool { return src.calls.Load() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Get: %v", err)
	}
	close(src.gate)
	waitFor(t, "fetch to finish", func() bool { return c.Current() != nil })
	if e := mustGet(t, c); e.AccessKeyID != "ASIA0001" || src.calls.Load() != 1 {
		t.Fatalf("got %s after %d fetches", e.AccessKeyID, src.calls.Load())
	}
}

// Run renews credentials of an idle server before anyone asks.
func TestRunRefreshesIdleServer(t *testing.T) {
	c, src, clk, _ := newTestCache(15 * time.Minute)
	first := mustGet(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx, time.Millisecond); close(done) }()
	time.Sleep(20 * time.Millisecond)
	if src.calls.Load() != 1 {
		t.Fatal("Run refreshed fresh credentials")
	}
	clk.advance(9 * time.Minute)
	waitFor(t, "Run to refresh", func() bool { return c.Current() != first })
	time.Sleep(20 * time.Millisecond)
	if n := src.calls.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
	cancel()
	<-done
}

// What a provider returns that cannot be served is a failure like any
// other: the client gets the reason, the cache backs off, nothing is cached.
func TestUnservableCredentialsAreAnError(t *testing.T) {
	start := newClock().now()
	good := aws.Credentials{AccessKeyID: "ASIA1", SecretAccessKey: "s", SessionToken: "t", CanExpire: true, Expires: start.Add(time.Hour)}
	for _, tc := range []struct {
		name string
		edit func(*aws.Credentials)
		want string
	}{
		{"expired", func(c *aws.Credentials) { c.Expires = start.Add(-time.Second) }, "expire at 2026-01-02T03:04:04Z, which is not in the future"},
		{"expiring now", func(c *aws.Credentials) { c.Expires = start }, "not in the future"},
		{"never expires", func(c *aws.Credentials) { c.CanExpire = false }, "no expiry time"},
		{"no expiry time", func(c *aws.Credentials) { c.Expires = time.Time{} }, "not in the future"},
		{"no access key", func(c *aws.Credentials) { c.AccessKeyID = "" }, "no access key or no secret key"},
		{"no secret key", func(c *aws.Credentials) { c.SecretAccessKey = "" }, "no access key or no secret key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			creds := good
			tc.edit(&creds)
			var calls atomic.Int64
			c := NewCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				calls.Add(1)
				return creds, nil
			}), clk.now, nil)
			for range 3 {
				if e, err := c.Get(context.Background()); err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Get: %v, %v; want error containing %q", e, err, tc.want)
				}
			}
			if c.Current() != nil || calls.Load() != 1 {
				t.Fatalf("cached %v after %d calls; want nothing after 1 (backoff)", c.Current(), calls.Load())
			}
		})
	}
	// The unchanged credentials are served: the cases above fail for the
	// reason they name.
	c := NewCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return good, nil }), newClock().now, nil)
	if e := mustGet(t, c); e.AccessKeyID != "ASIA1" {
		t.Fatalf("got %s", e.AccessKeyID)
	}
}
