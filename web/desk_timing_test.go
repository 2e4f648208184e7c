//go:build long

package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestDeskTiming measures what docs/performance.md reports of the desk:
// the time from Enter to the verdict on the page (the desk's own
// performance.measure), online against a server on loopback and offline,
// over 200 scans each; and how long a desk takes to hold a roster of 5,000
// badges with their thumbnails. It runs when ACCREDIT_PERF=1.
func TestDeskTiming(t *testing.T) {
	if os.Getenv("ACCREDIT_PERF") == "" {
		t.Skip("set ACCREDIT_PERF=1 to measure the desk")
	}
	t.Run("verdicts", deskVerdictTimes)
	t.Run("roster", deskRosterTimes)
}

// quantile is the nearest-rank q-quantile of sorted values.
func quantile(sorted []float64, q float64) float64 {
	return sorted[max(0, int(math.Ceil(q*float64(len(sorted))))-1)]
}

func (p *page) verdictTimes(source string) []float64 {
	p.t.Helper()
	raw := eval[[]byte](p, fmt.Sprintf(`performance.getEntriesByName("desk:verdict").filter((e) => e.detail.source === %q).map((e) => e.duration)`, source))
	var out []float64
	if err := json.Unmarshal(raw, &out); err != nil {
		p.t.Fatal(err)
	}
	return out
}

func report(t *testing.T, what string, ms []float64) {
	s := slices.Sorted(slices.Values(ms))
	t.Logf("%s: n=%d median %.1f ms, p95 %.1f ms, max %.1f ms", what, len(s), quantile(s, 0.5), quantile(s, 0.95), s[len(s)-1])
}

func deskVerdictTimes(t *testing.T) {
	const n = 200
	d := newDesk(t)
	var codes []string
	for range 10 {
		codes = append(codes, d.issue("delegate").code)
	}
	p := newPageFor(t, 20*time.Minute)
	p.enrol(d.enrolURL("Timing lane", "MAIN", "in"))
	p.ready()
	for i := range n + 10 { // the first ten warm the page and the server up
		if v := p.scanPasted(codes[i%len(codes)]); v.Result != "accepted" || v.Source != "server" {
			t.Fatalf("online scan %d: %+v", i, v)
		}
	}
	online := p.verdictTimes("server")[10:]
	report(t, "online, loopback", online)

	p.setOffline(true)
	d.down.Store(true)
	for i := range n + 10 {
		if v := p.scanPasted(codes[i%len(codes)]); v.Result != "accepted" || v.Source != "device" {
			t.Fatalf("offline scan %d: %+v", i, v)
		}
	}
	offline := p.verdictTimes("device")[10:]
	report(t, "offline, on the device", offline)

	start := time.Now()
	d.down.Store(false)
	p.setOffline(false)
	p.waitFor(`document.querySelector("[data-pending]").dataset.pending === "0"`, time.Minute)
	t.Logf("upload of the %d queued scans after the network returned: %v", n+10, time.Since(start).Round(time.Millisecond))
}

func deskRosterTimes(t *testing.T) {
	const n = 5000
	d := newDesk(t, withRoster)
	for i := range 16 {
		rosterPortraits = append(rosterPortraits, portrait(t, i))
	}
	start := time.Now()
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed error
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := d.issueQuietly(i); err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if failed != nil {
		t.Fatal(failed)
	}
	t.Logf("seeded %d approved delegates with photos in %v", n, time.Since(start).Round(time.Second))

	p := newPageFor(t, 20*time.Minute)
	p.enrol(d.enrolURL("Roster lane", "MAIN", "in"))
	p.waitFor(`performance.getEntriesByName("desk:roster-photos").length > 0`, 15*time.Minute)
	t.Logf("the desk was ready %.1f s after enrolment", eval[float64](p, `performance.getEntriesByName("desk:ready").at(-1).startTime - performance.getEntriesByName("desk:enrolled")[0].startTime`)/1000)
	raw := eval[[]byte](p, `(() => {
		const at = (name) => performance.getEntriesByName(name)[0];
		const enrolled = at("desk:enrolled").startTime;
		return {entries: at("desk:roster-entries").startTime - enrolled, photos: at("desk:roster-photos").startTime - enrolled,
			held: at("desk:roster-photos").detail};
	})()`)
	var got struct {
		Entries, Photos float64
		Held            struct{ Entries, Photos int }
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Held.Entries != n || got.Held.Photos != n {
		t.Fatalf("the desk holds %+v, want %d entries and photos", got.Held, n)
	}
	t.Logf("roster of %d: entries stored %.1f s after enrolment, every thumbnail stored after %.1f s", n, got.Entries/1000, got.Photos/1000)

	p.reload()
	p.waitFor(`performance.getEntriesByName("desk:ready").length > 0`, time.Minute)
	ready := eval[float64](p, `performance.getEntriesByName("desk:ready")[0].startTime`)
	t.Logf("a reload with the roster stored: the desk is ready %.0f ms after the page began to load", ready)

	// A second desk: the server made every thumbnail for the first one.
	q := newPageFor(t, 20*time.Minute)
	q.enrol(d.enrolURL("Roster lane 2", "MAIN", "in"))
	q.waitFor(`performance.getEntriesByName("desk:roster-photos").length > 0`, 15*time.Minute)
	second := eval[float64](q, `performance.getEntriesByName("desk:roster-photos")[0].startTime - performance.getEntriesByName("desk:enrolled")[0].startTime`)
	t.Logf("a second desk, the thumbnails already made by the server: every thumbnail stored after %.1f s", second/1000)
}

// rosterPortraits are a few photos the 5,000 delegates share.
var rosterPortraits [][]byte

// issueQuietly is issue for many goroutines: errors are returned, not
// fatal.
func (d *desk) issueQuietly(i int) error {
	who := people[i%len(people)]
	body := map[string]any{
		"delegation": who.delegation, "honorific": "Ms.", "given_name": who.given, "family_name": fmt.Sprintf("%s %d", who.family, i),
		"gender": "female", "function": "Delegate", "organization": "Ministry of Foreign Affairs",
		"nationality": "AUT", "email": fmt.Sprintf("roster.%d@example.org", i), "date_of_birth": "1980-05-17",
		"document": map[string]any{"type": "passport", "number": fmt.Sprintf("R%07d", i), "expires_on": "2040-01-01"},
		"category": "delegate", "mode": "in_person",
	}
	a := d.try("POST", d.path("/nominations"), body, "")
	if a.Status != 201 {
		return fmt.Errorf("submit %d: %d %s", i, a.Status, a.Body)
	}
	var nom struct{ ID string }
	if err := json.Unmarshal(a.Body, &nom); err != nil {
		return err
	}
	// The photo goes straight into the store: the API's decoding and
	// re-encoding of 5,000 uploads is not what this measures.
	if err := d.store.PutPhoto(context.Background(), nom.ID, "image/jpeg", rosterPortraits[i%len(rosterPortraits)]); err != nil {
		return fmt.Errorf("photo %d: %w", i, err)
	}
	if a := d.try("POST", d.path("/nominations/"+nom.ID+"/approve"), nil, ""); a.Status != 200 {
		return fmt.Errorf("approve %d: %d %s", i, a.Status, a.Body)
	}
	return nil
}
