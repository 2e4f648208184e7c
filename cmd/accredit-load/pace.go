package main

import (
	"context"
	"sync/atomic"
	"time"
)

// pacer hands out request start times. Closed (rate 0), each worker sends
// as soon as its previous answer is in: the server's most, with the
// latency of a queue as long as there are workers. Open (rate > 0),
// requests are due at a fixed rate across all workers, as delegations
// arrive on their own: the latency at that throughput. An open request's
// latency counts from when it was due, so one that waited for a free
// worker is charged for the wait (no coordinated omission).
type pacer struct {
	start, deadline time.Time
	interval        time.Duration // 0: closed
	due             atomic.Int64  // open: requests handed out so far
}

func newPacer(rate float64, d time.Duration) *pacer {
	p := &pacer{start: time.Now()}
	p.deadline = p.start.Add(d)
	if rate > 0 {
		p.interval = time.Duration(float64(time.Second) / rate)
	}
	return p
}

// next waits until the caller's next request is due and returns that
// time, or false once the run is over.
func (p *pacer) next(ctx context.Context) (time.Time, bool) {
	if p.interval == 0 {
		now := time.Now()
		return now, ctx.Err() == nil && now.Before(p.deadline)
	}
	due := p.start.Add(time.Duration(p.due.Add(1)-1) * p.interval)
	if !due.Before(p.deadline) || ctx.Err() != nil {
		return due, false
	}
	if wait := time.Until(due); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return due, false
		}
	}
	return due, true
}

// open tells whether requests are paced.
func (p *pacer) open() bool { return p.interval > 0 }

// doPaced sends rq as due: open, its latency counts from due; closed, as
// recorder.do measures it.
func (r *recorder) doPaced(ctx context.Context, p *pacer, due time.Time, c *client, rq req, want ...int) (resp, bool) {
	if !p.open() {
		return r.do(ctx, c, rq, want...)
	}
	res, _, err := c.send(ctx, rq)
	if err != nil && ctx.Err() != nil {
		return res, false
	}
	return r.record(c, rq, res, time.Since(due), err, want...)
}
