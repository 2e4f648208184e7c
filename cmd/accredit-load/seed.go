package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// importChunk is the most rows one import may carry (api/openapi.yaml).
const importChunk = 5000

// Checkpoints of the seeded event: the main door in and out, and a VIP
// door that admits heads of delegation only.
const (
	cpIn  = "MAIN-IN"
	cpOut = "MAIN-OUT"
	cpVIP = "VIP"
)

// runSeed creates an open hybrid event whose badges are valid now, its
// checkpoints and -delegates approved in-person nominations with photos,
// spread over the 57 participating States and 11 Partners; withdraws a few
// so that the scanners have revoked codes; and writes the state file.
func runSeed(ctx context.Context, e *env) (*summary, error) {
	start := time.Now()
	code, n := e.cfg.event, e.cfg.delegates
	now := time.Now().UTC().Truncate(time.Second)
	starts := now.AddDate(0, 0, -1)
	ends := now.AddDate(0, 0, 2)
	docExpires := now.AddDate(5, 0, 0).Format(time.DateOnly)

	// Quotas are per delegation: room for every seeded delegate in one
	// delegation, and online room for long submit runs.
	quota := map[string]any{"in_person": n + 100, "online": 1_000_000}
	event := map[string]any{
		"code": code, "title": "Load test " + code, "venue": "Hofburg, Vienna", "timezone": "Europe/Vienna",
		"starts_on": starts.Format(time.DateOnly), "ends_on": ends.Format(time.DateOnly), "format": "hybrid",
		"status": "open", "waitlist": false, "anti_passback": true,
		"registration_opens_at": now.Add(-time.Hour), "registration_closes_at": now.AddDate(0, 0, 7),
		"badges_valid_from": now.Add(-time.Hour), "badges_valid_until": now.AddDate(0, 0, 7),
		"capacity":      map[string]any{"in_person": nil, "online": nil},
		"quotas":        map[string]any{"participating_state": quota, "partner": quota},
		"invited_kinds": []string{"participating_state", "partner"},
	}
	if err := e.c.call(ctx, "POST", "/v1/events", event, nil, 201); err != nil {
		return nil, fmt.Errorf("creating the event: %w", err)
	}
	for _, cp := range []map[string]any{
		{"code": cpIn, "name": "Hofburg main entrance (in)", "direction": "in", "categories": []string{}},
		{"code": cpOut, "name": "Hofburg main entrance (out)", "direction": "out", "categories": []string{}},
		{"code": cpVIP, "name": "VIP entrance, Neuer Saal", "direction": "in", "categories": []string{"head_of_delegation"}},
	} {
		if err := e.c.call(ctx, "POST", "/v1/events/"+code+"/checkpoints", cp, nil, 201); err != nil {
			return nil, fmt.Errorf("creating checkpoint %s: %w", cp["code"], err)
		}
	}
	delegs, err := e.invitedDelegations(ctx)
	if err != nil {
		return nil, err
	}
	e.logf("seed: event %s, %d delegations, %d delegates", code, len(delegs), n)

	tag := strings.ToLower(code)
	people := make([]nomination, n)
	for i := range people {
		people[i] = inPerson(i, tag, delegs[i%len(delegs)].Code, seedCategory(i, len(delegs)), docExpires)
	}
	ids := make([]string, n)
	serial := newRecorder(64) // requests made outside the worker pool
	imported, err := e.importAll(ctx, serial, code, people, ids)
	if err != nil {
		return nil, err
	}

	// Photo and approval (and submission when there was no import), one
	// nomination at a time per worker: the secretariat's desk, parallel.
	jobs := make(chan int, n)
	for i := range n {
		jobs <- i
	}
	close(jobs)
	approved := make([]bool, n)
	var nApproved, nPhotos atomic.Int64
	workers := min(e.cfg.concurrency, n)
	recs := runWorkers(workers, 3*n/workers+8, func(_ int, rec *recorder) {
		for i := range jobs {
			if ctx.Err() != nil {
				return
			}
			if ids[i] == "" {
				if ids[i] = e.submitOne(ctx, rec, code, "", people[i]); ids[i] == "" {
					continue
				}
			}
			nom := "/v1/events/" + code + "/nominations/" + ids[i]
			photo := req{method: "PUT", path: nom + "/photo", ctype: "image/jpeg", body: photoJPEG()}
			if _, ok := rec.do(ctx, e.c, photo, 200); !ok {
				continue
			}
			nPhotos.Add(1)
			if _, ok := rec.do(ctx, e.c, jsonReq("POST", nom+"/approve", nil), 200); !ok {
				continue
			}
			approved[i] = true
			nApproved.Add(1)
		}
	})

	// Withdraw about 2% (at least one) of the approved non-heads: their
	// badges are revoked, and the scan scenario replays their codes.
	var candidates []int
	for i, ok := range approved {
		if ok && people[i].Category != "head_of_delegation" {
			candidates = append(candidates, i)
		}
	}
	withdrawn := 0
	if k := min(max(1, n/50), len(candidates)); k > 0 {
		step := len(candidates) / k
		for j := range k {
			path := "/v1/events/" + code + "/nominations/" + ids[candidates[j*step]] + "/withdraw"
			if _, ok := serial.do(ctx, e.c, jsonReq("POST", path, map[string]string{"reason": "load test: withdrawn"}), 200); ok {
				withdrawn++
			}
		}
	}

	st, err := e.badgeState(ctx, serial, code)
	if err != nil {
		return nil, fmt.Errorf("listing the badges: %w", err)
	}
	if err := saveState(e.cfg.statePath, st); err != nil {
		return nil, fmt.Errorf("writing the state file: %w", err)
	}
	e.state = st
	elapsed := time.Since(start)

	s := summarize("seed", code, merge(append(recs, serial)...), elapsed)
	s.set("delegations", len(delegs))
	s.set("import", imported)
	s.set("nominations", n)
	s.set("photos", nPhotos.Load())
	s.set("approved", nApproved.Load())
	s.set("withdrawn", withdrawn)
	s.set("badges_active", len(st.Badges))
	s.set("badges_revoked", len(st.Revoked))
	s.set("nominations_per_s", round(float64(nApproved.Load())/elapsed.Seconds(), 1))
	s.set("state", e.cfg.statePath)
	if want := int(nApproved.Load()) - withdrawn; len(st.Badges) != want {
		s.fail("the badge list has %d active badges; %d approved minus %d withdrawn is %d", len(st.Badges),
			nApproved.Load(), withdrawn, want)
	}
	if len(st.Revoked) < withdrawn {
		s.fail("the badge list has %d revoked badges; %d nominations were withdrawn", len(st.Revoked), withdrawn)
	}
	return s, nil
}

type delegation struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// invitedDelegations lists the participating States and Partners, the
// kinds the seeded event invites.
func (e *env) invitedDelegations(ctx context.Context) ([]delegation, error) {
	var out []delegation
	cursor := ""
	for {
		path := "/v1/delegations?limit=500"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Items      []delegation `json:"items"`
			NextCursor *string      `json:"next_cursor"`
		}
		if err := e.c.call(ctx, "GET", path, nil, &page, 200); err != nil {
			return nil, fmt.Errorf("listing delegations: %w", err)
		}
		for _, d := range page.Items {
			if d.Kind == "participating_state" || d.Kind == "partner" {
				out = append(out, d)
			}
		}
		if page.NextCursor == nil || *page.NextCursor == "" {
			break
		}
		cursor = *page.NextCursor
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the server lists no participating States or Partners")
	}
	return out, nil
}

// submitOne submits one nomination with an Idempotency-Key; a request
// that got no answer is retried once with the same key, which the server
// must not turn into a second nomination. token "" is the secretariat's.
func (e *env) submitOne(ctx context.Context, rec *recorder, event, token string, n nomination) string {
	r := jsonReq("POST", "/v1/events/"+event+"/nominations", n)
	r.token, r.idemKey = token, newUUID()
	res, ok := rec.do(ctx, e.c, r, 201)
	if !ok && res.status == 0 && ctx.Err() == nil {
		res, ok = rec.do(ctx, e.c, r, 201)
	}
	if !ok {
		return ""
	}
	var out struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(res.body, &out) != nil || out.ID == "" {
		e.c.errs.note(newAPIError(r, res, fmt.Errorf("no id in the answer")))
		return ""
	}
	return out.ID
}

// importAll submits the people through POST …/nominations/import in chunks
// of at most 5,000 rows when the server has that endpoint, filling ids in
// file order. A 404 or 405 on a dry-run probe means it has not, and the
// caller submits one by one; so does a chunk the server refuses.
func (e *env) importAll(ctx context.Context, rec *recorder, event string, people []nomination, ids []string) (bool, error) {
	path := "/v1/events/" + event + "/nominations/import"
	probe := req{method: "POST", path: path + "?dry_run=true", ctype: "text/csv", body: importCSV(nil)}
	res, _, err := e.c.send(ctx, probe)
	if err != nil {
		return false, fmt.Errorf("probing the import endpoint: %w", err)
	}
	if res.status == 404 || res.status == 405 {
		e.logf("seed: no import endpoint (POST %s answered %d); submitting one by one", path, res.status)
		return false, nil
	}
	for off := 0; off < len(people); off += importChunk {
		chunk := people[off:min(off+importChunk, len(people))]
		r := req{method: "POST", path: path, ctype: "text/csv; charset=utf-8", body: importCSV(chunk)}
		res, ok := rec.do(ctx, e.c, r, 201)
		if !ok {
			e.logf("seed: import of rows %d–%d failed (HTTP %d); submitting them one by one", off+1, off+len(chunk), res.status)
			continue
		}
		var out struct {
			Items []struct {
				ID    string `json:"id"`
				Email string `json:"email"`
			} `json:"items"`
		}
		if err := json.Unmarshal(res.body, &out); err != nil {
			return true, newAPIError(r, res, err)
		}
		byEmail := make(map[string]string, len(out.Items))
		for _, it := range out.Items {
			byEmail[strings.ToLower(it.Email)] = it.ID
		}
		for j, p := range chunk {
			ids[off+j] = byEmail[strings.ToLower(p.Email)]
		}
	}
	return true, nil
}

// badgeState lists the event's badges into a state: active ones for the
// scanners, revoked ones as codes that must be refused.
func (e *env) badgeState(ctx context.Context, rec *recorder, event string) (*state, error) {
	st := &state{Version: stateVersion, URL: e.cfg.url, Event: event, CreatedAt: time.Now().UTC()}
	err := e.eachBadge(ctx, event, rec, func(b badgeItem) {
		ref := badgeRef{ID: b.ID, NominationID: b.NominationID, Code: b.Code, Category: b.Category}
		if b.Status == "active" {
			st.Badges = append(st.Badges, ref)
		} else {
			st.Revoked = append(st.Revoked, ref)
		}
	})
	return st, err
}
