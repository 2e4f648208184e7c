package storage_test

import (
	"context"
	"sync"
	"testing"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
)

// TestSeatWrites: a delegation's seats, an event's capacity and a
// session's seats are taken up to their limit and no further, under
// racing takers too, and a released one can be taken again; an override
// replaces the event's default, and a null override is unlimited.
func TestSeatWrites(t *testing.T) {
	ctx := context.Background()
	eachDialect(t, func(t *testing.T, s *storage.Store) {
		f := newSWFix(t, s) // capacity: 2 in person, 1 online
		two := 2
		type taker = func(tx domain.Tx) (bool, error)
		once := func(take taker) (ok bool, err error) {
			err = s.InTx(ctx, func(tx domain.Tx) error {
				ok, err = take(tx)
				return err
			})
			return ok, err
		}
		takeAll := func(n int, take taker) int {
			var wg sync.WaitGroup
			var mu sync.Mutex
			got := 0
			for range n {
				wg.Go(func() {
					// Each take in its own transaction, as the domain takes them.
					ok, err := once(take)
					mu.Lock()
					defer mu.Unlock()
					if ok {
						got++
					}
					if err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			return got
		}
		seat := func(tx domain.Tx) (bool, error) { return tx.TakeSeat(ctx, f.ev, "XSW", domain.ModeInPerson, &two) }
		if got := takeAll(6, seat); got != 2 {
			t.Fatalf("%d seats taken under a limit of 2", got)
		}
		if err := s.ReleaseSeat(ctx, f.ev, "XSW", domain.ModeInPerson); err != nil {
			t.Fatal(err)
		}
		if ok, err := once(seat); !ok || err != nil {
			t.Fatalf("a released seat was not taken again: %v", err)
		}
		if use, err := s.QuotaUse(ctx, f.ev, "XSW"); err != nil || use["XSW"] != [2]int{2, 0} {
			t.Fatalf("use %v, %v", use, err)
		}
		// An override of 3 lets one more in; a null override, any number.
		three := 3
		if err := s.SetQuotaOverride(ctx, f.ev, "XSW", domain.Limits{InPerson: &three}); err != nil {
			t.Fatal(err)
		}
		if got := takeAll(3, seat); got != 1 {
			t.Fatalf("%d seats taken past the override of 3", got)
		}
		if got := takeAll(3, func(tx domain.Tx) (bool, error) { return tx.TakeSeat(ctx, f.ev, "XSW", domain.ModeOnline, &two) }); got != 3 {
			t.Fatalf("%d online seats taken under a null override, want 3", got)
		}

		for mode, limit := range map[string]int{domain.ModeInPerson: 2, domain.ModeOnline: 1} {
			take := func(tx domain.Tx) (bool, error) { return tx.TakeCapacity(ctx, f.ev, mode) }
			if got := takeAll(5, take); got != limit {
				t.Fatalf("%s: %d approvals under a capacity of %d", mode, got, limit)
			}
			if err := s.ReleaseCapacity(ctx, f.ev, mode); err != nil {
				t.Fatal(err)
			}
			if ok, err := once(take); !ok || err != nil {
				t.Fatalf("%s: a released place was not taken again: %v", mode, err)
			}
		}

		ss := &domain.Session{Event: f.ev, Title: "Plenary", StartsAt: f.now, EndsAt: f.now.Add(2 * 3600e9), Capacity: &two}
		if err := s.CreateSession(ctx, ss); err != nil {
			t.Fatal(err)
		}
		if got := takeAll(5, func(tx domain.Tx) (bool, error) { return tx.TakeSessionSeat(ctx, ss.ID) }); got != 2 {
			t.Fatalf("%d session seats under a capacity of 2", got)
		}
		if err := s.ReleaseSessionSeat(ctx, ss.ID); err != nil {
			t.Fatal(err)
		}
		if ok, err := once(func(tx domain.Tx) (bool, error) { return tx.TakeSessionSeat(ctx, ss.ID) }); !ok || err != nil {
			t.Fatalf("a released session seat was not taken again: %v", err)
		}
	})
}
