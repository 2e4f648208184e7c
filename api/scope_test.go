package api_test

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/osce/accredit/api"
)

// delegationFilteredLists are the GET routes of the API document that a
// delegation may call and that take a delegation filter.
func delegationFilteredLists(t *testing.T) []string {
	t.Helper()
	raw, err := api.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	type param struct {
		Ref  string `json:"$ref"`
		Name string
		In   string
	}
	var doc struct {
		Paths map[string]struct {
			Get *struct {
				Roles      []string `json:"x-roles"`
				Parameters []param
			}
		}
		Components struct{ Parameters map[string]param }
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for path, item := range doc.Paths {
		if item.Get == nil || !slices.Contains(item.Get.Roles, "delegation") {
			continue
		}
		for _, p := range item.Get.Parameters {
			if p.Ref != "" {
				p = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
			}
			if p.In == "query" && p.Name == "delegation" {
				out = append(out, path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestForeignDelegationFilter: every list a delegation may call answers it
// the same way when it names another delegation, known or not: 403
// forbidden, with nothing that tells the two apart. Its own code, or none,
// gets its own items; the secretariat gets what it names.
func TestForeignDelegationFilter(t *testing.T) {
	routes := delegationFilteredLists(t)
	for _, want := range []string{"/v1/events/{event}/nominations", "/v1/events/{event}/badges", "/v1/events/{event}/quotas"} {
		if !slices.Contains(routes, want) {
			t.Fatalf("%s is not among the delegation-filtered lists %v", want, routes)
		}
	}
	eachDB(t, func(t *testing.T, e *env) {
		const ev = "SCOPE-2030"
		e.event(ev)
		aut, deu := e.token("delegation", "AUT", ""), e.token("delegation", "DEU", "")
		e.approved(ev, aut, person())
		e.approved(ev, deu, person(func(b map[string]any) { b["nationality"] = "DEU" }))
		for _, route := range routes {
			path := strings.ReplaceAll(route, "{event}", ev)
			t.Run(route, func(t *testing.T) {
				foreign := e.call("GET", path+"?delegation=DEU", aut, nil).problem(403, "forbidden")
				unknown := e.call("GET", path+"?delegation=ZZZ", aut, nil).problem(403, "forbidden")
				if foreign["detail"] != unknown["detail"] {
					t.Errorf("a foreign and an unknown delegation are told apart: %v / %v", foreign["detail"], unknown["detail"])
				}
				own := scopeItems(t, e.call("GET", path+"?delegation=AUT", aut, nil).want(200))
				none := scopeItems(t, e.call("GET", path, aut, nil).want(200))
				theirs := scopeItems(t, e.call("GET", path+"?delegation=DEU", e.admin, nil).want(200))
				if len(own) == 0 || !slices.Equal(own, none) {
					t.Errorf("AUT naming itself: %v; naming nobody: %v", own, none)
				}
				if len(theirs) == 0 || slices.ContainsFunc(theirs, func(it string) bool { return slices.Contains(own, it) }) {
					t.Errorf("the secretariat asking for DEU's gets %v; AUT's are %v", theirs, own)
				}
			})
		}
	})
}

// scopeItems is a list's items, each as its JSON text, sorted.
func scopeItems(t *testing.T, r *resp) []string {
	t.Helper()
	var list struct{ Items []json.RawMessage }
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatalf("not a list: %s", r.Body)
	}
	out := make([]string, len(list.Items))
	for i, it := range list.Items {
		out[i] = string(it)
	}
	sort.Strings(out)
	return out
}
