package api_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/osce/accredit/badges"
)

// This file covers the scans (api/openapi.yaml, POST …/scans) through the HTTP API: every rejection
// reason, the order of the checks, the scan log, idempotency (also across
// two server instances), batches, presence, attendance, the revocation feed
// and the published badge keys. Helpers are prefixed sc.

// scFix is one event ready for scanning: checkpoints MAIN (both ways),
// ENTRY (in only) and VIP (heads of delegation only), an AUT delegation
// token and a security token bound to the event. Badges are valid from 2020
// to 2040 unless the test changes the event, so the real clock is inside.
type scFix struct {
	t     *testing.T
	e     *env
	ev    string
	aut   string
	guard string
}

func scSetup(t *testing.T, e *env, ev string, change ...func(map[string]any)) *scFix {
	t.Helper()
	all := append([]func(map[string]any){func(b map[string]any) {
		b["badges_valid_from"] = "2020-01-01T00:00:00Z"
		b["badges_valid_until"] = "2040-01-01T00:00:00Z"
	}}, change...)
	e.event(ev, all...)
	scCheckpoint(e, ev, "MAIN", "both")
	scCheckpoint(e, ev, "ENTRY", "in")
	scCheckpoint(e, ev, "VIP", "both", "head_of_delegation")
	return &scFix{t: t, e: e, ev: ev, aut: e.token("delegation", "AUT", ""), guard: e.token("security", "", ev)}
}

func scCheckpoint(e *env, ev, code, direction string, categories ...string) {
	e.t.Helper()
	body := map[string]any{"code": code, "name": "Checkpoint " + code, "direction": direction}
	if categories != nil {
		body["categories"] = categories
	}
	e.call("POST", "/v1/events/"+ev+"/checkpoints", e.admin, body).want(201)
}

func scAntiPassback(b map[string]any) { b["anti_passback"] = true }

// scBadge is an approved in-person delegate's badge.
type scBadge struct {
	nom, id, code string
}

// issue approves a new in-person nomination of the token's delegation and
// reads its badge.
func (f *scFix) issue(token string, body map[string]any) scBadge {
	f.t.Helper()
	return scIssue(f.e, f.ev, token, body)
}

func scIssue(e *env, ev, token string, body map[string]any) scBadge {
	e.t.Helper()
	nom := e.approved(ev, token, body)
	n := e.call("GET", nomPath(ev, nom), e.admin, nil).want(200).json()
	b, ok := n["badge"].(map[string]any)
	if !ok {
		e.t.Fatalf("approved in-person nomination without badge: %v", n)
	}
	id := b["id"].(string)
	code := e.call("GET", "/v1/events/"+ev+"/badges/"+id, e.admin, nil).want(200).str("code")
	return scBadge{nom: nom, id: id, code: code}
}

// scBody is a scan request; extra sets scan_id, scanned_at, device, ….
func scBody(code, checkpoint, direction string, extra ...func(map[string]any)) map[string]any {
	b := map[string]any{"code": code, "checkpoint": checkpoint}
	if direction != "" {
		b["direction"] = direction
	}
	for _, x := range extra {
		x(b)
	}
	return b
}

func scID(id string) func(map[string]any) { return func(b map[string]any) { b["scan_id"] = id } }

// scAt sets a scan's device time: believed in a batch, ignored online.
func scAt(at string) func(map[string]any) { return func(b map[string]any) { b["scanned_at"] = at } }

// scan posts one scan with the security token and returns the 200 answer.
func (f *scFix) scan(code, checkpoint, direction string, extra ...func(map[string]any)) map[string]any {
	f.t.Helper()
	return f.e.call("POST", "/v1/events/"+f.ev+"/scans", f.guard, scBody(code, checkpoint, direction, extra...)).want(200).json()
}

// scanAt is scan with the server's clock at at (RFC 3339) for that one
// scan: the online door judges at the server's time.
func (f *scFix) scanAt(at, code, checkpoint, direction string, extra ...func(map[string]any)) map[string]any {
	f.t.Helper()
	defer scClockAt(f.e, at)()
	return f.scan(code, checkpoint, direction, extra...)
}

// scClockAt sets e's clock to at and returns what puts it back.
func scClockAt(e *env, at string) func() {
	e.t.Helper()
	tm, err := time.Parse(time.RFC3339, at)
	if err != nil {
		e.t.Fatal(err)
	}
	prev := e.clock.Load()
	e.setNow(tm)
	return func() { e.clock.Store(prev) }
}

// records lists the scan log (secretariat) with an optional query.
func (f *scFix) records(query string) []map[string]any {
	f.t.Helper()
	return scRecords(f.e, f.ev, query)
}

func scRecords(e *env, ev, query string) []map[string]any {
	e.t.Helper()
	path := "/v1/events/" + ev + "/scans?limit=500"
	if query != "" {
		path += "&" + query
	}
	m := e.call("GET", path, e.admin, nil).want(200).json()
	return scItems(e.t, m)
}

func scItems(t *testing.T, m map[string]any) []map[string]any {
	t.Helper()
	raw, ok := m["items"].([]any)
	if !ok {
		t.Fatalf("no items list: %v", m)
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i] = it.(map[string]any)
	}
	return out
}

// scWant checks result and reason ("" means null).
func scWant(t *testing.T, what string, r map[string]any, result, reason string) {
	t.Helper()
	var want any
	if reason != "" {
		want = reason
	}
	if r["result"] != result || r["reason"] != want {
		t.Fatalf("%s: result %v reason %v, want %s %q: %v", what, r["result"], r["reason"], result, reason, r)
	}
}

func scKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// scOtherKeyCode is a well-formed badge code for a real badge and event,
// signed by a key accredit does not know.
func scOtherKeyCode(t *testing.T, ev, badgeID string) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return badges.NewSigner(priv).Sign(ev, uuid.MustParse(badgeID), 1)
}

func TestScanInvalidCode(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-INV")
		b := f.issue(f.aut, person())
		tampered := []byte(b.code)
		if tampered[60] == 'A' {
			tampered[60] = 'B'
		} else {
			tampered[60] = 'A'
		}
		codes := map[string]string{
			"garbage":    "NOT-A-BADGE",
			"other key":  scOtherKeyCode(t, f.ev, b.id),
			"tampered":   string(tampered),
			"lower case": strings.ToLower(b.code),
			"truncated":  b.code[:155],
		}
		for name, code := range codes {
			r := f.scan(code, "MAIN", "in")
			scWant(t, name, r, "rejected", "invalid_code")
			if r["badge"] != nil || r["delegate"] != nil {
				t.Fatalf("%s: an invalid code names a badge: %v", name, r)
			}
		}
		// The genuine code still works: nothing above touched the badge.
		scWant(t, "genuine", f.scan(b.code, "MAIN", "in"), "accepted", "")
		recs := f.records("result=rejected")
		if len(recs) != len(codes) {
			t.Fatalf("%d rejected records, want %d: %v", len(recs), len(codes), recs)
		}
		for _, r := range recs {
			if r["reason"] != "invalid_code" || r["badge_id"] != nil {
				t.Fatalf("record of an invalid code: %v", r)
			}
		}
	})
}

func TestScanWrongEvent(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		a := scSetup(t, e, "SC-WA")
		bEv := scSetup(t, e, "SC-WB")
		ba := a.issue(a.aut, person())
		bb := bEv.issue(bEv.aut, person())
		scWant(t, "badge of A at B", bEv.scan(ba.code, "MAIN", "in"), "rejected", "wrong_event")
		scWant(t, "badge of B at A", a.scan(bb.code, "MAIN", "in"), "rejected", "wrong_event")
		scWant(t, "badge of A at A", a.scan(ba.code, "MAIN", "in"), "accepted", "")
		// The secretariat's scan is judged the same way.
		r := e.call("POST", "/v1/events/SC-WB/scans", e.admin, scBody(ba.code, "MAIN", "in")).want(200).json()
		scWant(t, "secretariat scan of A at B", r, "rejected", "wrong_event")
		if recs := bEv.records("result=rejected"); len(recs) != 2 || recs[0]["reason"] != "wrong_event" {
			t.Fatalf("records at B: %v", recs)
		}
		if recs := a.records(""); len(recs) != 2 {
			t.Fatalf("B's scans leaked into A's log: %v", recs)
		}
	})
}

func TestScanRevoked(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-REV")
		withdrawn := f.issue(f.aut, person())
		revoked := f.issue(f.aut, person())
		lost := f.issue(f.aut, person())

		scWant(t, "before withdrawal", f.scan(withdrawn.code, "MAIN", "in"), "accepted", "")
		e.call("POST", nomPath(f.ev, withdrawn.nom, "withdraw"), f.aut, map[string]any{"reason": "ill"}).want(200)
		r := f.scan(withdrawn.code, "MAIN", "out")
		scWant(t, "withdrawn nomination", r, "rejected", "revoked")
		if bd, _ := r["badge"].(map[string]any); bd == nil || bd["id"] != withdrawn.id {
			t.Fatalf("revoked scan does not name the badge: %v", r)
		}

		e.call("POST", nomPath(f.ev, revoked.nom, "revoke"), e.admin, map[string]any{"reason": "security concern"}).want(200)
		scWant(t, "revoked nomination", f.scan(revoked.code, "MAIN", "in"), "rejected", "revoked")

		nb := e.call("POST", "/v1/events/"+f.ev+"/badges/"+lost.id+"/reissue", e.admin, nil).want(200).json()
		newCode, _ := nb["code"].(string)
		if nb["serial"] != float64(2) || newCode == "" || newCode == lost.code {
			t.Fatalf("reissue: %v", nb)
		}
		r = f.scan(lost.code, "MAIN", "in")
		scWant(t, "older serial", r, "rejected", "revoked")
		if bd, _ := r["badge"].(map[string]any); bd == nil || bd["serial"] != float64(1) {
			t.Fatalf("older serial scan shows badge %v, want serial 1", r["badge"])
		}
		r = f.scan(newCode, "MAIN", "in")
		scWant(t, "new serial", r, "accepted", "")
		if bd, _ := r["badge"].(map[string]any); bd == nil || bd["serial"] != float64(2) {
			t.Fatalf("new serial scan shows badge %v, want serial 2", r["badge"])
		}
		recs := f.records("result=rejected")
		if len(recs) != 3 {
			t.Fatalf("%d rejected records, want 3: %v", len(recs), recs)
		}
		for _, rec := range recs {
			if rec["reason"] != "revoked" {
				t.Fatalf("record: %v", rec)
			}
		}
	})
}

// TestScanOutsideValidity: the server clock, or the device's scanned_at,
// outside the event's badge window.
func TestScanOutsideValidity(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-VAL", func(b map[string]any) {
			b["badges_valid_from"] = "2030-06-10T06:00:00Z"
			b["badges_valid_until"] = "2030-06-11T20:00:00Z"
		})
		b := f.issue(f.aut, person())
		bd := e.call("GET", "/v1/events/"+f.ev+"/badges/"+b.id, e.admin, nil).want(200).json()
		if bd["valid_from"] != "2030-06-10T06:00:00Z" || bd["valid_until"] != "2030-06-11T20:00:00Z" {
			t.Fatalf("badge window: %v – %v", bd["valid_from"], bd["valid_until"])
		}

		e.setNow(time.Date(2030, 6, 9, 12, 0, 0, 0, time.UTC))
		scWant(t, "the day before", f.scan(b.code, "MAIN", "in"), "rejected", "outside_validity")
		e.setNow(time.Date(2030, 6, 12, 9, 0, 0, 0, time.UTC))
		scWant(t, "the day after", f.scan(b.code, "MAIN", "in"), "rejected", "outside_validity")
		e.setNow(time.Date(2030, 6, 10, 9, 0, 0, 0, time.UTC))
		scWant(t, "during the event", f.scan(b.code, "MAIN", "in"), "accepted", "")
		scWant(t, "during the event", f.scan(b.code, "MAIN", "out"), "accepted", "")

		// An offline replay, sent in a batch after the event, is judged at
		// the device's time, not at arrival.
		e.setNow(time.Date(2031, 1, 2, 9, 0, 0, 0, time.UTC))
		for at, want := range map[string]string{
			"2030-06-10T05:59:59Z": "outside_validity",
			"2030-06-10T06:00:00Z": "",
			"2030-06-11T19:59:59Z": "",
			"2030-06-11T20:00:00Z": "outside_validity",
			"2031-01-01T00:00:00Z": "outside_validity",
		} {
			r := scResults(t, f.batch([]map[string]any{scBody(b.code, "MAIN", "out", scAt(at))}).want(200))[0]
			if want == "" {
				scWant(t, "scanned at "+at, r, "accepted", "")
			} else {
				scWant(t, "scanned at "+at, r, "rejected", want)
			}
			if r["scanned_at"] != at {
				t.Fatalf("scanned_at %v, want the device's %s", r["scanned_at"], at)
			}
		}
		recs := f.records("result=rejected")
		if len(recs) != 5 {
			t.Fatalf("%d rejected records, want 5", len(recs))
		}
	})
}

// TestScanDefaultValidityWindow: without badges_valid_*, a badge opens
// doors from starts_on 00:00 to the end of ends_on in the event's time
// zone (Vienna, UTC+2 in June).
func TestScanDefaultValidityWindow(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-DEF", func(b map[string]any) {
			delete(b, "badges_valid_from")
			delete(b, "badges_valid_until")
		})
		b := f.issue(f.aut, person())
		for at, ok := range map[string]bool{
			"2030-06-09T21:59:59Z": false,
			"2030-06-09T22:00:00Z": true,
			"2030-06-11T21:59:59Z": true,
			"2030-06-11T22:00:00Z": false,
		} {
			r := f.scanAt(at, b.code, "MAIN", "out")
			if ok {
				scWant(t, at, r, "accepted", "")
			} else {
				scWant(t, at, r, "rejected", "outside_validity")
			}
		}
	})
}

// TestScanValidityFollowsEvent: the secretariat narrows the badge window
// of an event whose badges are already issued (a day is cancelled). The
// API makes the event's badges_valid_from/until the window of its badges;
// the safe reading is that printed badges stop opening doors outside it.
func TestScanValidityFollowsEvent(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-NARROW")
		b := f.issue(f.aut, person())
		scWant(t, "before the change", f.scan(b.code, "MAIN", "in"), "accepted", "")
		past := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
		e.call("PATCH", "/v1/events/"+f.ev, e.admin, map[string]any{
			"badges_valid_from": "2020-01-01T00:00:00Z", "badges_valid_until": past}).want(200)
		scWant(t, "after the window was closed", f.scan(b.code, "MAIN", "out"), "rejected", "outside_validity")
	})
}

func TestScanCheckpointDenied(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-CAT")
		delegate := f.issue(f.aut, person())
		hod := f.issue(f.aut, person(head))
		r := f.scan(delegate.code, "VIP", "in")
		scWant(t, "delegate at VIP", r, "rejected", "checkpoint_denied")
		if d, _ := r["delegate"].(map[string]any); d == nil || d["category"] != "delegate" {
			t.Fatalf("the officer should see who was refused: %v", r)
		}
		scWant(t, "head at VIP", f.scan(hod.code, "VIP", "in"), "accepted", "")
		// An empty category list admits everyone.
		scWant(t, "delegate at MAIN", f.scan(delegate.code, "MAIN", "in"), "accepted", "")
		recs := f.records("checkpoint=VIP")
		if len(recs) != 2 {
			t.Fatalf("VIP records: %v", recs)
		}
		if recs[0]["result"] != "rejected" || recs[0]["reason"] != "checkpoint_denied" || recs[0]["badge_id"] != delegate.id {
			t.Fatalf("denied record: %v", recs[0])
		}
	})
}

func TestScanAntiPassback(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		on := scSetup(t, e, "SC-APB", scAntiPassback)
		b := on.issue(on.aut, person())
		r := on.scan(b.code, "MAIN", "in")
		scWant(t, "first entry", r, "accepted", "")
		if r["repeat"] != false {
			t.Fatalf("first entry is a repeat: %v", r)
		}
		scWant(t, "second entry", on.scan(b.code, "MAIN", "in"), "rejected", "already_inside")
		scWant(t, "second entry elsewhere", on.scan(b.code, "ENTRY", "in"), "rejected", "already_inside")
		scWant(t, "exit", on.scan(b.code, "MAIN", "out"), "accepted", "")
		scWant(t, "re-entry", on.scan(b.code, "ENTRY", "in"), "accepted", "")
		scWant(t, "second re-entry", on.scan(b.code, "MAIN", "in"), "rejected", "already_inside")
		if recs := on.records("result=rejected"); len(recs) != 3 {
			t.Fatalf("rejected records: %v", recs)
		}

		off := scSetup(t, e, "SC-NOAPB")
		b = off.issue(off.aut, person())
		r = off.scan(b.code, "MAIN", "in")
		scWant(t, "first entry", r, "accepted", "")
		if r["repeat"] != false {
			t.Fatalf("first entry is a repeat: %v", r)
		}
		r = off.scan(b.code, "MAIN", "in")
		scWant(t, "second entry", r, "accepted", "")
		if r["repeat"] != true {
			t.Fatalf("second entry without exit is not a repeat: %v", r)
		}
		r = off.scan(b.code, "MAIN", "out")
		scWant(t, "exit", r, "accepted", "")
		if r["repeat"] != false {
			t.Fatalf("exit marked repeat: %v", r)
		}
		r = off.scan(b.code, "MAIN", "in")
		if r["result"] != "accepted" || r["repeat"] != false {
			t.Fatalf("entry after exit: %v", r)
		}
		recs := off.records("")
		if len(recs) != 4 || recs[1]["repeat"] != true || recs[0]["repeat"] != false {
			t.Fatalf("records: %v", recs)
		}
	})
}

// TestScanCheckOrder: code → event → revocation and serial → validity →
// checkpoint category → anti-passback; the first failing check names the
// reason.
func TestScanCheckOrder(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-ORD", scAntiPassback, func(b map[string]any) {
			b["badges_valid_from"] = "2030-06-10T06:00:00Z"
			b["badges_valid_until"] = "2030-06-11T20:00:00Z"
		})
		other := scSetup(t, e, "SC-ORD-B")
		e.setNow(time.Date(2030, 6, 10, 9, 0, 0, 0, time.UTC))
		revoked := f.issue(f.aut, person())
		e.call("POST", nomPath(f.ev, revoked.nom, "withdraw"), f.aut, map[string]any{"reason": "ill"}).want(200)
		delegate := f.issue(f.aut, person())
		foreign := other.issue(other.aut, person())

		const outside = "2030-06-01T10:00:00Z"
		// revoked, outside the window and at a checkpoint that denies it.
		scWant(t, "revoked at VIP", f.scan(revoked.code, "VIP", "in"), "rejected", "revoked")
		scWant(t, "revoked, outside, at VIP", f.scanAt(outside, revoked.code, "VIP", "in"), "rejected", "revoked")
		// outside the window at a checkpoint that denies it.
		scWant(t, "outside at VIP", f.scanAt(outside, delegate.code, "VIP", "in"), "rejected", "outside_validity")
		// another event's badge, outside this window, at a denied checkpoint.
		scWant(t, "foreign at VIP", f.scanAt(outside, foreign.code, "VIP", "in"), "rejected", "wrong_event")
		// inside already, then at a checkpoint that denies the category.
		scWant(t, "entry", f.scan(delegate.code, "MAIN", "in"), "accepted", "")
		scWant(t, "inside at VIP", f.scan(delegate.code, "VIP", "in"), "rejected", "checkpoint_denied")
		scWant(t, "inside at MAIN", f.scan(delegate.code, "MAIN", "in"), "rejected", "already_inside")
		// inside and outside the window: the window wins over anti-passback.
		scWant(t, "inside, outside the window", f.scanAt(outside, delegate.code, "MAIN", "in"), "rejected", "outside_validity")
	})
}

// TestScanLog: every scan is recorded, rejected ones too, with the fields
// of §5, and the log filters by result, checkpoint and badge.
func TestScanLog(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-LOG", scAntiPassback)
		a := f.issue(f.aut, person())
		b := f.issue(f.aut, person())
		f.scan(a.code, "MAIN", "in", func(m map[string]any) { m["device"] = "gate-1" }) // accepted
		f.scan(a.code, "ENTRY", "in")                                                   // already_inside
		f.scan(b.code, "VIP", "in")                                                     // checkpoint_denied
		f.scan("GARBAGE", "VIP", "in")                                                  // invalid_code
		f.scan(b.code, "ENTRY", "")                                                     // accepted, direction defaults to in
		// accepted: an offline replay at device time, sent an hour later
		e.setNow(time.Date(2030, 6, 10, 9, 0, 0, 0, time.UTC))
		f.batch([]map[string]any{scBody(a.code, "MAIN", "out", scID("6f1c1e0e-3f57-4b8e-9d49-0a4f7a1f2c11"), scAt("2030-06-10T08:00:00Z"))}).want(200)

		all := f.records("")
		if len(all) != 6 {
			t.Fatalf("%d records, want 6: %v", len(all), all)
		}
		want := []string{"checkpoint", "conflict", "device", "direction", "badge_id", "reason", "received_at", "repeat", "result", "scan_id", "scanned_at", "serial"}
		sort.Strings(want)
		if got := scKeys(all[0]); !reflect.DeepEqual(got, want) {
			t.Fatalf("record fields %v, want %v", got, want)
		}
		first := all[0]
		if first["badge_id"] != a.id || first["serial"] != float64(1) || first["checkpoint"] != "MAIN" || first["direction"] != "in" ||
			first["result"] != "accepted" || first["reason"] != nil || first["device"] != "gate-1" || first["conflict"] != false {
			t.Fatalf("first record: %v", first)
		}
		if all[4]["direction"] != "in" {
			t.Fatalf("default direction: %v", all[4])
		}
		last := all[5]
		if last["scan_id"] != "6f1c1e0e-3f57-4b8e-9d49-0a4f7a1f2c11" || last["scanned_at"] != "2030-06-10T08:00:00Z" || last["received_at"] == last["scanned_at"] {
			t.Fatalf("replayed record keeps device time and arrival apart: %v", last)
		}

		count := func(q string, n int) []map[string]any {
			t.Helper()
			recs := f.records(q)
			if len(recs) != n {
				t.Fatalf("?%s: %d records, want %d: %v", q, len(recs), n, recs)
			}
			return recs
		}
		for _, r := range count("result=rejected", 3) {
			if r["result"] != "rejected" || r["reason"] == nil {
				t.Fatalf("rejected filter: %v", r)
			}
		}
		count("result=accepted", 3)
		count("checkpoint=VIP", 2)
		count("checkpoint=ENTRY", 2)
		for _, r := range count("badge="+a.id, 3) {
			if r["badge_id"] != a.id {
				t.Fatalf("badge filter: %v", r)
			}
		}
		count("badge="+b.id+"&result=accepted", 1)
		count("checkpoint=VIP&result=rejected", 2)
		count("checkpoint=NOWHERE", 0)
		e.call("GET", "/v1/events/"+f.ev+"/scans?result=maybe", e.admin, nil).problem(422, "validation_failed")
	})
}

func TestScanIdempotent(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-IDEM", scAntiPassback)
		b := f.issue(f.aut, person())
		id := uuid.NewString()
		first := e.call("POST", "/v1/events/"+f.ev+"/scans", f.guard, scBody(b.code, "MAIN", "in", scID(id))).want(200)
		second := e.call("POST", "/v1/events/"+f.ev+"/scans", f.guard, scBody(b.code, "MAIN", "in", scID(id))).want(200)
		scWant(t, "first", first.json(), "accepted", "")
		if !reflect.DeepEqual(first.json(), second.json()) {
			t.Fatalf("replay differs:\n%s\n%s", first.Body, second.Body)
		}
		if first.str("scan_id") != id {
			t.Fatalf("scan_id %q, want %s", first.str("scan_id"), id)
		}
		// A rejected scan replays as rejected, once recorded.
		rid := uuid.NewString()
		r1 := f.scan(b.code, "MAIN", "in", scID(rid))
		scWant(t, "second entry", r1, "rejected", "already_inside")
		f.scan(b.code, "MAIN", "out")
		r2 := f.scan(b.code, "MAIN", "in", scID(rid))
		if !reflect.DeepEqual(r1, r2) {
			t.Fatalf("replay of a rejected scan differs after the badge left:\n%v\n%v", r1, r2)
		}
		if recs := f.records(""); len(recs) != 3 {
			t.Fatalf("%d records, want 3 (two replays add nothing): %v", len(recs), recs)
		}
		// Still outside: the replay moved nobody.
		p := e.call("GET", "/v1/events/"+f.ev+"/presence", f.guard, nil).want(200).json()
		if p["total"] != float64(0) {
			t.Fatalf("presence after replays: %v", p)
		}
	})
}

// scRaw is one request's outcome in a goroutine (no t.Fatal there).
type scRaw struct {
	status int
	body   []byte
	err    error
}

func scDo(client *http.Client, method, url, token string, body []byte) scRaw {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return scRaw{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return scRaw{err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return scRaw{status: res.StatusCode, body: b, err: err}
}

// scRace posts the bodies as scans all at once, alternating between the
// instances, and returns the outcomes in order.
func scRace(f *scFix, instances []*env, bodies [][]byte) []scRaw {
	out := make([]scRaw, len(bodies))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Add(1)
		srv := instances[i%len(instances)].srv
		go func(i int) {
			defer wg.Done()
			<-start
			out[i] = scDo(srv.Client(), "POST", srv.URL+"/v1/events/"+f.ev+"/scans", f.guard, bodies[i])
		}(i)
	}
	close(start)
	wg.Wait()
	return out
}

// TestScanIdempotentConcurrent: the same scan_id from ten goroutines, split
// over two app instances on one database, is one scan: one record, one
// answer, one entry.
func TestScanIdempotentConcurrent(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-RACE", scAntiPassback)
		e2 := newEnvOn(t, e.dialect, e.url)
		b := f.issue(f.aut, person())
		for round := 0; round < 3; round++ {
			id := uuid.NewString()
			dir := []string{"in", "out", "in"}[round]
			body, _ := json.Marshal(scBody(b.code, "MAIN", dir, scID(id)))
			bodies := make([][]byte, 10)
			for i := range bodies {
				bodies[i] = body
			}
			out := scRace(f, []*env{e, e2}, bodies)
			var want map[string]any
			for i, r := range out {
				if r.err != nil || r.status != 200 {
					t.Fatalf("round %d request %d: %d %v %s", round, i, r.status, r.err, r.body)
				}
				var got map[string]any
				if err := json.Unmarshal(r.body, &got); err != nil {
					t.Fatal(err)
				}
				if want == nil {
					want = got
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("round %d: answers differ:\n%v\n%v", round, want, got)
				}
			}
			scWant(t, fmt.Sprintf("round %d (%s)", round, dir), want, "accepted", "")
			if recs := scRecords(e2, f.ev, "badge="+b.id); len(recs) != round+1 {
				t.Fatalf("round %d: %d records, want %d: %v", round, len(recs), round+1, recs)
			}
		}
		p := e2.call("GET", "/v1/events/"+f.ev+"/presence", f.guard, nil).want(200).json()
		if p["total"] != float64(1) {
			t.Fatalf("presence after in, out, in: %v", p)
		}
	})
}

// TestScanCallerMistakes: an unknown checkpoint or a direction the
// checkpoint does not take is an error, not a scan, and is not recorded.
func TestScanCallerMistakes(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-MIS")
		b := f.issue(f.aut, person())
		path := "/v1/events/" + f.ev + "/scans"
		e.call("POST", path, f.guard, scBody(b.code, "NOWHERE", "in")).problem(404, "not_found")
		e.call("POST", path, f.guard, scBody("GARBAGE", "NOWHERE", "in")).problem(404, "not_found")
		wrongWay := e.call("POST", path, f.guard, scBody(b.code, "ENTRY", "out"))
		wrongWay.problem(422, "validation_failed")
		if fs := wrongWay.fields(); !reflect.DeepEqual(fs, []string{"direction"}) {
			t.Fatalf("fields %v, want [direction]", fs)
		}
		e.call("POST", path, f.guard, scBody(b.code, "MAIN", "sideways")).problem(422, "validation_failed")
		e.call("POST", path, f.guard, map[string]any{"checkpoint": "MAIN"}).problem(422, "validation_failed")
		e.call("POST", path, f.guard, scBody(b.code, "MAIN", "in", scID("not-a-uuid"))).problem(422, "validation_failed")
		e.call("POST", path, f.guard, `{"code": 42}`).problem(400, "malformed_body")
		if recs := f.records(""); len(recs) != 0 {
			t.Fatalf("mistakes were recorded: %v", recs)
		}
		// The badge is untouched: its first real entry is not a repeat.
		r := f.scan(b.code, "ENTRY", "in")
		if r["result"] != "accepted" || r["repeat"] != false {
			t.Fatalf("entry after the mistakes: %v", r)
		}
	})
}

// TestScanDelegateView: the officer sees name, delegation, category and
// photo, nothing else; the photo is fetchable with the security token, the
// nomination is not.
func TestScanDelegateView(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-VIEW")
		body := person(func(b map[string]any) {
			b["given_name"], b["family_name"] = "Zoë", "Müller-Łukasiewicz"
			b["phone"] = "+43 1 514 36 6000"
		})
		b := f.issue(f.aut, body)
		res := e.call("POST", "/v1/events/"+f.ev+"/scans", f.guard, scBody(b.code, "MAIN", "in")).want(200)
		r := res.json()
		scWant(t, "scan", r, "accepted", "")
		if got, want := scKeys(r), []string{"badge", "delegate", "reason", "repeat", "result", "scan_id", "scanned_at"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("result fields %v, want %v", got, want)
		}
		bd := r["badge"].(map[string]any)
		if got := scKeys(bd); !reflect.DeepEqual(got, []string{"category", "id", "serial"}) || bd["id"] != b.id || bd["serial"] != float64(1) || bd["category"] != "delegate" {
			t.Fatalf("badge %v", bd)
		}
		d := r["delegate"].(map[string]any)
		if got := scKeys(d); !reflect.DeepEqual(got, []string{"category", "delegation", "display_name", "photo_url"}) {
			t.Fatalf("delegate fields %v, want exactly display_name, delegation, category, photo_url", got)
		}
		name, _ := d["display_name"].(string)
		if !strings.Contains(name, "Zoë") || !strings.Contains(name, "Müller-Łukasiewicz") || d["delegation"] != "AUT" || d["category"] != "delegate" {
			t.Fatalf("delegate %v", d)
		}
		doc := body["document"].(map[string]any)
		for _, secret := range []string{"email", "document", "date_of_birth", "phone", "nationality",
			body["email"].(string), doc["number"].(string), body["date_of_birth"].(string), "514 36", "passport"} {
			if bytes.Contains(bytes.ToLower(res.Body), bytes.ToLower([]byte(secret))) {
				t.Fatalf("scan answer reveals %q: %s", secret, res.Body)
			}
		}
		// What a replay answers, and what presence lists, is as discreet.
		p := e.call("GET", "/v1/events/"+f.ev+"/presence", f.guard, nil).want(200)
		for _, secret := range []string{body["email"].(string), doc["number"].(string), body["date_of_birth"].(string)} {
			if bytes.Contains(p.Body, []byte(secret)) {
				t.Fatalf("presence reveals %q: %s", secret, p.Body)
			}
		}

		photo, _ := d["photo_url"].(string)
		if photo == "" {
			t.Fatalf("no photo_url for a delegate with a photo: %v", d)
		}
		if u, err := url.Parse(photo); err == nil && u.IsAbs() {
			photo = u.RequestURI()
		}
		img := e.call("GET", photo, f.guard, nil).want(200)
		if ct := img.Header.Get("Content-Type"); ct != "image/jpeg" {
			t.Fatalf("photo content type %q", ct)
		}
		if len(img.Body) < 3 || !bytes.Equal(img.Body[:3], []byte{0xFF, 0xD8, 0xFF}) {
			t.Fatalf("photo is not a JPEG")
		}
		e.call("GET", nomPath(f.ev, b.nom), f.guard, nil).problem(403, "forbidden")
		e.call("GET", "/v1/events/"+f.ev+"/nominations", f.guard, nil).problem(403, "forbidden")

		// An invalid code shows no delegate at all.
		if r := f.scan("GARBAGE", "MAIN", "in"); r["delegate"] != nil || r["badge"] != nil {
			t.Fatalf("invalid code shows %v", r)
		}
	})
}

// scBatch posts a batch with the security token.
func (f *scFix) batch(scans []map[string]any) *resp {
	f.t.Helper()
	return f.e.call("POST", "/v1/events/"+f.ev+"/scans/batch", f.guard, map[string]any{"scans": scans})
}

func scResults(t *testing.T, r *resp) []map[string]any {
	t.Helper()
	raw, ok := r.json()["results"].([]any)
	if !ok {
		t.Fatalf("no results: %s", r.Body)
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i] = it.(map[string]any)
	}
	return out
}

func scDevice(result string) func(map[string]any) {
	return func(b map[string]any) { b["device_result"] = result }
}

func TestScanBatch(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-BATCH", scAntiPassback)
		a := f.issue(f.aut, person())
		b := f.issue(f.aut, person())
		ids := make([]string, 5)
		for i := range ids {
			ids[i] = uuid.NewString()
		}
		scans := []map[string]any{
			scBody(a.code, "MAIN", "in", scID(ids[0]), scDevice("accepted"), scAt("2030-06-10T07:00:00Z")),    // accepted, agrees
			scBody("GARBAGE", "MAIN", "in", scID(ids[1]), scDevice("accepted"), scAt("2030-06-10T07:01:00Z")), // invalid_code, conflict
			scBody(a.code, "MAIN", "in", scID(ids[2]), scDevice("rejected"), scAt("2030-06-10T07:02:00Z")),    // already_inside, agrees
			scBody(a.code, "MAIN", "out", scID(ids[3]), scDevice("accepted"), scAt("2030-06-10T07:03:00Z")),   // accepted, agrees
			scBody(b.code, "MAIN", "in", scID(ids[4]), scDevice("rejected"), scAt("2030-06-10T07:04:00Z")),    // accepted, conflict
		}
		want := []struct {
			result, reason string
			conflict       bool
		}{{"accepted", "", false}, {"rejected", "invalid_code", true}, {"rejected", "already_inside", false},
			{"accepted", "", false}, {"accepted", "", true}}
		e.setNow(time.Date(2030, 6, 10, 7, 30, 0, 0, time.UTC)) // the device comes back online
		first := f.batch(scans).want(200)
		res := scResults(t, first)
		if len(res) != 5 {
			t.Fatalf("%d results, want 5", len(res))
		}
		for i, w := range want {
			if res[i]["scan_id"] != ids[i] {
				t.Fatalf("result %d is scan %v, want %s (same order)", i, res[i]["scan_id"], ids[i])
			}
			scWant(t, fmt.Sprintf("result %d", i), res[i], w.result, w.reason)
			if res[i]["conflict"] != w.conflict {
				t.Fatalf("result %d: conflict %v, want %v: %v", i, res[i]["conflict"], w.conflict, res[i])
			}
		}
		recs := f.records("")
		if len(recs) != 5 {
			t.Fatalf("%d records, want 5", len(recs))
		}
		byID := map[string]map[string]any{}
		for _, r := range recs {
			byID[r["scan_id"].(string)] = r
		}
		for i, w := range want {
			r := byID[ids[i]]
			if r == nil || r["conflict"] != w.conflict || r["result"] != w.result {
				t.Fatalf("record of scan %d: %v, want result %s conflict %v", i, r, w.result, w.conflict)
			}
		}
		if c := f.records("result=accepted"); len(c) != 3 {
			t.Fatalf("accepted records: %v", c)
		}

		// The device resends the batch (it never saw the answer).
		again := f.batch(scans).want(200)
		if !reflect.DeepEqual(first.json(), again.json()) {
			t.Fatalf("resent batch answers differently:\n%s\n%s", first.Body, again.Body)
		}
		if recs := f.records(""); len(recs) != 5 {
			t.Fatalf("resending recorded again: %d records", len(recs))
		}
		// b is inside (accepted in the batch), a is out.
		p := e.call("GET", "/v1/events/"+f.ev+"/presence", f.guard, nil).want(200).json()
		items := scItems(t, p)
		if p["total"] != float64(1) || len(items) != 1 || items[0]["badge_id"] != b.id {
			t.Fatalf("presence after the batch: %v", p)
		}
		// A batch scan without device_result has no conflict.
		r := scResults(t, f.batch([]map[string]any{scBody("GARBAGE", "MAIN", "in")}).want(200))
		if len(r) != 1 || r[0]["conflict"] != false {
			t.Fatalf("no device_result: %v", r)
		}
	})
}

func TestScanBatchRefusedWhole(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-BREF")
		a := f.issue(f.aut, person())
		many := make([]map[string]any, 1001)
		for i := range many {
			many[i] = scBody(a.code, "MAIN", "in")
		}
		f.batch(many).problem(422, "validation_failed")

		unknown := []map[string]any{
			scBody(a.code, "MAIN", "in", scID(uuid.NewString())),
			scBody("GARBAGE", "MAIN", "in", scID(uuid.NewString())),
			scBody(a.code, "NOWHERE", "out", scID(uuid.NewString())),
			scBody(a.code, "MAIN", "out", scID(uuid.NewString())),
		}
		f.batch(unknown).problem(422, "validation_failed")
		badDir := []map[string]any{
			scBody(a.code, "MAIN", "in"),
			scBody(a.code, "ENTRY", "out"),
		}
		f.batch(badDir).problem(422, "validation_failed")
		f.batch([]map[string]any{scBody(a.code, "MAIN", "in", scDevice("maybe"))}).problem(422, "validation_failed")
		if recs := f.records(""); len(recs) != 0 {
			t.Fatalf("a refused batch recorded %d scans: %v", len(recs), recs)
		}
		p := e.call("GET", "/v1/events/"+f.ev+"/presence", f.guard, nil).want(200).json()
		if p["total"] != float64(0) {
			t.Fatalf("a refused batch moved people: %v", p)
		}
		// The single-scan endpoint takes no device_result.
		e.call("POST", "/v1/events/"+f.ev+"/scans", f.guard, scBody(a.code, "MAIN", "in", scDevice("accepted"))).problem(400, "malformed_body")
	})
}

// TestScanBatchMax: exactly 1000 scans is allowed.
func TestScanBatchMax(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-BMAX")
		scans := make([]map[string]any, 1000)
		for i := range scans {
			scans[i] = scBody(fmt.Sprintf("GARBAGE-%d", i), "MAIN", "in")
		}
		res := scResults(t, f.batch(scans).want(200))
		if len(res) != 1000 {
			t.Fatalf("%d results, want 1000", len(res))
		}
		if recs := f.records(""); len(recs) != 500 {
			t.Fatalf("first page: %d", len(recs))
		}
	})
}

// TestScanTokenBoundToOtherEvent: a security token bound to event B is
// forbidden at event A; the roles of §6 hold for the scan endpoints.
func TestScanTokenBoundToOtherEvent(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		a := scSetup(t, e, "SC-TOKA")
		scSetup(t, e, "SC-TOKB")
		b := a.issue(a.aut, person())
		guardB := e.token("security", "", "SC-TOKB")
		scan := scBody(b.code, "MAIN", "in")
		batch := map[string]any{"scans": []map[string]any{scan}}
		ev := "/v1/events/SC-TOKA"
		e.call("POST", ev+"/scans", guardB, scan).problem(403, "forbidden")
		e.call("POST", ev+"/scans/batch", guardB, batch).problem(403, "forbidden")
		e.call("GET", ev+"/presence", guardB, nil).problem(403, "forbidden")
		e.call("GET", ev+"/badge-keys", guardB, nil).problem(403, "forbidden")
		e.call("GET", ev+"/revocations", guardB, nil).problem(403, "forbidden")
		e.call("GET", ev, guardB, nil).problem(403, "forbidden")
		if recs := a.records(""); len(recs) != 0 {
			t.Fatalf("a forbidden scan was recorded: %v", recs)
		}

		// Its own event, and an unbound security token, may.
		for _, g := range []string{a.guard, e.token("security", "", "")} {
			e.call("POST", ev+"/scans", g, scBody(b.code, "MAIN", "out")).want(200)
			e.call("POST", ev+"/scans/batch", g, map[string]any{"scans": []map[string]any{scBody(b.code, "MAIN", "out")}}).want(200)
			e.call("GET", ev+"/presence", g, nil).want(200)
			e.call("GET", ev+"/badge-keys", g, nil).want(200)
			e.call("GET", ev+"/revocations", g, nil).want(200)
			// …but the scan log and attendance are the secretariat's.
			e.call("GET", ev+"/scans", g, nil).problem(403, "forbidden")
			e.call("GET", ev+"/attendance", g, nil).problem(403, "forbidden")
		}
		// Delegations do not scan.
		e.call("POST", ev+"/scans", a.aut, scan).problem(403, "forbidden")
		e.call("POST", ev+"/scans/batch", a.aut, batch).problem(403, "forbidden")
		e.call("GET", ev+"/presence", a.aut, nil).problem(403, "forbidden")
		e.call("GET", ev+"/badge-keys", a.aut, nil).problem(403, "forbidden")
		e.call("GET", ev+"/revocations", a.aut, nil).problem(403, "forbidden")
		if recs := a.records(""); len(recs) != 4 {
			t.Fatalf("%d records, want the 4 allowed scans", len(recs))
		}
	})
}

func TestScanPresence(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-PRES", scAntiPassback)
		a := f.issue(f.aut, person())
		presence := func() map[string]any {
			t.Helper()
			return e.call("GET", "/v1/events/"+f.ev+"/presence", f.guard, nil).want(200).json()
		}
		if p := presence(); p["total"] != float64(0) || len(p["by_delegation"].(map[string]any)) != 0 || len(scItems(t, p)) != 0 {
			t.Fatalf("empty hall: %v", p)
		}
		f.scanAt("2030-06-10T07:00:00Z", a.code, "ENTRY", "in")
		p := presence()
		if p["total"] != float64(1) || !reflect.DeepEqual(p["by_delegation"], map[string]any{"AUT": float64(1)}) {
			t.Fatalf("after entry: %v", p)
		}
		items := scItems(t, p)
		if len(items) != 1 {
			t.Fatalf("items: %v", items)
		}
		it := items[0]
		if got, want := scKeys(it), []string{"badge_id", "category", "checkpoint", "delegation", "display_name", "nomination_id", "since"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("presence item fields %v, want %v", got, want)
		}
		if it["nomination_id"] != a.nom || it["badge_id"] != a.id || it["delegation"] != "AUT" || it["category"] != "delegate" ||
			it["checkpoint"] != "ENTRY" || it["since"] != "2030-06-10T07:00:00Z" {
			t.Fatalf("presence item: %v", it)
		}
		// A refused entry changes nothing; an exit empties the hall.
		f.scan(a.code, "MAIN", "in")
		if p := presence(); p["total"] != float64(1) {
			t.Fatalf("after a refused entry: %v", p)
		}
		f.scan(a.code, "MAIN", "out")
		p = presence()
		if p["total"] != float64(0) || len(p["by_delegation"].(map[string]any)) != 0 || len(scItems(t, p)) != 0 {
			t.Fatalf("after exit: %v", p)
		}
		// Two delegations inside.
		deu := e.token("delegation", "DEU", "")
		d := f.issue(deu, person())
		f.scan(a.code, "MAIN", "in")
		f.scan(d.code, "MAIN", "in")
		p = presence()
		if p["total"] != float64(2) || !reflect.DeepEqual(p["by_delegation"], map[string]any{"AUT": float64(1), "DEU": float64(1)}) {
			t.Fatalf("two inside: %v", p)
		}
		// The secretariat reads the same list.
		if p2 := e.call("GET", "/v1/events/"+f.ev+"/presence", e.admin, nil).want(200).json(); p2["total"] != float64(2) {
			t.Fatalf("secretariat presence: %v", p2)
		}
	})
}

func TestScanAttendance(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-ATT", func(b map[string]any) {
			delete(b, "badges_valid_from")
			delete(b, "badges_valid_until")
		})
		a := f.issue(f.aut, person())
		refused := f.issue(f.aut, person())
		late := f.issue(f.aut, person())
		// Day 1 (10 June, Vienna = UTC+2): a enters just after midnight,
		// goes out and in again, and leaves late in the evening.
		f.scanAt("2030-06-09T22:30:00Z", a.code, "MAIN", "in")
		f.scanAt("2030-06-10T10:00:00Z", a.code, "MAIN", "out")
		f.scanAt("2030-06-10T12:00:00Z", a.code, "MAIN", "in")
		f.scanAt("2030-06-10T21:30:00Z", a.code, "MAIN", "out")
		f.scanAt("2030-06-10T09:00:00Z", refused.code, "VIP", "in") // checkpoint_denied
		// Day 2 (11 June): a comes back at 00:30 Vienna, which is still
		// 10 June in UTC; late arrives only on day 2.
		f.scanAt("2030-06-10T22:30:00Z", a.code, "MAIN", "in")
		f.scanAt("2030-06-11T08:00:00Z", a.code, "MAIN", "out")
		f.scanAt("2030-06-11T09:15:00Z", late.code, "MAIN", "in")

		att := func(q string) (map[string]any, map[string]map[string]any) {
			t.Helper()
			m := e.call("GET", "/v1/events/"+f.ev+"/attendance"+q, e.admin, nil).want(200).json()
			by := map[string]map[string]any{}
			for _, it := range scItems(t, m) {
				by[it["nomination_id"].(string)] = it
			}
			return m, by
		}
		at := func(v any, want string) bool {
			s, _ := v.(string)
			got, err := time.Parse(time.RFC3339, s)
			w, _ := time.Parse(time.RFC3339, want)
			return err == nil && got.Equal(w)
		}

		m, by := att("?day=2030-06-10")
		if m["day"] != "2030-06-10" || m["present"] != float64(1) {
			t.Fatalf("day 1: %v", m)
		}
		if by[refused.nom] != nil || by[late.nom] != nil {
			t.Fatalf("day 1 lists someone who did not enter that day: %v", m)
		}
		it := by[a.nom]
		if it == nil || !at(it["first_in"], "2030-06-09T22:30:00Z") || !at(it["last_out"], "2030-06-10T21:30:00Z") {
			t.Fatalf("day 1 of a: %v", it)
		}
		if it["delegation"] != "AUT" || it["category"] != "delegate" || it["display_name"] == "" {
			t.Fatalf("day 1 item: %v", it)
		}
		if got, want := scKeys(it), []string{"category", "delegation", "display_name", "first_in", "last_out", "nomination_id"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("attendance item fields %v, want %v", got, want)
		}

		m, by = att("?day=2030-06-11")
		if m["present"] != float64(2) {
			t.Fatalf("day 2: %v", m)
		}
		if it := by[a.nom]; it == nil || !at(it["first_in"], "2030-06-10T22:30:00Z") || !at(it["last_out"], "2030-06-11T08:00:00Z") {
			t.Fatalf("day 2 of a: %v", it)
		}
		if it := by[late.nom]; it == nil || !at(it["first_in"], "2030-06-11T09:15:00Z") || it["last_out"] != nil {
			t.Fatalf("day 2 of late (no exit yet): %v", it)
		}

		m, _ = att("?day=2030-06-12")
		if m["present"] != float64(0) || len(scItems(t, m)) != 0 {
			t.Fatalf("day 3: %v", m)
		}
		// Without ?day: today in Vienna. At 23:30 UTC on 10 June it is
		// already 11 June there.
		e.setNow(time.Date(2030, 6, 10, 23, 30, 0, 0, time.UTC))
		if m, _ = att(""); m["day"] != "2030-06-11" || m["present"] != float64(2) {
			t.Fatalf("default day: %v", m)
		}
		e.call("GET", "/v1/events/"+f.ev+"/attendance?day=10.06.2030", e.admin, nil).problem(422, "validation_failed")
	})
}

// scRevocations reads the feed with the security token.
func (f *scFix) revocations(since string) ([]map[string]any, string) {
	f.t.Helper()
	path := "/v1/events/" + f.ev + "/revocations"
	if since != "" {
		path += "?since=" + url.QueryEscape(since)
	}
	m := f.e.call("GET", path, f.guard, nil).want(200).json()
	cursor, ok := m["cursor"].(string)
	if !ok || cursor == "" {
		f.t.Fatalf("no cursor: %v", m)
	}
	return scItems(f.t, m), cursor
}

func TestScanRevocationFeed(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-FEED")
		other := scSetup(t, e, "SC-FEED-B")
		items, _ := f.revocations("")
		if len(items) != 0 {
			t.Fatalf("feed of a new event: %v", items)
		}
		w := f.issue(f.aut, person())
		r := f.issue(f.aut, person())
		later := f.issue(f.aut, person())
		elsewhere := other.issue(other.aut, person())

		e.call("POST", nomPath(f.ev, w.nom, "withdraw"), f.aut, map[string]any{"reason": "ill"}).want(200)
		e.call("POST", "/v1/events/"+f.ev+"/badges/"+r.id+"/reissue", e.admin, nil).want(200)
		e.call("POST", nomPath(other.ev, elsewhere.nom, "withdraw"), other.aut, map[string]any{"reason": "ill"}).want(200)

		items, cursor := f.revocations("")
		if len(items) != 2 {
			t.Fatalf("feed after a withdrawal and a reissue: %v", items)
		}
		got := map[string]float64{}
		for _, it := range items {
			if !reflect.DeepEqual(scKeys(it), []string{"badge_id", "revoked_at", "serial"}) {
				t.Fatalf("feed item fields: %v", it)
			}
			if _, err := time.Parse(time.RFC3339, it["revoked_at"].(string)); err != nil {
				t.Fatalf("revoked_at: %v", it)
			}
			got[it["badge_id"].(string)] = it["serial"].(float64)
		}
		if !reflect.DeepEqual(got, map[string]float64{w.id: 1, r.id: 1}) {
			t.Fatalf("feed %v, want %s serial 1 (withdrawn) and %s serial 1 (reissued)", got, w.id, r.id)
		}

		items, c2 := f.revocations(cursor)
		if len(items) != 0 {
			t.Fatalf("since the cursor: %v", items)
		}
		e.call("POST", nomPath(f.ev, later.nom, "revoke"), e.admin, map[string]any{"reason": "security concern"}).want(200)
		items, c3 := f.revocations(c2)
		if len(items) != 1 || items[0]["badge_id"] != later.id || items[0]["serial"] != float64(1) {
			t.Fatalf("after a later revoke: %v", items)
		}
		if items, _ = f.revocations(c3); len(items) != 0 {
			t.Fatalf("since the newest cursor: %v", items)
		}
		// The whole feed again from the start: three entries.
		if items, _ = f.revocations(""); len(items) != 3 {
			t.Fatalf("whole feed: %v", items)
		}
		e.call("GET", "/v1/events/"+f.ev+"/revocations?since=yesterday", f.guard, nil).problem(422, "validation_failed")
	})
}

var scHex8 = regexp.MustCompile(`^[0-9a-f]{8}$`)

// TestScanBadgeKeysVerifyOffline: an independent scanner, knowing only
// docs/badge-code.md and the published key, verifies a badge's code.
func TestScanBadgeKeysVerifyOffline(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-KEYS")
		b := f.issue(f.aut, person())
		keys := scItems(t, e.call("GET", "/v1/events/"+f.ev+"/badge-keys", f.guard, nil).want(200).json())
		if len(keys) != 1 {
			t.Fatalf("keys: %v", keys)
		}
		k := keys[0]
		if got := scKeys(k); !reflect.DeepEqual(got, []string{"algorithm", "kid", "public_key"}) {
			t.Fatalf("key fields %v", got)
		}
		kid, _ := k["kid"].(string)
		if !scHex8.MatchString(kid) || k["algorithm"] != "Ed25519" {
			t.Fatalf("key %v", k)
		}
		pub, err := base64.StdEncoding.DecodeString(k["public_key"].(string))
		if err != nil || len(pub) != ed25519.PublicKeySize {
			t.Fatalf("public_key is not base64 of 32 bytes: %v (%v)", k["public_key"], err)
		}
		sum := sha256.Sum256(pub)
		if hex.EncodeToString(sum[:4]) != kid {
			t.Fatalf("kid %s is not SHA-256(key)[0:4] = %x", kid, sum[:4])
		}

		// The code as the API gives it, decoded from the document alone.
		code := e.call("GET", "/v1/events/"+f.ev+"/badges/"+b.id, f.aut, nil).want(200).str("code")
		if len(code) != 156 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("code is not 156 characters of A–Z2–7: %q", code)
		}
		raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(code)
		if err != nil || len(raw) != 97 {
			t.Fatalf("decode: %d bytes, %v", len(raw), err)
		}
		if base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw) != code {
			t.Fatal("the code is not the canonical spelling of its bytes")
		}
		if raw[0] != 1 || hex.EncodeToString(raw[1:5]) != kid {
			t.Fatalf("version %d, key id %x", raw[0], raw[1:5])
		}
		tag := sha256.Sum256([]byte("accredit-event:" + f.ev))
		if !bytes.Equal(raw[5:13], tag[:8]) {
			t.Fatalf("event tag %x, want %x", raw[5:13], tag[:8])
		}
		if hex.EncodeToString(raw[13:29]) != strings.ReplaceAll(b.id, "-", "") {
			t.Fatalf("badge id bytes %x, want %s", raw[13:29], b.id)
		}
		if binary.BigEndian.Uint32(raw[29:33]) != 1 {
			t.Fatalf("serial %d", binary.BigEndian.Uint32(raw[29:33]))
		}
		if !ed25519.Verify(ed25519.PublicKey(pub), raw[:33], raw[33:]) {
			t.Fatal("the published key does not verify the badge's signature")
		}
		forged := bytes.Clone(raw)
		forged[32] = 2 // another serial
		if ed25519.Verify(ed25519.PublicKey(pub), forged[:33], forged[33:]) {
			t.Fatal("the signature also covers a forged serial")
		}
		// The secretariat reads the same keys.
		if k2 := scItems(t, e.call("GET", "/v1/events/"+f.ev+"/badge-keys", e.admin, nil).want(200).json()); !reflect.DeepEqual(k2, keys) {
			t.Fatalf("secretariat keys %v differ from %v", k2, keys)
		}
	})
}
