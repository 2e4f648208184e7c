package api_test

import (
	"context"
	"sync"
	"testing"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage/storagetest"
)

// R9: two processes starting with the same ACCREDIT_ADMIN_TOKEN race in
// EnsureToken (count, then insert); the loser fails to start.
func TestReviewEnsureTokenRace(t *testing.T) {
	t.Parallel() // its own databases only
	for _, d := range storagetest.Dialects() {
		if d != "postgres" {
			continue
		}
		fails := 0
		for i := 0; i < 20; i++ {
			url := storagetest.URL(t, d)
			a, b := storagetest.Open(t, url), storagetest.Open(t, url)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for j, st := range []domain.Store{a, b} {
				wg.Add(1)
				go func(j int, st domain.Store) {
					defer wg.Done()
					errs[j] = domain.NewService(st).EnsureToken(context.Background(), "bootstrap", "same-admin-token-0123456789abcdef")
				}(j, st)
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					fails++
					t.Logf("EnsureToken: %v", err)
				}
			}
		}
		if fails > 0 {
			t.Errorf("%d of 20 simultaneous starts failed to bootstrap", fails)
		}
	}
}
