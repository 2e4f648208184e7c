package main

import (
	"context"
	"encoding/json"
	"math"
	"net/url"
	"time"
)

// runList pages through GET …/nominations?limit=50 with cursors from
// -concurrency workers at once, as secretariat screens do, for
// -duration. Every complete walk must list each nomination exactly once.
func runList(ctx context.Context, e *env) (*summary, error) {
	st, err := e.needState(ctx)
	if err != nil {
		return nil, err
	}
	workers := e.cfg.concurrency
	type walks struct{ complete, duplicates, minItems, maxItems int }
	per := make([]walks, workers)
	start := time.Now()
	deadline := start.Add(e.cfg.duration)
	recs := runWorkers(workers, capHint(e.cfg.duration, workers), func(w int, rec *recorder) {
		wk := &per[w]
		wk.minItems = math.MaxInt
		cursor, seen := "", map[string]bool{}
		for ctx.Err() == nil && time.Now().Before(deadline) {
			path := "/v1/events/" + st.Event + "/nominations?limit=50"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			r := req{method: "GET", path: path}
			res, ok := rec.do(ctx, e.c, r, 200)
			var page struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
				NextCursor *string `json:"next_cursor"`
			}
			if ok {
				if err := json.Unmarshal(res.body, &page); err != nil {
					rec.errors++
					e.c.errs.note(newAPIError(r, res, err))
					ok = false
				}
			}
			if !ok { // start the walk over
				cursor, seen = "", map[string]bool{}
				continue
			}
			for _, it := range page.Items {
				if seen[it.ID] {
					wk.duplicates++
				}
				seen[it.ID] = true
			}
			if page.NextCursor != nil && *page.NextCursor != "" {
				cursor = *page.NextCursor
				continue
			}
			wk.complete++
			wk.minItems, wk.maxItems = min(wk.minItems, len(seen)), max(wk.maxItems, len(seen))
			cursor, seen = "", map[string]bool{}
		}
	})
	elapsed := time.Since(start)

	s := summarize("list", st.Event, merge(recs...), elapsed)
	total := walks{minItems: math.MaxInt}
	for _, wk := range per {
		total.complete += wk.complete
		total.duplicates += wk.duplicates
		total.minItems, total.maxItems = min(total.minItems, wk.minItems), max(total.maxItems, wk.maxItems)
	}
	if total.complete == 0 {
		total.minItems = 0
	}
	s.set("pages_per_s", round(s.throughput(), 1))
	s.set("complete_walks", total.complete)
	s.set("items_per_walk_min", total.minItems)
	s.set("items_per_walk_max", total.maxItems)
	s.set("duplicates", total.duplicates)
	if total.duplicates > 0 {
		s.fail("%d nominations appeared twice within one walk through the cursors", total.duplicates)
	}
	return s, nil
}
