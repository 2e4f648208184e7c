package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// runQR fetches the seeded badges' QR PNGs round-robin for -duration: a
// first pass makes the server render each symbol; once every worker is
// done with it, later passes should come from the server's cache. The
// two are reported apart, and the later ones never wait behind a render.
func runQR(ctx context.Context, e *env) (*summary, error) {
	st, err := e.needState(ctx)
	if err != nil {
		return nil, err
	}
	n := len(st.Badges)
	if n == 0 {
		return nil, fmt.Errorf("the state of %s holds no active badge", st.Event)
	}
	workers := e.cfg.concurrency
	first := make([]*recorder, workers)
	for w := range first {
		first[w] = newRecorder(n/workers + 1)
	}
	var next atomic.Int64
	var rendered sync.WaitGroup
	rendered.Add(workers)
	start := time.Now()
	deadline := start.Add(e.cfg.duration)
	// Each worker fetches on its own keep-alive connection, as the scan
	// scenario does: the tool's CPU is CPU the server does not get.
	wires := make([]*wireConn, workers)
	for w := range wires {
		wires[w] = newWireGetter(e.c.base, e.c.token, e.cfg.timeout)
	}
	fetch := func(rec *recorder, w, i int) {
		r := req{method: "GET", path: "/v1/events/" + st.Event + "/badges/" + st.Badges[i%n].ID + "/qr.png"}
		var (
			res resp
			ok  bool
		)
		if wires[w] != nil {
			got, d, err := wires[w].get(r.path)
			if err != nil && ctx.Err() != nil {
				return
			}
			res, ok = rec.record(e.c, r, got, d, err, 200)
		} else {
			res, ok = rec.do(ctx, e.c, r, 200)
		}
		if ok && (!strings.HasPrefix(res.ctype, "image/png") || !bytes.HasPrefix(res.body, pngMagic)) {
			rec.errors++
			e.c.errs.note(newAPIError(r, resp{status: res.status, body: []byte("not a PNG: " + res.ctype)}, nil))
		}
	}
	var cached time.Time
	var once sync.Once
	later := runWorkers(workers, capHint(e.cfg.duration, workers), func(w int, rec *recorder) {
		for ctx.Err() == nil && time.Now().Before(deadline) {
			i := int(next.Add(1) - 1)
			if i >= n {
				break
			}
			fetch(first[w], w, i) // the first request for this badge: a render
		}
		rendered.Done()
		rendered.Wait()
		once.Do(func() { cached = time.Now() })
		for i := w; ctx.Err() == nil && time.Now().Before(deadline); i += workers {
			fetch(rec, w, i)
		}
		if wires[w] != nil {
			wires[w].close()
		}
	})
	elapsed := time.Since(start)

	s := summarize("qr", st.Event, merge(append(later, first...)...), elapsed)
	c, w := merge(first...), merge(later...)
	s.set("badges", n)
	s.set("passes", round(float64(s.Requests)/float64(n), 2))
	// "First pass" renders only if this server process has not served
	// these badges before; later passes must come from its cache.
	s.set("first_pass_requests", len(c.lat))
	s.set("p50_first_pass_ms", ms(percentile(c.lat, 50)))
	s.set("p99_first_pass_ms", ms(percentile(c.lat, 99)))
	s.set("later_requests", len(w.lat))
	s.set("p50_later_ms", ms(percentile(w.lat, 50)))
	s.set("p99_later_ms", ms(percentile(w.lat, 99)))
	if d := elapsed - cached.Sub(start); len(w.lat) > 0 && d > 0 {
		s.set("later_per_s", round(float64(len(w.lat))/d.Seconds(), 1))
	}
	return s, nil
}
