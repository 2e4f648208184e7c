package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	moderncsqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/osce/accredit/domain"
)

// unavailable reports an error that says the database could not be
// reached, or went away before the outcome of a statement was known: the
// caller should retry (503, api/openapi.yaml, Errors), not read it as a bug. A commit whose
// answer never came is among them; the retry's scan_id or Idempotency-Key
// then finds out whether it happened.
func unavailable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "57P01", // admin_shutdown: the server is stopping
			"57P02", // crash_shutdown
			"57P03", // cannot_connect_now: starting up or shutting down
			"53300": // too_many_connections
			return true
		}
		// Class 08: connection exceptions.
		return len(pg.Code) == 5 && pg.Code[:2] == "08"
	}
	var lite *moderncsqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() & 0xff { // the primary result code
		case sqlite3.SQLITE_BUSY, // locked beyond the busy timeout
			sqlite3.SQLITE_LOCKED,
			sqlite3.SQLITE_IOERR,
			sqlite3.SQLITE_CANTOPEN,
			sqlite3.SQLITE_FULL,
			sqlite3.SQLITE_PROTOCOL:
			return true
		}
		return false
	}
	var connect *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connect) || errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		pgconn.Timeout(err)
}

// markUnavailable is a GORM callback, last in every chain: whatever a
// statement built by GORM meets on the way to the database, an outage
// leaves storage as domain.CodeUnavailable, even from a method that
// returns its error as it came. Raw connection-pool paths (hotSQL, the
// scan writers) and transactions' BEGIN and COMMIT go through translate.
func markUnavailable(db *gorm.DB) {
	if db.Error != nil && !domain.IsCode(db.Error, domain.CodeUnavailable) && unavailable(db.Error) {
		db.Error = domain.Unavailable(db.Error)
	}
}

func registerUnavailable(db *gorm.DB) error {
	cb := db.Callback()
	const name = "accredit:unavailable"
	return errors.Join(
		cb.Create().After("*").Register(name, markUnavailable),
		cb.Query().After("*").Register(name, markUnavailable),
		cb.Update().After("*").Register(name, markUnavailable),
		cb.Delete().After("*").Register(name, markUnavailable),
		cb.Row().After("*").Register(name, markUnavailable),
		cb.Raw().After("*").Register(name, markUnavailable),
	)
}
