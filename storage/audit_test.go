package storage_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
)

// TestAuditMany: entries given together are stored as if given one by
// one, in their order, across the batches one call is split into; no
// entries is no write.
func TestAuditMany(t *testing.T) {
	ctx := context.Background()
	eachDialect(t, func(t *testing.T, s *storage.Store) {
		const n = 1201 // three batches, the last of one
		at := time.Now().UTC().Truncate(time.Microsecond)
		entries := make([]domain.AuditEntry, n)
		for i := range entries {
			entries[i] = domain.AuditEntry{At: at, ActorName: "importer", ActorRole: "secretariat", Action: "nomination.submit",
				TargetType: "nomination", TargetID: strconv.Itoa(i), Event: "AU-2030", Details: map[string]any{"row": i + 2}}
		}
		if err := s.InTx(ctx, func(tx domain.Tx) error {
			if err := tx.Audit(ctx); err != nil {
				return err
			}
			return tx.Audit(ctx, entries...)
		}); err != nil {
			t.Fatal(err)
		}
		var got []domain.AuditEntry
		cursor := ""
		for {
			page, next, err := s.ListAudit(ctx, domain.AuditFilter{Event: "AU-2030", Page: domain.Page{Limit: 500, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, page...)
			if next == "" {
				break
			}
			cursor = next
		}
		if len(got) != n {
			t.Fatalf("%d entries stored, want %d", len(got), n)
		}
		for i, e := range got { // newest first
			want := n - 1 - i
			if e.TargetID != strconv.Itoa(want) || e.Details["row"] != float64(want+2) || !e.At.Equal(at) || e.ActorName != "importer" {
				t.Fatalf("entry %d is %+v, want the entry of row %d", i, e, want+2)
			}
		}
	})
}
