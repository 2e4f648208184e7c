package api_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pressly/goose/v3"

	"github.com/osce/accredit/migrations"
	"github.com/osce/accredit/storage"
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
		f.wantRecords(3)
	})
}

// TestScanAnswerBefore00007Migrated: scans recorded before migration
// 00007 kept their whole answer as JSON in the response column; migration
// 00011 moves what it said of the holder into the holder columns, so that
// a replay rebuilds it as every other answer and still answers exactly
// what the first did, after the nomination changed.
func TestScanAnswerBefore00007Migrated(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-LEGACY")
		b := f.issue(f.aut, person())
		answers := map[string]map[string]any{}
		for _, s := range []struct{ code, checkpoint string }{{b.code, "MAIN"}, {b.code, "VIP"}, {"NOT-A-BADGE", "MAIN"}} {
			a := f.scan(s.code, s.checkpoint, "in")
			answers[a["scan_id"].(string)] = a
		}
		p, err := goose.NewProvider(gooseDialect(e.dialect), e.store.DB(), migrations.For(e.dialect))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.DownTo(context.Background(), 10); err != nil {
			t.Fatal(err)
		}
		// As the binary before 00007 wrote them: the whole answer, no holder.
		for id, a := range answers {
			stored, _ := json.Marshal(a)
			if _, err := e.store.DB().Exec(`UPDATE scans SET response = $1, holder_name = '', holder_delegation = '',
				holder_category = '', holder_photo = false WHERE scan_id = $2`, string(stored), id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.store.DB().Exec(`UPDATE nominations SET given_name = 'Renamed', has_photo = false WHERE id = $1`, b.nom); err != nil {
			t.Fatal(err)
		}
		other := newEnvOn(t, e.dialect, e.url) // migrates up again
		for id, want := range answers {
			code, checkpoint := b.code, "MAIN"
			if want["badge"] == nil {
				code = "NOT-A-BADGE"
			} else if want["result"] == "rejected" {
				checkpoint = "VIP"
			}
			got := other.call("POST", "/v1/events/"+f.ev+"/scans", f.guard, scBody(code, checkpoint, "in", scID(id))).want(200).json()
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("replay of %s after 00011:\n got %v\nwant %v", id, got, want)
			}
		}
		f.wantRecords(len(answers))
	})
}

// TestScanIDUpperCase: a scan_id sent in upper case is the same scan_id:
// answered in its canonical lower-case form, first and on a resend, and
// recorded once.
func TestScanIDUpperCase(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-UPPER")
		b := f.issue(f.aut, person())
		id := uuid.NewString()
		upper := strings.ToUpper(id)
		first := f.scan(b.code, "MAIN", "in", scID(upper))
		if first["scan_id"] != id {
			t.Fatalf("scan_id answered as %v, want %s", first["scan_id"], id)
		}
		for _, again := range []string{upper, id} {
			if got := f.scan(b.code, "MAIN", "in", scID(again)); !reflect.DeepEqual(got, first) {
				t.Fatalf("resent as %s:\n got %v\nwant %v", again, got, first)
			}
		}
		f.wantRecords(1)
	})
}

// olderAnswer is the answer's struct in the binary before migration 00007.
type olderAnswer struct {
	ScanID string  `json:"scan_id"`
	Result string  `json:"result"`
	Reason *string `json:"reason"`
	Badge  *struct {
		ID       string `json:"id"`
		Serial   int    `json:"serial"`
		Category string `json:"category"`
	} `json:"badge"`
	Delegate *struct {
		DisplayName string  `json:"display_name"`
		Delegation  string  `json:"delegation"`
		Category    string  `json:"category"`
		PhotoURL    *string `json:"photo_url"`
	} `json:"delegate"`
	Repeat    bool      `json:"repeat"`
	ScannedAt time.Time `json:"scanned_at"`
	Conflict  *bool     `json:"conflict,omitempty"`
}

// TestScanMigrationDownKeepsAnswers: rolling migration 00007 back writes
// each new scan's whole answer into the response column the older binary
// replays from, before the holder columns are dropped.
func TestScanMigrationDownKeepsAnswers(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "SC-DOWN")
		b := f.issue(f.aut, person())
		answers := map[string]map[string]any{}
		for _, s := range []struct{ code, checkpoint string }{
			{b.code, "MAIN"}, {b.code, "MAIN"}, {b.code, "VIP"}, {"NOT-A-BADGE", "MAIN"},
		} {
			a := f.scan(s.code, s.checkpoint, "in")
			answers[a["scan_id"].(string)] = a
		}
		p, err := goose.NewProvider(gooseDialect(e.dialect), e.store.DB(), migrations.For(e.dialect))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.DownTo(context.Background(), 6); err != nil {
			t.Fatal(err)
		}
		rows, err := e.store.DB().Query(`SELECT scan_id, response FROM scans`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var id, stored string
			if err := rows.Scan(&id, &stored); err != nil {
				t.Fatal(err)
			}
			// As the older binary reads it: into the answer's struct.
			var res olderAnswer
			if err := json.Unmarshal([]byte(stored), &res); err != nil {
				t.Fatalf("%s: %v in %s", id, err, stored)
			}
			raw, _ := json.Marshal(res)
			var got map[string]any
			_ = json.Unmarshal(raw, &got)
			if want := answers[id]; !reflect.DeepEqual(got, want) {
				t.Fatalf("%s after the rollback:\n got %v\nwant %v", id, got, want)
			}
			n++
		}
		if err := rows.Err(); err != nil || n != len(answers) {
			t.Fatalf("%d stored answers (%v), want %d", n, err, len(answers))
		}
	})
}

func gooseDialect(dialect string) goose.Dialect {
	if dialect == storage.Postgres {
		return goose.DialectPostgres
	}
	return goose.DialectSQLite3
}

// wantRecords checks how many scans the event's log holds.
func (f *scFix) wantRecords(n int) {
	f.t.Helper()
	if recs := f.records(""); len(recs) != n {
		f.t.Fatalf("%d records, want %d", len(recs), n)
	}
}
