// Package storage implements domain.Store with GORM on PostgreSQL (the
// production database) and on pure-Go SQLite (the embedded default).
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/libtnb/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/osce/accredit/domain"
)

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Store is a domain.Store on one database. The same type serves inside a
// transaction, with db bound to it.
type Store struct {
	db      *gorm.DB
	dialect string
	sqlDB   *sql.DB
	writer  *scanWriter // group commit of accepted scans; PostgreSQL, root store only
	path    string      // SQLite: the database file
	inTx    bool        // this store is bound to a transaction (InTx)
}

var _ domain.Store = (*Store)(nil)

// Config says which database to open.
type Config struct {
	// URL is postgres://… for PostgreSQL; empty means SQLite under DataDir.
	URL     string
	DataDir string
	// MaxConns caps the connection pool; 0 means 20 on PostgreSQL and 16
	// on SQLite.
	MaxConns int
	// BusyTimeout is how long a SQLite statement waits for another
	// writer before the database counts as unavailable; 0 means 20 s.
	BusyTimeout time.Duration
}

// Open connects to the database. It does not migrate: call Migrate.
func Open(cfg Config) (*Store, error) {
	var (
		dial          gorm.Dialector
		dialect, path string
	)
	switch {
	case strings.HasPrefix(cfg.URL, "postgres://") || strings.HasPrefix(cfg.URL, "postgresql://"):
		dial, dialect = postgres.Open(cfg.URL), Postgres
	case cfg.URL == "" || strings.HasPrefix(cfg.URL, "sqlite:") || strings.HasPrefix(cfg.URL, "file:"):
		dsn, err := sqliteDSN(cfg)
		if err != nil {
			return nil, err
		}
		dial, dialect, path = sqlite.Open(dsn), SQLite, sqlitePath(dsn)
	default:
		return nil, fmt.Errorf("unsupported database URL scheme in %q (want postgres:// or empty for SQLite)", redact(cfg.URL))
	}
	db, err := gorm.Open(dial, &gorm.Config{
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		SkipDefaultTransaction: true,
		Logger:                 logger.Discard,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	if err := registerUnavailable(db); err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	// On SQLite, WAL lets readers run beside the one writer; immediate
	// transactions queue writers on the busy timeout instead of failing.
	conns := cfg.MaxConns
	if conns <= 0 {
		conns = 16
		if dialect == Postgres {
			conns = 20
		}
	}
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	st := &Store{db: db, dialect: dialect, sqlDB: sqlDB, path: path}
	if dialect == Postgres {
		wdb, err := openScanWriterDB(cfg.URL)
		if err != nil {
			sqlDB.Close()
			return nil, fmt.Errorf("open the scan writer's connections: %w", err)
		}
		st.writer = newScanWriter(wdb)
	}
	return st, nil
}

// sqliteDSN puts the pragmas in the DSN so that every pooled connection
// gets them, not only the first.
func sqliteDSN(cfg Config) (string, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(cfg.URL, "sqlite:"), "file:")
	if path == "" {
		dir := cfg.DataDir
		if dir == "" {
			dir = "data"
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("create data directory: %w", err)
		}
		path = filepath.Join(dir, "accredit.db")
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	busy := cfg.BusyTimeout
	if busy <= 0 {
		busy = 20 * time.Second
	}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode(), nil
}

// sqlitePath is the file a DSN of sqliteDSN names, made absolute so that
// two spellings of one file are one.
func sqlitePath(dsn string) string {
	p := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparseable)"
	}
	return p.Redacted()
}

// Dialect is "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.dialect }

// DB exposes the connection pool for migrations and tests.
func (s *Store) DB() *sql.DB { return s.sqlDB }

// Close stops the scan writer after its last group and releases the
// connection pool.
func (s *Store) Close() error {
	if s.writer != nil {
		s.writer.close()
		s.writer.db.Close()
	}
	return s.sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return s.sqlDB.PingContext(ctx)
}

func (s *Store) with(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// InTx runs fn in a transaction. PostgreSQL may abort one of two
// transactions that lock rows in opposite orders (deadlock) or conflict in
// serialization; such a transaction is retried from the start, since it
// changed nothing.
func (s *Store) InTx(ctx context.Context, fn func(tx domain.Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
			return fn(&Store{db: gtx, dialect: s.dialect, sqlDB: s.sqlDB, path: s.path, inTx: true})
		})
		if !retryable(err) {
			return translate(err)
		}
		select {
		case <-ctx.Done():
			return translate(ctx.Err())
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
	return translate(err)
}

func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40P01" || pg.Code == "40001")
}
