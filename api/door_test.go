package api_test

import (
	"testing"
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
