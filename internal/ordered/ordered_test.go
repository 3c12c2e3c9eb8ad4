package ordered

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunKeepsOrder: later items finish first, output stays in order,
// and no more than workers run at once.
func TestRunKeepsOrder(t *testing.T) {
	const n, workers = 50, 8
	var running, peak int32
	var got []int
	err := Run(context.Background(), workers,
		func(ctx context.Context, yield func(int) error) error {
			for i := 0; i < n; i++ {
				if err := yield(i); err != nil {
					return err
				}
			}
			return nil
		},
		func(ctx context.Context, i int) (int, error) {
			r := atomic.AddInt32(&running, 1)
			for {
				p := atomic.LoadInt32(&peak)
				if r <= p || atomic.CompareAndSwapInt32(&peak, p, r) {
					break
				}
			}
			time.Sleep(time.Duration(n-i) * 100 * time.Microsecond)
			atomic.AddInt32(&running, -1)
			return i * 10, nil
		},
		func(v int) error { got = append(got, v); return nil })
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != i*10 {
			t.Fatalf("out of order at %d: %v", i, got)
		}
	}
	if len(got) != n {
		t.Fatalf("got %d results, want %d", len(got), n)
	}
	if peak > workers || peak < 2 {
		t.Errorf("peak concurrency %d, want 2..%d", peak, workers)
	}
}

// TestRunStreams: the first result is emitted while the producer is
// still blocked, long before the listing ends.
func TestRunStreams(t *testing.T) {
	release := make(chan struct{})
	firstOut := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- Run(context.Background(), 4,
			func(ctx context.Context, yield func(int) error) error {
				if err := yield(0); err != nil {
					return err
				}
				<-release // the "next page" is not there yet
				return yield(1)
			},
			func(ctx context.Context, i int) (int, error) { return i, nil },
			func(v int) error {
				if v == 0 {
					close(firstOut)
				}
				return nil
			})
	}()
	select {
	case <-firstOut:
	case <-time.After(5 * time.Second):
		t.Fatal("first item not emitted before the producer finished")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestRunErrors: an error from work, emit or produce is returned and
// stops the run; items after a failed one are not emitted.
func TestRunErrors(t *testing.T) {
	boom := errors.New("boom")
	produceAll := func(n int) func(context.Context, func(int) error) error {
		return func(ctx context.Context, yield func(int) error) error {
			for i := 0; i < n; i++ {
				if err := yield(i); err != nil {
					return err
				}
			}
			return nil
		}
	}
	var emitted []int
	err := Run(context.Background(), 3, produceAll(100),
		func(ctx context.Context, i int) (int, error) {
			if i == 5 {
				return 0, boom
			}
			return i, nil
		},
		func(v int) error { emitted = append(emitted, v); return nil })
	if !errors.Is(err, boom) || len(emitted) != 5 {
		t.Errorf("work error: err %v, emitted %v", err, emitted)
	}

	err = Run(context.Background(), 3, produceAll(100),
		func(ctx context.Context, i int) (int, error) { return i, nil },
		func(v int) error {
			if v == 2 {
				return boom
			}
			return nil
		})
	if !errors.Is(err, boom) {
		t.Errorf("emit error: %v", err)
	}

	err = Run(context.Background(), 3,
		func(ctx context.Context, yield func(int) error) error {
			yield(1)
			return fmt.Errorf("page 2: %w", boom)
		},
		func(ctx context.Context, i int) (int, error) { return i, nil },
		func(v int) error { return nil })
	if !errors.Is(err, boom) {
		t.Errorf("produce error: %v", err)
	}
}
