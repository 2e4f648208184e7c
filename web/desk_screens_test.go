//go:build long

package web_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestDeskScreenshots draws the three verdicts and the offline state on a
// phone and a laptop into docs/screenshots/, from the real desk, so that
// the pictures in the documentation stay true. It runs when
// ACCREDIT_SCREENSHOTS=1.
func TestDeskScreenshots(t *testing.T) {
	if os.Getenv("ACCREDIT_SCREENSHOTS") == "" {
		t.Skip("set ACCREDIT_SCREENSHOTS=1 to draw docs/screenshots/")
	}
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sizes := []struct {
		name   string
		w, h   int64
		mobile bool
	}{
		{"phone", 390, 844, true},
		{"laptop", 1280, 800, false},
	}
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			d := newDesk(t, withRoster)
			accepted := d.issue("delegate")
			revoked := d.issue("adviser")
			offline := d.issue("head_of_delegation")
			d.revoke(revoked)
			p := newPage(t)
			p.viewport(size.w, size.h, size.mobile)
			p.enrol(d.enrolURL("Lane 1 (north door)", "MAIN", "in"))
			p.ready()
			p.waitFor(`(async () => { const r = indexedDB.open("accredit-desk"); await new Promise((ok) => r.onsuccess = ok); const q = r.result.transaction("photos").objectStore("photos").count(); await new Promise((ok) => q.onsuccess = ok); r.result.close(); return q.result === 2; })()`, 15*time.Second)
			shot := func(name string) {
				t.Helper()
				p.waitFor(`(() => { const i = document.querySelector("#holder-photo"); return !i.hidden && i.complete && i.naturalWidth > 0; })()`, 5*time.Second)
				p.screenshot(filepath.Join(dir, "desk-"+size.name+"-"+name+".png"))
			}
			p.scanPasted(accepted.code)
			shot("accepted")
			p.scanPasted(accepted.code)
			shot("repeat")
			p.scanPasted(revoked.code)
			shot("rejected")
			p.setOffline(true)
			d.down.Store(true)
			p.scanPasted(offline.code)
			p.waitFor(`document.querySelector("[data-pending]").dataset.pending === "1"`, 2*time.Second)
			shot("offline")
		})
	}
}
