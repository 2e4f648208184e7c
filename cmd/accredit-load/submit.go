package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"
)

// quotaHeadroom is how many more nominations a limited delegation may
// have than it has now: small, so that many workers race for the last
// seats.
const quotaHeadroom = 3

// limitedDelegations is the handful of delegations the race is about.
const limitedDelegations = 8

type usage struct {
	Limit     *int `json:"limit"`
	Used      int  `json:"used"`
	Remaining *int `json:"remaining"`
}

type quotaItem struct {
	Delegation string `json:"delegation"`
	InPerson   usage  `json:"in_person"`
	Online     usage  `json:"online"`
}

// runSubmit races delegations submitting online participants against
// small quotas, then checks with GET …/quotas that no delegation got more
// than its limit, which must hold however many requests arrive at once.
func runSubmit(ctx context.Context, e *env) (*summary, error) {
	st, err := e.needState(ctx)
	if err != nil {
		return nil, err
	}
	event := st.Event
	delegs, err := e.invitedDelegations(ctx)
	if err != nil {
		return nil, err
	}
	before, err := e.quotas(ctx, event)
	if err != nil {
		return nil, err
	}

	// A handful of delegations, spread over the list, get a limit just
	// above what they use now (their seeded in-person delegates count).
	var limited []string
	k := min(limitedDelegations, len(delegs))
	for j := range k {
		d := delegs[j*len(delegs)/k].Code
		q := before[d]
		body := map[string]int{"in_person": q.InPerson.Used + quotaHeadroom, "online": q.Online.Used + quotaHeadroom}
		if err := e.c.call(ctx, "PUT", "/v1/events/"+event+"/quotas/"+d, body, nil, 200); err != nil {
			return nil, fmt.Errorf("setting the quota of %s: %w", d, err)
		}
		limited = append(limited, d)
	}

	// Delegations submit for themselves, with their own tokens.
	tokens := make(map[string]string, len(delegs))
	var tokenIDs []string
	defer func() { e.revokeTokens(tokenIDs...) }()
	for _, d := range delegs {
		secret, id, err := e.tempToken(ctx, "accredit-load "+event+" "+d.Code, "delegation", d.Code, "")
		if err != nil {
			return nil, fmt.Errorf("creating a token for %s: %w", d.Code, err)
		}
		tokens[d.Code] = secret
		tokenIDs = append(tokenIDs, id)
	}

	// tag makes this run's emails distinct from earlier runs' on the event.
	tag := randomTag() + "." + strings.ToLower(event)
	var seq atomic.Uint64
	var created, exceeded atomic.Int64
	start := time.Now()
	pace := newPacer(e.cfg.rate, e.cfg.duration)
	workers := e.cfg.concurrency
	recs := runWorkers(workers, capHint(e.cfg.duration, workers), func(w int, rec *recorder) {
		rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))
		for {
			due, ok := pace.next(ctx)
			if !ok {
				break
			}
			// A quarter of the submissions go to the few limited
			// delegations (~60 times the share of any other), so that
			// several workers hit the same last seat at the same moment;
			// the rest nominate where seats remain, as most do.
			d := delegs[rng.IntN(len(delegs))].Code
			if rng.IntN(4) == 0 {
				d = limited[rng.IntN(len(limited))]
			}
			r := jsonReq("POST", "/v1/events/"+event+"/nominations", onlinePerson(seq.Add(1), tag, ""))
			r.token, r.idemKey = tokens[d], newUUID()
			res, ok := rec.doPaced(ctx, pace, due, e.c, r, 201, 409)
			switch {
			case !ok:
			case res.status == 201:
				created.Add(1)
			case resultOf(res) == "quota_exceeded":
				exceeded.Add(1)
			default: // a 409 other than quota_exceeded: distinct people must not conflict
				rec.errors++
				e.c.errs.note(newAPIError(r, res, nil))
			}
		}
	})
	elapsed := time.Since(start)

	after, err := e.quotas(ctx, event)
	if err != nil {
		return nil, fmt.Errorf("verifying the quotas: %w", err)
	}
	violations, filled := 0, 0
	for _, q := range after {
		for mode, u := range map[string]usage{"in_person": q.InPerson, "online": q.Online} {
			if u.Limit != nil && u.Used > *u.Limit {
				violations++
				e.logf("submit: VIOLATION %s %s: used %d, limit %d", q.Delegation, mode, u.Used, *u.Limit)
			}
		}
	}
	for _, d := range limited {
		if u := after[d].Online; u.Limit != nil && u.Used == *u.Limit {
			filled++
		}
	}

	s := summarize("submit", event, merge(recs...), elapsed)
	s.set("violations", violations)
	s.set("created", created.Load())
	s.set("quota_exceeded", exceeded.Load())
	s.set("created_per_s", round(float64(created.Load())/elapsed.Seconds(), 1))
	s.set("limited_delegations", limited)
	s.set("limited_filled", filled)
	s.set("delegations", len(delegs))
	if pace.open() {
		s.set("rate_per_s", e.cfg.rate)
	}
	if violations > 0 {
		s.fail("%d delegation quotas are exceeded", violations)
	}
	return s, nil
}

// quotas reads GET …/quotas into a map by delegation.
func (e *env) quotas(ctx context.Context, event string) (map[string]quotaItem, error) {
	var out struct {
		Items []quotaItem `json:"items"`
	}
	if err := e.c.call(ctx, "GET", "/v1/events/"+event+"/quotas", nil, &out, 200); err != nil {
		return nil, err
	}
	m := make(map[string]quotaItem, len(out.Items))
	for _, q := range out.Items {
		m[q.Delegation] = q
	}
	return m, nil
}
