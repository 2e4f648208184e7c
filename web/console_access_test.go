//go:build long

package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestConsoleGivesAFocalPointASignInLink(t *testing.T) {
	s := newServer(t)
	p := openConsole(t, s, "#/access")
	p.fill("Name of the focal point", "Ms. Eva Huber")
	p.set("Delegation", "Austria (AUT)")
	p.click("button", "Create link")
	p.waitText("Sign-in link for Ms. Eva Huber", wait)
	link := p.valueOf("Portal sign-in link")
	if !strings.HasPrefix(link, s.URL+"/portal/#token=") {
		t.Fatalf("link %q", link)
	}
	p.waitFor(`[...document.querySelectorAll('.tokens tbody th')].some((c) => c.textContent === 'Ms. Eva Huber')`, wait)
	if strings.Contains(p.visibleText(".tokens"), strings.TrimPrefix(link, s.URL+"/portal/#token=")) {
		t.Fatal("the token list shows the secret")
	}

	// A second browser context: the focal point opens the link.
	focal := newPage(t)
	focal.open(link)
	me := portalMe(focal)
	if me.Role != "delegation" || me.Delegation != "AUT" || me.Name != "Ms. Eva Huber" {
		t.Fatalf("GET /v1/me from the portal: %+v", me)
	}

	// Revoked in the console, the link stops working.
	p.click("button", "Revoke Ms. Eva Huber")
	p.waitFor(`!!document.querySelector('dialog[open]')`, wait)
	p.click("button", "Revoke")
	p.waitText("Ms. Eva Huber revoked.", wait)
	var list struct {
		Items []struct {
			Name      string
			RevokedAt *time.Time `json:"revoked_at"`
		}
	}
	s.call("GET", "/v1/tokens", s.admin, nil).want(200).decode(&list)
	for _, it := range list.Items {
		if it.Name == "Ms. Eva Huber" && it.RevokedAt == nil {
			t.Fatal("the token is not revoked on the server")
		}
	}
	if me := portalMe(focal); me.Status != 401 {
		t.Fatalf("after revocation GET /v1/me answers %d", me.Status)
	}
}

type meAnswer struct {
	Status                 int
	Role, Delegation, Name string
}

// portalMe asks GET /v1/me from the portal's page with the token the link
// brought: from the address if the portal has not taken it yet, else from
// where the portal keeps it.
func portalMe(p *page) meAnswer {
	p.t.Helper()
	raw := eval[string](p, `(async () => {
		const token = new URLSearchParams(location.hash.slice(1)).get('token') || sessionStorage.getItem('accredit.portal.token')
			|| Object.keys(sessionStorage).map((k) => sessionStorage.getItem(k)).find(Boolean);
		const r = await fetch('/v1/me', { headers: { Authorization: 'Bearer ' + token } });
		const b = await r.json();
		return JSON.stringify({ Status: r.status, Role: b.role, Delegation: b.delegation, Name: b.name });
	})()`)
	var me meAnswer
	if err := json.Unmarshal([]byte(raw), &me); err != nil {
		p.t.Fatal(err)
	}
	return me
}

func TestConsoleEnrolsADoorDevice(t *testing.T) {
	s := newServer(t)
	conEvent(s, "DEV-2030")
	s.call("POST", "/v1/events/DEV-2030/checkpoints", s.admin, map[string]any{"code": "MAIN", "name": "Main entrance", "direction": "both"}).want(201)
	p := openConsole(t, s, "#/events/DEV-2030/devices")
	p.fill("Device name", "Main entrance, lane 1")
	p.set("Direction", "Entry")
	p.click("button", "Create enrolment")
	p.waitFor(`document.querySelector('img.qr')?.naturalWidth > 0`, wait)
	link := p.valueOf("Enrolment link")
	if !strings.HasPrefix(link, s.URL+"/desk/#enrol=") {
		t.Fatalf("enrolment link %q", link)
	}
	code := strings.TrimPrefix(link, s.URL+"/desk/#enrol=")
	// The device trades the code for its token (as the desk does).
	dev := s.call("POST", "/v1/enrol", "", map[string]any{"code": code}).want(201).json()
	if dev["checkpoint"] != "MAIN" || dev["direction"] != "in" {
		t.Fatalf("enrolled: %v", dev)
	}
	s.call("GET", "/v1/events/DEV-2030/presence", dev["token"].(string), nil).want(200)
	p.click("button", "Refresh")
	p.waitFor(`[...document.querySelectorAll('.tokens tbody th')].some((c) => c.textContent === 'Main entrance, lane 1')`, wait)
	p.click("button", "Revoke Main entrance, lane 1")
	p.waitFor(`!!document.querySelector('dialog[open]')`, wait)
	p.click("button", "Revoke")
	p.waitText("Main entrance, lane 1 revoked.", wait)
	s.call("GET", "/v1/events/DEV-2030/presence", dev["token"].(string), nil).want(401)
}
