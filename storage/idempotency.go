package storage

import (
	"context"
	"errors"
	"hash/fnv"
	"sync"
	"time"

	"github.com/osce/accredit/domain"
)

// An idempotency key's row is its answer: it is inserted by the
// transaction that makes the request's change, so a request that failed
// (refused, crashed, cut off from the database) leaves no row and its
// retry is judged afresh. While a request runs, its key is held by a lock
// that dies with it:
//
//   - PostgreSQL: pg_try_advisory_xact_lock on a hash of scope and key,
//     taken first in the change's transaction. It ends with the
//     transaction, and with the connection if the process dies or the
//     database drops it, so no process ever waits on a dead request; it
//     holds across every process sharing the database.
//   - SQLite: one process per database file, so an in-process set of the
//     keys in flight, taken before the transaction (SQLite queues
//     writers: a duplicate taking its turn after the first commits would
//     be told the answer, but only once the first is done). A killed
//     process holds nothing. Should two processes share a file anyway,
//     the second one's transaction waits for the first's commit and finds
//     its answer.
//
// Rows with done = false are claims left by versions before this design;
// they are ignored and cleared like expired keys.

type idempotencyRow struct {
	Scope       string `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey"`
	RequestHash string
	Done        bool
	Status      int
	Body        []byte
	CreatedAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// inFlight holds the SQLite keys whose request is running in this
// process, by database file, scope and key.
var inFlight sync.Map

func (s *Store) IdempotentAnswer(ctx context.Context, scope, key string, since time.Time) (*domain.IdempotentResponse, error) {
	var rows []idempotencyRow
	err := s.with(ctx).Where("scope = ? AND key = ? AND done = ? AND created_at >= ?", scope, key, true, since).
		Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, translate(err)
	}
	r := rows[0]
	return &domain.IdempotentResponse{RequestHash: r.RequestHash, Status: r.Status, Body: r.Body}, nil
}

func (s *Store) HoldIdempotencyKey(ctx context.Context, scope, key string) (func(), error) {
	if s.dialect == Postgres {
		return func() {}, nil // ClaimIdempotencyKey's lock holds it, in every process
	}
	id := s.path + "\x00" + scope + "\x00" + key
	if _, taken := inFlight.LoadOrStore(id, struct{}{}); taken {
		return nil, errInFlight
	}
	return func() { inFlight.Delete(id) }, nil
}

var errInFlight = domain.Errorf(domain.CodeConflict, "a request with this Idempotency-Key is still in progress; retry later")

func (s *Store) ClaimIdempotencyKey(ctx context.Context, scope, key string, since time.Time) (*domain.IdempotentResponse, error) {
	if !s.inTx {
		return nil, errors.New("ClaimIdempotencyKey outside a transaction would hold nothing")
	}
	db := s.with(ctx)
	if s.dialect == Postgres {
		var locked bool
		if err := db.Raw(`SELECT pg_try_advisory_xact_lock(?)`, lockID(scope, key)).Scan(&locked).Error; err != nil {
			return nil, translate(err)
		}
		if !locked {
			return nil, errInFlight
		}
	}
	err := db.Where("scope = ? AND key = ? AND (done = ? OR created_at < ?)", scope, key, false, since).
		Delete(&idempotencyRow{}).Error
	if err != nil {
		return nil, translate(err)
	}
	return s.IdempotentAnswer(ctx, scope, key, since)
}

// lockID is the advisory lock of a key: 64 bits of its hash, so that two
// keys share a lock (and one waits on the other's 409) about never.
func lockID(scope, key string) int64 {
	h := fnv.New64a()
	h.Write([]byte(scope))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return int64(h.Sum64())
}

func (s *Store) RecordIdempotentAnswer(ctx context.Context, scope, key string, r domain.IdempotentResponse, at time.Time) error {
	row := idempotencyRow{Scope: scope, Key: key, RequestHash: r.RequestHash, Done: true, Status: r.Status, Body: r.Body, CreatedAt: at}
	err := s.with(ctx).Create(&row).Error
	if err == nil {
		return nil
	}
	if _, dup := uniqueViolation(err); dup {
		return domain.Errorf(domain.CodeConflict, "a request with this Idempotency-Key was answered meanwhile; retry to get its answer")
	}
	return translate(err)
}

func (s *Store) DeleteIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.inTurn(ctx, func() error {
		res := s.with(ctx).Where("created_at < ?", before).Delete(&idempotencyRow{})
		n = res.RowsAffected
		return res.Error
	})
	return n, translate(err)
}
