//go:build long

package web_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleScreenshots writes the console's main screens at laptop and
// phone sizes to docs/screenshots/ when ACCREDIT_SCREENSHOTS=1, from a
// realistic event: delegations with photos in every status, a bulk
// approval with one failure, people inside, a report.
func TestConsoleScreenshots(t *testing.T) {
	if os.Getenv("ACCREDIT_SCREENSHOTS") != "1" {
		t.Skip("set ACCREDIT_SCREENSHOTS=1 to write docs/screenshots/console-*.png")
	}
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := newServer(t)
	const ev = "PEM-2026"
	conEvent(s, ev, func(b map[string]any) {
		b["title"] = "OSCE Annual Police Experts Meeting 2026"
		b["capacity"] = map[string]any{"in_person": 120, "online": 200}
	})
	for _, cp := range []map[string]any{
		{"code": "MAIN", "name": "Main entrance, Josefsplatz", "direction": "both"},
		{"code": "RATSAAL", "name": "Ratsaal", "direction": "in", "categories": []string{"head_of_delegation"}},
	} {
		s.call("POST", "/v1/events/"+ev+"/checkpoints", s.admin, cp).want(201)
	}
	s.call("PUT", "/v1/events/"+ev+"/quotas/AUT", s.admin, map[string]any{"in_person": 5, "online": 3}).want(200)
	// Ten approved (four of them inside), six waiting with photos, one
	// without a photo, two rejected.
	var waiting []string
	for i := 0; i < 19; i++ {
		id, _ := nominate(s, ev, i, i != 16, func(b map[string]any) {
			if i == 0 || i == 5 {
				b["category"] = "head_of_delegation"
			}
		})
		switch {
		case i < 10:
			code := approveBadge(s, ev, id)
			if i%2 == 0 && i < 8 {
				s.call("POST", "/v1/events/"+ev+"/scans", s.admin, map[string]any{"code": code, "checkpoint": "MAIN", "direction": "in"}).want(200)
			}
		case i >= 17:
			s.call("POST", "/v1/events/"+ev+"/nominations/"+id+"/reject", s.admin, map[string]any{"reason": "Nomination not confirmed by note verbale"}).want(200)
		default:
			waiting = append(waiting, id)
		}
	}
	var p *page
	sizes := []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"laptop", 1280, 800, false}, {"phone", 390, 844, true}}
	shot := func(name string) {
		p.t.Helper()
		time.Sleep(300 * time.Millisecond) // photos and fonts settle
		p.screenshot(filepath.Join(dir, "console-"+name+".png"))
	}
	for _, sz := range sizes {
		p = openConsole(t, s, "") // a page each: one page's time is bounded
		opts := []chromedp.EmulateViewportOption{}
		if sz.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
		}
		p.do(chromedp.EmulateViewport(sz.w, sz.h, opts...))

		p.goTo("#/events")
		p.waitText("OSCE Annual Police Experts Meeting 2026", wait)
		shot("events-" + sz.name)

		p.goTo("#/events/" + ev)
		p.waitText("Quotas by kind of delegation", wait)
		shot("setup-" + sz.name)

		p.goTo("#/events/" + ev + "/review?status=")
		p.waitFor(`document.querySelectorAll('.review-table tbody tr[data-id]').length === 19`, wait)
		if sz.mobile {
			eval[bool](p, `(document.querySelector('.bulk').scrollIntoView(), true)`)
		}
		p.waitFor(`[...document.querySelectorAll('img.thumb')].slice(0, 2).every((i) => i.naturalWidth > 0)`, wait)
		shot("review-" + sz.name)

		// A bulk approval of what waits: on the laptop the six with a
		// photo pass and one without fails; on the phone that one again.
		p.goTo("#/events/" + ev + "/review")
		p.waitFor(`document.querySelectorAll('.review-table tbody tr[data-id]').length > 0`, wait)
		p.check("Select all on this page")
		p.click("button", "Approve selected")
		p.waitText("failed. Each row shows its outcome.", wait)
		eval[bool](p, `(document.querySelector(matchMedia('(max-width: 720px)').matches ? 'tr[data-outcome="photo_required"]' : '.bulk').scrollIntoView({block: 'start'}), true)`)
		p.waitFor(`[...document.querySelectorAll('img.thumb')].slice(0, 2).every((i) => i.naturalWidth > 0)`, wait)
		shot("bulk-outcome-" + sz.name)

		p.goTo("#/events/" + ev + "/nominations/" + waiting[0])
		p.waitFor(`document.querySelector('img.portrait')?.naturalWidth > 0`, wait)
		shot("nomination-" + sz.name)

		p.goTo("#/events/" + ev + "/door")
		p.waitText("4 inside now", wait)
		shot("door-" + sz.name)
		if !sz.mobile { // the evacuation list as it prints
			if err := emulateMedia(p, "print"); err != nil {
				t.Fatal(err)
			}
			eval[bool](p, `(window.dispatchEvent(new Event('beforeprint')), true)`)
			shot("evacuation-print")
			if err := emulateMedia(p, ""); err != nil {
				t.Fatal(err)
			}
		}

		p.goTo("#/events/" + ev + "/report")
		p.waitFor(`!!document.querySelector('svg.gender-chart')`, wait)
		shot("report-" + sz.name)

		p.goTo("#/access")
		p.waitText("Create a sign-in link", wait)
		shot("access-" + sz.name)
	}
}
