package api_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/osce/accredit/domain"
)

// R1: purge leaves the email in search_key; q= still finds it.
func TestReviewPurgeSearchKey(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("RV-PURGE")
		aut := e.token("delegation", "AUT", "")
		p := person()
		id := e.submit("RV-PURGE", aut, p)
		if _, err := e.svc.Purge(domain.WithActor(context.Background(), domain.System), "RV-PURGE", true); err != nil {
			t.Fatal(err)
		}
		n := e.call("GET", nomPath("RV-PURGE", id), e.admin, nil).want(200).json()
		if n["email"] != "" {
			t.Fatalf("email not purged: %v", n["email"])
		}
		var key string
		if err := e.store.DB().QueryRow("SELECT search_key FROM nominations WHERE id = $1", id).Scan(&key); err != nil {
			t.Fatal(err)
		}
		t.Logf("search_key after purge: %q", key)
		email := p["email"].(string)
		items := e.call("GET", "/v1/events/RV-PURGE/nominations?q="+email, e.admin, nil).want(200).json()["items"].([]any)
		if strings.Contains(key, email) || len(items) > 0 {
			t.Errorf("purged email still stored in search_key (%q) and searchable (%d hits)", key, len(items))
		}
	})
}

// R2: a badge reissued in process A is refused as invalid_code in process B
// for up to 5 s, and that refusal is the permanent answer for the scan_id.
func TestReviewStaleCacheAfterReissue(t *testing.T) {
	eachDB(t, func(t *testing.T, a *env) {
		b := newEnvOn(t, a.dialect, a.url)
		f := scSetup(t, a, "RV-REISSUE")
		bd := f.issue(f.aut, person())
		// process B scans once: its cache now holds serial 1
		r := b.call("POST", "/v1/events/RV-REISSUE/scans", f.guard, scBody(bd.code, "MAIN", "in")).want(200).json()
		if r["result"] != "accepted" {
			t.Fatalf("first: %v", r)
		}
		// process A reissues
		a.call("POST", "/v1/events/RV-REISSUE/badges/"+bd.id+"/reissue", a.admin, nil).want(200)
		newCode := a.call("GET", "/v1/events/RV-REISSUE/badges/"+bd.id, a.admin, nil).want(200).str("code")
		sid := uuid.NewString()
		r = b.call("POST", "/v1/events/RV-REISSUE/scans", f.guard, scBody(newCode, "MAIN", "out", scID(sid))).want(200).json()
		t.Logf("new serial scanned in B right after reissue in A: %v %v", r["result"], r["reason"])
		if r["result"] != "accepted" {
			time.Sleep(6 * time.Second)
			r2 := b.call("POST", "/v1/events/RV-REISSUE/scans", f.guard, scBody(newCode, "MAIN", "out", scID(sid))).want(200).json()
			t.Errorf("valid new badge rejected (%v); replay of the same scan_id after TTL: %v %v", r["reason"], r2["result"], r2["reason"])
		}
	})
}

// R3: ScanByID is not scoped to the event: a guard of event B learns the
// answer (name, delegation, photo url) of a scan at event A.
func TestReviewScanIDCrossEvent(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		fa := scSetup(t, e, "RV-EVA")
		fb := scSetup(t, e, "RV-EVB")
		bd := fa.issue(fa.aut, person())
		sid := uuid.NewString()
		fa.scan(bd.code, "MAIN", "in", scID(sid))
		// The id belongs to RV-EVA: RV-EVB's guard gets a conflict, never
		// RV-EVA's answer (name, delegation, photo).
		r := e.call("POST", "/v1/events/RV-EVB/scans", fb.guard, map[string]any{"code": "garbage", "checkpoint": "MAIN", "scan_id": sid})
		r.problem(409, "conflict")
		if strings.Contains(string(r.Body), "display_name") {
			t.Errorf("guard bound to RV-EVB got RV-EVA's scan answer: %s", r.Body)
		}
	})
}

// R4: a NUL byte in a free-text field is a 500 on PostgreSQL.
func TestReviewNulByte(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "RV-NUL")
		bd := f.issue(f.aut, person())
		r := e.call("POST", "/v1/events/RV-NUL/scans", f.guard, scBody(bd.code, "MAIN", "in", func(m map[string]any) { m["device"] = "lane\u00001" }))
		t.Logf("scan with NUL device: %d %s", r.Status, r.Body)
		r2 := e.call("POST", "/v1/events/RV-NUL/nominations", f.aut, person(func(m map[string]any) { m["remarks"] = "x\u0000y" }))
		t.Logf("nomination with NUL remarks: %d %s", r2.Status, r2.Body)
		if r.Status >= 500 || r2.Status >= 500 {
			t.Errorf("NUL byte gives 5xx")
		}
	})
}

// R4b: on PostgreSQL, one bad scan in a group commit fails the other
// devices' scans queued with it.
func TestReviewNulByteGroup(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "RV-NULG", func(m map[string]any) {
			m["quotas"] = map[string]any{"participating_state": map[string]any{"in_person": 100, "online": 5}}
		})
		var codes []string
		for i := 0; i < 30; i++ {
			codes = append(codes, f.issue(f.aut, person()).code)
		}
		var mu sync.Mutex
		fails := 0
		for round := 0; round < 5; round++ {
			var wg sync.WaitGroup
			for i, c := range codes {
				wg.Add(1)
				go func(i int, c string) {
					defer wg.Done()
					dev := "ok"
					if i == 0 {
						dev = "bad\u0000"
					}
					r := e.call("POST", "/v1/events/RV-NULG/scans", f.guard, scBody(c, "MAIN", []string{"in", "out"}[round%2], func(m map[string]any) { m["device"] = dev }))
					if i != 0 && r.Status >= 500 {
						mu.Lock()
						fails++
						mu.Unlock()
					}
				}(i, c)
			}
			wg.Wait()
		}
		if fails > 0 {
			t.Errorf("%d good scans failed with 5xx because another device sent a NUL byte", fails)
		}
	})
}

// R5: revocation feed cursor skips a revocation that commits after a
// later-numbered one.
func TestReviewRevocationFeedGap(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		if e.dialect != "postgres" {
			t.Skip("SQLite serializes writers")
		}
		f := scSetup(t, e, "RV-FEEDGAP")
		slow := f.issue(f.aut, person())
		fast := f.issue(f.aut, person())
		inTx := make(chan struct{})
		release := make(chan struct{})
		done := make(chan error)
		go func() {
			done <- e.store.InTx(context.Background(), func(tx domain.Tx) error {
				if err := tx.RevokeBadge(context.Background(), slow.nom, "slow", time.Now().UTC()); err != nil {
					return err
				}
				close(inTx)
				<-release
				return nil
			})
		}()
		<-inTx
		// The fast revocation must not commit (and show a higher seq) while
		// the slow one is open: it waits for the per-event lock. Without the
		// lock it commits at once; give it that chance before polling.
		fastDone := make(chan int)
		go func() {
			fastDone <- e.call("POST", nomPath(f.ev, fast.nom, "revoke"), e.admin, map[string]any{"reason": "fast"}).Status
		}()
		var fastStatus int
		select {
		case fastStatus = <-fastDone:
		case <-time.After(300 * time.Millisecond):
		}
		items, cursor := f.revocations("")
		t.Logf("scanner polls: %d items, cursor %s", len(items), cursor)
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if fastStatus == 0 {
			fastStatus = <-fastDone
		}
		if fastStatus != 200 {
			t.Fatalf("fast revoke: %d", fastStatus)
		}
		items2, _ := f.revocations(cursor)
		all, _ := f.revocations("")
		t.Logf("after slow commit, since cursor: %d items; whole feed %d", len(items2), len(all))
		if len(items)+len(items2) < len(all) {
			t.Errorf("offline scanner following the cursor never learns of badge %s's revocation", slow.id)
		}
	})
}

// R6: promotion skips a waitlisted nomination whose row is locked (e.g. a
// photo upload in flight) and the seat stays free with nobody promoted.
func TestReviewWaitlistSkipLocked(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		if e.dialect != "postgres" {
			t.Skip("SKIP LOCKED is PostgreSQL only")
		}
		e.event("RV-WAIT", func(m map[string]any) {
			m["waitlist"] = true
			m["quotas"] = map[string]any{"participating_state": map[string]any{"in_person": 1, "online": 1}}
		})
		aut := e.token("delegation", "AUT", "")
		first := e.submit("RV-WAIT", aut, person())
		r := e.call("POST", "/v1/events/RV-WAIT/nominations", aut, person()).want(201).json()
		if r["status"] != "waitlisted" {
			t.Fatalf("second: %v", r["status"])
		}
		waiting := r["id"].(string)
		// hold the waitlisted row as LockNomination does (Edit, SetPhoto, decide)
		tx, err := e.store.DB().Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("SELECT 1 FROM nominations WHERE id = $1 FOR UPDATE", waiting); err != nil {
			t.Fatal(err)
		}
		// The withdraw frees a seat and must wait for the held row rather
		// than skip it; let it reach the lock, then release the row.
		withdrawn := make(chan int)
		go func() {
			withdrawn <- e.call("POST", nomPath("RV-WAIT", first, "withdraw"), aut, map[string]any{"reason": "x"}).Status
		}()
		var status int
		select {
		case status = <-withdrawn:
		case <-time.After(300 * time.Millisecond):
		}
		_ = tx.Rollback()
		if status == 0 {
			status = <-withdrawn
		}
		if status != 200 {
			t.Fatalf("withdraw: %d", status)
		}
		st := e.call("GET", nomPath("RV-WAIT", waiting), aut, nil).want(200).str("status")
		q := e.call("GET", "/v1/events/RV-WAIT/quotas", aut, nil).want(200).Body
		if st != "submitted" {
			t.Errorf("seat freed but the only waitlisted nomination stays %s; quotas %s", st, q)
		}
	})
}
