// Package ordered runs work on a stream of items concurrently and hands the
// results on in the order the items came, streaming: the listings use it to
// fetch each user's or bucket's details several at a time while printing
// them in AWS's order as soon as they are ready.
package ordered

import (
	"context"
	"sync"
)

// Run runs work on each item produce yields, up to workers at a time,
// and hands the results to emit in the order the items were produced. It
// streams: emit sees the first result while later items are still being
// produced. At most about 2*workers items are held at once, however many
// are produced. The first error (from produce, work or emit) stops
// everything and is returned.
func Run[T, R any](ctx context.Context, workers int,
	produce func(ctx context.Context, yield func(T) error) error,
	work func(ctx context.Context, item T) (R, error),
	emit func(R) error,
) error {
	if workers < 1 {
		workers = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type result struct {
		v   R
		err error
	}
	// queue holds one future per item, in production order.
	queue := make(chan chan result, workers)
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	var produceErr error

	go func() {
		defer close(queue)
		produceErr = produce(ctx, func(item T) error {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			future := make(chan result, 1)
			select {
			case queue <- future:
			case <-ctx.Done():
				<-sem
				return ctx.Err()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				v, err := work(ctx, item)
				future <- result{v, err}
			}()
			return nil
		})
	}()

	var firstErr error
	for future := range queue {
		if firstErr != nil {
			continue // drain so the producer can finish
		}
		r := <-future
		if r.err == nil {
			r.err = emit(r.v)
		}
		if r.err != nil {
			firstErr = r.err
			cancel()
		}
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	// queue is closed, so produce has returned and produceErr is set.
	return produceErr
}
