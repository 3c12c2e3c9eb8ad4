package objects

// How many requests a transfer keeps in flight is found while it runs, not
// fixed in advance: no one number serves a laptop on loopback, an EC2
// instance in the bucket's region and a far region. Where each connection
// is capped (by its round trip time or by a shaper), more connections carry
// more, and the transfer should open them; where the server, or the cores
// it shares with the client, is the limit, more connections only cost it
// more, and the transfer should keep few.
//
// A flow is a gate (at most limit requests at once) and a meter (units
// moved: bytes, and for many small files a credit per file), sampled every
// tick by a controller that climbs: it measures what the current limit
// moves, doubles the limit, measures again, keeps the higher limit when it
// moved clearly more (gain) and goes back otherwise, then holds before
// trying again. What each limit moves is measured only after it has
// settled: new connections first fill socket buffers, which looks like
// throughput that is not there.

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// flowConfig bounds and paces one flow.
type flowConfig struct {
	// start is the first limit and the floor; max the ceiling.
	start, max int
	// tick is how often the meter is read.
	tick time.Duration
	// settle is how many ticks after a change are left out of the
	// measurement; window how many ticks are then measured.
	settle, window int
	// gain is how much more (0.25: 25% more) a doubled limit must move
	// to be kept.
	gain float64
	// hold is how many windows a limit is kept after a doubling that did
	// not pay before doubling is tried again; it doubles after each such
	// failure, so a server that is the limit is probed less and less.
	hold int
	// waiting, when set, is the share of requests in flight that have
	// sent their whole body and wait for the answer (0.5: half, on
	// average over the window) at which the server counts as the limit:
	// no doubling is tried, and one being tried does not pay, whatever the
	// bytes say. Where connections are the limit, parts are still being
	// sent most of the time; where the server is, they wait for it.
	waiting float64
}

// The paces of the flows: part uploads settle longer, as a new upload
// connection first fills the socket buffers on both ends (several MiB)
// before its bytes move at the connection's real rate, and need a larger
// gain: what an upload counts is bytes handed to the kernel, which a busy
// server drains in bursts, so its readings are noisier than those of
// bytes received. Where connections are capped a doubling moves nearly
// twice as much, well above either gain.
const (
	flowTick       = 100 * time.Millisecond
	flowGain       = 0.25
	uploadGain     = 0.5
	uploadWaiting  = 0.5
	flowHold       = 4
	flowMaxHold    = 64
	uploadSettle   = 2
	downloadSettle = 1
	flowWindow     = 3
)

// StartFiles is how many files are in flight at first when many are
// transferred; fileCredit is what a file's transfer counts in a files
// flow's meter besides its bytes (its requests cost as much time as moving
// that many bytes), so that for small files the meter follows files per
// second and for large ones bytes per second.
const (
	StartFiles       = 16
	fileCredit int64 = 256 << 10
)

// filesFlow is the flow of the files of put-objects and get-objects.
func (c *Client) filesFlow() *flow {
	return newFlow(flowConfig{start: StartFiles, max: c.Concurrency, tick: flowTick,
		settle: downloadSettle, window: flowWindow, gain: flowGain, hold: flowHold}, c.Trace)
}

func (c flowConfig) normal() flowConfig {
	c.max = max(c.max, 1)
	c.start = min(max(c.start, 1), c.max)
	c.settle = max(c.settle, 0)
	c.window = max(c.window, 1)
	c.hold = max(c.hold, 1)
	return c
}

// controller decides the limit from the meter's readings. It holds no
// clock: observe is given the time, so tests drive it with a model.
type controller struct {
	cfg   flowConfig
	limit int

	changed   time.Duration // when limit took effect
	measuring bool
	base      int64         // units when the measuring window opened
	baseAt    time.Duration // when it opened
	waitSum   int           // requests waiting for an answer, summed over the window's ticks
	activeSum int           // requests in flight, likewise

	probing   bool    // limit is a doubling being tried
	prevLimit int     // the limit before it
	prevRate  float64 // what prevLimit moved, units per second
	holdLeft  int     // windows to wait before the next doubling
	hold      int     // the current hold (doubles after each failure)
}

func newController(cfg flowConfig) *controller {
	cfg = cfg.normal()
	return &controller{cfg: cfg, limit: cfg.start, hold: cfg.hold}
}

// observe takes the units moved so far at time now (since the transfer
// began), and of the active requests in flight how many are waiting for
// their answer, and returns the limit to use from now on.
func (c *controller) observe(now time.Duration, units int64, waiting, active int) int {
	tick := c.cfg.tick
	if now < c.changed+time.Duration(c.cfg.settle)*tick {
		return c.limit
	}
	if !c.measuring {
		c.measuring, c.base, c.baseAt = true, units, now
		c.waitSum, c.activeSum = 0, 0
		return c.limit
	}
	c.waitSum += waiting
	c.activeSum += active
	// A tick may come late; measure from the window's actual length.
	if now-c.baseAt < time.Duration(c.cfg.window)*tick-tick/2 {
		return c.limit
	}
	rate := float64(units-c.base) / (now - c.baseAt).Seconds()
	serverBound := c.cfg.waiting > 0 && c.activeSum > 0 &&
		float64(c.waitSum) >= c.cfg.waiting*float64(c.activeSum)
	c.base, c.baseAt = units, now
	c.waitSum, c.activeSum = 0, 0
	if next := c.decide(rate, serverBound); next != c.limit {
		c.limit, c.changed, c.measuring = next, now, false
	}
	return c.limit
}

// decide is the climb: rate is what the current limit moved;
// serverBound says its requests mostly waited for the server.
func (c *controller) decide(rate float64, serverBound bool) int {
	if c.probing {
		c.probing = false
		if rate >= c.prevRate*(1+c.cfg.gain) && !serverBound {
			// The doubling paid: keep it, and try the next.
			c.hold = c.cfg.hold
			return c.probe(rate)
		}
		// It did not: back to the limit that moved as much with fewer
		// requests, for longer each time.
		c.holdLeft = c.hold
		c.hold = min(c.hold*2, flowMaxHold)
		return c.prevLimit
	}
	if c.holdLeft > 0 {
		c.holdLeft--
		return c.limit
	}
	if serverBound {
		// More requests would only queue at the server.
		c.holdLeft = c.hold
		return c.limit
	}
	return c.probe(rate)
}

// probe doubles the limit (within the ceiling), remembering what the
// current one moved.
func (c *controller) probe(rate float64) int {
	if c.limit >= c.cfg.max {
		c.holdLeft = c.hold
		return c.limit
	}
	c.probing, c.prevLimit, c.prevRate = true, c.limit, rate
	return min(c.limit*2, c.cfg.max)
}

// gate lets at most limit holders in at once; the limit may change at any
// time (holders above a lowered limit finish; no new one enters until
// fewer than limit are in).
type gate struct {
	mu     sync.Mutex
	limit  int
	active int
	wait   []chan struct{}
}

func newGate(limit int) *gate { return &gate{limit: max(limit, 1)} }

// acquire waits for a place, or for ctx to end.
func (g *gate) acquire(ctx context.Context) error {
	g.mu.Lock()
	if g.active < g.limit && len(g.wait) == 0 {
		g.active++
		g.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	g.wait = append(g.wait, ch)
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		for i, w := range g.wait {
			if w == ch {
				g.wait = append(g.wait[:i], g.wait[i+1:]...)
				return ctx.Err()
			}
		}
		// Let in meanwhile: pass the place on.
		g.active--
		g.admit()
		return ctx.Err()
	}
}

func (g *gate) release() {
	g.mu.Lock()
	g.active--
	g.admit()
	g.mu.Unlock()
}

func (g *gate) setLimit(n int) {
	g.mu.Lock()
	g.limit = max(n, 1)
	g.admit()
	g.mu.Unlock()
}

// admit lets waiters in, first come first served, while there is room.
// g.mu is held.
func (g *gate) admit() {
	for g.active < g.limit && len(g.wait) > 0 {
		close(g.wait[0])
		g.wait = g.wait[1:]
		g.active++
	}
}

// flow is a gate whose limit a controller sets from what a meter reads.
type flow struct {
	*gate
	moved atomic.Int64
	// waiting counts requests that have sent their body and wait for the
	// answer (part uploads; see sendState).
	waiting atomic.Int64
	ctl     *controller
	mu      sync.Mutex // guards ctl
	stop    chan struct{}
	done    chan struct{} // closed when the sampler has stopped
	once    sync.Once
	// trace, when set, is told each limit chosen (for the benchmark).
	trace func(at time.Duration, limit int, units int64)
}

// newFlow starts a flow and its sampler, which tells trace (when set)
// every change of the limit; close stops the sampler.
func newFlow(cfg flowConfig, trace func(at time.Duration, limit int, units int64)) *flow {
	ctl := newController(cfg)
	f := &flow{gate: newGate(ctl.limit), ctl: ctl, stop: make(chan struct{}), done: make(chan struct{}), trace: trace}
	go f.sample(ctl.cfg.tick)
	return f
}

// fixedFlow is a gate of n places that never changes (a flow with nothing
// to adapt), for callers that fixed the concurrency themselves.
func fixedFlow(n int) *flow {
	return &flow{gate: newGate(n), stop: make(chan struct{})}
}

func (f *flow) sample(tick time.Duration) {
	defer close(f.done)
	t := time.NewTicker(tick)
	defer t.Stop()
	start := time.Now()
	for {
		select {
		case <-f.stop:
			return
		case now := <-t.C:
			f.step(now.Sub(start))
		}
	}
}

// step reads the meter at elapsed time at and applies the controller's
// decision.
func (f *flow) step(at time.Duration) {
	units := f.moved.Load()
	f.gate.mu.Lock()
	active := f.gate.active
	f.gate.mu.Unlock()
	f.mu.Lock()
	prev := f.ctl.limit
	limit := f.ctl.observe(at, units, int(f.waiting.Load()), active)
	f.mu.Unlock()
	if limit != prev {
		f.setLimit(limit)
		if f.trace != nil {
			f.trace(at, limit, units)
		}
	}
}

// run calls do(ctx, i) for i from 0 to n-1, in order, with at most the
// flow's limit at once, on at most workers goroutines that take item after
// item (a goroutine per item would grow a new stack through the SDK's deep
// call chain every time: a seventh of the CPU of many small transfers). It
// starts no more items once ctx ends or do fails, and returns do's first
// error; the caller checks ctx.
func (f *flow) run(ctx context.Context, n, workers int, do func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for range min(max(workers, 1), n) {
		g.Go(func() error {
			for {
				if f.acquire(gctx) != nil {
					return nil
				}
				i := int(next.Add(1) - 1)
				if i >= n {
					f.release()
					return nil
				}
				err := do(gctx, i)
				f.release()
				if err != nil {
					return err
				}
			}
		})
	}
	return g.Wait()
}

// sendState follows one request's body for a flow: sent is called when
// the transport has read all of it, done when the request has returned;
// in between the request waits for the server.
type sendState struct {
	flow *flow
	sent atomic.Bool
}

func (s *sendState) bodySent() {
	if s.sent.CompareAndSwap(false, true) {
		s.flow.waiting.Add(1)
	}
}

func (s *sendState) done() {
	if s.sent.Load() {
		s.flow.waiting.Add(-1)
	}
}

// add counts units moved.
func (f *flow) add(n int64) {
	if f != nil {
		f.moved.Add(n)
	}
}

// close stops the sampler and waits for it (the gate stays usable).
func (f *flow) close() {
	if f == nil {
		return
	}
	f.once.Do(func() { close(f.stop) })
	if f.done != nil {
		<-f.done
	}
}
