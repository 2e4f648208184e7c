//go:build long

package web_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// conEvent creates an open event running today (so that scans are
// accepted) inviting participating States with a quota of q in person.
func conEvent(s *server, code string, change ...func(map[string]any)) {
	s.t.Helper()
	now := time.Now().UTC()
	body := map[string]any{
		"code": code, "title": "OSCE Annual Police Experts Meeting", "venue": "Hofburg, Vienna",
		"timezone": "Europe/Vienna", "starts_on": now.AddDate(0, 0, -1).Format("2006-01-02"),
		"ends_on": now.AddDate(0, 0, 2).Format("2006-01-02"), "format": "hybrid", "status": "open",
		"invited_kinds": []string{"participating_state", "partner"},
		"quotas":        map[string]any{"participating_state": map[string]any{"in_person": 30, "online": 10}},
	}
	for _, c := range change {
		c(body)
	}
	s.call("POST", "/v1/events", s.admin, body).want(201)
}

// delegates of the seeded events: realistic names with diacritics.
var delegates = []struct{ honorific, given, family, gender, function, delegation string }{
	{"Ms.", "Maria", "Schneider-Kovács", "female", "Head of Unit, Federal Police", "AUT"},
	{"Mr.", "Jean-Luc", "Moreau", "male", "Commissaire divisionnaire", "FRA"},
	{"Ms.", "Aino", "Virtanen", "female", "Senior Inspector", "FIN"},
	{"Mr.", "Tomasz", "Wiśniewski", "male", "Police Attaché", "POL"},
	{"Ms.", "Elena", "Popescu", "female", "Chief Commissioner", "ROU"},
	{"Mr.", "Hans", "Gruber", "male", "Ministerialrat", "DEU"},
	{"Ms.", "Sofía", "García Márquez", "female", "Inspectora Jefa", "ESP"},
	{"Mr.", "Giorgi", "Beridze", "male", "Deputy Director", "GEO"},
	{"Dr.", "Ingrid", "Johansson", "female", "Senior Adviser", "SWE"},
	{"Mr.", "Luca", "Bianchi", "male", "Primo Dirigente", "ITA"},
}

var conSeq int

// nominate submits delegate i (with a photo when photo) and returns the
// nomination's id and the person's shown name.
func nominate(s *server, ev string, i int, photo bool, change ...func(map[string]any)) (string, string) {
	s.t.Helper()
	conSeq++
	d := delegates[i%len(delegates)]
	family := d.family
	if i >= len(delegates) {
		family = fmt.Sprintf("%s %d", d.family, i/len(delegates)+1)
	}
	category := "delegate"
	if i < len(delegates) && i%3 == 0 {
		category = "adviser"
	}
	body := map[string]any{
		"delegation": d.delegation, "honorific": d.honorific, "given_name": d.given, "family_name": family,
		"gender": d.gender, "function": d.function, "organization": "Ministry of the Interior",
		"nationality": "AUT", "email": fmt.Sprintf("c%d.%d@example.org", conSeq, i), "date_of_birth": "1979-03-14",
		"document": map[string]any{"type": "passport", "number": fmt.Sprintf("C%07d", conSeq*100+i), "expires_on": "2040-01-01"},
		"category": category, "mode": "in_person",
	}
	for _, c := range change {
		c(body)
	}
	id := s.call("POST", "/v1/events/"+ev+"/nominations", s.admin, body).want(201).str("id")
	if photo {
		s.call("PUT", "/v1/events/"+ev+"/nominations/"+id+"/photo", s.admin, portrait(s.t, conSeq+i), "image/jpeg").want(200)
	}
	return id, d.honorific + " " + d.given + " " + family
}

// pdfPages counts a PDF's pages with pdfinfo where it is installed, else
// by its page objects.
func pdfPages(t *testing.T, pdf []byte) int {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
	}
	if _, err := exec.LookPath("pdfinfo"); err == nil {
		f, err := os.CreateTemp(t.TempDir(), "*.pdf")
		if err != nil {
			t.Fatal(err)
		}
		f.Write(pdf)
		f.Close()
		out, err := exec.Command("pdfinfo", f.Name()).Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v", err)
		}
		m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("pdfinfo: %s", out)
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	return len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
}

// rowOutcomes reads, per row of the review queue, the name and outcome.
func rowOutcomes(p *page) map[string]string {
	p.t.Helper()
	raw := eval[map[string]string](p, `Object.fromEntries([...document.querySelectorAll('.review-table tbody tr[data-id]')].map((tr) =>
		[tr.querySelector('.who a').textContent, tr.querySelector('.outcome').dataset.outcome || '']))`)
	return raw
}

func TestConsoleApprovesTwentyAtOnceAndShowsEachOutcome(t *testing.T) {
	s := newServer(t)
	conEvent(s, "BULK-2030", func(b map[string]any) { b["capacity"] = map[string]any{"in_person": 19} })
	for i := 0; i < 20; i++ {
		nominate(s, "BULK-2030", i, true)
	}
	p := openConsole(t, s, "#/events/BULK-2030/review")
	p.waitFor(`document.querySelectorAll('.review-table tbody tr[data-id]').length === 20`, wait)
	// Photos load as they scroll into view: the first rows' at once, the
	// last row's only when it is reached.
	p.waitFor(`[...document.querySelectorAll('img.thumb')].slice(0, 5).every((i) => i.naturalWidth > 0)`, wait)
	if eval[bool](p, `[...document.querySelectorAll('img.thumb')].at(-1).src !== ''`) {
		t.Error("the last row's photo was fetched before it came into view")
	}
	eval[bool](p, `(document.querySelector('.review-table tbody tr:last-child').scrollIntoView(), true)`)
	p.waitFor(`[...document.querySelectorAll('img.thumb')].at(-1).naturalWidth > 0`, wait)
	p.check("Select all on this page")
	p.waitText("20 selected", wait)
	p.click("button", "Approve selected")
	p.waitText("19 done, 1 failed", 60*time.Second)
	noNullText(t, p)

	out := rowOutcomes(p)
	var failed []string
	for name, o := range out {
		if o != "approved" {
			failed = append(failed, name+": "+o)
		}
	}
	if len(out) != 20 || len(failed) != 1 || !strings.HasSuffix(failed[0], ": capacity_reached") {
		t.Fatalf("outcomes: %d rows, not approved: %v", len(out), failed)
	}
	row := eval[string](p, `document.querySelector('tr[data-outcome="capacity_reached"]').innerText`)
	if !strings.Contains(row, "Event capacity reached") {
		t.Errorf("the failing row says %q", row)
	}
	var list struct{ Items []map[string]any }
	s.call("GET", "/v1/events/BULK-2030/nominations?status=approved&limit=100", s.admin, nil).want(200).decode(&list)
	if len(list.Items) != 19 {
		t.Fatalf("%d approved on the server, want 19", len(list.Items))
	}

	// The one left over is rejected with a common reason.
	p.waitFor(`document.querySelector('tr[data-outcome="capacity_reached"] input[type=checkbox]').checked`, wait)
	p.click("button", "Reject selected…")
	p.waitFor(`!!document.querySelector('dialog[open]')`, wait)
	noNullText(t, p)
	p.set("Reason", "Quota for this delegation is used up")
	p.click("button", "Reject")
	p.waitText("1 done, 0 failed", wait)
	s.call("GET", "/v1/events/BULK-2030/nominations?status=rejected", s.admin, nil).want(200).decode(&list)
	if len(list.Items) != 1 || list.Items[0]["status_reason"] != "Quota for this delegation is used up" {
		t.Fatalf("rejected: %v", list.Items)
	}

	// Print the approved ones: one PDF, four A6 badges to an A4 sheet.
	p.check("Select all on this page")
	p.click("button", "Print selected")
	p.waitText("The PDF is ready (19 badges)", 60*time.Second)
	_, pdf := p.download("link", "Download PDF")
	if n := pdfPages(t, pdf); n != 5 {
		t.Fatalf("the PDF has %d pages, want 5 (19 badges, 4 to a sheet)", n)
	}
}

func TestConsoleNominationDetailHistoryAndBadge(t *testing.T) {
	s := newServer(t)
	conEvent(s, "DET-2030")
	id, name := nominate(s, "DET-2030", 0, true, func(b map[string]any) { b["remarks"] = "Arrives on the evening flight" })
	p := openConsole(t, s, "#/events/DET-2030/nominations/"+id)
	p.waitText(name, wait)
	p.waitText("Arrives on the evening flight", wait)
	p.waitFor(`document.querySelector('img.portrait')?.naturalWidth > 0`, wait)
	p.click("button", "Approve")
	p.waitText("The nomination is now Approved.", wait)
	p.waitText("Serial 1", wait)

	p.click("button", "Reissue badge")
	p.waitFor(`!!document.querySelector('dialog[open]')`, wait)
	p.click("button", "Reissue badge") // the dialog's own button, the page's is inert behind it
	p.waitText("Badge reissued: serial 2.", wait)
	n := s.call("GET", "/v1/events/DET-2030/nominations/"+id, s.admin, nil).want(200).json()
	if b := n["badge"].(map[string]any); b["serial"] != float64(2) {
		t.Fatalf("badge after reissue: %v", b)
	}
	for _, want := range []string{"Submitted", "Photo uploaded", "Approved", "Badge reissued"} {
		if got := eval[bool](p, fmt.Sprintf(`[...document.querySelectorAll('.history tbody th')].some((c) => c.textContent === %q)`, want)); !got {
			t.Errorf("history lacks %q:\n%s", want, p.visibleText(".history"))
		}
	}

	p.click("button", "Badge PDF")
	p.waitText("The PDF is ready (1 badge)", wait)
	if _, pdf := p.download("link", "Download PDF"); pdfPages(t, pdf) != 1 {
		t.Errorf("the badge PDF has %d pages, want 1", pdfPages(t, pdf))
	}

	// Revoke with a written reason.
	p.click("button", "Revoke…")
	p.waitFor(`!!document.querySelector('dialog[open]')`, wait)
	p.fill("Reason in your words", "Badge reported stolen")
	p.click("button", "Revoke this accreditation")
	p.waitText("The nomination is now Revoked.", wait)
	n = s.call("GET", "/v1/events/DET-2030/nominations/"+id, s.admin, nil).want(200).json()
	if n["status"] != "revoked" || n["status_reason"] != "Badge reported stolen" {
		t.Fatalf("after revoke: %v %v", n["status"], n["status_reason"])
	}
}

func TestConsoleSubstitutesAPerson(t *testing.T) {
	s := newServer(t)
	conEvent(s, "SUB-2030")
	id, _ := nominate(s, "SUB-2030", 1, true)
	p := openConsole(t, s, "#/events/SUB-2030/nominations/"+id)
	p.click("button", "Substitute…")
	p.waitFor(`!!document.querySelector('dialog[open]')`, wait)
	p.fill("Given name", "Camille")
	p.fill("Family name", "Lefèvre")
	p.fill("Email", "not-an-email")
	p.click("button", "Substitute")
	// The server's field message appears beside the email field.
	p.waitFor(`document.querySelector('dialog [name="email"]')?.getAttribute('aria-invalid') === 'true'`, wait)
	p.set("Email", "camille.lefevre@example.org")
	p.set("Date of birth", "1985-02-01")
	p.set("Document type", "Passport")
	p.fill("Document number", "FR1234567")
	p.set("Document valid until", "2035-01-01")
	p.click("button", "Substitute")
	p.waitText("Substitute submitted.", wait)
	p.waitText("Camille Lefèvre", wait)
	old := s.call("GET", "/v1/events/SUB-2030/nominations/"+id, s.admin, nil).want(200).json()
	if old["status"] != "withdrawn" || old["replaced_by"] == nil {
		t.Fatalf("old nomination: %v %v", old["status"], old["replaced_by"])
	}
}

// TestConsoleQueuePagesAndFiltersOnTheServer: the queue loads a page at a
// time and filters by asking the server, so a big event opens at once.
func TestConsoleQueuePagesAndFiltersOnTheServer(t *testing.T) {
	s := newServer(t)
	conEvent(s, "BIG-2030", func(b map[string]any) {
		b["quotas"] = map[string]any{"participating_state": map[string]any{"in_person": 100}}
	})
	for i := 0; i < 60; i++ {
		nominate(s, "BIG-2030", i, false)
	}
	p := openConsole(t, s, "#/events/BIG-2030/review")
	p.waitText("50 shown, more to load", wait)
	p.click("button", "Load more")
	p.waitText("60 shown", wait)
	p.set("Search", "Wiśniewski")
	p.click("button", "Filter")
	p.waitFor(`location.hash.includes('q=')`, wait)
	p.waitText("6 shown", wait)
	if !strings.Contains(eval[string](p, `location.hash`), "status=submitted") {
		t.Errorf("the filters are not in the address: %s", eval[string](p, `location.hash`))
	}
	p.reload()
	p.waitText("6 shown", wait)
	if got := p.valueOf("Search"); got != "Wiśniewski" {
		t.Errorf("after reload the search field holds %q", got)
	}
	p.set("Delegation", "Poland")
	p.waitFor(`location.hash.includes('delegation=POL')`, wait)
	p.waitText("6 shown", wait)
	p.set("Delegation", "Austria")
	p.waitText("No nomination matches these filters.", wait)
}

// TestConsoleReviewByKeyboardAlone: sign in, select a nomination and
// approve it with Tab, Space and Enter only.
func TestConsoleReviewByKeyboardAlone(t *testing.T) {
	s := newServer(t)
	conEvent(s, "KEY-2030")
	id, name := nominate(s, "KEY-2030", 2, true)
	nominate(s, "KEY-2030", 3, true)
	p := newPage(t)
	p.open(s.URL + "/console/#/events/KEY-2030/review")
	p.waitFocus("Secretariat token")
	p.paste(s.admin)
	p.enter()
	p.waitText("Signed in as test admin", wait)
	p.waitFor(`document.querySelectorAll('.review-table tbody tr[data-id]').length === 2`, wait)
	p.focusByTab("Select "+name, false)
	p.keys(" ")
	p.waitText("1 selected", wait)
	p.focusByTab("Approve selected", true)
	p.enter()
	p.waitText("1 done, 0 failed", wait)
	if st := s.call("GET", "/v1/events/KEY-2030/nominations/"+id, s.admin, nil).want(200).str("status"); st != "approved" {
		t.Fatalf("status %q after approving by keyboard", st)
	}
	// The focus is visible: the focused button draws an outline.
	if o := eval[string](p, `getComputedStyle(document.activeElement).outlineStyle`); o == "none" {
		t.Errorf("the focused control shows no outline")
	}
}
