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
	writer  groupWriter // group commit of the door's scans; root store only
	path    string      // SQLite: the database file
	gate    *writeGate  // SQLite: the file's write transactions, in turn
	busy    time.Duration
	inTx    bool // this store is bound to a transaction (InTx)
}

// groupWriter records the door's scans in groups, one commit for many:
// scanWriter on PostgreSQL, liteWriter on SQLite.
type groupWriter interface {
	// write records an accepted scan (moving its badge) or a rejected one,
	// and answers after the commit; see Store.RecordScan.
	write(ctx context.Context, r *domain.ScanRecord, exclusive bool) (ok, repeat bool, err error)
	// close writes what was queued and releases the writer's connections.
	close()
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
		dial               gorm.Dialector
		dialect, path, dsn string
	)
	switch {
	case strings.HasPrefix(cfg.URL, "postgres://") || strings.HasPrefix(cfg.URL, "postgresql://"):
		dial, dialect = postgres.Open(cfg.URL), Postgres
	case cfg.URL == "" || strings.HasPrefix(cfg.URL, "sqlite:") || strings.HasPrefix(cfg.URL, "file:"):
		var err error
		if dsn, err = sqliteDSN(cfg); err != nil {
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
		return st, nil
	}
	st.gate, st.busy = gateFor(path), busyTimeout(cfg)
	lw, err := openLiteWriter(dsn, st.gate, st.busy)
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open the scan writer's connection: %w", err)
	}
	st.writer = lw
	return st, nil
}

// busyTimeout is how long a SQLite writer waits for its turn.
func busyTimeout(cfg Config) time.Duration {
	if cfg.BusyTimeout > 0 {
		return cfg.BusyTimeout
	}
	return 20 * time.Second
}

// sqliteDSN puts the pragmas in the DSN so that every pooled connection
// gets them, not only the first. synchronous=FULL makes every commit wait
// until the WAL is on the disk: acknowledged means durable, a power cut
// included (README, Storage); NORMAL would survive a killed process but may lose
// the last commits to a power cut or an OS crash. The door's scans stay
// fast by sharing commits (liteWriter). The time settings are the ones
// the GORM dialector would add, written here so that the scan writer's
// own connection reads and writes times the same way.
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
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout(cfg).Milliseconds()))
	q.Add("_pragma", "synchronous(FULL)")
	// Deleted content is overwritten with zeros, not left in free space:
	// a purge erases personal data from the file (docs/security.md, Erasure).
	q.Add("_pragma", "secure_delete(ON)")
	q.Set("_texttotime", "1")
	q.Set("_inttotime", "1")
	q.Set("_time_format", "sqlite")
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
		err = s.inTurn(ctx, func() error {
			return s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
				return fn(&Store{db: gtx, dialect: s.dialect, sqlDB: s.sqlDB, path: s.path, inTx: true})
			})
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

// inTurn runs a write transaction: on SQLite in the file's turn (see
// writeGate), on PostgreSQL at once.
func (s *Store) inTurn(ctx context.Context, fn func() error) error {
	if s.gate == nil || s.inTx {
		return fn()
	}
	return s.gate.run(ctx, s.busy, fn)
}

func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40P01" || pg.Code == "40001")
}
