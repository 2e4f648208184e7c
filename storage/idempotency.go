package storage

import (
	"context"
	"time"

	"github.com/osce/accredit/domain"
)

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

// staleClaim is how long an unfinished claim blocks its key: longer than
// any request may run, so a claim left by a crashed process frees itself.
const staleClaim = 2 * time.Minute

// ReserveIdempotencyKey claims the key with a committed row before the
// request runs, so that a concurrent duplicate in any process sees the claim
// (the primary key decides who was first). The usual case is one INSERT.
func (s *Store) ReserveIdempotencyKey(ctx context.Context, scope, key, hash string) (*domain.IdempotentResponse, error) {
	db := s.with(ctx)
	for attempt := 0; ; attempt++ {
		now := s.db.NowFunc()
		res := db.Exec(`INSERT INTO idempotency_keys (scope, key, request_hash, done, status, created_at)
			VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING`, scope, key, hash, false, now)
		if res.Error != nil {
			return nil, res.Error
		}
		if res.RowsAffected == 1 {
			return nil, nil
		}
		var rows []idempotencyRow
		if err := db.Where("scope = ? AND key = ?", scope, key).Limit(1).Find(&rows).Error; err != nil {
			return nil, err
		}
		if len(rows) == 0 && attempt < 3 {
			continue // released meanwhile: claim it
		}
		if len(rows) == 0 {
			return nil, domain.Errorf(domain.CodeConflict, "this Idempotency-Key is being claimed and released concurrently; retry")
		}
		r := rows[0]
		if !r.Done && r.CreatedAt.Before(now.Add(-staleClaim)) && attempt < 3 {
			// A claim left by a process that died mid-request.
			if err := db.Where("scope = ? AND key = ? AND done = ? AND created_at = ?", scope, key, false, r.CreatedAt).
				Delete(&idempotencyRow{}).Error; err != nil {
				return nil, err
			}
			continue
		}
		return &domain.IdempotentResponse{RequestHash: r.RequestHash, Done: r.Done, Status: r.Status, Body: r.Body}, nil
	}
}

// CompleteIdempotencyKey records the answer on the request's own claim. If
// the claim is gone (expired and taken over by a retry) the request must
// not commit, so that the retry's judgement stands alone.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, scope, key string, status int, body []byte) error {
	res := s.with(ctx).Model(&idempotencyRow{}).Where("scope = ? AND key = ? AND done = ?", scope, key, false).
		Updates(map[string]any{"done": true, "status": status, "body": body})
	if res.Error == nil && res.RowsAffected != 1 {
		return domain.Errorf(domain.CodeConflict, "this request's Idempotency-Key claim expired meanwhile; retry")
	}
	return res.Error
}

func (s *Store) ReleaseIdempotencyKey(ctx context.Context, scope, key string) error {
	return s.with(ctx).Where("scope = ? AND key = ? AND done = ?", scope, key, false).Delete(&idempotencyRow{}).Error
}
