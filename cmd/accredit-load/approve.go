package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// maxApproveCandidates bounds the approve race; the interesting part is
// the last seats, not approving thousands.
const maxApproveCandidates = 1000

type limits struct {
	InPerson *int `json:"in_person"`
	Online   *int `json:"online"`
}

// runApprove approves submitted online nominations concurrently against an
// online capacity set to half of them, then checks that the event holds no
// more approved participants than its capacity, and no fewer while
// approvals were refused for capacity.
func runApprove(ctx context.Context, e *env) (*summary, error) {
	st, err := e.needState(ctx)
	if err != nil {
		return nil, err
	}
	event := st.Event
	var ev struct {
		Capacity limits `json:"capacity"`
	}
	if err := e.c.call(ctx, "GET", "/v1/events/"+event, nil, &ev, 200); err != nil {
		return nil, err
	}
	candidates, err := e.nominationIDs(ctx, event, "status=submitted&mode=online", maxApproveCandidates)
	if err != nil {
		return nil, err
	}
	if want := min(max(2*e.cfg.concurrency, 40), maxApproveCandidates); len(candidates) < want {
		more, err := e.submitOnline(ctx, event, want-len(candidates))
		if err != nil {
			return nil, err
		}
		candidates = append(candidates, more...)
	}
	approved0, err := e.nominationIDs(ctx, event, "status=approved&mode=online", 0)
	if err != nil {
		return nil, err
	}
	capacity := len(approved0) + len(candidates)/2
	patch := map[string]any{"capacity": limits{InPerson: ev.Capacity.InPerson, Online: &capacity}}
	if err := e.c.call(ctx, "PATCH", "/v1/events/"+event, patch, nil, 200); err != nil {
		return nil, fmt.Errorf("setting the online capacity: %w", err)
	}
	// Put the capacity back afterwards, so that the event stays usable
	// for later runs (even after Ctrl-C, hence a fresh context).
	defer func() {
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := e.c.call(rctx, "PATCH", "/v1/events/"+event, map[string]any{"capacity": ev.Capacity}, nil, 200); err != nil {
			e.logf("approve: could not restore the capacity: %v", err)
		}
	}()

	jobs := make(chan string, len(candidates))
	for _, id := range candidates {
		jobs <- id
	}
	close(jobs)
	var ok200, full atomic.Int64
	start := time.Now()
	deadline := start.Add(e.cfg.duration)
	workers := min(e.cfg.concurrency, len(candidates))
	recs := runWorkers(workers, len(candidates)/workers+1, func(_ int, rec *recorder) {
		for id := range jobs {
			if ctx.Err() != nil || time.Now().After(deadline) {
				return
			}
			r := jsonReq("POST", "/v1/events/"+event+"/nominations/"+id+"/approve", nil)
			res, ok := rec.do(ctx, e.c, r, 200, 409)
			switch {
			case !ok:
			case res.status == 200:
				ok200.Add(1)
			case resultOf(res) == "capacity_reached":
				full.Add(1)
			default:
				rec.errors++
				e.c.errs.note(newAPIError(r, res, nil))
			}
		}
	})
	elapsed := time.Since(start)

	approved1, err := e.nominationIDs(ctx, event, "status=approved&mode=online", 0)
	if err != nil {
		return nil, fmt.Errorf("verifying the capacity: %w", err)
	}
	s := summarize("approve", event, merge(recs...), elapsed)
	s.set("candidates", len(candidates))
	s.set("capacity_online", capacity)
	s.set("approved_before", len(approved0))
	s.set("approved", ok200.Load())
	s.set("capacity_reached", full.Load())
	s.set("approved_after", len(approved1))
	s.set("violations", max(len(approved1)-capacity, 0))
	if len(approved1) > capacity {
		s.fail("%d online participants approved, capacity %d", len(approved1), capacity)
	}
	if full.Load() > 0 && len(approved1) < capacity {
		s.fail("approvals were refused for capacity with %d of %d seats taken", len(approved1), capacity)
	}
	return s, nil
}

// nominationIDs pages through GET …/nominations?<query> (500 a page) and
// returns up to limit ids (0: all).
func (e *env) nominationIDs(ctx context.Context, event, query string, limit int) ([]string, error) {
	var ids []string
	cursor := ""
	for {
		path := "/v1/events/" + event + "/nominations?limit=500&" + query
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		if err := e.c.call(ctx, "GET", path, nil, &page, 200); err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
			if limit > 0 && len(ids) == limit {
				return ids, nil
			}
		}
		if page.NextCursor == nil || *page.NextCursor == "" {
			return ids, nil
		}
		cursor = *page.NextCursor
	}
}

// submitOnline makes n online candidates as the secretariat, in
// delegations whose online quota has room (the secretariat is not exempt
// from quotas).
func (e *env) submitOnline(ctx context.Context, event string, n int) ([]string, error) {
	quotas, err := e.quotas(ctx, event)
	if err != nil {
		return nil, err
	}
	delegs, err := e.invitedDelegations(ctx)
	if err != nil {
		return nil, err
	}
	room := map[string]int{}
	var open []string
	for _, dl := range delegs {
		d := dl.Code
		switch r := quotas[d].Online.Remaining; {
		case r == nil:
			room[d] = n
		case *r > 0:
			room[d] = *r
		default:
			continue
		}
		open = append(open, d)
	}
	tag := "cand-" + randomTag() + "." + strings.ToLower(event)
	rec := newRecorder(n)
	var ids []string
	for i := 0; len(ids) < n && len(open) > 0; i++ {
		d := open[i%len(open)]
		if room[d] == 0 {
			continue
		}
		room[d]--
		if id := e.submitOne(ctx, rec, event, "", onlinePerson(uint64(i), tag, d)); id != "" {
			ids = append(ids, id)
		} else if ctx.Err() != nil || rec.errors > 3 {
			return nil, fmt.Errorf("could not submit approve candidates (see the error samples)")
		}
		if i > 10*n {
			break
		}
	}
	return ids, nil
}
