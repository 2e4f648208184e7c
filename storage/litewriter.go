package storage

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/osce/accredit/domain"
)

// liteWriter is group commit for the door on SQLite. With
// synchronous=FULL every commit waits for the WAL to reach the disk (an
// fsync: milliseconds, where the statements of a scan take microseconds),
// so one commit per scan would cap the door at the disk's fsync rate. The
// writer takes the scans queued together, writes each in a savepoint of
// its own (one scan's failure does not undo its neighbours) inside one
// transaction, commits once, and only then answers each. It never waits
// for more scans than are queued, so a lone scan is not delayed.
type liteWriter struct {
	db     *sql.DB // one connection of its own
	gate   *writeGate
	busy   time.Duration // how long a group waits for its turn
	reqs   chan *liteWrite
	quit   chan struct{}
	wg     sync.WaitGroup
	mu     sync.RWMutex // held for reading while sending, so close waits for sends
	closed bool
	stmts  liteStmts
}

type liteWrite struct {
	rec       *domain.ScanRecord
	exclusive bool
	done      chan scanWritten
}

// liteStmts are the writer's statements, prepared once on its connection.
type liteStmts struct {
	check, move, insert *sql.Stmt
}

const liteGroupMax = 256

// The writer's statements: the same conditions as groupSQL's, row by row.
const (
	// liteCheckSQL: is the scan_id new, the sending token (when the
	// request was authenticated from a view) still active, and the badge
	// inside before this scan moves it? (SQLite's RETURNING sees only the
	// new row; the writer's scans are serialised, so this read holds.)
	liteCheckSQL = `SELECT NOT EXISTS (SELECT 1 FROM scans WHERE scan_id = ?),
		? = '' OR EXISTS (SELECT 1 FROM tokens WHERE hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)),
		coalesce((SELECT inside FROM badges WHERE id = ?), false)`
	liteInsertSQL = `INSERT INTO scans (scan_id, event_code, badge_id, nomination_id, serial, checkpoint,
		direction, result, reason, repeat, conflict, device_result, device, scanned_at, received_at,
		holder_name, holder_delegation, holder_category, holder_photo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scan_id) DO NOTHING`
)

// liteMoveSQL moves the badge of an accepted scan if its row still passes
// the write's re-check of the scan rule (stillAsJudged).
var liteMoveSQL = `UPDATE badges AS b SET inside = a.inside, last_checkpoint = a.checkpoint, last_scan_at = a.scanned_at
	FROM (SELECT ? AS badge_id, ? AS serial, ? AS scanned_at, ? AS exclusive, ? AS inside, ? AS checkpoint) AS a
	WHERE b.id = a.badge_id AND ` + stillAsJudged

// openLiteWriter opens the writer's own connection on the store's DSN.
func openLiteWriter(dsn string, gate *writeGate, busy time.Duration) (*liteWriter, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	w := &liteWriter{db: db, gate: gate, busy: busy, reqs: make(chan *liteWrite, scanWriterBuffer), quit: make(chan struct{})}
	w.wg.Add(1)
	go w.run()
	return w, nil
}

// prepare prepares the statements on the first group: the store opens
// before its tables are migrated.
func (w *liteWriter) prepare(ctx context.Context) error {
	if w.stmts.check != nil {
		return nil
	}
	var st liteStmts
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{{&st.check, liteCheckSQL}, {&st.move, liteMoveSQL}, {&st.insert, liteInsertSQL}} {
		var err error
		if *p.stmt, err = w.db.PrepareContext(ctx, p.sql); err != nil {
			return err
		}
	}
	w.stmts = st
	return nil
}

// write queues one judged scan and waits for its group's commit.
func (w *liteWriter) write(ctx context.Context, r *domain.ScanRecord, exclusive bool) (bool, bool, error) {
	req := &liteWrite{rec: r, exclusive: exclusive, done: make(chan scanWritten, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return false, false, domain.Unavailable(errors.New("the scan writer is closed: the server is stopping"))
	}
	select {
	case w.reqs <- req:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return false, false, translate(ctx.Err())
	}
	// Once queued the write happens; wait for it even if the client left,
	// so that what was recorded is what a retry will be told.
	res := <-req.done
	return res.ok, res.repeat, translate(res.err)
}

func (w *liteWriter) close() {
	w.mu.Lock()
	w.closed = true
	close(w.quit)
	w.mu.Unlock()
	w.wg.Wait() // the runner writes what was sent before
	w.db.Close()
}

func (w *liteWriter) run() {
	defer w.wg.Done()
	for {
		var first *liteWrite
		select {
		case first = <-w.reqs:
		case <-w.quit:
			for {
				select {
				case x := <-w.reqs:
					w.flush(w.gather(x))
				default:
					return
				}
			}
		}
		w.flush(w.gather(first))
	}
}

// gather takes what is queued now, up to liteGroupMax. A badge scanned
// twice in one group is fine: the scans are written in order, each
// seeing the one before.
func (w *liteWriter) gather(first *liteWrite) []*liteWrite {
	group := []*liteWrite{first}
	for len(group) < liteGroupMax {
		select {
		case x := <-w.reqs:
			group = append(group, x)
		default:
			return group
		}
	}
	return group
}

// flush writes a group in one transaction and answers each scan after
// the commit; a commit that fails fails every scan of the group.
func (w *liteWriter) flush(group []*liteWrite) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	results := make([]scanWritten, len(group))
	err := w.gate.run(ctx, w.busy, func() error {
		if err := w.prepare(ctx); err != nil {
			return err
		}
		tx, err := w.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for i, g := range group {
			results[i] = w.writeOne(ctx, tx, g)
		}
		return tx.Commit()
	})
	for i, g := range group {
		if err != nil {
			results[i] = scanWritten{err: err}
		}
		g.done <- results[i]
	}
}

// writeOne writes one scan in a savepoint: what it wrote is undone if it
// fails halfway.
func (w *liteWriter) writeOne(ctx context.Context, tx *sql.Tx, g *liteWrite) scanWritten {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT scan"); err != nil {
		return scanWritten{err: err}
	}
	res := w.statements(ctx, tx, g)
	if res.err != nil {
		_, _ = tx.ExecContext(ctx, "ROLLBACK TO scan")
	}
	if _, err := tx.ExecContext(ctx, "RELEASE scan"); err != nil && res.err == nil {
		res.err = err
	}
	return res
}

func (w *liteWriter) statements(ctx context.Context, tx *sql.Tx, g *liteWrite) scanWritten {
	r := g.rec
	var fresh, tokenOK, wasInside bool
	if err := tx.StmtContext(ctx, w.stmts.check).QueryRowContext(ctx, r.ScanID, r.Token, r.Token, r.ReceivedAt, r.BadgeID).
		Scan(&fresh, &tokenOK, &wasInside); err != nil || !fresh || !tokenOK {
		return scanWritten{err: err}
	}
	inside := r.Direction == domain.DirectionIn
	repeat := false
	if r.Result == domain.ScanAccepted {
		res, err := tx.StmtContext(ctx, w.stmts.move).ExecContext(ctx, r.BadgeID, r.Serial, r.ScannedAt, g.exclusive,
			inside, r.Checkpoint)
		if err != nil {
			return scanWritten{err: err}
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return scanWritten{err: err} // the badge is no longer as judged
		}
		repeat = inside && wasInside
	}
	var serial *int
	if r.BadgeID != "" {
		serial = &r.Serial
	}
	name, delegation, category, photo := holderColumnsOf(r)
	res, err := tx.StmtContext(ctx, w.stmts.insert).ExecContext(ctx, r.ScanID, r.Event, nilIfEmpty(r.BadgeID),
		nilIfEmpty(r.NominationID), serial, r.Checkpoint, r.Direction, r.Result, r.Reason, repeat, r.Conflict,
		r.DeviceResult, r.Device, r.ScannedAt, r.ReceivedAt, name, delegation, category, photo)
	if err != nil {
		return scanWritten{err: err}
	}
	n, err := res.RowsAffected()
	return scanWritten{ok: n == 1, repeat: repeat, err: err}
}

// writeGate hands a process's SQLite write transactions their turn first
// come, first served. SQLite lets one writer in at a time and makes the
// others poll (its busy handler sleeps up to 100 ms between tries): beside
// a writer that commits back to back, as the scan writer does under load,
// an approval would poll until the busy timeout and fail. A buffered
// channel of one queues its blocked senders in order.
type writeGate struct{ turn chan struct{} }

// gates are the write gates by database file: one per file in a process,
// whichever store opened it.
var gates sync.Map

func gateFor(path string) *writeGate {
	g, _ := gates.LoadOrStore(path, &writeGate{turn: make(chan struct{}, 1)})
	return g.(*writeGate)
}

// run runs fn in its turn; unavailable when the turn does not come within
// busy, as SQLite's own busy timeout would say.
func (g *writeGate) run(ctx context.Context, busy time.Duration, fn func() error) error {
	t := time.NewTimer(busy)
	defer t.Stop()
	select {
	case g.turn <- struct{}{}:
	case <-ctx.Done():
		return translate(ctx.Err())
	case <-t.C:
		return domain.Unavailable(errors.New("another writer held the database beyond the busy timeout"))
	}
	defer func() { <-g.turn }()
	return fn()
}
