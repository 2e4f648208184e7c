//go:build long

package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestDeskEnrolsFromTheQRCodeURL: the lane's QR opens the desk, which
// trades the code for a token, drops it from the address, and keeps token,
// event, checkpoint and direction across a reload.
func TestDeskEnrolsFromTheQRCodeURL(t *testing.T) {
	d := newDesk(t)
	b := d.issue("delegate")
	p := newPage(t)
	p.enrol(d.enrolURL("Lane 1", "MAIN", "out"))
	if loc := eval[string](p, `location.href`); strings.Contains(loc, "enrol") || strings.Contains(loc, "#") {
		t.Errorf("the address still holds the code: %s", loc)
	}
	p.reload()
	p.waitFor(`document.body.dataset.screen === "desk"`, 10*time.Second)
	if lane := p.visibleText("#lane"); !strings.Contains(lane, "Main entrance") || !strings.Contains(lane, "Exit") {
		t.Errorf("after a reload the lane reads %q, want Main entrance, Exit", lane)
	}
	v := p.scan(b.code)
	if !v.is("accepted", "", "false", "server") {
		t.Fatalf("verdict %+v, want accepted by the server", v)
	}
	for _, want := range []string{"ACCEPTED", b.name, b.delegation, "DELEGATE"} {
		if !strings.Contains(v.Text, want) {
			t.Errorf("the verdict does not say %q: %q", want, v.Text)
		}
	}
	// The holder's photo, fetched with the device's token.
	p.waitFor(`(() => { const i = document.querySelector("#holder-photo"); return !i.hidden && i.src.startsWith("blob:") && i.complete && i.naturalWidth > 0; })()`, 5*time.Second)
	var tokens struct {
		Items []struct {
			Name, Role string
			Event      *string
		}
	}
	d.call("GET", "/v1/tokens", d.admin, nil).want(200).decode(&tokens)
	found := false
	for _, tk := range tokens.Items {
		found = found || (tk.Name == "Lane 1" && tk.Role == "security" && tk.Event != nil && *tk.Event == deskEvent)
	}
	if !found {
		t.Errorf("no security token for the device in %+v", tokens.Items)
	}
	recs := d.scans()
	if len(recs) != 1 || recs[0].Device != "Lane 1" || recs[0].Direction != "out" || recs[0].Checkpoint != "MAIN" {
		t.Errorf("the server recorded %+v, want one exit at MAIN by Lane 1", recs)
	}
}

// TestDeskVerdictsOnline: every outcome the server gives, as the guard
// sees it, with codes as handheld scanners really type them.
func TestDeskVerdictsOnline(t *testing.T) {
	d := newDesk(t)
	delegate := d.issue("delegate")
	head := d.issue("head_of_delegation")
	revoked := d.issue("adviser")
	swapped := d.issue("speaker")
	for !strings.ContainsAny(swapped.code, "YZ") { // nearly every code has one
		swapped = d.issue("speaker")
	}
	lower := d.issue("media")
	other := d.otherEventBadge("OTHER-2030")
	d.revoke(revoked)

	p := newPage(t)
	p.enrol(d.enrolURL("Lane 2", "MAIN", "in"))
	if got := p.focusedLabel(); got != "Badge code" {
		t.Fatalf("after enrolment the focus is on %q, want the Badge code field", got)
	}
	check := func(name, code, result, reason, repeat string, words ...string) {
		t.Helper()
		v := p.scan(code)
		if !v.is(result, reason, repeat, "server") {
			t.Errorf("%s: verdict %+v, want %s %q repeat=%s from the server", name, v, result, reason, repeat)
		}
		for _, w := range words {
			if !strings.Contains(v.Text, w) {
				t.Errorf("%s: the verdict does not say %q: %q", name, w, v.Text)
			}
		}
	}
	check("valid", delegate.code, "accepted", "", "false", "ACCEPTED", delegate.name)
	check("again", delegate.code, "accepted", "", "true", "ACCEPTED AGAIN", "Already inside")
	check("garbage", "NOT-A-BADGE", "rejected", "invalid_code", "false", "REJECTED", "Not a valid badge code")
	check("altered", alter(delegate.code), "rejected", "invalid_code", "false", "Not a valid badge code")
	check("other event", other, "rejected", "wrong_event", "false", "Badge for another event")
	check("revoked", revoked.code, "rejected", "revoked", "false", "Badge revoked", revoked.name)
	check("y/z swapped", swapYZ(swapped.code), "accepted", "", "false", swapped.name)
	check("lower case with spaces", "  "+strings.ToLower(lower.code)+" ", "accepted", "", "false", lower.name)

	// The VIP lane admits heads of delegation only. The guard switches the
	// lane with the keyboard alone: Settings, the checkpoint list, Save.
	p.click("button", "Settings")
	p.waitFor(`document.querySelector("#settings").open`, 2*time.Second)
	p.do(chromedp.Focus(role("combobox", "Checkpoint"), byRole("combobox", "Checkpoint")))
	p.do(chromedp.KeyEvent(kb.ArrowDown))
	p.waitFor(`document.querySelector("#settings-checkpoint").value === "VIP"`, 2*time.Second)
	p.do(chromedp.Focus(role("button", "Save"), byRole("button", "Save")))
	p.do(chromedp.KeyEvent(kb.Enter))
	p.waitFor(`document.querySelector("#lane").innerText.includes("Ratsaal")`, 2*time.Second)
	check("category", delegate.code, "rejected", "checkpoint_denied", "false", "Category not admitted")
	check("head", head.code, "accepted", "", "false", head.name, "HEAD OF DELEGATION")

	// The window moves to tomorrow: no badge opens a door today.
	tomorrow := time.Now().UTC().Add(24 * time.Hour).Format(time.RFC3339)
	d.call("PATCH", d.path(""), d.admin, map[string]any{"badges_valid_from": tomorrow}).want(200)
	check("window", head.code, "rejected", "outside_validity", "false", "not valid at this time")

	if n := len(d.scans()); n != 11 {
		t.Errorf("the server recorded %d scans, want 11 (one per Enter)", n)
	}
}

// TestDeskAntiPassbackOnline: a second entry without an exit is refused;
// an exit lets the badge in again.
func TestDeskAntiPassbackOnline(t *testing.T) {
	d := newDesk(t, antiPassback)
	b := d.issue("delegate")
	p := newPage(t)
	p.enrol(d.enrolURL("Lane 3", "MAIN", "in"))
	if v := p.scan(b.code); !v.is("accepted", "", "false", "server") {
		t.Fatalf("entry: %+v", v)
	}
	if v := p.scan(b.code); !v.is("rejected", "already_inside", "false", "server") || !strings.Contains(v.Text, "Already inside") {
		t.Fatalf("second entry: %+v", v)
	}
}

// otherEventBadge issues a badge of another event on the same server: a
// genuine code, for the wrong door.
func (d *desk) otherEventBadge(code string) string {
	d.t.Helper()
	now := time.Now().UTC()
	d.call("POST", "/v1/events", d.admin, map[string]any{
		"code": code, "title": "Another meeting", "venue": "Hofburg, Vienna", "timezone": "Europe/Vienna",
		"starts_on": now.Format("2006-01-02"), "ends_on": now.Format("2006-01-02"), "format": "in_person",
		"status": "open", "invited_kinds": []string{"participating_state"},
	}).want(201)
	other := &desk{server: d.server, ev: code}
	return other.issue("delegate").code
}

// alter changes one character of a code into another of the alphabet.
func alter(code string) string {
	b := []byte(code)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// swapYZ is what a scanner sending US key positions types on a German
// layout (and the reverse).
func swapYZ(code string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'Y':
			return 'Z'
		case 'Z':
			return 'Y'
		}
		return r
	}, code)
}
