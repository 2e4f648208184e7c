//go:build long

package web_test

import (
	"bytes"
	"strings"
	"testing"
)

// approveBadge approves a nomination and returns its badge's code.
func approveBadge(s *server, ev, id string) string {
	s.t.Helper()
	n := s.call("POST", "/v1/events/"+ev+"/nominations/"+id+"/approve", s.admin, nil).want(200).json()
	b := n["badge"].(map[string]any)
	return s.call("GET", "/v1/events/"+ev+"/badges/"+b["id"].(string), s.admin, nil).want(200).str("code")
}

func TestConsoleShowsPresenceAfterAScan(t *testing.T) {
	s := newServer(t)
	conEvent(s, "DOOR-2030")
	s.call("POST", "/v1/events/DOOR-2030/checkpoints", s.admin, map[string]any{"code": "MAIN", "name": "Main entrance", "direction": "both"}).want(201)
	var names []string
	for i := 0; i < 3; i++ {
		id, name := nominate(s, "DOOR-2030", i, true)
		code := approveBadge(s, "DOOR-2030", id)
		if i < 2 { // two of the three go in
			s.call("POST", "/v1/events/DOOR-2030/scans", s.admin, map[string]any{"code": code, "checkpoint": "MAIN", "direction": "in"}).want(200)
		}
		names = append(names, strings.TrimPrefix(strings.TrimPrefix(name, "Ms. "), "Mr. "))
	}
	p := openConsole(t, s, "#/events/DOOR-2030/door")
	p.waitText("2 inside now", wait)
	list := p.visibleText(".evacuation")
	for i, n := range names {
		if got := strings.Contains(list, n); got != (i < 2) {
			t.Errorf("%s on the evacuation list: %v", n, got)
		}
	}
	if !strings.Contains(list, "Austria (AUT) — 1 inside") || !strings.Contains(list, "France (FRA) — 1 inside") {
		t.Errorf("the list is not grouped by delegation:\n%s", list)
	}
	p.waitText("2 present that day", wait)
	// Printed, only the list remains: the tabs and the attendance do not.
	eval[bool](p, `(document.querySelectorAll('.printed-at').forEach((n) => n.textContent = 'Printed now'), true)`)
	if printed := printVisible(p); strings.Contains(printed, "Attendance by day") || strings.Contains(printed, "Set-up") || !strings.Contains(printed, names[0]) {
		t.Errorf("the print view shows:\n%s", printed)
	}
	// A scan out: the list follows on Refresh.
	badges := s.call("GET", "/v1/events/DOOR-2030/badges", s.admin, nil).want(200).json()["items"].([]any)
	first := s.call("GET", "/v1/events/DOOR-2030/badges/"+badges[0].(map[string]any)["id"].(string), s.admin, nil).want(200).str("code")
	s.call("POST", "/v1/events/DOOR-2030/scans", s.admin, map[string]any{"code": first, "checkpoint": "MAIN", "direction": "out"}).want(200)
	p.click("button", "Refresh")
	p.waitText("1 inside now", wait)
}

// printVisible is the text a print of the page would hold: the page's
// text with print media emulated.
func printVisible(p *page) string {
	p.t.Helper()
	if err := emulateMedia(p, "print"); err != nil {
		p.t.Fatal(err)
	}
	defer emulateMedia(p, "")
	return p.pageText()
}

func TestConsoleReportsAndListOfParticipants(t *testing.T) {
	s := newServer(t)
	conEvent(s, "REP-2030")
	for i := 0; i < 5; i++ {
		id, _ := nominate(s, "REP-2030", i, true)
		approveBadge(s, "REP-2030", id)
	}
	p := openConsole(t, s, "#/events/REP-2030/report")
	p.waitFor(`!!document.querySelector('svg.gender-chart')`, wait)
	desc := eval[string](p, `document.querySelector('svg.gender-chart desc').textContent`)
	if !strings.Contains(desc, "Female 3 (60 %)") || !strings.Contains(desc, "Male 2 (40 %)") {
		t.Fatalf("chart description %q", desc)
	}
	if label := eval[string](p, `document.querySelector('svg.gender-chart').getAttribute('aria-labelledby')`); label == "" {
		t.Error("the chart has no accessible name")
	}
	p.waitText("60 %", wait)

	p.click("button", "Show on this page")
	p.waitText("Participating States", wait)
	p.waitText("Ms. Maria Schneider-Kovács", wait)

	name, csv := p.download("button", "Download CSV")
	if name != "participants-REP-2030.csv" || !bytes.Contains(csv, []byte("Schneider-Kovács")) {
		t.Errorf("CSV %s: %.200s", name, csv)
	}
	if name, x := p.download("button", "Download XLSX"); name != "participants-REP-2030.xlsx" || !bytes.HasPrefix(x, []byte("PK")) {
		t.Errorf("XLSX %s starts %q", name, x[:min(4, len(x))])
	}
	if name, pdf := p.download("button", "Download PDF"); name != "participants-REP-2030.pdf" || pdfPages(t, pdf) < 1 {
		t.Errorf("PDF %s", name)
	}
}
