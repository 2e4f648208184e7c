package storage

import (
	"context"
	"time"

	"github.com/osce/accredit/domain"
)

type enrolmentRow struct {
	ID         string `gorm:"primaryKey"`
	Hash       string
	EventCode  string
	Name       string
	Checkpoint *string
	Direction  *string
	ExpiresAt  time.Time
	UsedAt     *time.Time
	TokenID    *string
	CreatedBy  *string
	CreatedAt  time.Time
}

func (enrolmentRow) TableName() string { return "enrolments" }

func (r *enrolmentRow) domain() *domain.Enrolment {
	return &domain.Enrolment{ID: r.ID, Event: r.EventCode, Name: r.Name, Checkpoint: deref(r.Checkpoint),
		Direction: deref(r.Direction), ExpiresAt: r.ExpiresAt.UTC(), UsedAt: utcp(r.UsedAt), TokenID: deref(r.TokenID),
		CreatedBy: deref(r.CreatedBy), CreatedAt: r.CreatedAt.UTC()}
}

func (s *Store) CreateEnrolment(ctx context.Context, e *domain.Enrolment, hash string) error {
	if e.ID == "" {
		e.ID = newID()
	}
	row := enrolmentRow{ID: e.ID, Hash: hash, EventCode: e.Event, Name: e.Name, Checkpoint: nilIfEmpty(e.Checkpoint),
		Direction: nilIfEmpty(e.Direction), ExpiresAt: e.ExpiresAt, CreatedBy: nilIfEmpty(e.CreatedBy), CreatedAt: e.CreatedAt}
	return translate(s.with(ctx).Create(&row).Error)
}

func (s *Store) Enrolment(ctx context.Context, hash string) (*domain.Enrolment, error) {
	var rows []enrolmentRow
	if err := s.with(ctx).Where("hash = ?", hash).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, domain.NotFound("enrolment")
	}
	return rows[0].domain(), nil
}

// UseEnrolment claims the code in one statement: of two devices racing one
// code, the second's update finds used_at set (PostgreSQL re-reads the row
// once the first commits; SQLite runs the two one after the other) and
// changes nothing.
func (s *Store) UseEnrolment(ctx context.Context, hash, tokenID string, now time.Time) (bool, error) {
	res := s.with(ctx).Exec(`UPDATE enrolments SET used_at = ?, token_id = ?
		WHERE hash = ? AND used_at IS NULL AND expires_at > ?`, now, tokenID, hash, now)
	return res.RowsAffected == 1, translate(res.Error)
}
