package api_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestEventReadWithToken: an event's routes read the event in the token's
// round trip. What they see must be what the list of events (its own read)
// sees, field for field, with every optional field set, and the token is
// still judged before the event is named.
func TestEventReadWithToken(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("FULL-2030", func(b map[string]any) {
			b["registration_opens_at"] = "2020-01-02T03:04:05Z"
			b["registration_closes_at"] = "2030-05-01T10:00:00+02:00"
			b["capacity"] = map[string]any{"in_person": 120, "online": 300}
			b["badges_valid_from"] = "2030-06-09T00:00:00Z"
			b["badges_valid_until"] = "2030-06-12T00:00:00Z"
			b["purge_after_days"] = 90
			b["anti_passback"] = true
			b["waitlist"] = true
		})
		one := e.call("GET", "/v1/events/FULL-2030", e.admin, nil).want(200).json()
		var list struct{ Items []map[string]any }
		if err := json.Unmarshal(e.call("GET", "/v1/events", e.admin, nil).want(200).Body, &list); err != nil || len(list.Items) != 1 {
			t.Fatalf("list: %v %v", err, list)
		}
		if !reflect.DeepEqual(one, list.Items[0]) {
			t.Fatalf("the event's route and the list differ:\n%v\n%v", one, list.Items[0])
		}
		for _, k := range []string{"registration_opens_at", "capacity", "badges_valid_until", "purge_after_days", "quotas"} {
			if one[k] == nil {
				t.Errorf("%s is missing: %v", k, one)
			}
		}

		e.call("GET", "/v1/events/NONE-2030", e.admin, nil).problem(404, "not_found")
		e.call("GET", "/v1/events/NONE-2030", "not-a-token", nil).problem(401, "unauthorized")
		e.call("GET", "/v1/events/FULL-2030", "not-a-token", nil).problem(401, "unauthorized")
		e.call("GET", "/v1/events/NONE-2030", "", nil).problem(401, "unauthorized")

		tok := e.token("security", "", "FULL-2030")
		e.call("GET", "/v1/events/FULL-2030/checkpoints", tok, nil).want(200)
		var tokens struct{ Items []map[string]any }
		_ = json.Unmarshal(e.call("GET", "/v1/tokens", e.admin, nil).want(200).Body, &tokens)
		for _, it := range tokens.Items {
			if it["role"] == "security" {
				e.call("DELETE", "/v1/tokens/"+it["id"].(string), e.admin, nil).want(204)
			}
		}
		// A revocation applies to the very next request, in any process.
		e.call("GET", "/v1/events/FULL-2030/checkpoints", tok, nil).problem(401, "unauthorized")
		e.call("GET", "/v1/events/NONE-2030/checkpoints", tok, nil).problem(401, "unauthorized")
	})
}

// TestBadgeQRReadWithToken: qr.png reads the token, the event and the badge
// in one round trip, and refuses in the order of every other route: the
// token, then the event, then the badge.
func TestBadgeQRReadWithToken(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("QR-2030")
		aut := e.token("delegation", "AUT", "")
		id := e.approved("QR-2030", aut, person())
		badge := e.call("GET", nomPath("QR-2030", id), aut, nil).want(200).json()["badge"].(map[string]any)["id"].(string)
		qr := "/v1/events/QR-2030/badges/" + badge + "/qr.png"
		e.call("GET", qr, aut, nil).want(200)
		e.call("GET", qr, "not-a-token", nil).problem(401, "unauthorized")
		e.call("GET", "/v1/events/NONE-2030/badges/"+badge+"/qr.png", "not-a-token", nil).problem(401, "unauthorized")
		p := e.call("GET", "/v1/events/NONE-2030/badges/"+badge+"/qr.png", aut, nil).problem(404, "not_found")
		if d, _ := p["detail"].(string); !strings.Contains(d, "event") {
			t.Errorf("an unknown event is named before the badge: %v", p)
		}
		e.call("GET", qr, e.token("security", "", "QR-2030"), nil).problem(403, "forbidden")
	})
}
