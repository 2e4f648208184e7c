package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/osce/accredit/internal/testenv"
)

// This file proves the reports (api/openapi.yaml, Reports): the summary (counts, women's
// share, attendance by day) and the List of Participants (group order,
// delegations by English name, head first then family name, only
// approved, no personal data, attended_only, and the JSON, CSV, XLSX and
// PDF renderings). Helpers are prefixed rp.

// rpAllKinds invites every kind of delegation.
var rpAllKinds = []string{"participating_state", "partner", "international_organization", "osce",
	"civil_society", "academia", "private_sector", "media"}

// rpEvent is an open hybrid event (2030-06-10/11, Europe/Vienna) inviting
// every kind, without quotas, with badges valid 2030-06-09 to 2030-06-13
// UTC and two checkpoints: MAIN (both ways, everyone) and VIP (heads of
// delegation only).
func rpEvent(e *env, code string) {
	e.t.Helper()
	e.event(code, func(b map[string]any) {
		b["invited_kinds"] = rpAllKinds
		b["quotas"] = map[string]any{}
		b["badges_valid_from"] = "2030-06-09T00:00:00Z"
		b["badges_valid_until"] = "2030-06-13T00:00:00Z"
	})
	for _, cp := range []map[string]any{
		{"code": "MAIN", "name": "Main entrance", "direction": "both"},
		{"code": "VIP", "name": "Delegation heads", "direction": "both", "categories": []string{"head_of_delegation"}},
	} {
		e.call("POST", "/v1/events/"+code+"/checkpoints", e.admin, cp).want(201)
	}
}

// rpPerson is a new person of a delegation, nominated by the secretariat.
func rpPerson(delegation, honorific, given, family string, change ...func(map[string]any)) map[string]any {
	return person(append([]func(map[string]any){func(b map[string]any) {
		b["delegation"] = delegation
		b["honorific"], b["given_name"], b["family_name"] = honorific, given, family
		b["function"] = "Counsellor"
		b["organization"] = "Ministry of Foreign Affairs"
	}}, change...)...)
}

func rpGender(g string) func(map[string]any) { return func(b map[string]any) { b["gender"] = g } }

func rpCategory(c string) func(map[string]any) { return func(b map[string]any) { b["category"] = c } }

// rpBadge approves an in-person nomination and returns its badge code.
func rpBadge(e *env, ev string, body map[string]any) (string, string) {
	e.t.Helper()
	id := e.approved(ev, e.admin, body)
	b, _ := e.call("GET", nomPath(ev, id), e.admin, nil).want(200).json()["badge"].(map[string]any)
	if b == nil {
		e.t.Fatalf("approved in-person nomination %s has no badge", id)
	}
	return id, e.call("GET", "/v1/events/"+ev+"/badges/"+b["id"].(string), e.admin, nil).want(200).str("code")
}

// rpScan posts one scan as the secretariat, with the server's clock at
// at, and checks its result.
func rpScan(e *env, ev, code, checkpoint, direction, at, result string) {
	e.t.Helper()
	defer scClockAt(e, at)()
	m := e.call("POST", "/v1/events/"+ev+"/scans", e.admin, map[string]any{
		"code": code, "checkpoint": checkpoint, "direction": direction,
	}).want(200).json()
	if m["result"] != result {
		e.t.Fatalf("scan %s %s at %s: %v, want %s", checkpoint, direction, at, m, result)
	}
}

// rpCounts reads a by_ object, dropping zero counts.
func rpCounts(t *testing.T, m map[string]any, key string) map[string]int {
	t.Helper()
	obj, ok := m[key].(map[string]any)
	if !ok {
		t.Fatalf("%s is not an object: %v", key, m[key])
	}
	out := map[string]int{}
	for k, v := range obj {
		n, ok := v.(float64)
		if !ok {
			t.Fatalf("%s.%s is not a number: %v", key, k, v)
		}
		if n != 0 {
			out[k] = int(n)
		}
	}
	return out
}

func rpSummary(e *env, ev string) map[string]any {
	e.t.Helper()
	return e.call("GET", "/v1/events/"+ev+"/reports/summary", e.admin, nil).want(200).json()
}

// TestReportSummary: by_status counts every nomination, the other counts
// approved ones only; women's shares; attendance by day from accepted
// entry scans.
func TestReportSummary(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		rpEvent(e, "RP-SUM")
		ev := "RP-SUM"
		_, autHead := rpBadge(e, ev, rpPerson("AUT", "Amb.", "Elisabeth", "Kornfeind", head, rpGender("female")))
		_, autDel := rpBadge(e, ev, rpPerson("AUT", "Mr.", "Georg", "Pichler", rpGender("male")))
		e.approved(ev, e.admin, rpPerson("AUT", "Ms.", "Sophie", "Lechner", online, rpGender("female")))
		e.approved(ev, e.admin, rpPerson("AUT", "", "Alex", "Moser", online, rpGender("other"), rpCategory("adviser")))
		_, dzaHead := rpBadge(e, ev, rpPerson("DZA", "H.E. Mr.", "Karim", "Benali", head, rpGender("male")))
		e.submit(ev, e.admin, rpPerson("AUT", "Mr.", "Paul", "Brunner", online, rpGender("male")))
		e.submit(ev, e.admin, rpPerson("DZA", "Ms.", "Amina", "Haddad", online, rpGender("female"), rpCategory("adviser")))
		rej := e.submit(ev, e.admin, rpPerson("AUT", "Ms.", "Eva", "Huber", online, rpGender("female")))
		e.call("POST", nomPath(ev, rej, "reject"), e.admin, map[string]any{"reason": "late"}).want(200)
		wd := e.submit(ev, e.admin, rpPerson("AUT", "Ms.", "Lena", "Wimmer", online, rpGender("female")))
		e.call("POST", nomPath(ev, wd, "withdraw"), e.admin, map[string]any{"reason": "ill"}).want(200)
		rv := e.approved(ev, e.admin, rpPerson("DZA", "Ms.", "Leila", "Mansouri", online, rpGender("female")))
		e.call("POST", nomPath(ev, rv, "revoke"), e.admin, map[string]any{"reason": "misconduct"}).want(200)

		// Entries: 10 June the AUT head and delegate; 11 June the AUT head
		// again, the AUT delegate at 01:30 Vienna time, the DZA head.
		rpScan(e, ev, autHead, "MAIN", "in", "2030-06-10T08:00:00Z", "accepted")
		rpScan(e, ev, autHead, "MAIN", "out", "2030-06-10T16:00:00Z", "accepted")
		rpScan(e, ev, autHead, "MAIN", "in", "2030-06-11T08:00:00Z", "accepted")
		rpScan(e, ev, autDel, "MAIN", "in", "2030-06-10T09:00:00Z", "accepted")
		rpScan(e, ev, autDel, "MAIN", "in", "2030-06-10T23:30:00Z", "accepted")
		rpScan(e, ev, dzaHead, "VIP", "in", "2030-06-11T10:00:00Z", "accepted")
		// Rejected scans and exits count for nobody: 12 June has none.
		rpScan(e, ev, autDel, "VIP", "in", "2030-06-12T08:00:00Z", "rejected")
		rpScan(e, ev, autDel, "MAIN", "out", "2030-06-12T09:00:00Z", "accepted")
		rpScan(e, ev, dzaHead, "MAIN", "in", "2030-06-20T08:00:00Z", "rejected")

		m := rpSummary(e, ev)
		want := map[string]map[string]int{
			"by_status":   {"approved": 5, "submitted": 2, "rejected": 1, "withdrawn": 1, "revoked": 1},
			"by_mode":     {"in_person": 3, "online": 2},
			"by_kind":     {"participating_state": 4, "partner": 1},
			"by_category": {"head_of_delegation": 2, "delegate": 2, "adviser": 1},
			"by_gender":   {"female": 2, "male": 2, "other": 1},
		}
		for key, w := range want {
			if got := rpCounts(t, m, key); fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("%s = %v, want %v", key, got, w)
			}
		}
		ws, _ := m["women_share"].(map[string]any)
		if ws["approved"] != 0.4 {
			t.Errorf("women_share.approved = %v, want 0.4 (2 of 5)", ws["approved"])
		}
		if ws["heads_of_delegation"] != 0.5 {
			t.Errorf("women_share.heads_of_delegation = %v, want 0.5 (1 of 2)", ws["heads_of_delegation"])
		}
		days, _ := json.Marshal(m["attendance_by_day"])
		if string(days) != `[{"day":"2030-06-10","present":2},{"day":"2030-06-11","present":3}]` {
			t.Errorf("attendance_by_day = %s, want 10 June: 2, 11 June: 3", days)
		}

		// Nobody approved: shares null, empty counts, an empty list of days.
		rpEvent(e, "RP-EMPTY")
		e.submit("RP-EMPTY", e.admin, rpPerson("AUT", "Ms.", "Eva", "Gruber", online))
		m = rpSummary(e, "RP-EMPTY")
		ws, _ = m["women_share"].(map[string]any)
		if v, ok := ws["approved"]; !ok || v != nil {
			t.Errorf("women_share.approved with nobody approved = %v (present %v), want null", v, ok)
		}
		if v, ok := ws["heads_of_delegation"]; !ok || v != nil {
			t.Errorf("women_share.heads_of_delegation with no head = %v (present %v), want null", v, ok)
		}
		if d, ok := m["attendance_by_day"].([]any); !ok || len(d) != 0 {
			t.Errorf("attendance_by_day = %v, want []", m["attendance_by_day"])
		}
		if got := rpCounts(t, m, "by_status"); fmt.Sprint(got) != "map[submitted:1]" {
			t.Errorf("by_status = %v, want submitted: 1", got)
		}
		for _, key := range []string{"by_mode", "by_kind", "by_category", "by_gender"} {
			if got := rpCounts(t, m, key); len(got) != 0 {
				t.Errorf("%s = %v with nobody approved", key, got)
			}
		}

		// Approved delegates but no head: only the heads' share is null.
		rpEvent(e, "RP-NOHEAD")
		e.approved("RP-NOHEAD", e.admin, rpPerson("AUT", "Mr.", "Jan", "Berger", online, rpGender("male")))
		ws, _ = rpSummary(e, "RP-NOHEAD")["women_share"].(map[string]any)
		if ws["approved"] != 0.0 || ws["heads_of_delegation"] != nil {
			t.Errorf("women_share %v, want approved 0 and heads_of_delegation null", ws)
		}
	})
}

// rpLine is one participant of the List as the test expects it.
type rpLine struct{ delegation, given, family string }

// rpList reads the List of Participants in JSON.
func rpList(e *env, ev, query string) (map[string]any, []byte) {
	e.t.Helper()
	r := e.call("GET", "/v1/events/"+ev+"/reports/participants?format=json"+query, e.admin, nil).want(200)
	return r.json(), r.Body
}

// rpFlatten lists the participants of a List in order, with the group
// kinds, titles and delegation names in order.
func rpFlatten(t *testing.T, m map[string]any) (lines []rpLine, kinds, titles, names []string) {
	t.Helper()
	groups, ok := m["groups"].([]any)
	if !ok {
		t.Fatalf("no groups: %v", m)
	}
	for _, g := range groups {
		g := g.(map[string]any)
		kinds = append(kinds, fmt.Sprint(g["kind"]))
		titles = append(titles, fmt.Sprint(g["title"]))
		for _, d := range g["delegations"].([]any) {
			d := d.(map[string]any)
			names = append(names, fmt.Sprint(d["name"]))
			for _, p := range d["participants"].([]any) {
				p := p.(map[string]any)
				lines = append(lines, rpLine{fmt.Sprint(d["code"]), fmt.Sprint(p["given_name"]), fmt.Sprint(p["family_name"])})
			}
		}
	}
	return lines, kinds, titles, names
}

// rpSetup fills RP-LOP with approved participants of every group, some
// not approved, and entry scans; it returns the personal data that must
// not appear in the List.
func rpSetup(e *env) (secrets []string) {
	e.t.Helper()
	ev := "RP-LOP"
	rpEvent(e, ev)
	for _, d := range []map[string]any{
		{"code": "OSCE-SEC", "name": "OSCE Secretariat", "kind": "osce"},
		{"code": "ORF", "name": "Österreichischer Rundfunk", "kind": "media"},
		{"code": "ZFS", "name": "Zentrum für Sicherheitsstudien", "kind": "academia"},
	} {
		e.call("POST", "/v1/delegations", e.admin, d).want(201)
	}
	add := func(p map[string]any) map[string]any {
		secrets = append(secrets, p["email"].(string))
		if doc, ok := p["document"].(map[string]any); ok {
			secrets = append(secrets, doc["number"].(string))
		}
		return p
	}
	// In person, with entries (or not) for attended_only.
	_, wagner := rpBadge(e, ev, add(rpPerson("AUT", "Ms.", "Katharina", "Wagner", head, func(b map[string]any) { b["phone"] = "+43 664 1234567" })))
	rpScan(e, ev, wagner, "MAIN", "in", "2030-06-10T08:00:00Z", "accepted")
	_, benali := rpBadge(e, ev, add(rpPerson("DZA", "H.E. Mr.", "Karim", "Benali", head)))
	rpScan(e, ev, benali, "VIP", "in", "2030-06-11T08:00:00Z", "accepted")
	_, schmidt := rpBadge(e, ev, add(rpPerson("DEU", "Mr.", "Jonas", "Schmidt")))
	rpScan(e, ev, schmidt, "VIP", "in", "2030-06-10T08:00:00Z", "rejected") // not a head
	_, orazov := rpBadge(e, ev, add(rpPerson("TKM", "Mr.", "Merdan", "Orazov")))
	rpScan(e, ev, orazov, "MAIN", "out", "2030-06-10T18:00:00Z", "accepted") // an exit is no entry

	for _, p := range []map[string]any{
		rpPerson("AUT", "Mr.", "Florian", "Zeller", online),
		rpPerson("AUT", "Dr.", "Ingrid", "Ängström", online),
		rpPerson("AUT", "Mr.", "Tobias", "Bauer", online),
		rpPerson("BEL", "Ms.", "Claire", "Dubois", online),
		rpPerson("MDA", "Mr.", "Dragoș", "Țurcanu", online),
		rpPerson("TJK", "Mr.", "Farrukh", "Rahimov", online),
		rpPerson("TUR", "Ms.", "Ayşe", "Yılmaz", online),
		rpPerson("JPN", "Mr.", "Hiroshi", "Tanaka", online),
		rpPerson("COE", "Ms.", "Marie", "Lefèvre", online),
		rpPerson("UNODC", "Mr.", "Carlos", "Mendes", online),
		rpPerson("OSCE-SEC", "Ms.", "Anna", "Novak", online),
		rpPerson("ZFS", "Prof.", "Lukas", "Ebner", online),
		rpPerson("ORF", "Ms.", "Julia", "Steiner", online, rpCategory("media")),
	} {
		e.approved(ev, e.admin, add(p))
	}
	// Not approved: not listed.
	e.submit(ev, e.admin, add(rpPerson("AUT", "Mr.", "Aaron", "Aigner", online)))
	rej := e.submit(ev, e.admin, add(rpPerson("BEL", "Mr.", "Bram", "Aerts", online)))
	e.call("POST", nomPath(ev, rej, "reject"), e.admin, map[string]any{"reason": "no"}).want(200)
	wd := e.approved(ev, e.admin, add(rpPerson("DEU", "Ms.", "Greta", "Albrecht", online)))
	e.call("POST", nomPath(ev, wd, "withdraw"), e.admin, map[string]any{"reason": "ill"}).want(200)
	rv := e.approved(ev, e.admin, add(rpPerson("JPN", "Mr.", "Kenji", "Abe", online)))
	e.call("POST", nomPath(ev, rv, "revoke"), e.admin, map[string]any{"reason": "no"}).want(200)
	return append(secrets, "1980-05-17", "+43 664 1234567")
}

// rpWantLines is the List RP-LOP must print, in order.
var rpWantLines = []rpLine{
	{"AUT", "Katharina", "Wagner"}, {"AUT", "Ingrid", "Ängström"}, {"AUT", "Tobias", "Bauer"}, {"AUT", "Florian", "Zeller"},
	{"BEL", "Claire", "Dubois"}, {"DEU", "Jonas", "Schmidt"}, {"MDA", "Dragoș", "Țurcanu"}, {"TJK", "Farrukh", "Rahimov"},
	{"TUR", "Ayşe", "Yılmaz"}, {"TKM", "Merdan", "Orazov"},
	{"DZA", "Karim", "Benali"}, {"JPN", "Hiroshi", "Tanaka"},
	{"COE", "Marie", "Lefèvre"}, {"UNODC", "Carlos", "Mendes"},
	{"OSCE-SEC", "Anna", "Novak"},
	{"ORF", "Julia", "Steiner"}, {"ZFS", "Lukas", "Ebner"},
}

var rpWantKinds = []string{"participating_state", "partner", "international_organization", "osce", "other"}

// TestReportParticipantsJSON: groups in the published order (README, How it works), delegations by
// English name as collated, head first then family name, approved only,
// nothing personal.
func TestReportParticipantsJSON(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		secrets := rpSetup(e)
		m, body := rpList(e, "RP-LOP", "")
		if m["event"] != "RP-LOP" {
			t.Errorf("event %v, want RP-LOP", m["event"])
		}
		lines, kinds, titles, names := rpFlatten(t, m)
		if !slices.Equal(kinds, rpWantKinds) {
			t.Errorf("group kinds %v, want %v", kinds, rpWantKinds)
		}
		for i, title := range titles {
			if strings.TrimSpace(title) == "" || title == "<nil>" {
				t.Errorf("group %d has no title", i)
			}
		}
		if !slices.Equal(lines, rpWantLines) {
			t.Errorf("participants in order\n%v\nwant\n%v", lines, rpWantLines)
		}

		// Delegations by English name as a reader collates it: Türkiye
		// among the T's (before Turkmenistan), not after every ASCII name.
		states := names[:7]
		if want := []string{"Austria", "Belgium", "Germany", "Moldova", "Tajikistan", "Türkiye", "Turkmenistan"}; !slices.Equal(states, want) {
			t.Errorf("participating States %v, want %v", states, want)
		}
		col := collate.New(language.English)
		for _, group := range [][]string{states, names[7:9], names[9:11], names[12:]} {
			sorted := slices.Clone(group)
			sort.SliceStable(sorted, func(i, j int) bool { return col.CompareString(sorted[i], sorted[j]) < 0 })
			if !slices.Equal(group, sorted) {
				t.Errorf("delegations %v are not in English collation order %v", group, sorted)
			}
		}
		if others := names[12:]; !slices.Equal(others, []string{"Österreichischer Rundfunk", "Zentrum für Sicherheitsstudien"}) {
			t.Errorf("other participants %v: Ö sorts with O, before Z", others)
		}

		// Only the published fields; no personal data anywhere.
		allowed := []string{"category", "family_name", "function", "given_name", "honorific", "organization"}
		for _, g := range m["groups"].([]any) {
			for _, d := range g.(map[string]any)["delegations"].([]any) {
				for _, p := range d.(map[string]any)["participants"].([]any) {
					var keys []string
					for k := range p.(map[string]any) {
						keys = append(keys, k)
					}
					slices.Sort(keys)
					if !slices.Equal(keys, allowed) {
						t.Fatalf("participant fields %v, want exactly %v", keys, allowed)
					}
				}
			}
		}
		for _, key := range []string{`"email"`, `"document"`, `"date_of_birth"`, `"phone"`, `"nationality"`, `"gender"`} {
			if bytes.Contains(body, []byte(key)) {
				t.Errorf("the List carries %s", key)
			}
		}
		for _, s := range secrets {
			if bytes.Contains(body, []byte(s)) {
				t.Errorf("the List carries personal data %q", s)
			}
		}

		// attended_only: those with an accepted entry scan.
		m, _ = rpList(e, "RP-LOP", "&attended_only=true")
		lines, kinds, _, _ = rpFlatten(t, m)
		if want := []rpLine{{"AUT", "Katharina", "Wagner"}, {"DZA", "Karim", "Benali"}}; !slices.Equal(lines, want) {
			t.Errorf("attended_only lists %v, want %v", lines, want)
		}
		if !slices.Equal(kinds, []string{"participating_state", "partner"}) {
			t.Errorf("attended_only groups %v, want the two with attendees", kinds)
		}
		m, _ = rpList(e, "RP-LOP", "&attended_only=false")
		if lines, _, _, _ := rpFlatten(t, m); !slices.Equal(lines, rpWantLines) {
			t.Errorf("attended_only=false lists %v", lines)
		}
		e.call("GET", "/v1/events/RP-LOP/reports/participants?attended_only=sometimes", e.admin, nil).problem(422, "validation_failed")

		// An event without approved participants has an empty List.
		rpEvent(e, "RP-NONE")
		m, _ = rpList(e, "RP-NONE", "")
		if g, ok := m["groups"].([]any); !ok || len(g) != 0 {
			t.Errorf("groups of an empty List: %v, want []", m["groups"])
		}
	})
}

// rpTableLines reads (delegation, given, family) from a flat table with a
// header row naming given_name and family_name (and a delegation code
// column when there is one).
func rpTableLines(t *testing.T, table [][]string) []rpLine {
	t.Helper()
	if len(table) < 1 {
		t.Fatal("empty table")
	}
	h := table[0]
	gi, fi := slices.Index(h, "given_name"), slices.Index(h, "family_name")
	di := slices.Index(h, "delegation_code")
	if di < 0 {
		di = slices.Index(h, "code")
	}
	if gi < 0 || fi < 0 || di < 0 {
		t.Fatalf("header %v lacks given_name, family_name or a delegation code", h)
	}
	for _, c := range h {
		switch c {
		case "email", "phone", "date_of_birth", "document_number", "document_type", "nationality", "gender":
			t.Errorf("the List has a column %s", c)
		}
	}
	var out []rpLine
	for _, r := range table[1:] {
		for len(r) < len(h) {
			r = append(r, "")
		}
		out = append(out, rpLine{r[di], r[gi], r[fi]})
	}
	return out
}

// TestReportParticipantsFormats: CSV, XLSX and PDF print the same List in
// the same order; PDF is A4 with diacritics intact; a bogus format is 422.
func TestReportParticipantsFormats(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		secrets := rpSetup(e)
		m, _ := rpList(e, "RP-LOP", "")
		path := "/v1/events/RP-LOP/reports/participants?format="
		noSecrets := func(what string, b []byte) {
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s carries personal data %q", what, s)
				}
			}
		}

		r := e.call("GET", path+"csv", e.admin, nil).want(200)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("CSV content type %q", ct)
		}
		table, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse: %v", err)
		}
		if got := rpTableLines(t, table); !slices.Equal(got, rpWantLines) {
			t.Errorf("CSV lines\n%v\nwant\n%v", got, rpWantLines)
		}
		noSecrets("the CSV", r.Body)

		r = e.call("GET", path+"xlsx", e.admin, nil).want(200)
		if ct := r.Header.Get("Content-Type"); ct != imXLSXType {
			t.Errorf("XLSX content type %q", ct)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("the XLSX does not open: %v", err)
		}
		table, err = f.GetRows(f.GetSheetName(0))
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := rpTableLines(t, table); !slices.Equal(got, rpWantLines) {
			t.Errorf("XLSX lines\n%v\nwant\n%v", got, rpWantLines)
		}

		r = e.call("GET", path+"pdf", e.admin, nil).want(200)
		if ct := r.Header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
			t.Fatalf("PDF: content type %q, starts %q", ct, r.Body[:min(8, len(r.Body))])
		}
		text, info := rpPDFTools(t, r.Body)
		if text != "" {
			// Group titles, delegation names and participants appear in
			// the List's order.
			var seq []string
			for _, g := range m["groups"].([]any) {
				g := g.(map[string]any)
				seq = append(seq, g["title"].(string))
				for _, d := range g["delegations"].([]any) {
					d := d.(map[string]any)
					seq = append(seq, d["name"].(string))
					for _, p := range d["participants"].([]any) {
						p := p.(map[string]any)
						seq = append(seq, p["given_name"].(string)+" "+p["family_name"].(string))
					}
				}
			}
			if len(seq) != 5+14+len(rpWantLines) {
				t.Fatalf("the List has %d entries, want %d", len(seq), 5+14+len(rpWantLines))
			}
			// The PDF may set family names and titles in capitals (the
			// OSCE's convention): compare case-insensitively.
			flat := strings.ToUpper(strings.Join(strings.Fields(text), " "))
			at := 0
			for _, s := range seq {
				i := strings.Index(flat[at:], strings.ToUpper(s))
				if i < 0 {
					t.Errorf("PDF text lacks %q after position %d (or has it out of order)", s, at)
					continue
				}
				at += i + len(s)
			}
			for _, s := range []string{"Dragoș Țurcanu", "Ayşe Yılmaz", "Ingrid Ängström", "Marie Lefèvre", "Türkiye"} {
				if !strings.Contains(flat, strings.ToUpper(s)) {
					t.Errorf("PDF text lacks %q with its diacritics", s)
				}
			}
			if strings.Index(flat, "KATHARINA WAGNER") > strings.Index(flat, "INGRID ÄNGSTRÖM") {
				t.Error("PDF: the head of delegation is not first")
			}
			noSecrets("the PDF text", []byte(text))
		}
		if info != "" && !strings.Contains(info, "(A4)") {
			t.Errorf("pdfinfo does not report A4:\n%s", info)
		}

		e.call("GET", path+"bogus", e.admin, nil).problem(422, "validation_failed")
	})
}

// rpPDFTools returns pdftotext's text and pdfinfo's output of a PDF; ""
// when the tools are missing (a failure in CI).
func rpPDFTools(t *testing.T, pdf []byte) (text, info string) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if testenv.CI() {
			t.Fatal("pdftotext (poppler-utils) is missing in CI")
		}
		t.Log("pdftotext missing: PDF text not checked")
		return "", ""
	}
	file := t.TempDir() + "/lop.pdf"
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	i, err := exec.Command("pdfinfo", file).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	return string(out), string(i)
}

// TestReportRoutesRoles: reports are the secretariat's alone.
func TestReportRoutesRoles(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		rpEvent(e, "RP-ROLE")
		aut := e.token("delegation", "AUT", "")
		guard := e.token("security", "", "")
		bound := e.token("security", "", "RP-ROLE")
		for _, p := range []string{"reports/summary", "reports/participants", "reports/participants?format=csv",
			"reports/participants?format=xlsx", "reports/participants?format=pdf"} {
			path := "/v1/events/RP-ROLE/" + p
			for _, tok := range []string{aut, guard, bound} {
				e.call("GET", path, tok, nil).problem(403, "forbidden")
			}
			e.call("GET", path, "", nil).problem(401, "unauthorized")
			e.call("GET", path, e.admin, nil).want(200)
		}
		e.call("GET", "/v1/events/NO-SUCH/reports/summary", e.admin, nil).problem(404, "not_found")
	})
}
