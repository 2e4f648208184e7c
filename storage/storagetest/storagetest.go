// Package storagetest gives each test its own freshly migrated database:
// a SQLite file always, and a PostgreSQL database when
// ACCREDIT_TEST_DATABASE_URL is set, so that the suite proves both.
//
// Running the migrations costs 0.1–0.4 s on SQLite and 0.5–1 s on
// PostgreSQL (fsync'd commits, one per migration); a suite of a few
// hundred databases spent most of its time there. So the migrations run
// once (per process on SQLite, per set of migrations on a PostgreSQL
// server) and each test gets a copy: a file written from the migrated
// bytes, or CREATE DATABASE … TEMPLATE (about 0.1 s). Migrated returns
// such a copy; URL still gives an empty database, for the tests of
// migrating itself.
package storagetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for schema set-up

	"github.com/osce/accredit/migrations"
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
		return "sqlite:" + filepath.Join(Dir(tb), "accredit.db")
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

// memDir is a file system in memory, where a test database's commits
// cost no disk flush. The suite proves what the server does, which a
// flush does not change; the durability settings stay as they are.
const memDir = "/dev/shm"

// memDirRoom is the free space memDir must have to be used: a
// container's is often 64 MiB, which the tests running at once could
// fill.
const memDirRoom = 1 << 30

// Dir returns a directory for a test's database files, removed when the
// test ends: in memory when the machine has memDir with room, else the
// test's temporary directory.
func Dir(tb testing.TB) string {
	tb.Helper()
	if freeSpace(memDir) < memDirRoom {
		return tb.TempDir()
	}
	dir, err := os.MkdirTemp(memDir, "accredit-test-")
	if err != nil {
		return tb.TempDir()
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	return dir
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
	return Open(tb, Migrated(tb, dialect))
}

// Migrated returns a database URL for a new database of the dialect with
// every migration applied, dropped when the test ends. Open on it finds
// nothing to migrate.
func Migrated(tb testing.TB, dialect string) string {
	tb.Helper()
	if dialect == storage.SQLite {
		img, err := sqliteImage()
		if err != nil {
			tb.Fatalf("migrated SQLite template: %v", err)
		}
		path := filepath.Join(Dir(tb), "accredit.db")
		if err := os.WriteFile(path, img, 0o600); err != nil {
			tb.Fatal(err)
		}
		return "sqlite:" + path
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		tb.Skip(EnvURL + " is not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { admin.Close() })
	tmpl, err := pgTemplate(admin, base)
	if err != nil {
		tb.Fatalf("migrated PostgreSQL template: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "accredit_t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + tmpl); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	// FORCE: a connection a test left open does not keep the copy.
	tb.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	return withDatabase(base, name)
}

// sqliteImage is the bytes of a migrated SQLite database, made once per
// process.
var sqliteImage = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "accredit-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "accredit.db")
	if err := migrate("sqlite:" + path); err != nil {
		return nil, err
	}
	// Closing the last connection checkpointed the WAL into the file: the
	// file alone is the database (still in WAL mode, which the header keeps).
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("%s-wal left with %d bytes after close", path, fi.Size())
	}
	return os.ReadFile(path)
})

// migrate opens url, applies every migration and closes it.
func migrate(url string) error {
	s, err := storage.Open(storage.Config{URL: url})
	if err != nil {
		return err
	}
	_, err = s.Migrate(context.Background())
	s.Close()
	return err
}

// pgTemplates holds, per server URL, the name of its migrated template.
var pgTemplates sync.Map // base URL → func() (string, error)

// pgTemplate returns the name of a migrated template database on the
// server, made by the first test process that needs it: its name carries
// a hash of the migrations, so that processes running at once (go test
// runs packages in parallel) and later runs share it, and a change to the
// migrations makes a new one.
func pgTemplate(admin *sql.DB, base string) (string, error) {
	f, _ := pgTemplates.LoadOrStore(base, sync.OnceValues(func() (string, error) {
		h := sha256.New()
		err := fs.WalkDir(migrations.For(storage.Postgres), ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(migrations.For(storage.Postgres), p)
			fmt.Fprintf(h, "%s %d\n", p, len(b))
			h.Write(b)
			return err
		})
		if err != nil {
			return "", err
		}
		name := "accredit_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16]
		ctx := context.Background()
		conn, err := admin.Conn(ctx)
		if err != nil {
			return "", err
		}
		defer conn.Close()
		// One process builds it; the others wait here, then find it.
		const lockID = 0x616363726564 // "accred"
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockID); err != nil {
			return "", err
		}
		defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", lockID) //nolint:errcheck
		var exists bool
		if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil || exists {
			return name, err
		}
		// Built under another name and renamed when complete: a process
		// killed while migrating leaves no half-made template.
		building := name + "_building"
		if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
			return "", err
		}
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
			return "", err
		}
		if err := migrate(withDatabase(base, building)); err != nil {
			return "", err
		}
		if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
			return "", err
		}
		return name, nil
	}))
	return f.(func() (string, error))()
}

// withDatabase is base with its database name replaced.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + strings.TrimPrefix(name, "/")
	return u.String()
}
