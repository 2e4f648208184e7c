package storage

import (
	"database/sql"
	"path/filepath"
	"testing"
)

// TestSQLiteDurable: every connection to the embedded database, the scan
// writer's included, commits with synchronous=FULL in WAL mode, so that an
// acknowledged commit survives a power cut (README, Storage), and overwrites what
// it deletes (secure_delete, docs/security.md, Erasure).
func TestSQLiteDurable(t *testing.T) {
	s, err := Open(Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "accredit.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	lw, ok := s.writer.(*liteWriter)
	if !ok {
		t.Fatalf("SQLite store without its group writer: %T", s.writer)
	}
	for name, db := range map[string]*sql.DB{"pool": s.DB(), "scan writer": lw.db} {
		var sync, secure int
		var mode string
		if err := db.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("PRAGMA secure_delete").Scan(&secure); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if sync != 2 || mode != "wal" || secure != 1 {
			t.Errorf("%s: synchronous=%d journal_mode=%s secure_delete=%d, want 2 (FULL), wal, 1", name, sync, mode, secure)
		}
	}
}
