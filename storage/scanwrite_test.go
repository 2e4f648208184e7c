package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
	"github.com/osce/accredit/storage/storagetest"
)

// eachDialect runs fn on a fresh store of every database of this run:
// SQLite always, PostgreSQL when storagetest.EnvURL is set.
func eachDialect(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	for _, d := range storagetest.Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, storagetest.New(t, d)) })
	}
}

// swFix is an event with badges to scan, written through the store alone.
type swFix struct {
	t   *testing.T
	s   *storage.Store
	ev  string
	now time.Time
	n   int
}

func newSWFix(t *testing.T, s *storage.Store) *swFix {
	t.Helper()
	ctx := context.Background()
	f := &swFix{t: t, s: s, ev: "SW-2030", now: time.Now().UTC().Truncate(time.Microsecond)}
	if err := s.CreateDelegation(ctx, &domain.Delegation{Code: "XSW", Name: "Write rule", Kind: "participating_state"}); err != nil {
		t.Fatal(err)
	}
	cap1, cap2 := 1, 2
	if err := s.CreateEvent(ctx, &domain.Event{Code: f.ev, Title: "Write rule", Venue: "Vienna", Timezone: "UTC",
		StartsOn: "2030-01-01", EndsOn: "2030-01-02", Format: domain.FormatHybrid, Status: domain.EventOpen,
		Capacity: domain.Limits{InPerson: &cap2, Online: &cap1}, InvitedKinds: []string{"participating_state"}}); err != nil {
		t.Fatal(err)
	}
	return f
}

// badge issues an active badge, serial 1, valid an hour either side of now.
func (f *swFix) badge() *domain.Badge {
	f.t.Helper()
	ctx := context.Background()
	f.n++
	n := &domain.Nomination{Event: f.ev, Delegation: "XSW", Status: domain.StatusApproved, Fields: domain.Fields{
		Person:   domain.Person{GivenName: "Anna", FamilyName: fmt.Sprintf("Gruber %d", f.n), Gender: "female", Email: fmt.Sprintf("anna%d@example.org", f.n)},
		Category: "delegate", Mode: domain.ModeInPerson}}
	if err := f.s.InsertNomination(ctx, n); err != nil {
		f.t.Fatal(err)
	}
	b := &domain.Badge{NominationID: n.ID, Event: f.ev, Serial: 1, Status: domain.BadgeActive, Category: "delegate",
		ValidFrom: f.now.Add(-time.Hour), ValidUntil: f.now.Add(time.Hour), IssuedAt: f.now}
	if err := f.s.InsertBadge(ctx, b); err != nil {
		f.t.Fatal(err)
	}
	return b
}

// scan is a scan of b judged accepted, as the domain hands it to the store.
func (f *swFix) scan(b *domain.Badge, direction string) *domain.ScanRecord {
	return &domain.ScanRecord{ScanID: uuid.NewString(), Event: f.ev, BadgeID: b.ID, NominationID: b.NominationID,
		Serial: b.Serial, Checkpoint: "MAIN", Direction: direction, Result: domain.ScanAccepted,
		ScannedAt: f.now, ReceivedAt: f.now,
		Holder: &domain.ScanHolder{DisplayName: "Anna Gruber", Delegation: "AUT", Category: "delegate"}}
}

func (f *swFix) record(r *domain.ScanRecord, exclusive bool) (ok, repeat bool) {
	f.t.Helper()
	ok, repeat, err := f.s.RecordScan(context.Background(), r, exclusive)
	if err != nil {
		f.t.Fatal(err)
	}
	return ok, repeat
}

func (f *swFix) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.s.DB().Exec(q, args...); err != nil {
		f.t.Fatal(err)
	}
}

var mainGate = &domain.Checkpoint{Code: "MAIN", Direction: "both"}

// TestScanWriteRule runs one table of cases through the write of both
// databases (the PostgreSQL group statement and the SQLite writer) and
// holds each write's outcome to the domain's scan rule on the badge's row
// as the write found it: an acceptance is written exactly when
// domain.ScanBadge.Check passes, and each refusal is one of the
// domain.WriteRechecked reasons.
func TestScanWriteRule(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name      string
		change    func(f *swFix, b *domain.Badge, r *domain.ScanRecord) // what happened after the judging
		exclusive bool
		want      string // the reason Check gives on the fresh row; "" accepted
		repeat    bool
	}{
		{name: "accepted entry"},
		{name: "accepted entry, anti-passback", exclusive: true},
		{name: "revoked since", want: domain.ReasonRevoked, change: func(f *swFix, b *domain.Badge, _ *domain.ScanRecord) {
			if err := f.s.RevokeBadge(ctx, b.NominationID, "lost", f.now); err != nil {
				f.t.Fatal(err)
			}
		}},
		{name: "reissued since", want: domain.ReasonRevoked, change: func(f *swFix, b *domain.Badge, _ *domain.ScanRecord) {
			if _, err := f.s.BumpSerial(ctx, b.ID, f.now); err != nil {
				f.t.Fatal(err)
			}
		}},
		{name: "window moved since", want: domain.ReasonOutsideValidity, change: func(f *swFix, b *domain.Badge, _ *domain.ScanRecord) {
			f.exec(`UPDATE badges SET valid_from = $1 WHERE id = $2`, f.now.Add(time.Minute), b.ID)
		}},
		{name: "window ends at the scan", want: domain.ReasonOutsideValidity, change: func(f *swFix, b *domain.Badge, _ *domain.ScanRecord) {
			f.exec(`UPDATE badges SET valid_until = $1 WHERE id = $2`, f.now, b.ID)
		}},
		{name: "inside since, anti-passback", exclusive: true, want: domain.ReasonAlreadyInside,
			change: func(f *swFix, b *domain.Badge, _ *domain.ScanRecord) {
				if ok, _ := f.record(f.scan(b, domain.DirectionIn), true); !ok {
					f.t.Fatal("first entry refused")
				}
			}},
		{name: "inside since, no anti-passback: a repeat", repeat: true, change: func(f *swFix, b *domain.Badge, _ *domain.ScanRecord) {
			if ok, _ := f.record(f.scan(b, domain.DirectionIn), false); !ok {
				f.t.Fatal("first entry refused")
			}
		}},
		{name: "out and in again, anti-passback", exclusive: true, change: func(f *swFix, b *domain.Badge, _ *domain.ScanRecord) {
			for _, d := range []string{domain.DirectionIn, domain.DirectionOut} {
				if ok, _ := f.record(f.scan(b, d), d == domain.DirectionIn); !ok {
					f.t.Fatalf("%s refused", d)
				}
			}
		}},
	}
	eachDialect(t, func(t *testing.T, s *storage.Store) {
		f := newSWFix(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				f.t = t
				b := f.badge()
				r := f.scan(b, domain.DirectionIn)
				if c.change != nil {
					c.change(f, b, r)
				}
				fresh, err := s.ScanBadge(ctx, b.ID)
				if err != nil {
					t.Fatal(err)
				}
				judged := fresh.Check(f.ev, r.Serial, r.ScannedAt, mainGate, c.exclusive)
				ok, repeat := f.record(r, c.exclusive)
				if judged != c.want || ok != (c.want == "") || repeat != c.repeat {
					t.Fatalf("written %v (repeat %v), domain says %q; want %q (repeat %v)", ok, repeat, judged, c.want, c.repeat)
				}
				after, err := s.ScanBadge(ctx, b.ID)
				if err != nil {
					t.Fatal(err)
				}
				if wantInside := ok || fresh.Inside; after.Inside != wantInside {
					t.Fatalf("inside %v after the write, want %v", after.Inside, wantInside)
				}
				// A refused acceptance leaves no record; the domain then
				// records the rejection, which no badge state refuses.
				_, err = s.ScanByID(ctx, f.ev, r.ScanID)
				if ok != (err == nil) {
					t.Fatalf("written %v but ScanByID: %v", ok, err)
				}
				if !ok {
					r.Result, r.Reason = domain.ScanRejected, judged
					if ok, _ := f.record(r, c.exclusive); !ok {
						t.Fatal("the rejection was refused")
					}
					got, err := s.ScanByID(ctx, f.ev, r.ScanID)
					if err != nil || got.Answer().Result != domain.ScanRejected || *got.Answer().Reason != judged {
						t.Fatalf("recorded %+v, %v", got, err)
					}
				}
			})
		}
	})
}

// TestScanWriteRefusals: a write is refused, whatever it judged, for a
// scan_id already recorded (at this event or another) and for a token
// that is no longer active.
func TestScanWriteRefusals(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *storage.Store) {
		f := newSWFix(t, s)
		b := f.badge()
		r := f.scan(b, domain.DirectionIn)
		if ok, _ := f.record(r, false); !ok {
			t.Fatal("first write refused")
		}
		again := f.scan(b, domain.DirectionOut)
		again.ScanID = r.ScanID
		if ok, _ := f.record(again, false); ok {
			t.Fatal("a scan_id recorded twice")
		}
		again.Result, again.Reason = domain.ScanRejected, domain.ReasonCheckpointDenied
		if ok, _ := f.record(again, false); ok {
			t.Fatal("a rejection recorded under a known scan_id")
		}
		for _, result := range []string{domain.ScanAccepted, domain.ScanRejected} {
			r := f.scan(b, domain.DirectionOut)
			r.Result, r.Token = result, "no-such-token-hash"
			if ok, _ := f.record(r, false); ok {
				t.Fatalf("%s written for an unknown token", result)
			}
		}
	})
}

// TestScanWriteConcurrentEntries: entries of one badge racing through the
// writer (one process's two PostgreSQL runners, or SQLite's one) are
// judged one after the other: under anti-passback exactly one gets in;
// without it every one does and exactly one is not a repeat.
func TestScanWriteConcurrentEntries(t *testing.T) {
	const racers = 12
	eachDialect(t, func(t *testing.T, s *storage.Store) {
		f := newSWFix(t, s)
		for _, exclusive := range []bool{true, false} {
			b := f.badge()
			var wg sync.WaitGroup
			var mu sync.Mutex
			written, first := 0, 0
			for range racers {
				wg.Go(func() {
					ok, repeat, err := s.RecordScan(context.Background(), f.scan(b, domain.DirectionIn), exclusive)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						t.Error(err)
					}
					if ok {
						written++
					}
					if ok && !repeat {
						first++
					}
				})
			}
			wg.Wait()
			if want := map[bool]int{true: 1, false: racers}[exclusive]; written != want || first != 1 {
				t.Fatalf("exclusive %v: %d written, %d first entries; want %d and 1", exclusive, written, first, want)
			}
		}
	})
}
