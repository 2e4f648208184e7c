//go:build long

package web_test

// The delegation's portal (README, /portal/) in real Chromium against a
// real server: a focal point signs in with the console's link, nominates,
// uploads a photo, imports a spreadsheet, withdraws, substitutes and
// downloads a badge, through the page as a person would; each result is
// then checked through the API.

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const portalEvent = "APEM-2031"

// portal is a server with an event open for registration (hybrid, two
// sessions, a quota of 3 in person and 2 online for participating States)
// and the sign-in token of Austria's focal point.
type portal struct {
	*server
	ev       string
	token    string
	tokenID  string
	sessions []string
}

func newPortal(t *testing.T, change ...func(map[string]any)) *portal {
	t.Helper()
	s := newServer(t)
	now := time.Now().UTC()
	body := map[string]any{
		"code": portalEvent, "title": "Annual Police Experts Meeting", "venue": "Hofburg, Vienna",
		"timezone": "Europe/Vienna", "starts_on": now.AddDate(0, 0, 20).Format("2006-01-02"),
		"ends_on": now.AddDate(0, 0, 21).Format("2006-01-02"), "format": "hybrid", "status": "open",
		"registration_opens_at":  now.Add(-24 * time.Hour).Format(time.RFC3339),
		"registration_closes_at": now.Add(3*24*time.Hour + time.Hour).Format(time.RFC3339),
		"invited_kinds":          []string{"participating_state", "partner"},
		"quotas":                 map[string]any{"participating_state": map[string]any{"in_person": 3, "online": 2}},
	}
	for _, c := range change {
		c(body)
	}
	s.call("POST", "/v1/events", s.admin, body).want(201)
	p := &portal{server: s, ev: portalEvent}
	start := time.Date(now.Year(), now.Month(), now.Day(), 8, 0, 0, 0, time.UTC).AddDate(0, 0, 20)
	for i, title := range []string{"Opening plenary", "Working session I: cybercrime"} {
		a := s.call("POST", p.path("/sessions"), s.admin, map[string]any{"title": title, "room": "Neuer Saal",
			"starts_at": start.Add(time.Duration(i*2) * time.Hour), "ends_at": start.Add(time.Duration(i*2+2) * time.Hour)}).want(201)
		p.sessions = append(p.sessions, a.str("id"))
	}
	tok := s.call("POST", "/v1/tokens", s.admin, map[string]any{"name": "Focal point AUT", "role": "delegation", "delegation": "AUT"}).want(201)
	p.token, p.tokenID = tok.str("token"), tok.str("id")
	return p
}

func waitlist(b map[string]any) { b["waitlist"] = true }

func (p *portal) path(rest string) string { return "/v1/events/" + p.ev + rest }

// link is the sign-in link the console shows for the focal point.
func (p *portal) link() string { return p.URL + "/portal/#token=" + p.token }

// person is a nomination body for the API, in person unless online.
func person(given, family, email string, online bool) map[string]any {
	b := map[string]any{"given_name": given, "family_name": family, "gender": "female", "email": email,
		"function": "Police Adviser", "organization": "Federal Ministry of the Interior", "category": "delegate"}
	if online {
		b["mode"] = "online"
		return b
	}
	b["mode"] = "in_person"
	b["nationality"] = "AUT"
	b["date_of_birth"] = "1980-05-17"
	b["document"] = map[string]any{"type": "passport", "number": "P" + strings.ToUpper(family[:3]) + "123", "expires_on": "2040-01-01"}
	return b
}

// nominate submits a nomination as the focal point, through the API.
func (p *portal) nominate(body map[string]any) string {
	p.t.Helper()
	return p.call("POST", p.path("/nominations"), p.token, body).want(201).str("id")
}

func (p *portal) nomination(id string) map[string]any {
	p.t.Helper()
	return p.call("GET", p.path("/nominations/"+id), p.token, nil).want(200).json()
}

func (p *portal) putPhoto(id string, n int) {
	p.t.Helper()
	p.call("PUT", p.path("/nominations/"+id+"/photo"), p.token, portrait(p.t, n), "image/jpeg").want(200)
}

// nominations lists the delegation's nominations as the API has them.
func (p *portal) nominations() []map[string]any {
	p.t.Helper()
	var list struct{ Items []map[string]any }
	p.call("GET", p.path("/nominations?limit=500"), p.token, nil).want(200).decode(&list)
	return list.Items
}

// signIn opens the focal point's link in a fresh browser context and waits
// for the events.
func (p *portal) signIn(t *testing.T) *page {
	t.Helper()
	pg := newPage(t)
	pg.open(p.link())
	pg.waitHeading("Events")
	return pg
}

// waitHeading waits for the screen whose main heading is text.
func (p *page) waitHeading(text string) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf(`document.querySelector('main h1')?.textContent === %q && !document.querySelector('main[aria-busy]')`, text), 20*time.Second)
}

// openPortal goes to a portal address (#/…) of a signed-in page.
func (p *page) openPortal(base, hash string) {
	p.t.Helper()
	p.open(base + "/portal/#" + hash)
}

func TestPortalSignInByLinkBesideConsole(t *testing.T) {
	p := newPortal(t)
	// The secretariat in one browser context…
	console := newPage(t)
	console.open(p.URL + "/console/#token=" + p.admin)
	console.waitFor(`!!document.querySelector('main h1') && !location.hash.includes('token=')`, 20*time.Second)

	// …and the focal point in another, by the link the console shows.
	pg := p.signIn(t)
	if h := eval[string](pg, `location.href`); strings.Contains(h, "token=") {
		t.Fatalf("the token stayed in the address: %s", h)
	}
	if who := pg.text("#who"); !strings.Contains(who, "Austria") || !strings.Contains(who, "AUT") {
		t.Fatalf("the header names %q, want Austria (AUT)", who)
	}
	card := pg.text(".event-card")
	for _, want := range []string{"Annual Police Experts Meeting", "Registration open until", "closes in 3 days", "In person", "Online"} {
		if !strings.Contains(card, want) {
			t.Errorf("the event card lacks %q:\n%s", want, card)
		}
	}
	// The quota: in person 3, online 2, none used yet.
	quota := eval[[]string](pg, `[...document.querySelectorAll('.event-card .quota tbody tr')].map((tr) => tr.innerText.replace(/\s+/g, ' ').trim())`)
	if len(quota) != 2 || quota[0] != "In person 0 3 3" || quota[1] != "Online 0 2 2" {
		t.Fatalf("quota rows %q", quota)
	}
	p.nominate(person("Maria", "Huber", "maria.huber@example.org", false))
	pg.reload()
	pg.waitHeading("Events")
	if q := pg.text(".event-card .quota tbody tr"); strings.Join(strings.Fields(q), " ") != "In person 1 2 3" {
		t.Fatalf("after one nomination the quota row reads %q", q)
	}

	// The console's tab is still the secretariat's, and reloads keep both.
	console.reload()
	console.waitFor(`!!document.querySelector('main h1') && !document.querySelector('input[name="token"]')`, 20*time.Second)
	pg.reload()
	pg.waitHeading("Events")

	// Signing out forgets the token; a wrong pasted token is refused in words.
	pg.click("button", "Sign out")
	pg.waitHeading("Sign in")
	pg.fill("Access token", "not-a-token-at-all")
	pg.click("button", "Sign in")
	pg.waitFor(`document.querySelector('.signin .notice.error')?.textContent.includes('not valid')`, 10*time.Second)
	pg.clear("Access token")
	pg.fill("Access token", p.link()) // the whole link pasted will do
	pg.click("button", "Sign in")
	pg.waitHeading("Events")

	// A revoked token ends the session at the next request, in words.
	p.call("DELETE", "/v1/tokens/"+p.tokenID, p.admin, nil).want(204)
	pg.click("link", "Nominations: Annual Police Experts Meeting")
	pg.waitHeading("Sign in")
	if msg := pg.text(".signin .notice"); !strings.Contains(msg, "access has ended") {
		t.Fatalf("after revocation the page says %q", msg)
	}
	if tok := eval[string](pg, `sessionStorage.getItem('accredit.portal.token') || ''`); tok != "" {
		t.Fatal("the revoked token is still kept")
	}
}

func TestPortalNominateShowsFieldErrorsThenSubmitsAndEdits(t *testing.T) {
	p := newPortal(t)
	pg := p.signIn(t)
	keys := pg.idempotencyKeys()
	pg.click("link", "Nominate a delegate")
	pg.waitHeading("Nominate a delegate")
	if unlabelled := eval[[]string](pg, `[...document.querySelectorAll('main input, main select, main textarea')].filter((c) => !c.labels.length && !c.getAttribute('aria-label')).map((c) => c.name)`); len(unlabelled) > 0 {
		t.Fatalf("controls without a label: %q", unlabelled)
	}

	// In person, with a mistyped email and no identity document.
	pg.fill("Title (e.g. Ms., Mr., Dr., H.E.)", "Dr.")
	pg.fill("Given name", "Katharina")
	pg.fill("Family name", "Gruber-Schönberger")
	pg.choose("Gender", "Female")
	pg.fill("Function", "Deputy Head of Mission")
	pg.fill("Email", "katharina.gruber(at)example.org")
	pg.click("radio", "In person")
	pg.choose("Category", "Delegate")
	pg.click("checkbox", pg.sessionLabel("Opening plenary"))
	pg.choose("Nationality", "Austria (AUT)")
	pg.setDate("Date of birth", "1981-06-14")
	pg.click("button", "Submit nomination")
	pg.waitFor(`!!document.querySelector('.form-summary')`, 10*time.Second)

	if d := pg.description("Email"); !strings.Contains(d, "must be an email address") {
		t.Errorf("Email is described by %q, want the server's message beside it", d)
	}
	if !pg.invalid("Email") {
		t.Error("Email is not marked aria-invalid")
	}
	if d := pg.description("Identity document"); !strings.Contains(d, "required for in-person participation") {
		t.Errorf("the identity document group is described by %q", d)
	}
	summary := pg.text(".form-summary")
	for _, want := range []string{"Email: must be an email address", "Identity document: is required for in-person participation"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary)
		}
	}
	if n := len(p.nominations()); n != 0 {
		t.Fatalf("%d nominations after a refused form", n)
	}

	// The email fixed, the document still missing: now the server's own
	// in-person check speaks, beside the group.
	pg.clear("Email")
	pg.fill("Email", "katharina.gruber@example.org")
	pg.click("button", "Submit nomination")
	pg.waitFor(`!!document.querySelector('.form-summary') && !document.querySelector('input[type=email][aria-invalid]')`, 10*time.Second)
	if d := pg.description("Identity document"); !strings.Contains(d, "is required for in-person participation") {
		t.Errorf("the identity document group is described by %q", d)
	}
	if pg.invalid("Email") {
		t.Error("Email is still marked invalid")
	}

	// Fixed and sent: the page moves on to the photo.
	pg.choose("Document type", "Diplomatic passport")
	pg.fill("Document number", "d 1234567")
	pg.setDate("Document valid until", "2031-05-31")
	pg.click("button", "Submit nomination")
	pg.waitHeading("Photo of Dr. Katharina Gruber-Schönberger")
	if msg := pg.text("#status"); !strings.Contains(msg, "was submitted") {
		t.Errorf("status message %q", msg)
	}
	list := p.nominations()
	if len(list) != 1 {
		t.Fatalf("%d nominations, want 1", len(list))
	}
	// Each submission carried a key, a new one for each changed body.
	if k := keys(); len(k) != 3 || k[0] == "" || k[0] == k[1] || k[1] == k[2] {
		t.Fatalf("Idempotency-Keys of the three submissions: %q", k)
	}
	n := list[0]
	doc, _ := n["document"].(map[string]any)
	if n["status"] != "submitted" || n["email"] != "katharina.gruber@example.org" || n["nationality"] != "AUT" ||
		n["date_of_birth"] != "1981-06-14" || doc["number"] != "D1234567" || doc["type"] != "diplomatic_passport" ||
		fmt.Sprint(n["sessions"]) != fmt.Sprint([]any{p.sessions[0]}) || n["honorific"] != "Dr." {
		t.Fatalf("the nomination as stored: %v", n)
	}

	// Edit while allowed: the function changes, nothing else.
	pg.click("link", "Dr. Katharina Gruber-Schönberger")
	pg.waitHeading("Dr. Katharina Gruber-Schönberger")
	if s := pg.text(".status-block"); !strings.Contains(s, "Submitted") || !strings.Contains(s, "waiting for the secretariat") {
		t.Errorf("status block %q", s)
	}
	pg.click("link", "Edit")
	pg.waitHeading("Edit Dr. Katharina Gruber-Schönberger")
	pg.clear("Function")
	pg.fill("Function", "Head of the Police Unit")
	pg.click("button", "Save changes")
	pg.waitHeading("Dr. Katharina Gruber-Schönberger")
	got := p.nomination(n["id"].(string))
	if got["function"] != "Head of the Police Unit" || got["email"] != "katharina.gruber@example.org" || got["status"] != "submitted" {
		t.Fatalf("after the edit: %v", got)
	}
}

// sessionLabel is a session checkbox's label as the form writes it.
func (p *page) sessionLabel(title string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`[...document.querySelectorAll('fieldset[name="sessions"] label')].map((l) => l.textContent.trim()).find((t) => t.startsWith(%q)) || ''`, title))
}

func TestPortalConflictsInWords(t *testing.T) {
	p := newPortal(t, func(b map[string]any) {
		b["quotas"] = map[string]any{"participating_state": map[string]any{"in_person": 3, "online": 1}}
	})
	p.nominate(person("Anna", "Online", "anna.online@example.org", true))
	pg := p.signIn(t)
	pg.openPortal(p.URL, "/events/"+p.ev+"/nominate")
	pg.waitHeading("Nominate a delegate")
	pg.fill("Given name", "Bernd")
	pg.fill("Family name", "Second")
	pg.choose("Gender", "Male")
	pg.fill("Email", "anna.online@example.org")
	pg.click("radio", "Online")
	pg.choose("Category", "Adviser")
	pg.click("button", "Submit nomination")
	pg.waitFor(`!!document.querySelector('.form-summary')`, 10*time.Second)
	if d := pg.description("Mode of participation"); !strings.Contains(d, "quota for online participation is used up: 1 of 1") {
		t.Errorf("the mode is described by %q, want the quota explained", d)
	}
	if len(p.nominations()) != 1 {
		t.Fatal("a refused nomination was stored")
	}
}

// A submission whose answer is lost after the server saved it, sent again
// as a focal point does, is one nomination: the same body goes with the
// same Idempotency-Key and the server answers what it answered first.
func TestPortalRetryAfterLostAnswerCreatesOne(t *testing.T) {
	p := newPortal(t)
	pg := p.signIn(t)
	pg.openPortal(p.URL, "/events/"+p.ev+"/nominate")
	pg.waitHeading("Nominate a delegate")
	pg.fill("Given name", "Sophie")
	pg.fill("Family name", "Wagner")
	pg.choose("Gender", "Female")
	pg.fill("Email", "sophie.wagner@example.org")
	pg.click("radio", "Online")
	pg.choose("Category", "Adviser")
	pg.loseNextAnswer("POST", "*/nominations")
	pg.click("button", "Submit nomination")
	pg.waitFor(`document.querySelector('.form-summary')?.textContent.includes('could not be reached')`, 15*time.Second)
	if n := len(p.nominations()); n != 1 {
		t.Fatalf("%d nominations after the lost answer, want the one the server saved", n)
	}
	pg.click("button", "Submit nomination")
	pg.waitHeading("Sophie Wagner")
	if n := len(p.nominations()); n != 1 {
		t.Fatalf("%d nominations after the retry, want 1", n)
	}

	// A substitute has no key: sent again, it finds the old nomination
	// replaced, and the page shows the substitute the first attempt made.
	old := p.nominate(person("Eva", "Steiner", "eva.steiner@example.org", true))
	pg.openPortal(p.URL, "/events/"+p.ev+"/nominations/"+old+"/substitute")
	pg.waitHeading("Substitute for Eva Steiner")
	pg.fill("Given name", "Florian")
	pg.fill("Family name", "Hofer")
	pg.choose("Gender", "Male")
	pg.fill("Email", "florian.hofer@example.org")
	pg.loseNextAnswer("POST", "*/substitute")
	pg.click("button", "Submit substitute")
	pg.waitFor(`document.querySelector('.form-summary')?.textContent.includes('could not be reached')`, 15*time.Second)
	pg.click("button", "Submit substitute")
	pg.waitHeading("Florian Hofer")
	if n := len(p.nominations()); n != 3 {
		t.Fatalf("%d nominations after the substitute's retry, want 3", n)
	}
}

// loseNextAnswer lets the next request of method to a URL matching pattern
// reach the server, then drops its answer as a broken connection would.
func (p *page) loseNextAnswer(method, pattern string) {
	p.t.Helper()
	paused := chromedp.Events(p.ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(p.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern, RequestStage: fetch.RequestStageResponse}}}); err != nil {
		p.t.Fatal(err)
	}
	go func() {
		lost := false
		for ev, err := range paused {
			if err != nil {
				return
			}
			if !lost && ev.Request.Method == method {
				lost = true
				_, _ = chromedp.Call(p.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionReset})
				_, _ = chromedp.Call(p.ctx, fetch.Disable, cdp.Empty{})
				return
			}
			_, _ = chromedp.Call(p.ctx, fetch.ContinueResponse, fetch.ContinueResponseParams{RequestID: ev.RequestID})
		}
	}()
}

func TestPortalPhotoPreviewThenStored(t *testing.T) {
	p := newPortal(t)
	id := p.nominate(person("Jana", "Novak", "jana.novak@example.org", false))
	pg := p.signIn(t)
	pg.openPortal(p.URL, "/events/"+p.ev+"/nominations/"+id+"/photo")
	pg.waitHeading("Photo of Jana Novak")
	rules := pg.text(".rules")
	for _, want := range []string{"JPEG or PNG", "10 MiB", "200 pixels", "10,000 pixels", "40 megapixels", "three times", "head and shoulders"} {
		if !strings.Contains(rules, want) {
			t.Errorf("the photo rules lack %q", want)
		}
	}

	// A photo too small is refused before it is sent.
	dir := t.TempDir()
	small := filepath.Join(dir, "small.jpg")
	if err := os.WriteFile(small, tinyJPEG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	pg.chooseFile("Photo file (JPEG or PNG)", small)
	pg.waitFor(`!!document.querySelector('.field-error')`, 10*time.Second)
	if d := pg.description("Photo file (JPEG or PNG)"); !strings.Contains(d, "at least 200 pixels") {
		t.Errorf("a small photo is described by %q", d)
	}

	// A damaged one passes the page's look at its header; the server's
	// refusal is shown beside the field, in words.
	broken := filepath.Join(dir, "broken.jpg")
	if err := os.WriteFile(broken, portrait(t, 2)[:600], 0o644); err != nil {
		t.Fatal(err)
	}
	pg.chooseFile("Photo file (JPEG or PNG)", broken)
	pg.waitFor(`!!document.querySelector('.preview:not([hidden])')`, 10*time.Second)
	pg.click("button", "Upload photo")
	pg.waitFor(`!!document.querySelector('.field-error')`, 10*time.Second)
	if d := pg.description("Photo file (JPEG or PNG)"); !strings.Contains(d, "The server refused this photo") || !strings.Contains(d, "decoded") {
		t.Errorf("a damaged photo is described by %q", d)
	}

	// A good one: previewed, then uploaded, then shown as stored.
	good := filepath.Join(dir, "jana.jpg")
	if err := os.WriteFile(good, portrait(t, 3), 0o644); err != nil {
		t.Fatal(err)
	}
	pg.chooseFile("Photo file (JPEG or PNG)", good)
	pg.waitFor(`document.querySelector('.preview img')?.complete && document.querySelector('.preview img').naturalWidth === 300`, 10*time.Second)
	if facts := pg.text(".preview figcaption"); !strings.Contains(facts, "300 × 400 pixels") {
		t.Errorf("preview caption %q", facts)
	}
	if src := eval[string](pg, `document.querySelector('.preview img').src`); !strings.HasPrefix(src, "blob:") {
		t.Errorf("the preview is %q, want a blob URL", src)
	}
	if p.nomination(id)["has_photo"] == true {
		t.Fatal("the photo was sent before Upload")
	}
	pg.click("button", "Upload photo")
	pg.waitFor(`document.querySelector('img.stored')?.src.startsWith('blob:') && document.querySelector('img.stored').naturalWidth > 0`, 15*time.Second)
	if msg := pg.text("#status"); !strings.Contains(msg, "uploaded and stored") {
		t.Errorf("status %q", msg)
	}
	if p.nomination(id)["has_photo"] != true {
		t.Fatal("the API has no photo")
	}
}

func TestPortalImportDryRunListsProblemsThenImports(t *testing.T) {
	p := newPortal(t)
	pg := p.signIn(t)
	pg.openPortal(p.URL, "/events/"+p.ev)
	pg.waitHeading("Annual Police Experts Meeting")
	pg.click("link", "Import from a spreadsheet")
	pg.waitHeading("Import nominations from a spreadsheet")

	// The template downloads with every column.
	dl := pg.downloads()
	pg.click("button", "Template as CSV (.csv)")
	_, tmpl := pg.downloaded(dl, "nominations-template.csv")
	pg.click("button", "Template for Excel or LibreOffice (.xlsx)")
	if _, x := pg.downloaded(dl, "nominations-template.xlsx"); !strings.HasPrefix(string(x), "PK") {
		t.Fatal("the XLSX template is not a zip")
	}
	header := strings.SplitN(strings.TrimPrefix(string(tmpl), "\ufeff"), "\n", 2)[0]
	if !strings.Contains(header, "given_name") || !strings.Contains(header, "document_number") {
		t.Fatalf("template header %q", header)
	}

	// Filled in with one bad row (row 3: an email without @).
	cols := strings.Split(strings.TrimSpace(header), ",")
	row := func(vals map[string]string) string {
		out := make([]string, len(cols))
		for i, c := range cols {
			out[i] = vals[c]
		}
		return strings.Join(out, ",")
	}
	good := map[string]string{"given_name": "Lukas", "family_name": "Bauer", "gender": "male", "email": "lukas.bauer@example.org",
		"category": "delegate", "mode": "in_person", "nationality": "AUT", "date_of_birth": "1979-02-03",
		"document_type": "passport", "document_number": "P7654321", "document_expires_on": "2035-01-01", "function": "Inspector"}
	bad := map[string]string{"given_name": "Sophie", "family_name": "Wagner", "gender": "female", "email": "sophie.wagner.example.org",
		"category": "adviser", "mode": "online"}
	// The sessions column takes identifiers the page lists: copied from it.
	good["sessions"] = pg.text(".session-ids tbody td.mono")
	dir := t.TempDir()
	file := filepath.Join(dir, "delegates.csv")
	write := func() {
		if err := os.WriteFile(file, []byte(strings.Join([]string{header, row(good), row(bad)}, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write()
	pg.chooseFile("Filled-in file (.xlsx or .csv)", file)
	pg.click("button", "Check the file")
	pg.waitFor(`!!document.querySelector('.import-problems tbody tr')`, 15*time.Second)
	problems := eval[[]string](pg, `[...document.querySelectorAll('.import-problems tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent.trim()).join(' | '))`)
	if len(problems) != 1 || !strings.HasPrefix(problems[0], "3 | email | ") || !strings.Contains(problems[0], "email address") {
		t.Fatalf("problems listed: %q", problems)
	}
	if len(p.nominations()) != 0 {
		t.Fatal("the dry run saved something")
	}

	// Fixed, checked again, imported.
	bad["email"] = "sophie.wagner@example.org"
	write()
	pg.chooseFile("Filled-in file (.xlsx or .csv)", file)
	pg.click("button", "Check the file")
	pg.waitFor(`document.querySelector('.import-result')?.textContent.includes('2 nominations are ready')`, 15*time.Second)
	if len(p.nominations()) != 0 {
		t.Fatal("the dry run saved something")
	}
	pg.click("button", "Import 2 nominations")
	pg.waitFor(`document.querySelectorAll('.created tbody tr').length === 2`, 15*time.Second)
	names := map[string]string{}
	for _, n := range p.nominations() {
		names[n["given_name"].(string)+" "+n["family_name"].(string)] = n["status"].(string) + "/" + n["mode"].(string)
	}
	if names["Lukas Bauer"] != "submitted/in_person" || names["Sophie Wagner"] != "submitted/online" || len(names) != 2 {
		t.Fatalf("imported: %v", names)
	}
	for _, n := range p.nominations() {
		if n["given_name"] == "Lukas" && fmt.Sprint(n["sessions"]) != fmt.Sprint([]any{p.sessions[0]}) {
			t.Fatalf("Lukas Bauer's sessions: %v, want the first session", n["sessions"])
		}
	}
}

func TestPortalWithdrawAndSubstitute(t *testing.T) {
	p := newPortal(t)
	gone := p.nominate(person("Otto", "Leitner", "otto.leitner@example.org", false))
	old := p.nominate(person("Eva", "Steiner", "eva.steiner@example.org", false))
	pg := p.signIn(t)

	// Withdraw, with a reason, confirmed in a dialog.
	pg.openPortal(p.URL, "/events/"+p.ev+"/nominations/"+gone)
	pg.waitHeading("Otto Leitner")
	// By keyboard alone: Tab to the button, Enter, type the reason into the
	// dialog's field (it has the focus), Tab to the confirmation, Enter.
	pg.tabTo("Withdraw")
	pg.enter()
	pg.waitFor(`!!document.querySelector('dialog[open]') && document.activeElement?.name === 'reason'`, 5*time.Second)
	pg.keys("Cannot travel")
	pg.tabTo("Withdraw nomination")
	pg.enter()
	pg.waitFor(`document.querySelector('.status-block .status')?.textContent === 'Withdrawn'`, 10*time.Second)
	if s := pg.text(".status-block"); !strings.Contains(s, "Reason: Cannot travel") {
		t.Errorf("status block %q", s)
	}
	if n := p.nomination(gone); n["status"] != "withdrawn" || n["status_reason"] != "Cannot travel" {
		t.Fatalf("withdrawn: %v %v", n["status"], n["status_reason"])
	}

	// Substitute: mode and sessions come from the old nomination.
	pg.openPortal(p.URL, "/events/"+p.ev+"/nominations/"+old)
	pg.waitHeading("Eva Steiner")
	pg.click("link", "Substitute")
	pg.waitHeading("Substitute for Eva Steiner")
	if !eval[bool](pg, `document.querySelector('input[name="mode"][value="in_person"]').checked`) {
		t.Fatal("the substitute's mode is not the old one's")
	}
	pg.fill("Given name", "Florian")
	pg.fill("Family name", "Hofer")
	pg.choose("Gender", "Male")
	pg.fill("Email", "florian.hofer@example.org")
	pg.choose("Nationality", "Austria (AUT)")
	pg.setDate("Date of birth", "1985-09-30")
	pg.choose("Document type", "Passport")
	pg.fill("Document number", "U1234567")
	pg.setDate("Document valid until", "2036-03-01")
	pg.click("button", "Submit substitute")
	pg.waitHeading("Photo of Florian Hofer")
	o := p.nomination(old)
	if o["status"] != "withdrawn" || o["status_reason"] != "substituted" || o["replaced_by"] == nil {
		t.Fatalf("the old nomination: %v %v %v", o["status"], o["status_reason"], o["replaced_by"])
	}
	n := p.nomination(o["replaced_by"].(string))
	if n["status"] != "submitted" || n["replaces"] != old || n["mode"] != "in_person" || n["given_name"] != "Florian" {
		t.Fatalf("the substitute: %v", n)
	}
}

func TestPortalBadgePDFOfApprovedDelegate(t *testing.T) {
	p := newPortal(t)
	id := p.nominate(person("Clara", "Fischer", "clara.fischer@example.org", false))
	p.putPhoto(id, 5)
	p.call("POST", p.path("/nominations/"+id+"/approve"), p.admin, nil).want(200)
	pg := p.signIn(t)
	pg.openPortal(p.URL, "/events/"+p.ev)
	pg.waitHeading("Annual Police Experts Meeting")
	if s := pg.text(".nominations tbody"); !strings.Contains(s, "Approved") {
		t.Fatalf("the list shows %q", s)
	}
	// The filter is kept in the address: reload keeps it.
	p.nominate(person("Paul", "Egger", "paul.egger@example.org", true))
	pg.choose("Show", "Approved")
	pg.waitFor(`location.hash.endsWith('?status=approved') && !document.querySelector('main[aria-busy]')`, 10*time.Second)
	pg.reload()
	pg.waitHeading("Annual Police Experts Meeting")
	if rows := eval[[]string](pg, `[...document.querySelectorAll('.nominations tbody th')].map((c) => c.textContent)`); len(rows) != 1 || !strings.Contains(rows[0], "Clara Fischer") {
		t.Fatalf("approved only: %q", rows)
	}
	dl := pg.downloads()
	pg.click("button", "Download badge of Clara Fischer (PDF)")
	name, pdf := pg.downloaded(dl, ".pdf")
	if !strings.HasPrefix(string(pdf), "%PDF") || !strings.Contains(name, "Fischer") {
		t.Fatalf("downloaded %s: %q…", name, pdf[:min(len(pdf), 8)])
	}
}

// tinyJPEG is a real JPEG below the 200-pixel minimum.
func tinyJPEG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 120, 160))
	for y := 0; y < 160; y++ {
		for x := 0; x < 120; x++ {
			img.Set(x, y, color.RGBA{200, 180, 160, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestPortalScreenshots keeps docs/screenshots/portal-*.png current: the
// main screens at laptop (1280×800) and phone (390×844) sizes, over an
// event whose nominations are in every status. ACCREDIT_SCREENSHOTS=1
// makes them; otherwise the test is skipped.
func TestPortalScreenshots(t *testing.T) {
	if os.Getenv("ACCREDIT_SCREENSHOTS") != "1" {
		t.Skip("ACCREDIT_SCREENSHOTS=1 writes the portal's screenshots to docs/screenshots")
	}
	p := newPortal(t, waitlist)
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p.populate()

	work := t.TempDir()
	photoFile := filepath.Join(work, "portrait.jpg")
	if err := os.WriteFile(photoFile, portrait(t, 7), 0o644); err != nil {
		t.Fatal(err)
	}
	csvFile := filepath.Join(work, "delegates.csv")
	csv := "given_name,family_name,gender,email,category,mode,nationality,date_of_birth,document_type,document_number,document_expires_on\n" +
		"Paul,Egger,male,paul.egger@example.org,delegate,in_person,AUT,1975-03-02,passport,P5550001,2034-01-01\n" +
		"Lena,Moser,female,lena.moser(at)example.org,adviser,online,,,,,\n" +
		"Tobias,Brunner,man,tobias.brunner@example.org,delegate,in_person,AUT,1988-13-01,passport,,2034-01-01\n"
	if err := os.WriteFile(csvFile, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	waiting := ""
	for _, n := range p.nominations() {
		if n["status"] == "waitlisted" {
			waiting = n["id"].(string)
		}
	}

	pg := p.signIn(t)
	for _, size := range []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"laptop", 1280, 800, false}, {"phone", 390, 844, true}} {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
		if size.mobile {
			opts = []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)}
		}
		pg.do(chromedp.EmulateViewport(size.w, size.h, opts...))
		shot := func(name string) {
			time.Sleep(150 * time.Millisecond) // let lazy photos land
			pg.screenshot(filepath.Join(dir, "portal-"+name+"-"+size.name+".png"))
		}

		pg.openPortal(p.URL, "/events")
		pg.waitHeading("Events")
		shot("events")

		pg.openPortal(p.URL, "/events/"+p.ev)
		pg.waitHeading("Annual Police Experts Meeting")
		if size.mobile {
			pg.scrollTo("#nominations-h")
		}
		pg.waitFor(`[...document.querySelectorAll('img.thumb')].filter((i) => i.getBoundingClientRect().top < innerHeight).every((i) => i.complete && i.naturalWidth > 0)`, 15*time.Second)
		shot("nominations")

		pg.openPortal(p.URL, "/events/"+p.ev+"/nominations/"+waiting)
		pg.waitFor(`document.querySelector('.status-block .status')?.textContent === 'Waitlisted'`, 15*time.Second)
		shot("waitlisted")

		pg.openPortal(p.URL, "/events/"+p.ev+"/nominate")
		pg.waitHeading("Nominate a delegate")
		pg.fill("Given name", "Anton")
		pg.fill("Family name", "Pichler")
		pg.choose("Gender", "Male")
		pg.fill("Email", "anton.pichler@example")
		pg.click("radio", "In person")
		pg.choose("Category", "Head of delegation")
		pg.click("button", "Submit nomination")
		pg.waitFor(`!!document.querySelector('.form-summary')`, 10*time.Second)
		shot("form-errors")
		pg.scrollTo(".in-person")
		shot("form-errors-in-person")

		pg.openPortal(p.URL, "/events/"+p.ev+"/nominations/"+waiting+"/photo")
		pg.waitHeading("Photo of Jana Novak")
		pg.chooseFile("Photo file (JPEG or PNG)", photoFile)
		pg.waitFor(`document.querySelector('.preview img')?.complete && document.querySelector('.preview img').naturalWidth > 0`, 10*time.Second)
		if size.mobile {
			pg.scrollTo(".photo-form")
		}
		shot("photo-preview")

		pg.openPortal(p.URL, "/events/"+p.ev+"/import")
		pg.waitHeading("Import nominations from a spreadsheet")
		pg.chooseFile("Filled-in file (.xlsx or .csv)", csvFile)
		pg.click("button", "Check the file")
		pg.waitFor(`!!document.querySelector('.import-problems tbody tr')`, 15*time.Second)
		pg.scrollTo("#step2")
		shot("import-problems")
	}
}

// scrollTo brings the element the selector finds to the top of the view.
func (p *page) scrollTo(selector string) {
	p.t.Helper()
	eval[bool](p, fmt.Sprintf(`(() => { document.querySelector(%q).scrollIntoView({ block: 'start' }); return true; })()`, selector))
}

// populate fills the event with the delegation's nominations in every
// status: approved with a badge, submitted, online, rejected with a
// reason, withdrawn, and one waitlisted because the quota is full.
func (p *portal) populate() {
	p.t.Helper()
	head := person("Katharina", "Gruber-Schönberger", "katharina.gruber@example.org", false)
	head["honorific"], head["category"], head["function"] = "H.E. Ms.", "head_of_delegation", "Ambassador, Permanent Representative"
	approved := p.nominate(head)
	p.putPhoto(approved, 1)
	p.call("POST", p.path("/nominations/"+approved+"/approve"), p.admin, nil).want(200)
	lukas := person("Lukas", "Bauer", "lukas.bauer@example.org", false)
	lukas["gender"], lukas["honorific"] = "male", "Mr."
	p.putPhoto(p.nominate(lukas), 2)
	online := person("Sophie", "Wagner", "sophie.wagner@example.org", true)
	online["category"], online["function"] = "adviser", "Legal Adviser"
	p.nominate(online)
	otto := person("Otto", "Leitner", "otto.leitner@example.org", false)
	otto["gender"] = "male"
	rejected := p.nominate(otto)
	p.call("POST", p.path("/nominations/"+rejected+"/reject"), p.admin, map[string]any{"reason": "The passport copy is unreadable"}).want(200)
	withdrawn := p.nominate(person("Eva", "Steiner", "eva.steiner@example.org", false))
	p.call("POST", p.path("/nominations/"+withdrawn+"/withdraw"), p.token, map[string]any{"reason": "Cannot travel"}).want(200)
	florian := person("Florian", "Hofer", "florian.hofer@example.org", false)
	florian["gender"] = "male"
	p.putPhoto(p.nominate(florian), 4)
	p.nominate(person("Jana", "Novak", "jana.novak@example.org", false)) // the quota is full: waitlisted
}

// idempotencyKeys records the Idempotency-Key of every nomination the page
// submits (POST …/nominations) from now on.
func (p *page) idempotencyKeys() func() []string {
	var mu sync.Mutex
	var keys []string
	events := chromedp.Events(p.ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			if r := ev.Request; r != nil && r.Method == "POST" && strings.HasSuffix(r.URL, "/nominations") {
				var k string
				for name, v := range r.Headers {
					if strings.EqualFold(name, "Idempotency-Key") {
						k, _ = v.(string)
					}
				}
				mu.Lock()
				keys = append(keys, k)
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), keys...)
	}
}

// tabTo presses Tab until the focused element reads text, as a keyboard
// user moves through a page; at most 60 presses.
func (p *page) tabTo(text string) {
	p.t.Helper()
	for range 60 {
		p.do(chromedp.KeyEvent(kb.Tab))
		if eval[bool](p, fmt.Sprintf(`document.activeElement?.textContent.trim() === %q`, text)) {
			return
		}
	}
	p.t.Fatalf("Tab never reached %q", text)
}
