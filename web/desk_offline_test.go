//go:build long

package web_test

import (
	"strings"
	"testing"
	"time"
)

// TestDeskOffline: the network goes down at the door. The device judges
// on its own, keeps every scan through a reload, and hands them all to the
// server when the network is back; the server's record keeps the device's
// time, its name and whether it judged otherwise.
func TestDeskOffline(t *testing.T) {
	d := newDesk(t, antiPassback)
	inside := d.issue("delegate")   // scanned in while online
	fresh := d.issue("delegate")    // first seen offline
	revoked := d.issue("adviser")   // revoked before the cut
	late := d.issue("observer")     // revoked during the cut: the device cannot know
	reloaded := d.issue("delegate") // scanned after an offline reload

	p := newPage(t)
	p.enrol(d.enrolURL("Lane 4", "MAIN", "in"))
	p.ready()
	d.revoke(revoked)
	p.syncNow()
	if v := p.scanPasted(inside.code); !v.is("accepted", "", "false", "server") {
		t.Fatalf("online entry: %+v", v)
	}

	p.setOffline(true)
	d.down.Store(true)
	cut := time.Now()
	p.waitFor(`document.querySelector("#connection").dataset.online === "false"`, 5*time.Second)
	d.revoke(late)

	type want struct {
		name, code, result, reason string
	}
	steps := []want{
		{"valid badge", fresh.code, "accepted", ""},
		{"one character altered", alter(fresh.code), "rejected", "invalid_code"},
		{"revoked before the cut", revoked.code, "rejected", "revoked"},
		{"second entry, online first", inside.code, "rejected", "already_inside"},
		{"second entry, offline first", fresh.code, "rejected", "already_inside"},
		{"revoked during the cut", late.code, "accepted", ""},
	}
	for _, s := range steps {
		v := p.scanPasted(s.code)
		if !v.is(s.result, s.reason, "false", "device") {
			t.Errorf("%s: verdict %+v, want %s %q judged on the device", s.name, v, s.result, s.reason)
		}
		if !strings.Contains(v.Text, "Judged on this device") {
			t.Errorf("%s: the verdict does not say the device judged it: %q", s.name, v.Text)
		}
	}
	p.waitFor(`document.querySelector("[data-pending]").dataset.pending === "6"`, 5*time.Second)

	// Reload with no network: the service worker serves the desk, and the
	// queue and the device's knowledge are still there.
	p.reload()
	p.waitFor(`document.body.dataset.screen === "desk"`, 10*time.Second)
	if got := p.pending(); got != "6" {
		t.Fatalf("after an offline reload %s scans waiting, want 6", got)
	}
	if v := p.scanPasted(reloaded.code); !v.is("accepted", "", "false", "device") {
		t.Errorf("after the reload: verdict %+v, want accepted on the device", v)
	}
	if v := p.scanPasted(revoked.code); !v.is("rejected", "revoked", "false", "device") {
		t.Errorf("revoked, after the reload: verdict %+v", v)
	}
	p.waitFor(`document.querySelector("[data-pending]").dataset.pending === "8"`, 5*time.Second)
	restored := time.Now()

	// The network is back: every queued scan reaches the server.
	d.down.Store(false)
	p.setOffline(false)
	p.waitFor(`document.querySelector("[data-pending]").dataset.pending === "0"`, 15*time.Second)
	p.waitFor(`document.querySelector("#connection").dataset.online === "true"`, 5*time.Second)
	if got := eval[string](p, `document.querySelector("[data-conflicts]").dataset.conflicts`); got != "1" {
		t.Errorf("%s conflicts shown, want 1 (the badge revoked during the cut)", got)
	}

	recs := d.scans()
	if len(recs) != 9 {
		t.Fatalf("the server holds %d scans, want 9: %+v", len(recs), recs)
	}
	wantOffline := map[string]struct {
		result, reason string
		conflict       bool
	}{
		"valid badge":                 {"accepted", "", false},
		"one character altered":       {"rejected", "invalid_code", false},
		"revoked before the cut":      {"rejected", "revoked", false},
		"second entry, online first":  {"rejected", "already_inside", false},
		"second entry, offline first": {"rejected", "already_inside", false},
		"revoked during the cut":      {"rejected", "revoked", true},
		"after the reload":            {"accepted", "", false},
		"revoked, after the reload":   {"rejected", "revoked", false},
	}
	order := []string{"valid badge", "one character altered", "revoked before the cut", "second entry, online first",
		"second entry, offline first", "revoked during the cut", "after the reload", "revoked, after the reload"}
	// The log is in the order the server recorded: the online entry, then
	// the queue in the order the device judged it.
	for i, name := range order {
		r := recs[1+i]
		w := wantOffline[name]
		reason := ""
		if r.Reason != nil {
			reason = *r.Reason
		}
		if r.Result != w.result || reason != w.reason || r.Conflict != w.conflict || r.Device != "Lane 4" {
			t.Errorf("%s: recorded %+v, want %s %q conflict=%v by Lane 4", name, r, w.result, w.reason, w.conflict)
		}
		if r.ScannedAt.Before(cut.Add(-time.Second)) || r.ScannedAt.After(restored.Add(time.Second)) {
			t.Errorf("%s: scanned_at %v is not the device's time during the cut (%v–%v)", name, r.ScannedAt, cut, restored)
		}
	}
}

// TestDeskServerSilent: the network is up but the server does not answer.
// After two seconds the device judges; the scans after it do not wait.
func TestDeskServerSilent(t *testing.T) {
	d := newDesk(t)
	a, b := d.issue("delegate"), d.issue("delegate")
	p := newPage(t)
	p.enrol(d.enrolURL("Lane 5", "MAIN", "in"))
	p.ready()
	d.setSilent(true)
	start := time.Now()
	if v := p.scanPasted(a.code); !v.is("accepted", "", "false", "device") {
		t.Fatalf("verdict %+v, want accepted on the device", v)
	}
	if took := time.Since(start); took < 2*time.Second {
		t.Errorf("the device judged after %v, before the server's two seconds were up", took)
	}
	if v := p.scanPasted(b.code); !v.is("accepted", "", "false", "device") {
		t.Fatalf("next verdict %+v, want accepted on the device", v)
	}
	if ms := p.lastVerdictTime(); ms > 1000 {
		t.Errorf("the next scan waited %.0f ms for a server known not to answer", ms)
	}
	p.waitFor(`document.querySelector("[data-pending]").dataset.pending === "2"`, 5*time.Second)
	d.setSilent(false)
	p.syncNow()
	p.waitFor(`document.querySelector("[data-pending]").dataset.pending === "0"`, 10*time.Second)
	if n := len(d.scans()); n != 2 {
		t.Errorf("the server holds %d scans, want 2", n)
	}
}

// TestDeskRefusedUploadKeepsScans: a server that refuses a whole batch
// (a 4xx) drops nothing: the scans stay queued, the page says why, and
// they go up once the server takes them.
func TestDeskRefusedUploadKeepsScans(t *testing.T) {
	d := newDesk(t)
	b := d.issue("delegate")
	p := newPage(t)
	p.enrol(d.enrolURL("Lane 11", "MAIN", "in"))
	p.ready()
	p.setOffline(true)
	d.down.Store(true)
	if v := p.scanPasted(b.code); v.Source != "device" {
		t.Fatalf("offline verdict %+v", v)
	}
	p.waitFor(`document.querySelector("[data-pending]").dataset.pending === "1"`, 5*time.Second)
	d.refuse("/scans/batch", 422)
	d.down.Store(false)
	p.setOffline(false)
	p.waitFor(`!document.querySelector("#sync-problem").hidden`, 10*time.Second)
	if got := p.pending(); got != "1" {
		t.Fatalf("after a refused upload %s scans wait, want 1", got)
	}
	if msg := p.visibleText("#sync-problem"); !strings.Contains(msg, "refused by the test harness") || !strings.Contains(msg, "kept") {
		t.Errorf("the page says %q about the refused upload", msg)
	}
	p.reload()
	p.waitFor(`document.body.dataset.screen === "desk"`, 10*time.Second)
	if got := p.pending(); got != "1" {
		t.Fatalf("after a reload %s scans wait, want 1", got)
	}
	d.refuse("/scans/batch", 0)
	p.syncNow()
	p.waitFor(`document.querySelector("[data-pending]").dataset.pending === "0" && document.querySelector("#sync-problem").hidden`, 10*time.Second)
	if n := len(d.scans()); n != 1 {
		t.Errorf("the server holds %d scans, want 1", n)
	}
}
