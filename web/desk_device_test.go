//go:build long

package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// deviceID finds the device's token in GET /v1/tokens.
func (d *desk) deviceID(name string) string {
	d.t.Helper()
	var tokens struct{ Items []struct{ ID, Name string } }
	d.call("GET", "/v1/tokens", d.admin, nil).want(200).decode(&tokens)
	for _, tk := range tokens.Items {
		if tk.Name == name {
			return tk.ID
		}
	}
	d.t.Fatalf("no token named %q", name)
	return ""
}

// TestDeskRevokedDeviceForgetsEverything: the secretariat revokes a lost
// device; its next request signs it out, and it keeps nothing: no token,
// no IndexedDB (queue, roster, photos), no cached files.
func TestDeskRevokedDeviceForgetsEverything(t *testing.T) {
	d := newDesk(t, withRoster)
	b := d.issue("delegate")
	p := newPage(t)
	p.enrol(d.enrolURL("Lane 6", "MAIN", "in"))
	p.ready()
	p.waitFor(`(async () => (await caches.keys()).length > 0)()`, 5*time.Second)
	if stores := p.idbStores("accredit-desk"); stores == nil || stores["kv"] == 0 {
		t.Fatalf("before the revocation the device stores %v", stores)
	}
	d.call("DELETE", "/v1/tokens/"+d.deviceID("Lane 6"), d.admin, nil).want(204)

	p.keys(b.code)
	p.enter()
	p.waitFor(`document.body.dataset.screen === "enrol"`, 10*time.Second)
	if notice := p.visibleText("#enrol-notice"); !strings.Contains(notice, "signed out") {
		t.Errorf("the device says %q, want that it was signed out", notice)
	}
	if stores := p.idbStores("accredit-desk"); stores != nil {
		t.Errorf("the signed-out device still has its database: %v", stores)
	}
	if n := eval[int](p, `caches.keys().then((k) => k.length)`); n != 0 {
		t.Errorf("the signed-out device still has %d caches", n)
	}
	if text := p.visibleText("body"); strings.Contains(text, b.name) {
		t.Errorf("the signed-out page still shows %q", b.name)
	}
	// A reload finds no device either.
	p.reload()
	p.waitFor(`document.body.dataset.screen === "enrol"`, 10*time.Second)
}

// TestDeskSignOutWarnsAboutWaitingScans: signing out forgets the queue,
// so the desk says how many scans would be lost before it does.
func TestDeskSignOutWarnsAboutWaitingScans(t *testing.T) {
	d := newDesk(t)
	b := d.issue("delegate")
	p := newPage(t)
	p.enrol(d.enrolURL("Lane 7", "MAIN", "in"))
	p.ready()
	p.setOffline(true)
	d.down.Store(true)
	if v := p.scanPasted(b.code); v.Source != "device" {
		t.Fatalf("offline verdict %+v", v)
	}
	p.waitFor(`document.querySelector("[data-pending]").dataset.pending === "1"`, 5*time.Second)
	p.click("button", "Settings")
	p.click("button", "Sign out")
	p.waitFor(`document.querySelector("#signout").open`, 2*time.Second)
	if warn := p.visibleText("#signout"); !strings.Contains(warn, "1 scan has not been uploaded") {
		t.Errorf("the sign-out dialog says %q, want a warning about 1 waiting scan", warn)
	}
	p.click("button", "Cancel")
	p.waitFocus("Badge code")
	if got := p.pending(); got != "1" {
		t.Fatalf("after Cancel %s scans wait, want 1", got)
	}
	p.click("button", "Settings")
	p.click("button", "Sign out")
	p.click("button", "Sign out") // the confirmation
	p.waitFor(`document.body.dataset.screen === "enrol"`, 5*time.Second)
	if stores := p.idbStores("accredit-desk"); stores != nil {
		t.Errorf("after signing out the device still stores %v", stores)
	}
}

// TestDeskRosterOff: without offline_roster the device holds no names or
// photos, and an offline verdict says so.
func TestDeskRosterOff(t *testing.T) {
	d := newDesk(t)
	b := d.issue("delegate")
	p := newPage(t)
	p.enrol(d.enrolURL("Lane 8", "MAIN", "in"))
	p.ready()
	if v := p.scanPasted(b.code); !v.is("accepted", "", "false", "server") {
		t.Fatalf("online verdict %+v", v)
	}
	p.waitFor(`(async () => {
		const r = indexedDB.open("accredit-desk");
		await new Promise((ok) => { r.onsuccess = ok; });
		const q = r.result.transaction("kv").objectStore("kv").get("presence");
		await new Promise((ok) => { q.onsuccess = ok; });
		r.result.close();
		return q.result?.answer.total === 1;
	})()`, 10*time.Second)
	if presence := p.idbGet("accredit-desk", "kv", "presence"); strings.Contains(presence, b.name) {
		t.Errorf("without offline_roster the device stores names of who is inside: %s", presence)
	}
	p.syncNow()
	if stores := p.idbStores("accredit-desk"); stores["photos"] != 0 {
		t.Errorf("without offline_roster the device stores %v", stores)
	}
	if roster := p.idbGet("accredit-desk", "kv", "roster"); roster != "" {
		t.Errorf("without offline_roster the device stores a roster: %s", roster)
	}
	p.setOffline(true)
	d.down.Store(true)
	v := p.scanPasted(b.code)
	if !v.is("accepted", "", "true", "device") {
		t.Fatalf("offline verdict %+v, want a repeat judged on the device", v)
	}
	if strings.Contains(v.Text, b.name) || !strings.Contains(v.Text, "Name and photo are not available") {
		t.Errorf("offline without a roster the verdict reads %q", v.Text)
	}
}

// TestDeskRosterOn: with offline_roster the device keeps names,
// categories and thumbnails, and shows them offline; the category check
// of a checkpoint is then made on the device too.
func TestDeskRosterOn(t *testing.T) {
	d := newDesk(t, withRoster)
	b := d.issue("delegate")
	head := d.issue("head_of_delegation")
	p := newPage(t)
	p.enrol(d.enrolURL("Lane 9", "VIP", "in"))
	p.ready()
	p.waitFor(`(async () => {
		const r = indexedDB.open("accredit-desk");
		await new Promise((ok) => { r.onsuccess = ok; });
		const q = r.result.transaction("photos").objectStore("photos").count();
		await new Promise((ok) => { q.onsuccess = ok; });
		r.result.close();
		return q.result === 2;
	})()`, 10*time.Second)
	if roster := p.idbGet("accredit-desk", "kv", "roster"); !strings.Contains(roster, head.name) || !strings.Contains(roster, b.name) {
		t.Errorf("the stored roster is %s", roster)
	}
	p.setOffline(true)
	d.down.Store(true)
	v := p.scanPasted(head.code)
	if !v.is("accepted", "", "false", "device") {
		t.Fatalf("offline verdict %+v", v)
	}
	if !strings.Contains(v.Text, head.name) || !strings.Contains(v.Text, "HEAD OF DELEGATION") {
		t.Errorf("offline with a roster the verdict reads %q", v.Text)
	}
	p.waitFor(`(() => { const i = document.querySelector("#holder-photo"); return !i.hidden && i.complete && i.naturalWidth > 0 && i.naturalHeight <= 240; })()`, 5*time.Second)
	if v := p.scanPasted(b.code); !v.is("rejected", "checkpoint_denied", "false", "device") || !strings.Contains(v.Text, b.name) {
		t.Errorf("a delegate at the VIP lane offline: %+v", v)
	}
}

// TestDeskPresenceAndEvacuationList: the desk counts who is inside and, on
// request, lists them by delegation; Escape closes the list and the next
// badge can be scanned at once.
func TestDeskPresenceAndEvacuationList(t *testing.T) {
	d := newDesk(t)
	a, b, c := d.issue("delegate"), d.issue("delegate"), d.issue("delegate")
	p := newPage(t)
	p.enrol(d.enrolURL("Lane 10", "MAIN", "in"))
	for _, x := range []badge{a, b, c} {
		if v := p.scanPasted(x.code); v.Result != "accepted" {
			t.Fatalf("entry of %s: %+v", x.name, v)
		}
	}
	p.waitFor(`document.querySelector("#inside").dataset.total === "3"`, 10*time.Second)
	p.click("button", "Evacuation list")
	p.waitFor(`document.querySelectorAll("#evacuation tbody tr:not(.group)").length === 3`, 5*time.Second)
	list := p.visibleText("#evacuation")
	for _, x := range []badge{a, b, c} {
		if !strings.Contains(list, x.name) || !strings.Contains(list, x.delegation+": 1") {
			t.Errorf("the evacuation list does not show %s under %s: %q", x.name, x.delegation, list)
		}
	}
	p.do(chromedp.KeyEvent(kb.Escape))
	p.waitFocus("Badge code")
}
