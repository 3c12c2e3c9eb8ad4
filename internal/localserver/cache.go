// Package localserver serves temporary credentials over HTTP on a local
// port: an http.Handler speaking the credential_process format and the AWS
// container-credentials format, a cache that refreshes credentials ahead of
// their expiry with exactly one call to the provider per refresh, and an
// optional access token. It knows nothing about cobra or AWS clients: the
// credentials come from an aws.CredentialsProvider (for s3-credentials: one
// AssumeRole per Retrieve), the time from an injected clock.
package localserver

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Timing of refreshes. A set of credentials whose lifetime (from when it was
// fetched to its expiry) is L gets a margin M = max(L/5, MinMargin), capped
// at L/2:
//
//   - it is never handed out during its last M (the client must be able to
//     use it for a while);
//   - from 2M before expiry it is refreshed in the background while still
//     being served, so clients normally never wait for STS;
//   - when a background refresh fails it is retried with backoff, and the
//     current credentials keep being served until their last M.
const (
	MinMargin = 60 * time.Second
	// FetchTimeout bounds one call to the provider.
	FetchTimeout = 90 * time.Second
	// Backoff after a failed refresh starts at MinBackoff and doubles up
	// to MaxBackoff.
	MinBackoff = time.Second
	MaxBackoff = 30 * time.Second
)

// Entry is a set of credentials as cached, with the times that govern it.
// Its credentials always expire (CanExpire is set, Expires is after Fetched).
type Entry struct {
	aws.Credentials
	Fetched      time.Time // when the provider returned it
	RefreshAt    time.Time // background refresh starts here
	HandOutUntil time.Time // never served from here on

	bodyOnce      sync.Once
	processBody   []byte
	containerBody []byte
}

func newEntry(c aws.Credentials, fetched time.Time) *Entry {
	life := c.Expires.Sub(fetched)
	margin := max(life/5, MinMargin)
	if margin > life/2 {
		margin = life / 2
	}
	return &Entry{
		Credentials:  c,
		Fetched:      fetched,
		HandOutUntil: c.Expires.Add(-margin),
		RefreshAt:    c.Expires.Add(-2 * margin),
	}
}

// flight is one call to the provider; everyone who needs it waits on done.
type flight struct {
	done chan struct{}
	e    *Entry
	err  error
}

// Cache holds the current credentials and refreshes them.
type Cache struct {
	// ErrorText turns a fetch error into the text logged and sent to
	// clients (nil: err.Error()). Set it before use.
	ErrorText func(error) string

	src aws.CredentialsProvider
	now func() time.Time
	log func(string)

	cur atomic.Pointer[Entry]

	mu       sync.Mutex
	inflight *flight
	failures int       // consecutive failed fetches
	nextTry  time.Time // no new fetch before this after a failure
	lastErr  error     // the last failure, returned while backing off
	base     context.Context
}

// NewCache returns an empty cache over the provider src. now is the clock (nil: the real
// one); log receives one line per refresh and per failure (nil: dropped).
// Lines never contain a secret.
func NewCache(src aws.CredentialsProvider, now func() time.Time, log func(string)) *Cache {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = func(string) {}
	}
	return &Cache{src: src, now: now, log: log, base: context.Background()}
}

// Current is the cached entry, whatever its state, or nil.
func (c *Cache) Current() *Entry { return c.cur.Load() }

// Get returns credentials fit to hand out: at least the margin left before
// they expire. Fresh cached credentials are returned at once (the common
// case costs an atomic load and a clock read); credentials in their refresh
// window are returned at once too, after starting a background refresh;
// otherwise Get waits for the one refresh in flight. ctx bounds the wait
// only: the refresh itself carries on for the other callers.
func (c *Cache) Get(ctx context.Context) (*Entry, error) {
	now := c.now()
	e := c.cur.Load()
	if e != nil && now.Before(e.RefreshAt) {
		return e, nil
	}
	if e != nil && now.Before(e.HandOutUntil) {
		c.refreshInBackground(now)
		return e, nil
	}
	f, err := c.start(now)
	if err != nil {
		return nil, err
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if f.err == nil {
		return f.e, nil
	}
	// The refresh failed; a concurrent one may still have succeeded.
	if e := c.cur.Load(); e != nil && c.now().Before(e.HandOutUntil) {
		return e, nil
	}
	return nil, f.err
}

// Refresh makes sure a refresh is attempted when one is due, and waits for
// it. Run calls it on every tick; tests call it to drive refreshes with a
// fake clock.
func (c *Cache) Refresh(ctx context.Context) error {
	now := c.now()
	if e := c.cur.Load(); e != nil && now.Before(e.RefreshAt) {
		return nil
	}
	f, err := c.start(now)
	if err != nil {
		return err
	}
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run refreshes in the background until ctx is cancelled, checking every
// interval (a second when zero), so an idle server's credentials are
// renewed before a client has to wait for it. Fetches started after Run
// use ctx, so cancelling it also aborts a refresh in flight.
func (c *Cache) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = time.Second
	}
	c.mu.Lock()
	c.base = ctx
	c.mu.Unlock()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = c.Refresh(ctx)
		}
	}
}

func (c *Cache) refreshInBackground(now time.Time) {
	_, _ = c.start(now)
}

var errNoCredentials = errors.New("no credentials yet")

// start returns the flight in progress, or starts one unless a recent
// failure asks to wait; then it returns the failure.
func (c *Cache) start(now time.Time) (*flight, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.inflight; f != nil {
		return f, nil
	}
	if now.Before(c.nextTry) {
		if e := c.cur.Load(); e != nil && now.Before(e.HandOutUntil) {
			// Backing off while the current credentials are still good.
			return &flight{done: closed, e: e}, nil
		}
		err := c.lastErr
		if err == nil {
			err = errNoCredentials
		}
		return nil, err
	}
	f := &flight{done: make(chan struct{})}
	c.inflight = f
	go c.fetch(f, c.base)
	return f, nil
}

var closed = func() chan struct{} { ch := make(chan struct{}); close(ch); return ch }()

func (c *Cache) fetch(f *flight, base context.Context) {
	defer close(f.done)
	defer func() {
		c.mu.Lock()
		c.inflight = nil
		c.mu.Unlock()
	}()
	// Between a caller's check and this flight, an earlier flight may have
	// stored fresh credentials: then there is nothing to fetch.
	if e := c.cur.Load(); e != nil && c.now().Before(e.RefreshAt) {
		f.e = e
		return
	}
	ctx, cancel := context.WithTimeout(base, FetchTimeout)
	defer cancel()
	creds, err := c.src.Retrieve(ctx)
	now := c.now()
	if err == nil {
		err = checkCredentials(creds, now)
	}
	if err != nil {
		c.mu.Lock()
		c.failures++
		backoff := MinBackoff << min(c.failures-1, 10)
		if backoff > MaxBackoff {
			backoff = MaxBackoff
		}
		c.nextTry = now.Add(backoff)
		c.lastErr = err
		c.mu.Unlock()
		f.err = err
		if e := c.cur.Load(); e != nil && now.Before(e.HandOutUntil) {
			c.log(fmt.Sprintf("Could not refresh credentials (retrying in %s): %s; still serving the current ones, valid until %s",
				backoff, c.errorText(err), e.Expires.UTC().Format(time.RFC3339)))
		} else {
			c.log(fmt.Sprintf("Could not get credentials (retrying in %s): %s", backoff, c.errorText(err)))
		}
		return
	}
	e := newEntry(creds, now)
	first := c.cur.Swap(e) == nil
	c.mu.Lock()
	recovered := c.failures > 0
	c.failures, c.nextTry, c.lastErr = 0, time.Time{}, nil
	c.mu.Unlock()
	f.e = e
	if first && !recovered {
		return // the start-up lines say it all
	}
	msg := "Got new credentials"
	if recovered {
		msg = "Got new credentials after earlier failures"
	}
	c.log(fmt.Sprintf("%s; they expire at %s, refresh from %s", msg,
		e.Expires.UTC().Format(time.RFC3339), e.RefreshAt.UTC().Format(time.RFC3339)))
}

// checkCredentials refuses what the server must not hand out: credentials
// without keys, without an expiry time, or already expired.
func checkCredentials(creds aws.Credentials, now time.Time) error {
	switch {
	case !creds.HasKeys():
		return errors.New("the credentials received have no access key or no secret key")
	case !creds.CanExpire:
		return errors.New("the credentials received have no expiry time; only temporary credentials can be served")
	case !creds.Expires.After(now):
		return fmt.Errorf("the credentials received expire at %s, which is not in the future", creds.Expires.UTC().Format(time.RFC3339))
	}
	return nil
}

func (c *Cache) errorText(err error) string {
	if c.ErrorText != nil {
		return c.ErrorText(err)
	}
	return err.Error()
}
