package api_test

import "testing"

// TestAuditByTarget: ?target= narrows the log to one thing's history (a
// nomination's, for the console's history view), newest first, alone or
// with the other filters, and pages like the rest of the log.
func TestAuditByTarget(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("AU-TGT")
		aut := e.token("delegation", "AUT", "")
		one := e.approved("AU-TGT", aut, person())
		other := e.submit("AU-TGT", aut, person())
		e.call("POST", nomPath("AU-TGT", one, "revoke"), e.admin, map[string]any{"reason": "lost"}).want(200)

		actions := func(query string) []string {
			var out []string
			for _, it := range e.call("GET", "/v1/audit?"+query, e.admin, nil).want(200).json()["items"].([]any) {
				m := it.(map[string]any)
				if m["target_id"] != one {
					t.Errorf("%s: entry for %v", query, m["target_id"])
				}
				out = append(out, m["action"].(string))
			}
			return out
		}
		want := []string{"nomination.revoke", "nomination.approve", "nomination.photo", "nomination.submit"}
		if got := actions("target=" + one); !equal(got, want) {
			t.Errorf("target: %v, want %v", got, want)
		}
		if got := actions("event=AU-TGT&target=" + one); !equal(got, want) {
			t.Errorf("event and target: %v, want %v", got, want)
		}
		if got := actions("event=AU-TGT&action=nomination.approve&target=" + one); !equal(got, want[1:2]) {
			t.Errorf("action and target: %v", got)
		}
		first := e.call("GET", "/v1/audit?limit=3&target="+one, e.admin, nil).want(200).json()
		next, _ := first["next_cursor"].(string)
		if len(first["items"].([]any)) != 3 || next == "" {
			t.Fatalf("first page: %v", first)
		}
		if got := actions("limit=3&target=" + one + "&cursor=" + next); !equal(got, want[3:]) {
			t.Errorf("second page: %v", got)
		}
		if n := len(e.call("GET", "/v1/audit?target="+other, e.admin, nil).want(200).json()["items"].([]any)); n != 1 {
			t.Errorf("the other nomination has %d entries, want 1", n)
		}
		if n := len(e.call("GET", "/v1/audit?target=no-such-thing", e.admin, nil).want(200).json()["items"].([]any)); n != 0 {
			t.Errorf("an unknown target has %d entries", n)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
