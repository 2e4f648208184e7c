package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// runPrint asks for one batch PDF of the seeded badges (all active ones, or
// the first -print-badges) and measures its time, its size and the
// server's resident memory before, during (every 200 ms) and after: a
// batch of a thousand photos must not balloon the process.
func runPrint(ctx context.Context, e *env) (*summary, error) {
	st, err := e.needState(ctx)
	if err != nil {
		return nil, err
	}
	if len(st.Badges) == 0 {
		return nil, fmt.Errorf("the state of %s holds no active badge", st.Event)
	}
	body, count := map[string]any{}, len(st.Badges) // {}: all active badges
	if n := e.cfg.printBadges; n > 0 && n < len(st.Badges) {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = st.Badges[i].ID
		}
		body, count = map[string]any{"badge_ids": ids}, n
	}

	rssBefore, rssErr := e.rss(ctx)
	if rssErr != nil {
		e.logf("print: no memory figures: %v", rssErr)
	}
	peak := rssBefore
	stop := make(chan struct{})
	var wg sync.WaitGroup
	if rssErr == nil {
		wg.Go(func() {
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					if v, err := e.rss(ctx); err == nil {
						peak = max(peak, v)
					}
				}
			}
		})
	}

	rec := newRecorder(1)
	r := jsonReq("POST", "/v1/events/"+st.Event+"/badges/print", body)
	r.slow = true
	start := time.Now()
	status, ctype, size, pages, err := e.c.stream(ctx, r)
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	ok := err == nil && status == 200 && strings.HasPrefix(ctype, "application/pdf")
	switch {
	case err != nil:
		rec.add(elapsed, 0, "transport_error", false)
		e.c.errs.note(newAPIError(r, resp{}, err))
	default:
		rec.add(elapsed, status, resultOf(resp{status: status}), ok)
		if !ok {
			e.c.errs.note(newAPIError(r, resp{status: status, body: []byte(ctype)}, nil))
		}
	}
	rssAfter, err := e.rss(ctx)
	if err == nil {
		peak = max(peak, rssAfter) // a request shorter than one sample period is seen only after
	}

	s := summarize("print", st.Event, merge(rec), elapsed)
	s.set("badges", count)
	s.set("bytes", size)
	s.set("pages", pages)
	s.set("badges_per_s", round(float64(count)/elapsed.Seconds(), 1))
	if rssErr == nil {
		s.set("rss_before_mb", mb(rssBefore))
		s.set("rss_peak_mb", mb(peak))
		s.set("rss_after_mb", mb(rssAfter))
	}
	if ok && pages == 0 {
		s.fail("the batch PDF (%d bytes) has no pages", size)
	}
	return s, nil
}

func mb(b float64) float64 { return round(b/(1<<20), 1) }

// stream sends r and reads the answer without keeping it, counting its
// bytes and PDF pages: the tool's own memory must not grow with the PDF.
func (c *client) stream(ctx context.Context, r req) (status int, ctype string, size int64, pages int, err error) {
	hr, err := c.newRequest(ctx, r)
	if err != nil {
		return 0, "", 0, 0, err
	}
	res, err := c.clientFor(r).Do(hr)
	if err != nil {
		return 0, "", 0, 0, err
	}
	defer res.Body.Close()
	pc := &pageCounter{}
	size, err = io.Copy(pc, res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), size, pc.pages, err
}

// pageCounter counts fpdf's page objects ("<</Type /Page" then a newline;
// the page tree is "/Pages") across write boundaries.
type pageCounter struct {
	tail  []byte
	pages int
}

var pageMarker = []byte("<</Type /Page\n")

func (p *pageCounter) Write(b []byte) (int, error) {
	buf := append(p.tail, b...)
	p.pages += bytes.Count(buf, pageMarker)
	keep := min(len(buf), len(pageMarker)-1) // a marker cut in two is counted with the next write
	p.tail = append(p.tail[:0], buf[len(buf)-keep:]...)
	return len(b), nil
}

// rss reads process_resident_memory_bytes from the server's /metrics.
func (e *env) rss(ctx context.Context) (float64, error) {
	res, _, err := e.c.send(ctx, req{method: "GET", path: "/metrics", noAuth: true})
	if err != nil {
		return 0, err
	}
	if res.status != 200 {
		return 0, fmt.Errorf("GET /metrics: HTTP %d", res.status)
	}
	sc := bufio.NewScanner(bytes.NewReader(res.body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("GET /metrics: no process_resident_memory_bytes")
}
