//go:build long

package web_test

// The secretariat's console (README, /console/) in real Chromium against
// a real server: an officer signs in by the first-start link, sets an event
// up, gives a focal point a link, reviews and approves in bulk, prints,
// watches the door and downloads the List of Participants; each test then
// checks the server's state through the API.

import (
	"regexp"
	"testing"
	"time"
)

const wait = 15 * time.Second

// console opens the console signed in by the first-start style link.
func openConsole(t *testing.T, s *server, hash string) *page {
	t.Helper()
	p := newPage(t)
	p.open(s.URL + "/console/#token=" + s.admin)
	p.waitText("Signed in as test admin", wait)
	if hash != "" {
		p.goTo(hash)
	}
	return p
}

func TestConsoleSignsInByTheFirstStartLink(t *testing.T) {
	s := newServer(t)
	p := openConsole(t, s, "")
	if h := eval[string](p, `location.hash`); h != "#/events" {
		t.Fatalf("address after sign-in: %q, want the token gone and #/events", h)
	}
	p.waitText("No event yet", wait)
	p.reload()
	p.waitText("Signed in as test admin", wait)

	p.click("button", "Sign out")
	p.waitText("Sign in to the console", wait)
	if eval[int](p, `sessionStorage.length`) != 0 {
		t.Fatal("the token stayed in sessionStorage after signing out")
	}
	// A focal point's token does not open the console.
	focal := s.call("POST", "/v1/tokens", s.admin, map[string]any{"name": "focal", "role": "delegation", "delegation": "AUT"}).want(201).str("token")
	p.fill("Secretariat token", focal)
	p.click("button", "Sign in")
	p.waitText("the console needs a secretariat token", wait)
	p.set("Secretariat token", s.admin)
	p.click("button", "Sign in")
	p.waitText("Signed in as test admin", wait)

	// A token revoked while in use: the next call signs the console out.
	other := s.call("POST", "/v1/tokens", s.admin, map[string]any{"name": "night shift", "role": "secretariat"}).want(201).json()
	p.click("button", "Sign out")
	p.waitText("Sign in to the console", wait)
	p.set("Secretariat token", other["token"].(string))
	p.click("button", "Sign in")
	p.waitText("Signed in as night shift", wait)
	s.call("DELETE", "/v1/tokens/"+other["id"].(string), s.admin, nil).want(204)
	p.click("link", "Focal points")
	p.waitText("Your session has ended", wait)
	if eval[int](p, `sessionStorage.length`) != 0 {
		t.Fatal("a refused token stayed in sessionStorage")
	}
}

func TestConsoleSetsUpAnEvent(t *testing.T) {
	s := newServer(t)
	p := openConsole(t, s, "")
	p.click("link", "New event")
	p.waitText("Capacity in person", wait)
	p.fill("Code", "PEM-2031")
	p.fill("Title", "Annual Police Experts Meeting")
	p.fill("Venue", "Hofburg, Vienna")
	p.set("First day", "2031-05-12")
	p.set("Last day", "2031-05-13")
	p.set("Format", "Hybrid")
	p.set("Capacity in person", "300")
	p.check("Partners for Co-operation")
	p.set("Participating States: quota In person", "3")
	p.set("Participating States: quota Online", "5")
	p.check("Anti-passback (refuse a second entry without an exit)")
	p.click("button", "Create event")
	p.waitText("Event PEM-2031 created.", wait)

	// A checkpoint for the heads of delegation, entry only.
	p.fill("Code", "RATSAAL")
	p.fill("Name", "Ratsaal")
	p.set("Direction", "Entry")
	p.check("Head of delegation")
	p.click("button", "Add checkpoint")
	p.waitText("Checkpoint RATSAAL added.", wait)

	// A session of the agenda, in the officer's time zone.
	p.fill("Session title", "Opening plenary")
	p.set("Starts", "2031-05-12T09:30")
	p.set("Ends", "2031-05-12T11:00")
	p.fill("Room", "Neuer Saal")
	p.set("Capacity", "250")
	p.click("button", "Add session")
	p.waitText("Session “Opening plenary” added.", wait)

	// Austria gets one more seat in person and no online seat.
	p.set("Find a delegation", "Austria")
	p.click("button", "Change the quota of Austria")
	p.waitFor(`!!document.querySelector('dialog[open]')`, wait)
	noNullText(t, p)
	p.set("In person", "4")
	p.set("Online", "0")
	p.click("button", "Save")
	p.waitText("Quota of Austria saved.", wait)
	p.click("button", "Open registration")
	p.waitText("The event is now Open.", wait)

	// Emptying a quota in the edit form makes it unlimited again.
	p.set("Participating States: quota Online", "")
	p.click("button", "Save changes")
	p.waitText("Saved.", wait)

	var ev struct {
		Status       string
		Format       string
		AntiPassback bool     `json:"anti_passback"`
		InvitedKinds []string `json:"invited_kinds"`
		Capacity     struct {
			InPerson *int `json:"in_person"`
		}
		Quotas map[string]struct {
			InPerson *int `json:"in_person"`
			Online   *int `json:"online"`
		} `json:"quotas"`
	}
	s.call("GET", "/v1/events/PEM-2031", s.admin, nil).want(200).decode(&ev)
	if ps := ev.Quotas["participating_state"]; ps.InPerson == nil || *ps.InPerson != 3 || ps.Online != nil {
		t.Errorf("participating States' quotas after emptying Online: %+v", ps)
	}
	if ev.Status != "open" || ev.Format != "hybrid" || !ev.AntiPassback || len(ev.InvitedKinds) != 2 ||
		ev.Capacity.InPerson == nil || *ev.Capacity.InPerson != 300 {
		t.Fatalf("event: %+v", ev)
	}
	var cps struct {
		Items []struct {
			Code, Name, Direction string
			Categories            []string
		}
	}
	s.call("GET", "/v1/events/PEM-2031/checkpoints", s.admin, nil).want(200).decode(&cps)
	if len(cps.Items) != 1 || cps.Items[0].Direction != "in" || len(cps.Items[0].Categories) != 1 || cps.Items[0].Categories[0] != "head_of_delegation" {
		t.Fatalf("checkpoints: %+v", cps)
	}
	var ss struct {
		Items []struct {
			Title, Room string
			Capacity    *int
		}
	}
	s.call("GET", "/v1/events/PEM-2031/sessions", s.admin, nil).want(200).decode(&ss)
	if len(ss.Items) != 1 || ss.Items[0].Room != "Neuer Saal" || ss.Items[0].Capacity == nil || *ss.Items[0].Capacity != 250 {
		t.Fatalf("sessions: %+v", ss)
	}
	var q struct {
		Items []struct {
			Delegation string
			InPerson   struct{ Limit *int } `json:"in_person"`
			Online     struct{ Limit *int }
		}
	}
	s.call("GET", "/v1/events/PEM-2031/quotas", s.admin, nil).want(200).decode(&q)
	for _, it := range q.Items {
		switch it.Delegation {
		case "AUT":
			if it.InPerson.Limit == nil || *it.InPerson.Limit != 4 || it.Online.Limit == nil || *it.Online.Limit != 0 {
				t.Errorf("AUT quota: %+v", it)
			}
		case "FRA":
			if it.InPerson.Limit == nil || *it.InPerson.Limit != 3 {
				t.Errorf("FRA quota (the default of its kind): %+v", it)
			}
		}
	}
	// The page shows the override after its redraw.
	if !p.has("0 of 4 · 4 left") {
		t.Errorf("the quotas table does not show Austria's new limit")
	}
}

func TestConsoleShowsFieldErrorsOfAnEvent(t *testing.T) {
	s := newServer(t)
	p := openConsole(t, s, "#/events/new")
	p.waitText("Capacity in person", wait)
	p.fill("Code", "bad code")
	p.fill("Title", "x")
	p.set("First day", "2031-05-12")
	p.set("Last day", "2031-05-10")
	p.click("button", "Create event")
	p.waitFor(`!!document.querySelector('.form-summary')`, wait)
	if n := eval[int](p, `document.querySelectorAll('[aria-invalid="true"]').length`); n < 1 {
		t.Fatalf("%d fields marked invalid", n)
	}
	if got := eval[string](p, `document.activeElement.className`); got != "form-summary" {
		t.Errorf("focus on %q, want the summary", got)
	}
}

// noNullText fails when the page shows the word "null": a missing value
// passed where text belongs.
func noNullText(t *testing.T, p *page) {
	t.Helper()
	if txt := p.pageText(); regexp.MustCompile(`\bnull\b`).MatchString(txt) {
		t.Errorf("the page shows \"null\":\n%s", txt)
	}
}
