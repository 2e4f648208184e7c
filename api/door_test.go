package api_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/uuid"
)

// TestScanTokenRevokedElsewhere: the scan route authenticates from a
// two-second view, so the write itself must refuse a token that another
// process revoked meanwhile — nothing recorded, 401.
func TestScanTokenRevokedElsewhere(t *testing.T) {
	eachDB(t, func(t *testing.T, a *env) {
		b := newEnvOn(t, a.dialect, a.url)
		a.event("DOOR-2030", func(m map[string]any) { m["badges_valid_from"] = "2020-01-01T00:00:00Z" })
		a.call("POST", "/v1/events/DOOR-2030/checkpoints", a.admin, map[string]any{"code": "MAIN", "name": "Main", "direction": "both"}).want(201)
		aut := a.token("delegation", "AUT", "")
		id := a.approved("DOOR-2030", aut, person())
		badge := a.call("GET", nomPath("DOOR-2030", id), aut, nil).want(200).json()["badge"].(map[string]any)["id"].(string)
		code := a.call("GET", "/v1/events/DOOR-2030/badges/"+badge, a.admin, nil).want(200).str("code")
		created := a.call("POST", "/v1/tokens", a.admin, map[string]any{"name": "lane 1", "role": "security", "event": "DOOR-2030"}).want(201).json()
		guard, tokenID := created["token"].(string), created["id"].(string)
		scan := func(dir string) *resp {
			return a.call("POST", "/v1/events/DOOR-2030/scans", guard, map[string]any{"code": code, "checkpoint": "MAIN", "direction": dir})
		}
		if r := scan("in").want(200).json(); r["result"] != "accepted" {
			t.Fatalf("first scan: %v", r)
		}
		b.call("DELETE", "/v1/tokens/"+tokenID, b.admin, nil).want(204) // revoked by the other instance
		scan("out").problem(401, "unauthorized")
		if n := len(a.call("GET", "/v1/events/DOOR-2030/scans", a.admin, nil).want(200).json()["items"].([]any)); n != 1 {
			t.Fatalf("%d scans recorded, want 1: the revoked token's scan must not be", n)
		}
		garbage := a.call("POST", "/v1/events/DOOR-2030/scans", guard, map[string]any{"code": "NOTACODE", "checkpoint": "MAIN"})
		garbage.problem(401, "unauthorized")
	})
}

// TestScanMixedGroups: at a busy door accepted and rejected scans are
// written together (group commit on PostgreSQL). Racing from two instances,
// each scan is recorded exactly once, a resent rejection's scan_id is
// answered as the first time, and every badge ends where its scans left it.
func TestScanMixedGroups(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-MIX", scAntiPassback)
		e2 := newEnvOn(t, e.dialect, e.url)
		var badges []scBadge
		for range 3 { // AUT's in-person quota
			badges = append(badges, f.issue(f.aut, person()))
		}
		type shot struct {
			body           []byte
			result, reason string
		}
		var shots []shot
		add := func(body map[string]any, result, reason string) {
			raw, _ := json.Marshal(body)
			shots = append(shots, shot{raw, result, reason})
		}
		for _, b := range badges {
			add(scBody(b.code, "MAIN", "in", scID(uuid.NewString())), "accepted", "")
			add(scBody(b.code, "VIP", "in", scID(uuid.NewString())), "rejected", "checkpoint_denied")
		}
		for i := range 12 {
			add(scBody(fmt.Sprintf("NOT-A-BADGE-%d", i), "MAIN", "in", scID(uuid.NewString())), "rejected", "invalid_code")
		}
		resent := scBody("NOT-A-BADGE-RESENT", "MAIN", "in", scID(uuid.NewString()))
		for range 6 {
			add(resent, "rejected", "invalid_code")
		}
		bodies := make([][]byte, len(shots))
		for i := range shots {
			bodies[i] = shots[i].body
		}
		out := scRace(f, []*env{e, e2}, bodies)
		var first map[string]any
		for i, r := range out {
			if r.err != nil || r.status != 200 {
				t.Fatalf("scan %d: %d %v %s", i, r.status, r.err, r.body)
			}
			var got map[string]any
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatal(err)
			}
			scWant(t, fmt.Sprintf("scan %d", i), got, shots[i].result, shots[i].reason)
			if got["scan_id"] == resent["scan_id"] {
				if first == nil {
					first = got
				} else if !reflect.DeepEqual(got, first) {
					t.Fatalf("a resent scan_id answered differently:\n%v\n%v", first, got)
				}
			}
		}
		recs := scRecords(e2, f.ev, "")
		if want := len(shots) - 5; len(recs) != want {
			t.Fatalf("%d records, want %d (one per scan_id)", len(recs), want)
		}
		p := e.call("GET", "/v1/events/"+f.ev+"/presence", f.guard, nil).want(200).json()
		if p["total"] != float64(len(badges)) {
			t.Fatalf("presence: %v, want all %d inside", p["total"], len(badges))
		}
	})
}

// TestScanRepeatRaced: without anti-passback every entry is accepted, and
// all but the first entry of a badge that is already inside are repeats,
// however many race in at once from two instances.
func TestScanRepeatRaced(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-REP")
		e2 := newEnvOn(t, e.dialect, e.url)
		b := f.issue(f.aut, person())
		bodies := make([][]byte, 16)
		for i := range bodies {
			bodies[i], _ = json.Marshal(scBody(b.code, "MAIN", "in", scID(uuid.NewString())))
		}
		firsts := 0
		for i, r := range scRace(f, []*env{e, e2}, bodies) {
			if r.err != nil || r.status != 200 {
				t.Fatalf("scan %d: %d %v %s", i, r.status, r.err, r.body)
			}
			var got map[string]any
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatal(err)
			}
			scWant(t, fmt.Sprintf("scan %d", i), got, "accepted", "")
			if got["repeat"] == false {
				firsts++
			}
		}
		if firsts != 1 {
			t.Fatalf("%d entries answered as first entries, want 1", firsts)
		}
		repeats := 0
		for _, r := range scRecords(e2, f.ev, "badge="+b.id) {
			if r["repeat"] == true {
				repeats++
			}
		}
		if repeats != len(bodies)-1 {
			t.Fatalf("%d records marked repeat, want %d", repeats, len(bodies)-1)
		}
	})
}
