// Package storagetest gives each test its own freshly migrated database:
// a SQLite file always, and a PostgreSQL schema when
// ACCREDIT_TEST_DATABASE_URL is set, so that the suite proves both.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for schema set-up

	"github.com/osce/accredit/storage"
)

// EnvURL names the PostgreSQL server the tests may use.
const EnvURL = "ACCREDIT_TEST_DATABASE_URL"

// Dialects lists the databases this test run covers.
func Dialects() []string {
	if os.Getenv(EnvURL) != "" {
		return []string{storage.SQLite, storage.Postgres}
	}
	return []string{storage.SQLite}
}

// URL returns a database URL for a new, empty database of the dialect,
// dropped when the test ends. Two stores opened on one URL share the data,
// as two server processes would.
func URL(tb testing.TB, dialect string) string {
	tb.Helper()
	if dialect == storage.SQLite {
		return "sqlite:" + filepath.Join(tb.TempDir(), "accredit.db")
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		tb.Skip(EnvURL + " is not set")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated store on url, closed when the test ends.
func Open(tb testing.TB, url string) *storage.Store {
	tb.Helper()
	s, err := storage.Open(storage.Config{URL: url})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s
}

// New returns a fresh migrated store of the dialect.
func New(tb testing.TB, dialect string) *storage.Store {
	return Open(tb, URL(tb, dialect))
}
