//go:build long

package web_test

// The security desk (docs/desk.md) in real Chromium against a real
// server: a guard's handheld scanner types into the page, and the tests
// read the verdict as the page shows it, then check the server's record.

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// desk is a server with an event running now: checkpoints MAIN (both
// ways, every category) and VIP (heads of delegation only).
type desk struct {
	*server
	ev string
}

type badge struct {
	nom, id, code, name, delegation, category string
	serial                                    int
}

const deskEvent = "DESK-2030"

func newDesk(t *testing.T, change ...func(map[string]any)) *desk {
	t.Helper()
	s := newServer(t)
	now := time.Now().UTC()
	body := map[string]any{
		"code": deskEvent, "title": "Annual Police Experts Meeting", "venue": "Hofburg, Vienna",
		"timezone": "Europe/Vienna", "starts_on": now.AddDate(0, 0, -1).Format("2006-01-02"),
		"ends_on": now.AddDate(0, 0, 1).Format("2006-01-02"), "format": "in_person", "status": "open",
		"invited_kinds": []string{"participating_state", "partner"},
	}
	for _, c := range change {
		c(body)
	}
	s.call("POST", "/v1/events", s.admin, body).want(201)
	d := &desk{server: s, ev: deskEvent}
	d.checkpoint("MAIN", "Main entrance", "both")
	d.checkpoint("VIP", "Ratsaal, heads of delegation", "both", "head_of_delegation")
	return d
}

func antiPassback(b map[string]any) { b["anti_passback"] = true }
func withRoster(b map[string]any)   { b["offline_roster"] = true }

func (d *desk) path(rest string) string { return "/v1/events/" + d.ev + rest }

func (d *desk) checkpoint(code, name, direction string, categories ...string) {
	d.t.Helper()
	body := map[string]any{"code": code, "name": name, "direction": direction}
	if categories != nil {
		body["categories"] = categories
	}
	d.call("POST", d.path("/checkpoints"), d.admin, body).want(201)
}

var people = []struct{ given, family, delegation string }{
	{"Maria", "Schneider-Kovács", "AUT"}, {"Jean-Luc", "Moreau", "FRA"}, {"Aino", "Virtanen", "FIN"},
	{"Tomasz", "Wiśniewski", "POL"}, {"Elena", "Popescu", "ROU"}, {"Hans", "Gruber", "DEU"},
}

var personSeq atomic.Int64

// issue nominates a new person of a delegation in person, with a photo,
// approves the nomination and reads the badge's code.
func (d *desk) issue(category string) badge {
	d.t.Helper()
	n := int(personSeq.Add(1))
	who := people[n%len(people)]
	body := map[string]any{
		"delegation": who.delegation, "honorific": "Dr.", "given_name": who.given, "family_name": fmt.Sprintf("%s %d", who.family, n),
		"gender": "female", "function": "Police Adviser", "organization": "Ministry of the Interior",
		"nationality": "AUT", "email": fmt.Sprintf("person.%d@example.org", n), "date_of_birth": "1980-05-17",
		"document": map[string]any{"type": "passport", "number": fmt.Sprintf("P%07d", n), "expires_on": "2040-01-01"},
		"category": category, "mode": "in_person",
	}
	nom := d.call("POST", d.path("/nominations"), d.admin, body).want(201).str("id")
	d.call("PUT", d.path("/nominations/"+nom+"/photo"), d.admin, portrait(d.t, n), "image/jpeg").want(200)
	approved := d.call("POST", d.path("/nominations/"+nom+"/approve"), d.admin, nil).want(200).json()
	id := approved["badge"].(map[string]any)["id"].(string)
	b := d.call("GET", d.path("/badges/"+id), d.admin, nil).want(200).json()
	return badge{nom: nom, id: id, code: b["code"].(string), name: body["given_name"].(string) + " " + body["family_name"].(string),
		delegation: who.delegation, category: category, serial: int(b["serial"].(float64))}
}

// revoke takes a badge's nomination back: its badge is revoked.
func (d *desk) revoke(b badge) {
	d.t.Helper()
	d.call("POST", d.path("/nominations/"+b.nom+"/revoke"), d.admin, map[string]any{"reason": "security incident"}).want(200)
}

// enrolURL is what the lane's enrolment QR holds.
func (d *desk) enrolURL(name, checkpoint, direction string) string {
	d.t.Helper()
	body := map[string]any{"name": name}
	if checkpoint != "" {
		body["checkpoint"] = checkpoint
		body["direction"] = direction
	}
	e := d.call("POST", d.path("/enrolments"), d.admin, body).want(201).json()
	return d.URL + e["url"].(string)
}

// scanRecord is one item of GET …/scans.
type scanRecord struct {
	ScanID     string    `json:"scan_id"`
	BadgeID    *string   `json:"badge_id"`
	Checkpoint string    `json:"checkpoint"`
	Direction  string    `json:"direction"`
	Result     string    `json:"result"`
	Reason     *string   `json:"reason"`
	Repeat     bool      `json:"repeat"`
	Conflict   bool      `json:"conflict"`
	Device     string    `json:"device"`
	ScannedAt  time.Time `json:"scanned_at"`
	ReceivedAt time.Time `json:"received_at"`
}

func (d *desk) scans() []scanRecord {
	d.t.Helper()
	var out struct{ Items []scanRecord }
	d.call("GET", d.path("/scans?limit=500"), d.admin, nil).want(200).decode(&out)
	return out.Items
}

// --- reading the desk ------------------------------------------------------

// verdict is what the role="status" element says.
type verdict struct {
	Result, Reason, Repeat, Source, State string
	Seq                                   int
	Text                                  string
}

func (p *page) verdict() verdict {
	p.t.Helper()
	raw := eval[[]byte](p, `(() => {
		const v = document.querySelector('[role="status"]');
		return {Result: v.dataset.result, Reason: v.dataset.reason, Repeat: v.dataset.repeat, Source: v.dataset.source,
			State: v.dataset.state, Seq: Number(v.dataset.seq), Text: v.innerText};
	})()`)
	var v verdict
	if err := json.Unmarshal(raw, &v); err != nil {
		p.t.Fatal(err)
	}
	return v
}

// scan types a code into the focused field as a handheld scanner does
// (a key down and up per character), presses Enter and waits for the
// verdict of that scan.
func (p *page) scan(code string) verdict {
	p.t.Helper()
	return p.judged(func() { p.keys(code) })
}

// scanPasted puts the code into the focused field in one insertion and
// presses Enter: for tests about what happens after Enter, where typing
// 156 keys per scan would be most of their time.
func (p *page) scanPasted(code string) verdict {
	p.t.Helper()
	return p.judged(func() { p.paste(code) })
}

func (p *page) judged(fill func()) verdict {
	p.t.Helper()
	p.waitFocus("Badge code")
	before := p.verdict().Seq
	fill()
	p.enter()
	p.waitFor(fmt.Sprintf(`(() => { const v = document.querySelector('[role="status"]'); return Number(v.dataset.seq) > %d && v.dataset.state === "verdict"; })()`, before), 10*time.Second)
	return p.verdict()
}

// lastVerdictTime is the desk's own measure of its last scan, from the
// Enter key to the verdict on the page, in milliseconds.
func (p *page) lastVerdictTime() float64 {
	p.t.Helper()
	return eval[float64](p, `performance.getEntriesByName("desk:verdict").at(-1).duration`)
}

func (v verdict) is(result, reason, repeat, source string) bool {
	return v.Result == result && v.Reason == reason && v.Repeat == repeat && v.Source == source
}

// enrol opens the enrolment URL and waits for the desk.
func (p *page) enrol(url string) {
	p.t.Helper()
	p.open(url)
	p.waitFor(`document.body.dataset.screen === "desk"`, 15*time.Second)
}

// waitFocus waits (briefly: focus returns after a dialog closes) until
// the field labelled label has the focus.
func (p *page) waitFocus(label string) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf(`(() => { const el = document.activeElement; return !!el && !!el.labels && el.labels.length > 0 && el.labels[0].textContent.trim() === %q; })()`, label), 2*time.Second)
}

func (p *page) pending() string {
	p.t.Helper()
	return eval[string](p, `document.querySelector("[data-pending]").dataset.pending`)
}

// ready waits until the desk can judge on its own: the service worker
// controls the page (so a reload works offline) and the event, keys and
// revocations are stored.
func (p *page) ready() {
	p.t.Helper()
	p.waitFor(`!!navigator.serviceWorker.controller && document.querySelector("#last-sync").dataset.lastSync !== ""`, 15*time.Second)
}

// syncNow presses "Sync now" and waits until the sync has finished.
func (p *page) syncNow() {
	p.t.Helper()
	p.click("button", "Sync now")
	p.waitFor(`!document.querySelector("#sync-now").disabled`, 15*time.Second)
}
