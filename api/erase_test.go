package api_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/osce/accredit/storage"
)

// This file proves that a purge (docs/security.md, Erasure) leaves none of the erased values
// in what repeats or quotes them: the stored idempotent answers, the
// reasons and remarks typed about the event's nominations, and the audit
// log; and that on PostgreSQL it vacuums the tables it rewrote. The bytes
// on the SQLite disk are cmd/accredit's TestPurgeErasesFromDisk. Helpers
// are prefixed er.

func TestPurgeScrubsAnswersAndReasons(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		const ev = "ER-SCRUB"
		rpEvent(e, ev)
		kept := person()
		gone := person(func(b map[string]any) {
			b["delegation"] = "AUT"
			b["email"] = "Zora.QX7-Scrub@Example.org"
			b["phone"] = "+43 1 555 01 99"
			b["date_of_birth"] = "1933-03-13"
			b["document"] = map[string]any{"type": "passport", "number": "QX7000111", "expires_on": "2031-01-01"}
			b["remarks"] = "born 1933-03-13, reachable at +43 1 555 01 99"
		})
		r := e.call("POST", "/v1/events/"+ev+"/nominations", e.admin, gone, "Idempotency-Key", "er-1").want(201)
		id := r.str("id")
		e.call("POST", nomPath(ev, id, "withdraw"), e.admin, map[string]any{
			"reason": "passport QX7000111 lost; wrote to zora.qx7-scrub@example.org"}).want(200)
		kept["delegation"] = "DEU"
		keptID := e.submit(ev, e.admin, kept)
		e.call("POST", nomPath(ev, keptID, "reject"), e.admin, map[string]any{"reason": "late"}).want(200)

		if _, err := e.svc.Purge(pgCtx(), ev, true); err != nil {
			t.Fatal(err)
		}
		values := []string{"qx7-scrub@example.org", "+43 1 555 01 99", "1933-03-13", "QX7000111"}
		seen := func(what string, b []byte) {
			t.Helper()
			for _, v := range values {
				if bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(v))) {
					t.Errorf("%s still holds %q: %s", what, v, b)
				}
			}
		}
		seen("the audit log", e.call("GET", "/v1/audit?event="+ev+"&limit=500", e.admin, nil).want(200).Body)
		seen("the nomination", e.call("GET", nomPath(ev, id), e.admin, nil).want(200).Body)
		for _, b := range pgIdempotentBodies(e) {
			seen("a stored idempotent answer", b)
		}
		n := e.call("GET", nomPath(ev, id), e.admin, nil).want(200).json()
		if !strings.Contains(n["status_reason"].(string), "[purged]") || !strings.Contains(n["remarks"].(string), "[purged]") {
			t.Errorf("reason and remarks after the purge: %v / %v", n["status_reason"], n["remarks"])
		}
		if other := e.call("GET", nomPath(ev, keptID), e.admin, nil).want(200).json(); other["status_reason"] != "late" {
			t.Errorf("a reason without personal data changed: %v", other["status_reason"])
		}

		if e.dialect == storage.Postgres {
			var vacuumed bool
			err := e.store.DB().QueryRow(`SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables
				WHERE schemaname = current_schema() AND relname = 'nominations'`).Scan(&vacuumed)
			if err != nil || !vacuumed {
				t.Errorf("nominations not vacuumed after the purge (%v)", err)
			}
		}
	})
}
