package api_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestScanReplayKeepsFirstAnswer: a resent scan_id is answered as the
// first time even after the holder's nomination changed, by another
// instance that has never seen the badge (so nothing comes from a view):
// the answer is rebuilt from what the scan recorded, not from the
// nomination as it is now.
func TestScanReplayKeepsFirstAnswer(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-ANSWER")
		b := f.issue(f.aut, person())
		accepted, vip := uuid.NewString(), uuid.NewString()
		first := f.scan(b.code, "MAIN", "in", scID(accepted))
		scWant(t, "entry", first, "accepted", "")
		denied := f.scan(b.code, "VIP", "in", scID(vip))
		scWant(t, "vip", denied, "rejected", "checkpoint_denied")
		garbage := uuid.NewString()
		invalid := f.scan("NOT-A-BADGE", "MAIN", "in", scID(garbage))
		for _, r := range []map[string]any{first, denied} {
			if d, _ := r["delegate"].(map[string]any); d == nil || d["photo_url"] == nil {
				t.Fatalf("answer without the delegate and photo: %v", r)
			}
		}

		if _, err := e.store.DB().Exec(`UPDATE nominations SET given_name = 'Renamed', has_photo = false WHERE id = $1`, b.nom); err != nil {
			t.Fatal(err)
		}
		other := newEnvOn(t, e.dialect, e.url)
		for _, c := range []struct {
			id, code, checkpoint string
			want                 map[string]any
		}{{accepted, b.code, "MAIN", first}, {vip, b.code, "VIP", denied}, {garbage, "NOT-A-BADGE", "MAIN", invalid}} {
			got := other.call("POST", "/v1/events/"+f.ev+"/scans", f.guard, scBody(c.code, c.checkpoint, "in", scID(c.id))).want(200).json()
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("replay of %s after the nomination changed:\n got %v\nwant %v", c.id, got, c.want)
			}
		}
		if recs := f.records(""); len(recs) != 3 {
			t.Fatalf("%d records, want 3", len(recs))
		}
	})
}

// TestScanStoredAnswerBefore00007: scans recorded before migration 00007
// kept their whole answer in the response column; a replay of one still
// answers exactly that.
func TestScanStoredAnswerBefore00007(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-LEGACY")
		id := uuid.NewString()
		at := time.Date(2026, 6, 10, 7, 30, 0, 0, time.UTC)
		stored := `{"scan_id":"` + id + `","result":"rejected","reason":"invalid_code","badge":null,` +
			`"delegate":{"display_name":"Stored Name","delegation":"AUT","category":"delegate","photo_url":null},` +
			`"repeat":false,"scanned_at":"2026-06-10T07:30:00Z"}`
		if _, err := e.store.DB().Exec(`INSERT INTO scans (scan_id, event_code, checkpoint, direction, result, reason,
			scanned_at, received_at, response) VALUES ($1, $2, 'MAIN', 'in', 'rejected', 'invalid_code', $3, $3, $4)`,
			id, f.ev, at, stored); err != nil {
			t.Fatal(err)
		}
		got := f.scan("NOT-A-BADGE", "MAIN", "in", scID(id))
		if d, _ := got["delegate"].(map[string]any); d == nil || d["display_name"] != "Stored Name" || got["scanned_at"] != "2026-06-10T07:30:00Z" {
			t.Fatalf("replay of a stored answer: %v", got)
		}
		if recs := f.records(""); len(recs) != 1 {
			t.Fatalf("%d records, want 1", len(recs))
		}
	})
}
