package api_test

import (
	"testing"
)

// TestScanFlow is the morning at the Hofburg entrance: a badge is scanned
// in, refused a second entry under anti-passback, scanned out and in again.
func TestScanFlow(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("PEM-2030", func(b map[string]any) {
			b["anti_passback"] = true
			b["badges_valid_from"] = "2020-01-01T00:00:00Z"
		})
		e.call("POST", "/v1/events/PEM-2030/checkpoints", e.admin, map[string]any{"code": "HOFBURG-MAIN", "name": "Hofburg, Heldenplatz entrance", "direction": "both"}).want(201)
		aut := e.token("delegation", "AUT", "")
		id := e.approved("PEM-2030", aut, person())
		n := e.call("GET", nomPath("PEM-2030", id), aut, nil).want(200).json()
		badgeID := n["badge"].(map[string]any)["id"].(string)
		code := e.call("GET", "/v1/events/PEM-2030/badges/"+badgeID, aut, nil).want(200).str("code")
		guard := e.token("security", "", "PEM-2030")
		scan := func(dir string) map[string]any {
			return e.call("POST", "/v1/events/PEM-2030/scans", guard, map[string]any{"code": code, "checkpoint": "HOFBURG-MAIN", "direction": dir}).want(200).json()
		}
		if r := scan("in"); r["result"] != "accepted" || r["delegate"].(map[string]any)["delegation"] != "AUT" {
			t.Fatalf("first entry: %v", r)
		}
		if r := scan("in"); r["result"] != "rejected" || r["reason"] != "already_inside" {
			t.Fatalf("second entry: %v", r)
		}
		p := e.call("GET", "/v1/events/PEM-2030/presence", guard, nil).want(200).json()
		if p["total"] != float64(1) {
			t.Fatalf("presence: %v", p)
		}
		if r := scan("out"); r["result"] != "accepted" {
			t.Fatalf("exit: %v", r)
		}
		if r := scan("in"); r["result"] != "accepted" {
			t.Fatalf("re-entry: %v", r)
		}
		e.call("POST", "/v1/events/PEM-2030/badges/"+badgeID+"/reissue", e.admin, nil).want(200)
		if r := scan("out"); r["result"] != "rejected" || r["reason"] != "revoked" {
			t.Fatalf("old serial: %v", r)
		}
		rev := e.call("GET", "/v1/events/PEM-2030/revocations", guard, nil).want(200).json()
		if len(rev["items"].([]any)) != 1 {
			t.Fatalf("revocations: %v", rev)
		}
		scans := e.call("GET", "/v1/events/PEM-2030/scans", e.admin, nil).want(200).json()
		if len(scans["items"].([]any)) != 5 {
			t.Fatalf("scans: %s", scans)
		}
		e.call("GET", "/v1/events/PEM-2030/badges/"+badgeID+"/qr.png", aut, nil).want(200)
		e.call("GET", "/v1/events/PEM-2030/badges/"+badgeID+"/badge.pdf", aut, nil).want(200)
		e.call("POST", "/v1/events/PEM-2030/badges/print", e.admin, nil).want(200)
		att := e.call("GET", "/v1/events/PEM-2030/attendance?day=2030-06-10", e.admin, nil).want(200).json()
		_ = att
	})
}
