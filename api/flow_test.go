package api_test

import (
	"testing"
)

// TestNominationLifecycle walks one nomination from submission to an
// approved badge, as a delegation and the secretariat would.
func TestNominationLifecycle(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("PEM-2030")
		aut := e.token("delegation", "AUT", "")
		id := e.submit("PEM-2030", aut, person(head))

		got := e.call("GET", nomPath("PEM-2030", id), aut, nil).want(200).json()
		if got["status"] != "submitted" || got["delegation"] != "AUT" || got["has_photo"] != false {
			t.Fatalf("after submit: %v", got)
		}
		e.call("POST", nomPath("PEM-2030", id, "approve"), e.admin, nil).problem(409, "photo_required")
		e.photo("PEM-2030", aut, id)
		got = e.call("POST", nomPath("PEM-2030", id, "approve"), e.admin, nil).want(200).json()
		if got["status"] != "approved" || got["badge"] == nil || got["decided_by"] == nil {
			t.Fatalf("after approve: %v", got)
		}
		badge := got["badge"].(map[string]any)
		if badge["serial"] != float64(1) || badge["status"] != "active" {
			t.Fatalf("badge: %v", badge)
		}
		q := e.call("GET", "/v1/events/PEM-2030/quotas", aut, nil).want(200).json()
		items := q["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["in_person"].(map[string]any)["used"] != float64(1) {
			t.Fatalf("quotas: %v", q)
		}
		got = e.call("POST", nomPath("PEM-2030", id, "withdraw"), aut, map[string]any{"reason": "ill"}).want(200).json()
		if got["status"] != "withdrawn" || got["badge"].(map[string]any)["status"] != "revoked" {
			t.Fatalf("after withdraw: %v", got)
		}
		audit := e.call("GET", "/v1/audit?event=PEM-2030", e.admin, nil).want(200).json()
		if n := len(audit["items"].([]any)); n < 4 {
			t.Fatalf("audit has %d entries: %v", n, audit)
		}
	})
}
