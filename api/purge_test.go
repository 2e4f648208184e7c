package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/osce/accredit/domain"
)

// This file proves the purge (docs/security.md, Erasure): personal data (documents, dates
// of birth, emails, phones, photos) of an event's nominations is erased,
// while the List of Participants and the summary stay exactly as they
// were; a purge before the event has ended needs force; events with
// purge_after_days become due that many days after their last day.
// Helpers are prefixed pg.

func pgCtx() context.Context { return domain.WithActor(context.Background(), domain.System) }

// pgPersonal lists, per nomination of an event, the personal columns that
// are not empty, straight from the database.
func pgPersonal(e *env, ev string) map[string][]string {
	e.t.Helper()
	rows, err := e.store.DB().Query(`SELECT id, email, phone, date_of_birth, document_type, document_number, document_expires_on
		FROM nominations WHERE event_code = '` + ev + `'`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	names := []string{"email", "phone", "date_of_birth", "document_type", "document_number", "document_expires_on"}
	for rows.Next() {
		var id string
		vals := make([]sql.NullString, len(names))
		ptrs := []any{&id}
		for i := range vals {
			ptrs = append(ptrs, &vals[i])
		}
		if err := rows.Scan(ptrs...); err != nil {
			e.t.Fatal(err)
		}
		out[id] = nil
		for i, v := range vals {
			if v.Valid && v.String != "" {
				out[id] = append(out[id], names[i]+"="+v.String)
			}
		}
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// pgPhotos counts the stored photos of an event's nominations.
func pgPhotos(e *env, ev string) int {
	e.t.Helper()
	return imCount(e, "SELECT COUNT(*) FROM photos WHERE nomination_id IN (SELECT id FROM nominations WHERE event_code = '"+ev+"')")
}

// pgIdempotentBodies are the stored answers of idempotent requests.
func pgIdempotentBodies(e *env) [][]byte {
	e.t.Helper()
	rows, err := e.store.DB().Query("SELECT body FROM idempotency_keys")
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// pgFill nominates into ev: approved in person (with photos, entries),
// approved online with a phone, submitted in person with a photo, one
// withdrawn, one sent with an Idempotency-Key. It returns the emails.
func pgFill(e *env, ev string) []string {
	e.t.Helper()
	var emails []string
	add := func(p map[string]any) map[string]any {
		p["phone"] = fmt.Sprintf("+43 1 %07d", personSeq.Add(1))
		emails = append(emails, p["email"].(string))
		return p
	}
	_, c1 := rpBadge(e, ev, add(rpPerson("AUT", "Ms.", "Katharina", "Wagner", head)))
	_, c2 := rpBadge(e, ev, add(rpPerson("DEU", "Mr.", "Jonas", "Schmidt")))
	rpScan(e, ev, c1, "MAIN", "in", "2030-06-10T08:00:00Z", "accepted")
	rpScan(e, ev, c2, "MAIN", "in", "2030-06-11T08:00:00Z", "accepted")
	e.approved(ev, e.admin, add(rpPerson("BEL", "Ms.", "Claire", "Dubois", online)))
	sub := e.submit(ev, e.admin, add(rpPerson("AUT", "Mr.", "Dragoș", "Țurcanu")))
	e.photo(ev, e.admin, sub)
	wd := e.submit(ev, e.admin, add(rpPerson("DEU", "Ms.", "Greta", "Albrecht", online)))
	e.call("POST", nomPath(ev, wd, "withdraw"), e.admin, map[string]any{"reason": "ill"}).want(200)
	e.call("POST", "/v1/events/"+ev+"/nominations", e.admin, add(rpPerson("BEL", "Mr.", "Bram", "Peeters", online)),
		"Idempotency-Key", "pg-"+ev).want(201)
	return emails
}

// TestPurge: refused before the event has ended unless forced; erases the
// personal data of that event only; the List of Participants and the
// summary are byte-identical before and after; the purge is audited.
func TestPurge(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		const ev, other = "PG-EV", "PG-OTHER"
		rpEvent(e, ev)
		rpEvent(e, other)
		emails := pgFill(e, ev)
		pgFill(e, other)
		otherBefore := pgPersonal(e, other)
		otherPhotos := pgPhotos(e, other)
		if pgPhotos(e, ev) != 3 {
			t.Fatalf("%d photos before the purge, want 3", pgPhotos(e, ev))
		}

		read := func(path string) []byte {
			return e.call("GET", "/v1/events/"+ev+path, e.admin, nil).want(200).Body
		}
		lop, attended, summary := read("/reports/participants?format=json"), read("/reports/participants?format=json&attended_only=true"), read("/reports/summary")
		lopCSV := read("/reports/participants?format=csv")
		before := pgPersonal(e, ev)

		// The event ends on 2030-06-11: without force the purge is refused
		// and changes nothing.
		if _, err := e.svc.Purge(pgCtx(), ev, false); err == nil {
			t.Fatal("purge of an event that has not ended succeeded without force")
		}
		if got := pgPersonal(e, ev); fmt.Sprint(got) != fmt.Sprint(before) || pgPhotos(e, ev) != 3 {
			t.Fatalf("a refused purge changed personal data:\n%v\nwas\n%v", got, before)
		}
		if n := len(e.call("GET", "/v1/audit?event="+ev+"&action=event.purge", e.admin, nil).want(200).json()["items"].([]any)); n != 0 {
			t.Errorf("a refused purge is audited %d times", n)
		}

		n, err := e.svc.Purge(pgCtx(), ev, true)
		if err != nil {
			t.Fatalf("forced purge: %v", err)
		}
		if n != len(before) {
			t.Errorf("purge reports %d nominations, the event has %d", n, len(before))
		}

		// Gone from the database.
		for id, left := range pgPersonal(e, ev) {
			if len(left) > 0 {
				t.Errorf("nomination %s keeps %v", id, left)
			}
		}
		if c := pgPhotos(e, ev); c != 0 {
			t.Errorf("%d photos left", c)
		}
		for _, b := range pgIdempotentBodies(e) {
			for _, em := range emails {
				if bytes.Contains(b, []byte(em)) {
					t.Errorf("a stored idempotent answer still holds %s", em)
				}
			}
		}
		// Gone from the API.
		for id := range before {
			n := e.call("GET", nomPath(ev, id), e.admin, nil).want(200).json()
			if n["email"] != "" && n["email"] != nil || n["phone"] != nil && n["phone"] != "" ||
				n["date_of_birth"] != nil && n["date_of_birth"] != "" || n["document"] != nil || n["has_photo"] != false {
				t.Errorf("nomination %s still shows personal data: email %v phone %v dob %v document %v has_photo %v",
					id, n["email"], n["phone"], n["date_of_birth"], n["document"], n["has_photo"])
			}
			e.call("GET", nomPath(ev, id, "photo"), e.admin, nil).problem(404, "not_found")
		}

		// Kept: the List and the summary, to the byte.
		if got := read("/reports/participants?format=json"); !bytes.Equal(got, lop) {
			t.Errorf("the List of Participants changed:\nbefore %s\nafter  %s", lop, got)
		}
		if got := read("/reports/participants?format=json&attended_only=true"); !bytes.Equal(got, attended) {
			t.Errorf("the attended List changed:\nbefore %s\nafter  %s", attended, got)
		}
		if got := read("/reports/participants?format=csv"); !bytes.Equal(got, lopCSV) {
			t.Errorf("the CSV List changed")
		}
		if got := read("/reports/summary"); !bytes.Equal(got, summary) {
			t.Errorf("the summary changed:\nbefore %s\nafter  %s", summary, got)
		}

		// Another event is untouched.
		if got := pgPersonal(e, other); fmt.Sprint(got) != fmt.Sprint(otherBefore) {
			t.Errorf("the purge touched %s:\n%v\nwas\n%v", other, got, otherBefore)
		}
		if c := pgPhotos(e, other); c != otherPhotos {
			t.Errorf("%s has %d photos after the purge, had %d", other, c, otherPhotos)
		}

		// Audited.
		items := e.call("GET", "/v1/audit?event="+ev+"&action=event.purge", e.admin, nil).want(200).json()["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("%d event.purge audit entries, want 1", len(items))
		}
		if a := items[0].(map[string]any); a["action"] != "event.purge" {
			t.Errorf("audit entry %v", a)
		}
	})
}

// TestPurgeWhenEnded: the event has ended at midnight after its last day
// in its own time zone; from then on no force is needed.
func TestPurgeWhenEnded(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		rpEvent(e, "PG-END")
		pgFill(e, "PG-END")
		// 2030-06-11 ends at 24:00 in Vienna, 22:00 UTC (summer time).
		e.setNow(time.Date(2030, 6, 11, 21, 59, 0, 0, time.UTC))
		if _, err := e.svc.Purge(pgCtx(), "PG-END", false); err == nil {
			t.Fatal("purge on the event's last day (23:59 Vienna) succeeded without force")
		}
		if pgPhotos(e, "PG-END") == 0 {
			t.Fatal("a refused purge deleted photos")
		}
		e.setNow(time.Date(2030, 6, 11, 22, 0, 0, 0, time.UTC))
		if _, err := e.svc.Purge(pgCtx(), "PG-END", false); err != nil {
			t.Fatalf("purge after the event: %v", err)
		}
		for id, left := range pgPersonal(e, "PG-END") {
			if len(left) > 0 {
				t.Errorf("nomination %s keeps %v", id, left)
			}
		}
		if _, err := e.svc.Purge(pgCtx(), "NO-SUCH", true); !domain.IsCode(err, domain.CodeNotFound) {
			t.Errorf("purge of an unknown event: %v, want not_found", err)
		}
	})
}

// TestDuePurges: an event with purge_after_days is due that many days
// after its last day, and no longer once purged.
func TestDuePurges(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		for code, days := range map[string]any{"PG-D1": 1, "PG-D30": 30, "PG-DNONE": nil} {
			e.event(code, func(b map[string]any) {
				if days != nil {
					b["purge_after_days"] = days
				}
			})
		}
		due := func() []string {
			t.Helper()
			d, err := e.svc.DuePurges(pgCtx())
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(d)
			return d
		}
		// The events end on 2030-06-11.
		e.setNow(time.Date(2030, 6, 11, 12, 0, 0, 0, time.UTC))
		if d := due(); len(d) != 0 {
			t.Errorf("due on the last day: %v", d)
		}
		e.setNow(time.Date(2030, 6, 14, 12, 0, 0, 0, time.UTC)) // ended three days ago
		if d := due(); !slices.Equal(d, []string{"PG-D1"}) {
			t.Errorf("due three days after: %v, want [PG-D1]", d)
		}
		if _, err := e.svc.Purge(pgCtx(), "PG-D1", false); err != nil {
			t.Fatal(err)
		}
		if d := due(); len(d) != 0 {
			t.Errorf("due after purging PG-D1: %v, want none", d)
		}
		e.setNow(time.Date(2030, 7, 20, 12, 0, 0, 0, time.UTC))
		if d := due(); !slices.Equal(d, []string{"PG-D30"}) {
			t.Errorf("due 39 days after: %v, want [PG-D30]", d)
		}
	})
}
