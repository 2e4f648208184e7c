package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/osce/accredit/domain"
)

// scanWriter is group commit for the door: scans that arrive together
// are written by one statement in one transaction, and each is answered
// only after that commit. It takes what is queued, never waits
// for more, so a lone scan is not delayed; under load the groups grow.
type scanWriter struct {
	db     *sql.DB
	reqs   chan *scanWrite
	quit   chan struct{}
	wg     sync.WaitGroup
	mu     sync.RWMutex // held for reading while sending, so close waits for sends
	closed bool
}

type scanWrite struct {
	rec                           *domain.ScanRecord
	scanID, badgeID, nominationID pgtype.UUID
	exclusive                     bool
	done                          chan scanWritten
}

type scanWritten struct {
	ok, repeat bool
	err        error
}

const (
	scanGroupMax     = 256
	scanWriterFlush  = 2 // groups in flight: one gathers while one commits
	scanWriterBuffer = 4096
)

// openScanWriterDB gives the writer connections of its own, so that the
// door's writes never queue behind the request pool, with sequential
// scans off: groupSQL reads scans, tokens and badges by unique keys only,
// and on a fresh database the planner, told the scans table is empty,
// would otherwise look scan_ids up by reading the whole table, for every
// row, as it fills (the p99 it cost: docs/performance.md, "The query styles").
func openScanWriterDB(url string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["enable_seqscan"] = "off"
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(scanWriterFlush)
	db.SetMaxIdleConns(scanWriterFlush)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

func newScanWriter(db *sql.DB) *scanWriter {
	w := &scanWriter{db: db, reqs: make(chan *scanWrite, scanWriterBuffer), quit: make(chan struct{})}
	for range scanWriterFlush {
		w.wg.Add(1)
		go w.run()
	}
	return w
}

func (w *scanWriter) close() {
	w.mu.Lock()
	w.closed = true
	close(w.quit)
	w.mu.Unlock()
	w.wg.Wait() // the runners drain what was sent before
	w.db.Close()
}

// write queues one judged scan and waits for its group's commit.
func (w *scanWriter) write(ctx context.Context, r *domain.ScanRecord, exclusive bool) (bool, bool, error) {
	req := &scanWrite{rec: r, exclusive: exclusive, done: make(chan scanWritten, 1)}
	// The ids travel in binary: parsed here once rather than as text by
	// the server.
	if err := req.scanID.Scan(r.ScanID); err != nil {
		return false, false, domain.Invalid(domain.FieldError{Field: "scan_id", Code: "uuid", Message: "must be a UUID"})
	}
	if err := errors.Join(optionalUUID(&req.badgeID, r.BadgeID), optionalUUID(&req.nominationID, r.NominationID)); err != nil {
		return false, false, err
	}
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

func (w *scanWriter) run() {
	defer w.wg.Done()
	var carry []*scanWrite
	for {
		var first *scanWrite
		if len(carry) > 0 {
			first, carry = carry[0], carry[1:]
		} else {
			select {
			case first = <-w.reqs:
			case <-w.quit:
				w.drain()
				return
			}
		}
		group, rest := w.gather(first, carry)
		carry = rest
		w.flush(group)
	}
}

// drain writes what is still queued at close, so that no caller waits
// forever.
func (w *scanWriter) drain() {
	for {
		select {
		case x := <-w.reqs:
			w.flush([]*scanWrite{x})
		default:
			return
		}
	}
}

// gather takes what is queued now, each badge and each scan_id at most
// once: a second scan of the same badge waits for this runner's next
// group. (The other runner may take a later scan of that badge first;
// the statement re-checks each badge against its latest version, so
// either order is judged correctly.)
func (w *scanWriter) gather(first *scanWrite, carry []*scanWrite) (group, rest []*scanWrite) {
	seen := map[pgtype.UUID]bool{}
	take := func(x *scanWrite) {
		if seen[x.scanID] || (x.badgeID.Valid && seen[x.badgeID]) || len(group) >= scanGroupMax {
			rest = append(rest, x)
			return
		}
		seen[x.scanID] = true
		if x.badgeID.Valid {
			seen[x.badgeID] = true
		}
		group = append(group, x)
	}
	take(first)
	for _, x := range carry {
		take(x)
	}
	for len(group) < scanGroupMax && len(rest) < scanGroupMax {
		select {
		case x := <-w.reqs:
			take(x)
		default:
			return group, rest
		}
	}
	return group, rest
}

// groupSQL records every scan of the group whose scan_id is new and whose
// token (when taken from a view) is still active, in one statement: a
// rejection as it is; an acceptance only if it also moves its badge, whose
// row must still pass the write's re-check of the scan rule
// (stillAsJudged; see Store.RecordScan).
var groupSQL = `WITH input AS (
	SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::bool[], $6::bool[], $7::text[],
		$8::text[], $9::timestamptz[], $10::timestamptz[], $11::text[], $12::text[], $13::bool[], $14::text[], $15::text[],
		$16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::bool[])
	AS t(scan_id, badge_id, nomination_id, serial, inside, exclusive, checkpoint, direction, scanned_at,
		received_at, event_code, device, conflict, device_result, token, result, reason,
		holder_name, holder_delegation, holder_category, holder_photo)
),
allowed AS (
	SELECT i.scan_id, i.badge_id, i.serial, i.inside, i.exclusive, i.checkpoint, i.scanned_at, i.result FROM input i
	WHERE NOT EXISTS (SELECT 1 FROM scans s WHERE s.scan_id = i.scan_id)
		AND (i.token = '' OR EXISTS (SELECT 1 FROM tokens t WHERE t.hash = i.token AND t.revoked_at IS NULL
			AND (t.expires_at IS NULL OR t.expires_at > i.received_at)))
),
moved AS (
	UPDATE badges b SET was_inside = b.inside, inside = a.inside, last_checkpoint = a.checkpoint,
		last_scan_at = a.scanned_at
	FROM allowed a
	WHERE a.result = 'accepted' AND b.id = a.badge_id AND ` + stillAsJudged + `
	RETURNING a.scan_id, a.inside AND b.was_inside AS repeat
)
INSERT INTO scans (scan_id, event_code, badge_id, nomination_id, serial, checkpoint, direction, result, reason,
	repeat, conflict, device_result, device, scanned_at, received_at, holder_name, holder_delegation, holder_category,
	holder_photo)
SELECT i.scan_id, i.event_code, i.badge_id, i.nomination_id, i.serial, i.checkpoint, i.direction, i.result, i.reason,
	coalesce(m.repeat, false), i.conflict, i.device_result, i.device, i.scanned_at, i.received_at, i.holder_name,
	i.holder_delegation, i.holder_category, i.holder_photo
FROM input i LEFT JOIN moved m ON m.scan_id = i.scan_id
WHERE m.scan_id IS NOT NULL OR (i.result = 'rejected' AND i.scan_id IN (SELECT scan_id FROM allowed))
RETURNING scan_id, repeat`

func (w *scanWriter) flush(group []*scanWrite) {
	// In badge order, so that concurrent groups (the other runner, other
	// processes) lock the badges they share in the same order. Should a
	// plan ever update out of order, the deadlock is retried row by row.
	slices.SortFunc(group, func(a, b *scanWrite) int { return bytes.Compare(a.badgeID.Bytes[:], b.badgeID.Bytes[:]) })
	n := len(group)
	strs := func() []string { return make([]string, n) }
	ids := func() []pgtype.UUID { return make([]pgtype.UUID, n) }
	flags := func() []bool { return make([]bool, n) }
	scanIDs, badgeIDs, nomIDs := ids(), ids(), ids()
	checkpoints, directions, events, devices, deviceResults := strs(), strs(), strs(), strs(), strs()
	tokens, results, reasons := strs(), strs(), strs()
	names, delegations, categories := strs(), strs(), strs()
	inside, exclusive, conflict, photos := flags(), flags(), flags(), flags()
	serials := make([]pgtype.Int4, n)
	scannedAt, receivedAt := make([]time.Time, n), make([]time.Time, n)
	for i, g := range group {
		r := g.rec
		scanIDs[i], badgeIDs[i], nomIDs[i] = g.scanID, g.badgeID, g.nominationID
		serials[i] = pgtype.Int4{Int32: int32(r.Serial), Valid: r.BadgeID != ""}
		inside[i], exclusive[i] = r.Direction == domain.DirectionIn, g.exclusive
		checkpoints[i], directions[i], scannedAt[i], receivedAt[i] = r.Checkpoint, r.Direction, r.ScannedAt, r.ReceivedAt
		events[i], devices[i], conflict[i], deviceResults[i], tokens[i] = r.Event, r.Device, r.Conflict, r.DeviceResult, r.Token
		results[i], reasons[i] = r.Result, r.Reason
		names[i], delegations[i], categories[i], photos[i] = holderColumnsOf(r)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	written := map[[16]byte]bool{}
	rows, err := w.db.QueryContext(ctx, groupSQL, scanIDs, badgeIDs, nomIDs, serials, inside, exclusive, checkpoints,
		directions, scannedAt, receivedAt, events, devices, conflict, deviceResults, tokens, results, reasons,
		names, delegations, categories, photos)
	if err == nil {
		for rows.Next() {
			var id pgtype.UUID
			var repeat bool
			if err = rows.Scan(&id, &repeat); err != nil {
				break
			}
			written[id.Bytes] = repeat
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
	}
	if err != nil && n > 1 && rowCaused(err) {
		// One bad row must not fail its neighbours' scans: write each alone.
		// (A lost connection or a timeout is the group's, not a row's:
		// retrying row by row would only hold the door longer.)
		for _, g := range group {
			w.flush([]*scanWrite{g})
		}
		return
	}
	if err != nil && isScanIDTaken(err) {
		// The same scan_id committed elsewhere between the check and the
		// insert (the statement has no ON CONFLICT clause: a speculative
		// insertion for every row costs more than this rare retry). Nothing
		// was written; the caller reads what was.
		err = nil
	}
	for _, g := range group {
		repeat, ok := written[g.scanID.Bytes]
		g.done <- scanWritten{ok: ok && err == nil, repeat: repeat, err: err}
	}
}

// optionalUUID parses s into u; empty leaves u NULL.
func optionalUUID(u *pgtype.UUID, s string) error {
	if s == "" {
		return nil
	}
	return u.Scan(s)
}

// rowCaused tells an error one row can cause (bad data, a constraint, a
// deadlock or serialization failure with another writer) from one that
// is the whole statement's.
func rowCaused(err error) bool {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return false
	}
	c := pg.Code
	return strings.HasPrefix(c, "22") || strings.HasPrefix(c, "23") || c == "40P01" || c == "40001"
}

func isScanIDTaken(err error) bool {
	name, dup := uniqueViolation(err)
	return dup && name == "scans_scan_id_key"
}
