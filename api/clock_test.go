package api_test

import (
	"testing"
	"time"
)

// This file proves the rules on device clocks (api/openapi.yaml, POST …/scans/batch; docs/security.md, Device clocks): the online door judges and
// records at the server's time whatever scanned_at says; a batch keeps a
// device's earlier times (offline replays) but not one more than five
// minutes after the batch arrived, which is judged and recorded at the
// arrival instead, with conflict. A device's clock never opens a door the
// server's clock keeps shut. Helpers are prefixed ck.

// ckPresence is who the presence list says is inside, by badge id.
func ckPresence(f *scFix) map[string]string {
	f.t.Helper()
	m := f.e.call("GET", "/v1/events/"+f.ev+"/presence", f.guard, nil).want(200).json()
	out := map[string]string{}
	for _, it := range scItems(f.t, m) {
		out[it["badge_id"].(string)] = it["since"].(string)
	}
	return out
}

// ckRecord is the scan log's record of one scan_id.
func ckRecord(f *scFix, scanID string) map[string]any {
	f.t.Helper()
	for _, r := range f.records("") {
		if r["scan_id"] == scanID {
			return r
		}
	}
	f.t.Fatalf("no record of scan %s", scanID)
	return nil
}

// TestScanOnlineIgnoresDeviceTime: a scanned_at inside a future event's
// days does not open the door today, on the hand-written fast path and
// on the general one alike; the scan is recorded at the server's time.
func TestScanOnlineIgnoresDeviceTime(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "CK-ONLINE", func(b map[string]any) {
			b["badges_valid_from"] = "2030-06-10T06:00:00Z"
			b["badges_valid_until"] = "2030-06-11T20:00:00Z"
		})
		b := f.issue(f.aut, person())
		now := time.Date(2030, 6, 9, 12, 0, 0, 0, time.UTC) // the day before the badges open doors
		e.setNow(now)
		for name, body := range map[string]string{
			"fast path": `{"code":"` + b.code + `","checkpoint":"MAIN","scan_id":"0d6bd3a4-5f0e-4c43-9a36-2f7a8d1e0a01","scanned_at":"2030-06-10T09:00:00Z"}`,
			// An escaped character sends the body down the general path.
			"general path": `{"code":"` + b.code + `","checkpoint":"MAIN","scan_id":"0d6bd3a4-5f0e-4c43-9a36-2f7a8d1e0a02","device":"gate\u00201","scanned_at":"2030-06-10T09:00:00Z"}`,
		} {
			r := e.call("POST", "/v1/events/"+f.ev+"/scans", f.guard, body).want(200).json()
			scWant(t, name, r, "rejected", "outside_validity")
			if r["scanned_at"] != "2030-06-09T12:00:00Z" {
				t.Fatalf("%s: answered scanned_at %v, want the server's time", name, r["scanned_at"])
			}
			if rec := ckRecord(f, r["scan_id"].(string)); rec["scanned_at"] != "2030-06-09T12:00:00Z" || rec["conflict"] != false {
				t.Fatalf("%s: recorded %v, want the server's time", name, rec)
			}
		}
		if p := ckPresence(f); len(p) != 0 {
			t.Fatalf("a device's date opened the door: presence %v", p)
		}

		// During the event, a device time in the past does not move the
		// entry back either.
		e.setNow(time.Date(2030, 6, 10, 9, 0, 0, 0, time.UTC))
		r := f.scan(b.code, "MAIN", "in", scAt("2030-06-10T07:00:00Z"))
		scWant(t, "entry", r, "accepted", "")
		if r["scanned_at"] != "2030-06-10T09:00:00Z" {
			t.Fatalf("entry answered scanned_at %v, want the server's time", r["scanned_at"])
		}
		if p := ckPresence(f); p[b.id] != "2030-06-10T09:00:00Z" {
			t.Fatalf("presence %v, want %s inside since the server's time", p, b.id)
		}
	})
}

// TestScanBatchDeviceClockAhead: in a batch, earlier device times are
// kept, up to five minutes ahead of the arrival is believed, and a time
// further ahead is judged and recorded at the arrival with conflict.
func TestScanBatchDeviceClockAhead(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "CK-BATCH", scAntiPassback, func(b map[string]any) {
			b["badges_valid_from"] = "2030-06-10T06:00:00Z"
			b["badges_valid_until"] = "2030-06-11T20:00:00Z"
		})
		early, drift, ahead := f.issue(f.aut, person()), f.issue(f.aut, person()), f.issue(f.aut, person())

		// The batch arrives before the badges open doors. A device whose
		// clock says the event has started opens nothing.
		e.setNow(time.Date(2030, 6, 10, 5, 0, 0, 0, time.UTC))
		res := scResults(t, f.batch([]map[string]any{
			scBody(ahead.code, "MAIN", "in", scID("5a1c3a0e-0000-4000-8000-000000000001"), scDevice("accepted"), scAt("2030-06-10T09:00:00Z")),
			scBody(ahead.code, "MAIN", "in", scID("5a1c3a0e-0000-4000-8000-000000000002"), scAt("2031-03-01T09:00:00Z")),
		}).want(200))
		for i, r := range res {
			scWant(t, "clock ahead", r, "rejected", "outside_validity")
			if r["scanned_at"] != "2030-06-10T05:00:00Z" || r["conflict"] != true {
				t.Fatalf("scan %d ahead of the server: %v, want judged at the arrival with conflict", i, r)
			}
			if rec := ckRecord(f, r["scan_id"].(string)); rec["scanned_at"] != "2030-06-10T05:00:00Z" || rec["conflict"] != true {
				t.Fatalf("scan %d ahead of the server recorded as %v", i, rec)
			}
		}
		if p := ckPresence(f); len(p) != 0 {
			t.Fatalf("a device's clock opened the door: presence %v", p)
		}

		// Later that morning: an offline entry of an hour ago is kept at
		// its time; a clock four minutes ahead is believed; one six minutes
		// ahead is not.
		e.setNow(time.Date(2030, 6, 10, 8, 0, 0, 0, time.UTC))
		res = scResults(t, f.batch([]map[string]any{
			scBody(early.code, "MAIN", "in", scDevice("accepted"), scAt("2030-06-10T07:00:00Z")),
			scBody(drift.code, "MAIN", "in", scDevice("accepted"), scAt("2030-06-10T08:04:00Z")),
			scBody(ahead.code, "MAIN", "in", scDevice("accepted"), scAt("2030-06-10T08:06:00Z")),
		}).want(200))
		for i, want := range []struct {
			at       string
			conflict bool
		}{{"2030-06-10T07:00:00Z", false}, {"2030-06-10T08:04:00Z", false}, {"2030-06-10T08:00:00Z", true}} {
			scWant(t, want.at, res[i], "accepted", "")
			if res[i]["scanned_at"] != want.at || res[i]["conflict"] != want.conflict {
				t.Fatalf("scan %d: %v, want scanned_at %s conflict %v", i, res[i], want.at, want.conflict)
			}
			if rec := ckRecord(f, res[i]["scan_id"].(string)); rec["scanned_at"] != want.at || rec["conflict"] != want.conflict {
				t.Fatalf("scan %d recorded as %v", i, rec)
			}
		}
		if p, want := ckPresence(f), map[string]string{early.id: "2030-06-10T07:00:00Z", drift.id: "2030-06-10T08:04:00Z",
			ahead.id: "2030-06-10T08:00:00Z"}; len(p) != 3 || p[early.id] != want[early.id] || p[drift.id] != want[drift.id] || p[ahead.id] != want[ahead.id] {
			t.Fatalf("presence %v, want %v", p, want)
		}
	})
}
