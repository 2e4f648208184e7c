package api_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osce/accredit/domain"
)

// This file proves README, Roles, and the x-roles of api/openapi.yaml: who may call what. The table below has
// one row per route of api/routes.go; each row is called once per caller
// ("column") on one shared database per dialect.
//
// Columns:
//
//	none        no Authorization header                      → 401 everywhere
//	revoked     a revoked token                              → 401 everywhere
//	expired     a token whose expires_at has passed          → 401 everywhere
//	sec         secretariat                                   → everything
//	aut         delegation AUT (invited, owns the nominations of the table)
//	deu         delegation DEU (invited, does not own them)  → 404 on AUT's nominations
//	unodc       delegation UNODC (international_organization, not invited) → 403 under the event
//	guard       security, unbound
//	guard-bound security, bound to the table's event
//	guard-other security, bound to another event             → 403 under the event

const (
	rtEvent      = "PEM-2030"   // the event of every row
	rtOtherEvent = "OTHER-2030" // the event guard-other is bound to
	rtDraftEvent = "DRAFT-2030" // a draft: 404 to delegations
)

// rtColumns are the callers, in the order they are tried.
var rtColumns = []string{"none", "revoked", "expired", "sec", "aut", "deu", "unodc", "guard", "guard-bound", "guard-other"}

// rtUnauthenticated are the columns that never get past authentication.
var rtUnauthenticated = []string{"none", "revoked", "expired"}

// Shorthands for the may field of a row.
const (
	rtEveryone     = "sec aut deu unodc guard guard-bound guard-other"
	rtEventReaders = "sec aut deu guard guard-bound"
)

// rtOutcome is an expected refusal.
type rtOutcome struct {
	status int
	code   string
}

var (
	rtForbidden    = rtOutcome{http.StatusForbidden, domain.CodeForbidden}
	rtNotFound     = rtOutcome{http.StatusNotFound, domain.CodeNotFound}
	rtUnauthorized = rtOutcome{http.StatusUnauthorized, domain.CodeUnauthorized}
)

// rtRow is one route. Placeholders in path (and in body, through the
// function it gets) are filled per call, with fresh resources where the
// call could consume them; within one call a placeholder is one resource:
//
//	{event}      PEM-2030
//	{session}    a session of PEM-2030
//	{submitted}  a new submitted in-person nomination of AUT, without photo
//	{photo}      a new submitted in-person nomination of AUT, with photo
//	{approved}   a new approved in-person nomination of AUT: a badge holder
//	{badge}      the badge of a new approved in-person nomination of AUT
//	{code}       the signed code of {badge}
//	{enrolment}  the code of a new enrolment of PEM-2030
//	{token}      the id of a new security token
//	{delegation} the code of a new delegation
type rtRow struct {
	name    string
	method  string
	path    string
	body    func(x func(string) string) any // fresh per call; nil sends no body
	headers []string
	feature string               // "reports": only when the build registers §7's routes
	ok      int                  // the status of a permitted call
	may     string               // columns that are permitted, space separated
	except  map[string]rtOutcome // refusals other than 403 forbidden
	probe   string               // a GET (as secretariat) whose answer a refused call must not change
}

var rtSeq atomic.Int64

func rtCode(prefix string) string { return fmt.Sprintf("%s-%d", prefix, rtSeq.Add(1)) }

// rtPersonOf is a fresh in-person nomination naming its delegation ("" for
// none), with a family name that rtSubmitted finds.
func rtPersonOf(delegation string) func(func(string) string) any {
	return func(func(string) string) any {
		return person(func(b map[string]any) {
			b["family_name"] = fmt.Sprintf("Rolesubmit-%d", rtSeq.Add(1))
			if delegation != "" {
				b["delegation"] = delegation
			}
		})
	}
}

// rtSubmitted and rtImported list what the submit and import rows
// created: a refused call must not add to them.
const (
	rtSubmitted = "/v1/events/{event}/nominations?q=rolesubmit&limit=500"
	rtImported  = "/v1/events/{event}/nominations?q=roleimport&limit=500"
)

func rtStatic(v any) func(func(string) string) any { return func(func(string) string) any { return v } }

// rtPhotoBody stands for a small real JPEG, made when the row is called.
type rtPhotoBody struct{}

func rtRows() []rtRow {
	deuNotFound := map[string]rtOutcome{"deu": rtNotFound}
	nominations := "/v1/events/{event}/nominations"
	return []rtRow{
		// Outside any event.
		{name: "me", method: "GET", path: "/v1/me", ok: 200, may: rtEveryone},
		{name: "list delegations", method: "GET", path: "/v1/delegations", ok: 200, may: rtEveryone},
		{name: "create delegation", method: "POST", path: "/v1/delegations", ok: 201, may: "sec",
			body: func(func(string) string) any {
				return map[string]any{"code": rtCode("NGO"), "name": "Some NGO", "kind": "civil_society"}
			},
			probe: "/v1/delegations?limit=500"},
		{name: "update delegation", method: "PATCH", path: "/v1/delegations/{delegation}", ok: 200, may: "sec",
			body: rtStatic(map[string]any{"name": "Renamed NGO"}), probe: "/v1/delegations?limit=500"},
		{name: "create token", method: "POST", path: "/v1/tokens", ok: 201, may: "sec",
			body: rtStatic(map[string]any{"name": "gate 3", "role": "security"}), probe: "/v1/tokens?limit=500"},
		{name: "list tokens", method: "GET", path: "/v1/tokens", ok: 200, may: "sec"},
		{name: "revoke token", method: "DELETE", path: "/v1/tokens/{token}", ok: 204, may: "sec", probe: "/v1/tokens?limit=500"},
		{name: "audit", method: "GET", path: "/v1/audit", ok: 200, may: "sec"},
		{name: "create event", method: "POST", path: "/v1/events", ok: 201, may: "sec",
			body: func(func(string) string) any { return eventBody(rtCode("EV")) }, probe: "/v1/events?limit=500"},
		{name: "list events", method: "GET", path: "/v1/events", ok: 200, may: rtEveryone},

		// The event and its set-up.
		{name: "get event", method: "GET", path: "/v1/events/{event}", ok: 200, may: rtEventReaders},
		{name: "update event", method: "PATCH", path: "/v1/events/{event}", ok: 200, may: "sec",
			body: rtStatic(map[string]any{"venue": "Hofburg, Vienna (Neuer Saal)"}), probe: "/v1/events/{event}"},
		{name: "list quotas", method: "GET", path: "/v1/events/{event}/quotas", ok: 200, may: "sec aut deu"},
		{name: "set quota", method: "PUT", path: "/v1/events/{event}/quotas/AUT", ok: 200, may: "sec",
			body: rtStatic(map[string]any{"in_person": nil, "online": nil}), probe: "/v1/events/{event}/quotas"},
		{name: "create session", method: "POST", path: "/v1/events/{event}/sessions", ok: 201, may: "sec",
			body:  rtStatic(map[string]any{"title": "Side event", "starts_at": "2030-06-10T14:00:00Z", "ends_at": "2030-06-10T15:00:00Z"}),
			probe: "/v1/events/{event}/sessions?limit=500"},
		{name: "list sessions", method: "GET", path: "/v1/events/{event}/sessions", ok: 200, may: rtEventReaders},
		{name: "create checkpoint", method: "POST", path: "/v1/events/{event}/checkpoints", ok: 201, may: "sec",
			body: func(func(string) string) any {
				return map[string]any{"code": rtCode("GATE"), "name": "Gate", "direction": "both"}
			},
			probe: "/v1/events/{event}/checkpoints?limit=500"},
		{name: "list checkpoints", method: "GET", path: "/v1/events/{event}/checkpoints", ok: 200, may: rtEventReaders},

		// Nominations.
		{name: "submit for AUT", method: "POST", path: nominations, ok: 201, may: "sec aut",
			body: rtPersonOf("AUT"), probe: rtSubmitted},
		{name: "submit without delegation", method: "POST", path: nominations, ok: 201, may: "aut deu",
			body:   rtPersonOf(""),
			except: map[string]rtOutcome{"sec": {http.StatusUnprocessableEntity, domain.CodeValidationFailed}},
			probe:  rtSubmitted},
		{name: "list nominations", method: "GET", path: nominations, ok: 200, may: "sec aut deu"},
		{name: "get nomination", method: "GET", path: nominations + "/{submitted}", ok: 200, may: "sec aut", except: deuNotFound},
		{name: "edit nomination", method: "PATCH", path: nominations + "/{submitted}", ok: 200, may: "sec aut", except: deuNotFound,
			body: rtStatic(map[string]any{"function": "Head of Unit"})},
		{name: "approve", method: "POST", path: nominations + "/{photo}/approve", ok: 200, may: "sec"},
		{name: "reject", method: "POST", path: nominations + "/{submitted}/reject", ok: 200, may: "sec",
			body: rtStatic(map[string]any{"reason": "not eligible"})},
		{name: "revoke", method: "POST", path: nominations + "/{approved}/revoke", ok: 200, may: "sec",
			body: rtStatic(map[string]any{"reason": "misconduct"})},
		{name: "withdraw submitted", method: "POST", path: nominations + "/{submitted}/withdraw", ok: 200, may: "sec aut", except: deuNotFound,
			body: rtStatic(map[string]any{"reason": "ill"})},
		{name: "withdraw approved", method: "POST", path: nominations + "/{approved}/withdraw", ok: 200, may: "sec aut", except: deuNotFound},
		{name: "substitute", method: "POST", path: nominations + "/{submitted}/substitute", ok: 201, may: "sec aut", except: deuNotFound,
			body: func(func(string) string) any { return person() }},
		{name: "put photo", method: "PUT", path: nominations + "/{submitted}/photo", ok: 200, may: "sec aut", except: deuNotFound,
			body: rtStatic(rtPhotoBody{}), headers: []string{"Content-Type", "image/jpeg"}},
		{name: "get photo of badge holder", method: "GET", path: nominations + "/{approved}/photo", ok: 200, may: "sec aut guard guard-bound",
			except: deuNotFound},
		// Security staff see the photos of badge holders only; for anyone
		// else the photo does not exist for them.
		{name: "get photo without badge", method: "GET", path: nominations + "/{photo}/photo", ok: 200, may: "sec aut",
			except: map[string]rtOutcome{"deu": rtNotFound, "guard": rtNotFound, "guard-bound": rtNotFound}},

		// Badges.
		{name: "list badges", method: "GET", path: "/v1/events/{event}/badges", ok: 200, may: "sec aut deu"},
		{name: "get badge", method: "GET", path: "/v1/events/{event}/badges/{badge}", ok: 200, may: "sec aut", except: deuNotFound},
		{name: "badge QR", method: "GET", path: "/v1/events/{event}/badges/{badge}/qr.png", ok: 200, may: "sec aut", except: deuNotFound},
		{name: "badge PDF", method: "GET", path: "/v1/events/{event}/badges/{badge}/badge.pdf", ok: 200, may: "sec aut", except: deuNotFound},
		{name: "reissue badge", method: "POST", path: "/v1/events/{event}/badges/{badge}/reissue", ok: 200, may: "sec",
			probe: "/v1/events/{event}/badges/{badge}"},
		{name: "print badges", method: "POST", path: "/v1/events/{event}/badges/print", ok: 200, may: "sec",
			body: func(x func(string) string) any { return map[string]any{"badge_ids": []string{x("{badge}")}} }},
		{name: "badge keys", method: "GET", path: "/v1/events/{event}/badge-keys", ok: 200, may: "sec guard guard-bound"},
		{name: "revocations", method: "GET", path: "/v1/events/{event}/revocations", ok: 200, may: "sec guard guard-bound"},

		// Scans.
		{name: "scan", method: "POST", path: "/v1/events/{event}/scans", ok: 200, may: "sec guard guard-bound",
			body: func(x func(string) string) any {
				return map[string]any{"code": x("{code}"), "checkpoint": "MAIN"}
			}, probe: "/v1/events/{event}/scans?limit=500"},
		{name: "scan batch", method: "POST", path: "/v1/events/{event}/scans/batch", ok: 200, may: "sec guard guard-bound",
			body: func(x func(string) string) any {
				return map[string]any{"scans": []any{map[string]any{"code": x("{code}"), "checkpoint": "MAIN", "device_result": "accepted"}}}
			}, probe: "/v1/events/{event}/scans?limit=500"},
		{name: "list scans", method: "GET", path: "/v1/events/{event}/scans", ok: 200, may: "sec"},
		{name: "attendance", method: "GET", path: "/v1/events/{event}/attendance?day=2030-06-10", ok: 200, may: "sec"},
		{name: "presence", method: "GET", path: "/v1/events/{event}/presence", ok: 200, may: "sec guard guard-bound"},

		// Door devices; POST /v1/enrol takes no token (its own test).
		{name: "create enrolment", method: "POST", path: "/v1/events/{event}/enrolments", ok: 201, may: "sec",
			body: rtStatic(map[string]any{"name": "lane 7", "checkpoint": "MAIN"})},
		{name: "enrolment QR", method: "GET", path: "/v1/events/{event}/enrolments/{enrolment}/qr.png", ok: 200, may: "sec"},
		{name: "roster", method: "GET", path: "/v1/events/{event}/roster", ok: 200, may: "sec guard guard-bound"},
		{name: "thumbnail of badge holder", method: "GET", path: nominations + "/{approved}/photo?size=thumb", ok: 200,
			may: "sec aut guard guard-bound", except: deuNotFound},
		{name: "thumbnail without badge", method: "GET", path: nominations + "/{photo}/photo?size=thumb", ok: 200, may: "sec aut",
			except: map[string]rtOutcome{"deu": rtNotFound, "guard": rtNotFound, "guard-bound": rtNotFound}},

		// Imports, templates, exports and reports.
		{name: "import dry run", feature: "reports", method: "POST", path: nominations + "/import?dry_run=true", ok: 200, may: "sec aut",
			// A row naming another delegation is a bad row, and any bad row
			// refuses the whole file.
			except:  map[string]rtOutcome{"deu": {http.StatusUnprocessableEntity, domain.CodeValidationFailed}},
			body:    func(func(string) string) any { return rtCSV("AUT") },
			headers: []string{"Content-Type", "text/csv"}, probe: rtImported},
		{name: "import", feature: "reports", method: "POST", path: nominations + "/import", ok: 201, may: "sec aut",
			except:  map[string]rtOutcome{"deu": {http.StatusUnprocessableEntity, domain.CodeValidationFailed}},
			body:    func(func(string) string) any { return rtCSV("AUT") },
			headers: []string{"Content-Type", "text/csv"}, probe: rtImported},
		{name: "CSV template", feature: "reports", method: "GET", path: nominations + "/template.csv", ok: 200, may: "sec aut deu"},
		{name: "XLSX template", feature: "reports", method: "GET", path: nominations + "/template.xlsx", ok: 200, may: "sec aut deu"},
		{name: "CSV export", feature: "reports", method: "GET", path: nominations + "/export.csv", ok: 200, may: "sec"},
		{name: "XLSX export", feature: "reports", method: "GET", path: nominations + "/export.xlsx", ok: 200, may: "sec"},
		{name: "summary", feature: "reports", method: "GET", path: "/v1/events/{event}/reports/summary", ok: 200, may: "sec"},
		{name: "participants", feature: "reports", method: "GET", path: "/v1/events/{event}/reports/participants", ok: 200, may: "sec"},
		{name: "participants PDF", feature: "reports", method: "GET", path: "/v1/events/{event}/reports/participants?format=pdf", ok: 200,
			may: "sec"},
	}
}

// rtCSV is an import file of one new online delegate of delegation.
func rtCSV(delegation string) string {
	n := rtSeq.Add(1)
	return "delegation,given_name,family_name,gender,email,category,mode\n" +
		fmt.Sprintf("%s,Lukas,Roleimport-%d,male,lukas.import.%d@example.org,delegate,online\n", delegation, n, n)
}

// rtFixture is one database with the events, tokens and helpers of the table.
type rtFixture struct {
	e        *env
	features map[string]bool   // optional route groups this build registers
	tokens   map[string]string // column → secret
	tokenIDs map[string]string // column → token id
	session  string
}

// rtBind makes e report to t (a subtest) until the returned func runs: the
// env helpers call e.t.Fatal, which must be the running test's.
func (e *env) rtBind(t *testing.T) func() {
	old := e.t
	e.t = t
	return func() { e.t = old }
}

// rtNewToken creates a token through the API and returns its id and secret.
func (e *env) rtNewToken(body map[string]any) (id, secret string) {
	e.t.Helper()
	m := e.call("POST", "/v1/tokens", e.admin, body).want(201).json()
	id, _ = m["id"].(string)
	secret, _ = m["token"].(string)
	if id == "" || secret == "" {
		e.t.Fatalf("token answer without id or token: %v", m)
	}
	return id, secret
}

func newRTFixture(t *testing.T, e *env) *rtFixture {
	t.Helper()
	f := &rtFixture{e: e, tokens: map[string]string{}, tokenIDs: map[string]string{}, features: map[string]bool{}}
	// No quotas: every row may nominate as often as it needs.
	e.event(rtEvent, func(b map[string]any) { delete(b, "quotas"); b["offline_roster"] = true })
	e.event(rtOtherEvent)
	e.event(rtDraftEvent, func(b map[string]any) { b["status"] = "draft" })
	f.session = e.call("POST", "/v1/events/"+rtEvent+"/sessions", e.admin, map[string]any{
		"title": "Opening", "starts_at": "2030-06-10T08:00:00Z", "ends_at": "2030-06-10T10:00:00Z"}).want(201).str("id")
	e.call("POST", "/v1/events/"+rtEvent+"/checkpoints", e.admin, map[string]any{
		"code": "MAIN", "name": "Main entrance", "direction": "both"}).want(201)

	add := func(col string, body map[string]any) {
		body["name"] = "roles " + col
		f.tokenIDs[col], f.tokens[col] = e.rtNewToken(body)
	}
	f.tokens["sec"] = e.admin
	f.tokenIDs["sec"] = e.call("GET", "/v1/me", e.admin, nil).want(200).str("token_id")
	add("aut", map[string]any{"role": "delegation", "delegation": "AUT"})
	add("deu", map[string]any{"role": "delegation", "delegation": "DEU"})
	add("unodc", map[string]any{"role": "delegation", "delegation": "UNODC"})
	add("guard", map[string]any{"role": "security"})
	add("guard-bound", map[string]any{"role": "security", "event": rtEvent})
	add("guard-other", map[string]any{"role": "security", "event": rtOtherEvent})
	add("revoked", map[string]any{"role": "secretariat"})
	e.call("DELETE", "/v1/tokens/"+f.tokenIDs["revoked"], e.admin, nil).want(204)

	// §7's routes may be left out of a build (a build tag): the CSV
	// template answers only where they are registered.
	tpl := e.call("GET", "/v1/events/"+rtEvent+"/nominations/template.csv", e.admin, nil)
	f.features["reports"] = tpl.Status == http.StatusOK && strings.HasPrefix(tpl.Header.Get("Content-Type"), "text/csv")

	// The expired token works until the server's clock passes expires_at.
	now := time.Now().UTC()
	add("expired", map[string]any{"role": "secretariat", "expires_at": now.Add(time.Hour).Format(time.RFC3339)})
	e.call("GET", "/v1/me", f.tokens["expired"], nil).want(200)
	e.setNow(now.Add(2 * time.Hour))
	return f
}

// rtCall is the filling of one call's placeholders.
type rtCall struct {
	f      *rtFixture
	ids    map[string]string
	probes []string // secretariat GETs of what the call's placeholders created
}

var rtPlaceholder = regexp.MustCompile(`\{[a-z]+\}`)

// expand fills the placeholders of s, creating a resource the first time
// the call names it.
func (c *rtCall) expand(s string) string {
	return rtPlaceholder.ReplaceAllStringFunc(s, func(ph string) string {
		if v, ok := c.ids[ph]; ok {
			return v
		}
		v := c.make(ph)
		c.ids[ph] = v
		return v
	})
}

func (c *rtCall) make(ph string) string {
	e := c.f.e
	e.t.Helper()
	nom := func(photo, approve bool) map[string]any {
		id := e.submit(rtEvent, e.admin, person(func(b map[string]any) { b["delegation"] = "AUT" }))
		if photo || approve {
			e.photo(rtEvent, e.admin, id)
		}
		if approve {
			e.call("POST", nomPath(rtEvent, id, "approve"), e.admin, nil).want(200)
		}
		c.probes = append(c.probes, nomPath(rtEvent, id))
		return e.call("GET", nomPath(rtEvent, id), e.admin, nil).want(200).json()
	}
	switch ph {
	case "{event}":
		return rtEvent
	case "{session}":
		return c.f.session
	case "{submitted}":
		return nom(false, false)["id"].(string)
	case "{photo}":
		return nom(true, false)["id"].(string)
	case "{approved}":
		return nom(true, true)["id"].(string)
	case "{badge}":
		return nom(true, true)["badge"].(map[string]any)["id"].(string)
	case "{code}":
		return e.call("GET", c.expand("/v1/events/{event}/badges/{badge}"), e.admin, nil).want(200).str("code")
	case "{enrolment}":
		return e.call("POST", "/v1/events/"+rtEvent+"/enrolments", e.admin, map[string]any{"name": "lane 8"}).want(201).str("code")
	case "{token}":
		id, _ := e.rtNewToken(map[string]any{"name": "to revoke", "role": "security"})
		return id
	case "{delegation}":
		code := rtCode("NGO")
		e.call("POST", "/v1/delegations", e.admin, map[string]any{"code": code, "name": "NGO " + code, "kind": "civil_society"}).want(201)
		c.probes = append(c.probes, "/v1/delegations?limit=500")
		return code
	}
	e.t.Fatalf("unknown placeholder %s", ph)
	return ""
}

// want is what a column should get on a row: a refusal, or nil for the
// row's ok status.
func (r rtRow) want(col string) *rtOutcome {
	if slices.Contains(rtUnauthenticated, col) {
		return &rtUnauthorized
	}
	if o, ok := r.except[col]; ok {
		return &o
	}
	if slices.Contains(strings.Fields(r.may), col) {
		return nil
	}
	return &rtForbidden
}

// TestRoleTable calls every route as every kind of caller.
func TestRoleTable(t *testing.T) {
	rows := rtRows()
	// A row that lets a caller in where README, Roles, shuts it out is a bug in
	// the table, not in the server.
	for _, r := range rows {
		for col := range r.except {
			if !slices.Contains(rtColumns, col) {
				t.Fatalf("row %q: unknown column %q", r.name, col)
			}
		}
		for _, col := range strings.Fields(r.may) {
			if !slices.Contains(rtColumns, col) {
				t.Fatalf("row %q: unknown column %q", r.name, col)
			}
			if strings.HasPrefix(r.path, "/v1/events/{event}") && (col == "unodc" || col == "guard-other") {
				t.Fatalf("row %q: %s may not act under the event", r.name, col)
			}
		}
	}
	eachDB(t, func(t *testing.T, e *env) {
		f := newRTFixture(t, e)
		for _, r := range rows {
			t.Run(r.name, func(t *testing.T) {
				if r.feature != "" && !f.features[r.feature] {
					t.Skipf("this build does not register the %s routes", r.feature)
				}
				// A GET changes nothing, so its columns share one set of
				// resources; any other call gets fresh ones.
				var shared *rtCall
				if r.method == "GET" {
					shared = &rtCall{f: f, ids: map[string]string{}}
				}
				for _, col := range rtColumns {
					t.Run(col, func(t *testing.T) {
						defer e.rtBind(t)()
						c := shared
						if c == nil {
							c = &rtCall{f: f, ids: map[string]string{}}
						}
						f.check(t, r, col, c)
					})
				}
			})
		}
	})
}

func (f *rtFixture) check(t *testing.T, r rtRow, col string, c *rtCall) {
	e := f.e
	path := c.expand(r.path)
	var body any
	if r.body != nil {
		body = r.body(c.expand)
		if _, ok := body.(rtPhotoBody); ok {
			body = jpegBytes(t, 200, 250)
		}
	}
	probes := c.probes
	if r.probe != "" {
		probes = append(probes, c.expand(r.probe))
	}
	before := make([]string, len(probes))
	for i, p := range probes {
		before[i] = withoutLastSeen(string(e.call("GET", p, e.admin, nil).want(200).Body))
	}
	res := e.call(r.method, path, f.tokens[col], body, r.headers...)
	want := r.want(col)
	if want == nil {
		res.want(r.ok)
		return
	}
	res.problem(want.status, want.code)
	for i, p := range probes {
		if after := withoutLastSeen(string(e.call("GET", p, e.admin, nil).want(200).Body)); after != before[i] {
			t.Errorf("refused %s %s changed %s:\nbefore %s\nafter  %s", r.method, path, p, before[i], after)
		}
	}
}

// TestRoleEventVisibility checks which events each caller sees: drafts are
// 404 to delegations and absent from their list, an event a delegation is
// not invited to is 403 and absent, a bound security token sees its event
// only.
func TestRoleEventVisibility(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := newRTFixture(t, e)
		listed := func(col string) []string {
			var codes []string
			for _, it := range e.call("GET", "/v1/events?limit=500", f.tokens[col], nil).want(200).json()["items"].([]any) {
				codes = append(codes, it.(map[string]any)["code"].(string))
			}
			slices.Sort(codes)
			return codes
		}
		all := []string{rtDraftEvent, rtOtherEvent, rtEvent}
		slices.Sort(all)
		for _, c := range []struct {
			col  string
			want []string
		}{
			{"sec", all},
			{"aut", []string{rtOtherEvent, rtEvent}},
			{"deu", []string{rtOtherEvent, rtEvent}},
			{"unodc", nil},
			{"guard-bound", []string{rtEvent}},
			{"guard-other", []string{rtOtherEvent}},
		} {
			t.Run("list as "+c.col, func(t *testing.T) {
				defer e.rtBind(t)()
				if got := listed(c.col); !slices.Equal(got, c.want) {
					t.Errorf("GET /v1/events as %s lists %v, want %v", c.col, got, c.want)
				}
			})
		}
		t.Run("unbound guard lists every event", func(t *testing.T) {
			defer e.rtBind(t)()
			got := listed("guard")
			for _, code := range []string{rtEvent, rtOtherEvent} {
				if !slices.Contains(got, code) {
					t.Errorf("GET /v1/events as unbound security lists %v, want %s in it", got, code)
				}
			}
		})

		draft := "/v1/events/" + rtDraftEvent
		for _, c := range []struct {
			name, method, path, col string
			body                    any
			want                    rtOutcome
		}{
			{"draft event to invited delegation", "GET", draft, "aut", nil, rtNotFound},
			{"draft event to uninvited delegation", "GET", draft, "unodc", nil, rtNotFound},
			{"draft nominations to invited delegation", "GET", draft + "/nominations", "aut", nil, rtNotFound},
			{"submit into draft as delegation", "POST", draft + "/nominations", "aut", person(), rtNotFound},
			{"draft quotas to invited delegation", "GET", draft + "/quotas", "aut", nil, rtNotFound},
			{"draft sessions to invited delegation", "GET", draft + "/sessions", "deu", nil, rtNotFound},
			{"unknown event to delegation", "GET", "/v1/events/NOPE-2030", "aut", nil, rtNotFound},
			{"uninvited event", "GET", "/v1/events/" + rtEvent, "unodc", nil, rtForbidden},
			{"uninvited event nominations", "POST", "/v1/events/" + rtEvent + "/nominations", "unodc", person(), rtForbidden},
			{"uninvited event unknown nomination", "GET", nomPath(rtEvent, "0190b4d2-0000-7000-8000-000000000000"), "unodc", nil, rtForbidden},
			{"bound guard at another event", "GET", "/v1/events/" + rtOtherEvent, "guard-bound", nil, rtForbidden},
			{"bound guard at a draft", "GET", draft + "/sessions", "guard-bound", nil, rtForbidden},
		} {
			t.Run(c.name, func(t *testing.T) {
				defer e.rtBind(t)()
				e.call(c.method, c.path, f.tokens[c.col], c.body).problem(c.want.status, c.want.code)
			})
		}
		t.Run("secretariat reads the draft", func(t *testing.T) {
			defer e.rtBind(t)()
			if got := e.call("GET", draft, e.admin, nil).want(200).str("status"); got != "draft" {
				t.Errorf("draft event status %q", got)
			}
		})
	})
}

// TestRoleMe checks GET /v1/me for every caller.
func TestRoleMe(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := newRTFixture(t, e)
		for _, c := range []struct {
			col, role  string
			delegation any
			event      any
		}{
			{"sec", "secretariat", nil, nil},
			{"aut", "delegation", "AUT", nil},
			{"deu", "delegation", "DEU", nil},
			{"unodc", "delegation", "UNODC", nil},
			{"guard", "security", nil, nil},
			{"guard-bound", "security", nil, rtEvent},
			{"guard-other", "security", nil, rtOtherEvent},
		} {
			t.Run(c.col, func(t *testing.T) {
				defer e.rtBind(t)()
				m := e.call("GET", "/v1/me", f.tokens[c.col], nil).want(200).json()
				if m["token_id"] != f.tokenIDs[c.col] || m["role"] != c.role || m["delegation"] != c.delegation || m["event"] != c.event {
					t.Errorf("GET /v1/me as %s: %v; want token_id %s role %s delegation %v event %v",
						c.col, m, f.tokenIDs[c.col], c.role, c.delegation, c.event)
				}
				if name, _ := m["name"].(string); name == "" {
					t.Errorf("GET /v1/me as %s has no name: %v", c.col, m)
				}
				for k := range m {
					if !slices.Contains([]string{"token_id", "name", "role", "delegation", "event"}, k) {
						t.Errorf("GET /v1/me answers an unexpected field %q", k)
					}
				}
			})
		}
		for _, col := range rtUnauthenticated {
			t.Run(col, func(t *testing.T) {
				defer e.rtBind(t)()
				e.call("GET", "/v1/me", f.tokens[col], nil).problem(401, "unauthorized")
			})
		}
	})
}

// TestTokenSecretShownOnce: the secret is in the creation answer only,
// never in the list (nor its hash), and a revoked token is refused at once.
func TestTokenSecretShownOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event(rtEvent)
		expires := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Second)
		created := e.call("POST", "/v1/tokens", e.admin, map[string]any{
			"name": "Gate 1 scanner", "role": "security", "event": rtEvent, "expires_at": expires.Format(time.RFC3339)}).want(201).json()
		for _, k := range []string{"id", "name", "role", "delegation", "event", "expires_at", "created_at", "token"} {
			if _, ok := created[k]; !ok {
				t.Errorf("POST /v1/tokens answer lacks %q: %v", k, created)
			}
		}
		secret, _ := created["token"].(string)
		id, _ := created["id"].(string)
		if len(secret) < 43 { // 32 bytes of entropy are 43 base64 characters
			t.Errorf("token %q is too short to hold 32 random bytes", secret)
		}
		if created["name"] != "Gate 1 scanner" || created["role"] != "security" || created["event"] != rtEvent || created["delegation"] != nil {
			t.Errorf("POST /v1/tokens answer: %v", created)
		}
		if got, _ := time.Parse(time.RFC3339, fmt.Sprint(created["expires_at"])); !got.Equal(expires) {
			t.Errorf("expires_at %v, want %v", created["expires_at"], expires)
		}

		list := e.call("GET", "/v1/tokens?limit=500", e.admin, nil).want(200)
		if strings.Contains(string(list.Body), secret) || strings.Contains(string(list.Body), domain.HashToken(secret)) {
			t.Errorf("GET /v1/tokens shows the secret or its hash: %s", list.Body)
		}
		found := false
		for _, it := range list.json()["items"].([]any) {
			m := it.(map[string]any)
			if _, ok := m["token"]; ok {
				t.Errorf("GET /v1/tokens item has a token field: %v", m)
			}
			if m["id"] == id {
				found = true
			}
		}
		if !found {
			t.Errorf("GET /v1/tokens does not list the new token %s", id)
		}

		e.call("GET", "/v1/me", secret, nil).want(200)
		e.call("GET", "/v1/events/"+rtEvent, secret, nil).want(200)
		e.call("DELETE", "/v1/tokens/"+id, e.admin, nil).want(204)
		e.call("GET", "/v1/me", secret, nil).problem(401, "unauthorized")
		e.call("GET", "/v1/events/"+rtEvent, secret, nil).problem(401, "unauthorized")

		e.call("DELETE", "/v1/tokens/0190b4d2-0000-7000-8000-000000000000", e.admin, nil).problem(404, "not_found")
		e.call("DELETE", "/v1/tokens/not-a-uuid", e.admin, nil).problem(404, "not_found")
	})
}

// TestTokenBindingRules: delegation is required for and only allowed with
// role delegation, event only with role security.
func TestTokenBindingRules(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event(rtEvent)
		past := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
		cases := []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"delegation role without delegation", map[string]any{"role": "delegation"}, "delegation"},
			{"delegation role with unknown delegation", map[string]any{"role": "delegation", "delegation": "XYZ"}, "delegation"},
			{"delegation role with event", map[string]any{"role": "delegation", "delegation": "AUT", "event": rtEvent}, "event"},
			{"security with delegation", map[string]any{"role": "security", "delegation": "AUT"}, "delegation"},
			{"security with unknown event", map[string]any{"role": "security", "event": "NOPE-2030"}, "event"},
			{"secretariat with delegation", map[string]any{"role": "secretariat", "delegation": "AUT"}, "delegation"},
			{"secretariat with event", map[string]any{"role": "secretariat", "event": rtEvent}, "event"},
			{"unknown role", map[string]any{"role": "admin"}, "role"},
			{"no role", map[string]any{}, "role"},
			{"no name", map[string]any{"role": "security", "name": ""}, "name"},
			{"expired at creation", map[string]any{"role": "security", "expires_at": past}, "expires_at"},
		}
		before := withoutLastSeen(string(e.call("GET", "/v1/tokens?limit=500", e.admin, nil).want(200).Body))
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				defer e.rtBind(t)()
				if _, ok := c.body["name"]; !ok {
					c.body["name"] = c.name
				}
				r := e.call("POST", "/v1/tokens", e.admin, c.body)
				r.problem(422, "validation_failed")
				if !slices.Contains(r.fields(), c.field) {
					t.Errorf("fields %v, want %q among them", r.fields(), c.field)
				}
			})
		}
		if after := withoutLastSeen(string(e.call("GET", "/v1/tokens?limit=500", e.admin, nil).want(200).Body)); after != before {
			t.Errorf("refused token creations changed the token list:\nbefore %s\nafter  %s", before, after)
		}
		// And the allowed combinations.
		for _, body := range []map[string]any{
			{"name": "d", "role": "delegation", "delegation": "AUT"},
			{"name": "s", "role": "security"},
			{"name": "s bound", "role": "security", "event": rtEvent},
			{"name": "sec", "role": "secretariat"},
		} {
			e.call("POST", "/v1/tokens", e.admin, body).want(201)
		}
	})
}

// TestRoleOwnDataOnly: lists answer a delegation with its own items only;
// naming another delegation is refused, never answered with something else.
func TestRoleOwnDataOnly(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := newRTFixture(t, e)
		autID := e.approved(rtEvent, f.tokens["aut"], person())
		deuID := e.submit(rtEvent, f.tokens["deu"], person(func(b map[string]any) { b["nationality"] = "DEU" }))
		items := func(path, col string) []map[string]any {
			var out []map[string]any
			for _, it := range e.call("GET", path, f.tokens[col], nil).want(200).json()["items"].([]any) {
				out = append(out, it.(map[string]any))
			}
			return out
		}
		base := "/v1/events/" + rtEvent
		for _, c := range []struct {
			name, path, col, key, want string
		}{
			{"nominations", base + "/nominations", "deu", "delegation", "DEU"},
			{"nominations filtered by its own delegation", base + "/nominations?delegation=DEU", "deu", "delegation", "DEU"},
			{"quotas", base + "/quotas", "deu", "delegation", "DEU"},
			{"badges", base + "/badges?delegation=DEU", "deu", "nomination_id", deuID},
			{"own badges", base + "/badges", "aut", "nomination_id", autID},
		} {
			t.Run(c.name, func(t *testing.T) {
				defer e.rtBind(t)()
				for _, it := range items(c.path, c.col) {
					if it[c.key] != c.want {
						t.Errorf("GET %s as %s lists %v", c.path, c.col, it)
					}
				}
			})
		}
		for _, p := range []string{"/nominations", "/badges", "/quotas"} {
			e.call("GET", base+p+"?delegation=AUT", f.tokens["deu"], nil).problem(403, "forbidden")
		}
		if got := items(base+"/nominations", "deu"); len(got) != 1 || got[0]["id"] != deuID {
			t.Errorf("DEU's nominations: %v", got)
		}
		if got := items(base+"/quotas", "aut"); len(got) != 1 || got[0]["delegation"] != "AUT" {
			t.Errorf("AUT's quotas: %v", got)
		}
		if got := items(base+"/badges", "aut"); len(got) != 1 {
			t.Errorf("AUT's badges: %v", got)
		}
	})
}
