package objects

import (
	"context"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// link models what a transfer moves per second with n requests in flight:
// each connection carries at most perConn, all together at most capacity
// (the server, or the cores). New connections first fill buffers: burst
// units per connection added arrive on top, spread over the two ticks
// after the change.
type link struct {
	perConn, capacity float64
	burst             float64
}

func (l link) rate(n int) float64 { return min(float64(n)*l.perConn, l.capacity) }

// drive runs a controller against the model for d, tick by tick, with
// noise (a deterministic sequence of factors around 1) on each tick's
// units, and returns the limits it chose, one a tick. No request waits.
func drive(cfg flowConfig, l link, d time.Duration, noise []float64) []int {
	return driveWaiting(cfg, l, d, noise, 0)
}

// driveWaiting is drive with a share of the requests in flight waiting
// for their answer at every tick.
func driveWaiting(cfg flowConfig, l link, d time.Duration, noise []float64, waiting float64) []int {
	c := newController(cfg)
	var units float64
	var limits []int
	prev := c.limit
	var burst [2]float64
	for i, at := 1, cfg.tick; at <= d; i, at = i+1, at+cfg.tick {
		f := 1.0
		if len(noise) > 0 {
			f = noise[i%len(noise)]
		}
		units += l.rate(prev)*cfg.tick.Seconds()*f + burst[0]
		burst = [2]float64{burst[1], 0}
		next := c.observe(at, int64(units), int(waiting*float64(prev)), prev)
		if next > prev {
			b := float64(next-prev) * l.burst / 2
			burst = [2]float64{b, b}
		}
		prev = next
		limits = append(limits, next)
	}
	return limits
}

var testFlow = flowConfig{start: 4, max: 64, tick: 100 * time.Millisecond, settle: 2, window: 3, gain: flowGain, hold: flowHold}

const mibf = float64(1 << 20)

func last(xs []int) int { return xs[len(xs)-1] }

func maxOf(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// A far region: every connection is capped at 8 MiB/s and the link holds
// far more. The limit doubles until the ceiling.
func TestFlowClimbsWhileConnectionsAreCapped(t *testing.T) {
	limits := drive(testFlow, link{perConn: 8 * mibf, capacity: 10000 * mibf, burst: 4 * mibf}, 4*time.Second, nil)
	if got := last(limits); got != 64 {
		t.Fatalf("limit after 4 s: %d, want the ceiling 64; limits %v", got, limits)
	}
	// Each doubling takes settle + window ticks: 4 -> 64 is four of them.
	reached := 0
	for i, l := range limits {
		if l == 64 {
			reached = i + 1
			break
		}
	}
	if reached > 4*(testFlow.settle+testFlow.window)+1 {
		t.Errorf("reached 64 after %d ticks: %v", reached, limits)
	}
}

// Loopback with a busy server: one connection already gets all there is.
// Every doubling is tried and given up; the limit stays at the start, and
// the tries get rarer.
func TestFlowStaysWhenTheServerIsTheLimit(t *testing.T) {
	limits := drive(testFlow, link{perConn: 300 * mibf, capacity: 100 * mibf, burst: 4 * mibf}, 20*time.Second, nil)
	if got := last(limits); got != 4 {
		t.Fatalf("limit: %d, want 4; %v", got, limits)
	}
	if m := maxOf(limits); m > 8 {
		t.Errorf("tried %d at most, want one doubling at a time", m)
	}
	at8 := 0
	for _, l := range limits {
		if l == 8 {
			at8++
		}
	}
	// 200 ticks; each try costs settle + window ticks; holds of 4, 8, 16,
	// 32 windows: four or five tries, not forty.
	if tries := at8 / (testFlow.settle + testFlow.window); tries > 5 {
		t.Errorf("%d tries of 8 in 20 s, want the holds to grow", tries)
	}
}

// Capped connections and a server that carries 100 MiB/s: 4 x 8 = 32,
// 8 x 8 = 64 and 16 x 8 = 128 > 100 MiB/s pay; 32 does not.
func TestFlowFindsWhereMoreStopsPaying(t *testing.T) {
	limits := drive(testFlow, link{perConn: 8 * mibf, capacity: 100 * mibf, burst: 4 * mibf}, 10*time.Second, nil)
	if got := last(limits); got != 16 {
		t.Fatalf("limit: %d, want 16; %v", got, limits)
	}
}

// Noise of +-10% a tick (a loaded machine) must not read as a gain.
func TestFlowIgnoresNoise(t *testing.T) {
	noise := []float64{1.1, 0.9, 1.05, 0.92, 1.08, 0.95, 0.9, 1.1, 1.0, 0.93, 1.07}
	limits := drive(testFlow, link{perConn: 300 * mibf, capacity: 100 * mibf, burst: 4 * mibf}, 20*time.Second, noise)
	if got := last(limits); got != 4 {
		t.Errorf("limit: %d, want 4; %v", got, limits)
	}
	limits = drive(testFlow, link{perConn: 8 * mibf, capacity: 10000 * mibf, burst: 4 * mibf}, 5*time.Second, noise)
	if got := last(limits); got != 64 {
		t.Errorf("capped connections with noise: %d, want 64; %v", got, limits)
	}
}

// The bursts of new connections filling buffers are left out: were they
// counted, a busy server would look like it gained from every doubling.
func TestFlowLeavesOutBuffersFilling(t *testing.T) {
	cfg := testFlow
	limits := drive(cfg, link{perConn: 300 * mibf, capacity: 100 * mibf, burst: 16 * mibf}, 10*time.Second, nil)
	if m := maxOf(limits); m > 8 {
		t.Errorf("with settling: went to %d", m)
	}
	cfg.settle = 0
	limits = drive(cfg, link{perConn: 300 * mibf, capacity: 100 * mibf, burst: 16 * mibf}, 10*time.Second, nil)
	if m := maxOf(limits); m <= 8 {
		t.Errorf("without settling the bursts should have counted, and did not (went to %d): the model is wrong", m)
	}
}

// The ceiling and the floor hold, and a ceiling under the start wins.
func TestFlowBounds(t *testing.T) {
	cfg := testFlow
	cfg.max = 12
	limits := drive(cfg, link{perConn: 8 * mibf, capacity: 10000 * mibf}, 5*time.Second, nil)
	if m := maxOf(limits); m != 12 || last(limits) != 12 {
		t.Errorf("ceiling 12: max %d, last %d", m, last(limits))
	}
	for _, l := range drive(testFlow, link{perConn: 300 * mibf, capacity: 1 * mibf}, 5*time.Second, nil) {
		if l < testFlow.start {
			t.Fatalf("went under the start: %d", l)
		}
	}
	cfg = testFlow
	cfg.start, cfg.max = 16, 1
	if c := newController(cfg); c.limit != 1 {
		t.Errorf("start 16, ceiling 1: limit %d", c.limit)
	}
}

// When the link changes mid-way (another transfer ends), the holds end in
// a new try, which finds the higher limit.
func TestFlowFollowsAChange(t *testing.T) {
	c := newController(testFlow)
	var units float64
	limit := c.limit
	step := func(at time.Duration, l link) {
		units += l.rate(limit) * testFlow.tick.Seconds()
		limit = c.observe(at, int64(units), 0, limit)
	}
	busy := link{perConn: 300 * mibf, capacity: 100 * mibf}
	free := link{perConn: 8 * mibf, capacity: 10000 * mibf}
	at := time.Duration(0)
	for range 30 {
		at += testFlow.tick
		step(at, busy)
	}
	if limit > 8 {
		t.Fatalf("busy: %d", limit)
	}
	for range 100 {
		at += testFlow.tick
		step(at, free)
	}
	if limit < 32 {
		t.Errorf("after the server freed up: %d, want it to have climbed", limit)
	}
}

// The gate never lets more than its limit in, and a raised limit lets
// waiters in at once.
func TestGate(t *testing.T) {
	g := newGate(2)
	var in, most atomic.Int32
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := in.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			<-release
			in.Add(-1)
			g.release()
		}()
	}
	waitFor(t, func() bool { return in.Load() == 2 })
	time.Sleep(20 * time.Millisecond)
	if n := in.Load(); n != 2 {
		t.Fatalf("%d in at limit 2", n)
	}
	g.setLimit(5)
	waitFor(t, func() bool { return in.Load() == 5 })
	close(release)
	wg.Wait()
	if m := most.Load(); m != 5 {
		t.Errorf("at most %d in, want 5", m)
	}
}

// A waiter whose context ends leaves; a place it was given meanwhile goes
// to the next.
func TestGateCancel(t *testing.T) {
	g := newGate(1)
	if err := g.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- g.acquire(ctx) }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	if err := <-done; err == nil {
		t.Fatal("acquired with the place taken")
	}
	g.release()
	if err := g.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	g.release()
	if g.active != 0 {
		t.Errorf("active %d after all released", g.active)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

// Uploads read what the kernel took, which a busy server drains in bursts
// (here 15% under, then 15% over, a window each, in step with the
// controller's windows): their larger gain keeps such bursts from reading
// as a gain (with the downloads' 25% they would), and still climbs where
// connections are capped.
func TestFlowUploadsIgnoreBursts(t *testing.T) {
	cfg := testFlow
	cfg.gain = uploadGain
	cfg.settle = uploadSettle
	bursts := []float64{1.15, 1, 1, 0.85, 0.85, 0.85, 1, 1, 1.15, 1.15}
	limits := drive(cfg, link{perConn: 300 * mibf, capacity: 60 * mibf, burst: 8 * mibf}, 20*time.Second, bursts)
	if m := maxOf(limits); m > 8 {
		t.Errorf("a busy server with bursts: went to %d; %v", m, limits)
	}
	cfg.gain = flowGain
	if m := maxOf(drive(cfg, link{perConn: 300 * mibf, capacity: 60 * mibf, burst: 8 * mibf}, 20*time.Second, bursts)); m <= 8 {
		t.Errorf("the model's bursts should fool the downloads' gain, and did not (went to %d)", m)
	}
	cfg.gain = uploadGain
	limits = drive(cfg, link{perConn: 8 * mibf, capacity: 10000 * mibf, burst: 8 * mibf}, 4*time.Second, bursts)
	if got := last(limits); got < 32 {
		t.Errorf("capped connections with bursts: %d, want a climb; %v", got, limits)
	}
}

// Parts that have sent their bodies and wait for the server say the server
// is the limit: however the bytes handed to the kernel look (here as if
// connections were capped), no doubling is tried while most requests
// wait, and when few wait the climb goes on.
func TestFlowUploadsWaitingForTheServer(t *testing.T) {
	cfg := testFlow
	cfg.gain, cfg.settle, cfg.waiting = uploadGain, uploadSettle, uploadWaiting
	capped := link{perConn: 8 * mibf, capacity: 10000 * mibf}
	if m := maxOf(driveWaiting(cfg, capped, 10*time.Second, nil, 0.75)); m != cfg.start {
		t.Errorf("three in four waiting: went to %d", m)
	}
	if got := last(driveWaiting(cfg, capped, 4*time.Second, nil, 0.25)); got != 64 {
		t.Errorf("one in four waiting: %d, want the ceiling", got)
	}
}

// A part's request counts as waiting from the last byte of its body (by
// its length, before any EOF) until it returns.
func TestSendStateWaiting(t *testing.T) {
	fl := fixedFlow(4)
	st := &sendState{flow: fl}
	body := &countingBody{ReadCloser: io.NopCloser(strings.NewReader("0123456789")), send: st, left: 10}
	buf := make([]byte, 6)
	if _, err := body.Read(buf); err != nil || fl.waiting.Load() != 0 {
		t.Fatalf("after 6 of 10 bytes: waiting %d, %v", fl.waiting.Load(), err)
	}
	if _, err := body.Read(buf); err != nil || fl.waiting.Load() != 1 {
		t.Fatalf("after all 10 bytes: waiting %d, %v", fl.waiting.Load(), err)
	}
	body.Read(buf) // EOF: counted once
	if fl.moved.Load() != 10 || fl.waiting.Load() != 1 {
		t.Errorf("moved %d, waiting %d", fl.moved.Load(), fl.waiting.Load())
	}
	st.done()
	if fl.waiting.Load() != 0 {
		t.Errorf("after the answer: waiting %d", fl.waiting.Load())
	}
}
