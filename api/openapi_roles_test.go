package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/osce/accredit/api"
	"github.com/osce/accredit/storage"
)

// TestOpenAPIRoles holds each operation's x-roles to the server: a role
// the document does not list is refused with 403, and a role it lists is
// not (whatever else the request then meets: an unknown id, a missing
// body). The delegation is invited to the event and the security token is
// bound to none, so that only the role decides.
func TestOpenAPIRoles(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	e.event("OA-ROLES", func(m map[string]any) { m["offline_roster"] = true }) // the roster answers only then
	tokens := map[string]string{"secretariat": e.admin, "delegation": e.token("delegation", "AUT", ""),
		"security": e.token("security", "", "")}
	raw, err := api.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	fill := strings.NewReplacer("{event}", "OA-ROLES", "{id}", "0192f0c5-0000-7000-8000-0000000000ff",
		"{code}", "AUT", "{delegation}", "AUT")
	for path, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				Roles    []string `json:"x-roles"`
				Security *[]any   `json:"security"`
			}
			if json.Unmarshal(raw, &op) != nil || op.Security != nil || !strings.HasPrefix(path, "/v1/") {
				continue // path-level parameters, and routes without a token
			}
			name := strings.ToUpper(method) + " " + path
			if slices.Contains(api.NotYetServed, name) {
				continue
			}
			for role, token := range tokens {
				r := e.call(strings.ToUpper(method), fill.Replace(path), token, nil)
				switch listed := slices.Contains(op.Roles, role); {
				case listed && r.Status == 403:
					t.Errorf("%s: x-roles lists %s, but the server refuses it: %s", name, role, r.Body)
				case !listed && r.Status != 403:
					t.Errorf("%s: x-roles leaves %s out, but the server answers it %d: %.200s", name, role, r.Status, r.Body)
				}
			}
		}
	}
}

// TestOpenAPIServed: GET /openapi.json answers the document as JSON, with
// no token.
func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	r := e.call("GET", "/openapi.json", "", nil).want(200)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	doc := r.json()
	paths, _ := doc["paths"].(map[string]any)
	if doc["openapi"] != "3.1.0" || paths["/v1/events/{event}/nominations"] == nil {
		t.Fatalf("not the API document: %.300s", r.Body)
	}
}
