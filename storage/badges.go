package storage

import (
	"context"
	"time"

	"github.com/osce/accredit/domain"
)

type badgeRow struct {
	ID           string `gorm:"primaryKey"`
	NominationID string
	EventCode    string
	Serial       int
	Status       string
	Category     string
	ValidFrom    time.Time
	ValidUntil   time.Time
	IssuedAt     time.Time
	RevokedAt    *time.Time
	RevokeReason string
}

func (badgeRow) TableName() string { return "badges" }

func (r *badgeRow) domain() *domain.Badge {
	return &domain.Badge{ID: r.ID, NominationID: r.NominationID, Event: r.EventCode, Serial: r.Serial,
		Status: r.Status, Category: r.Category, ValidFrom: r.ValidFrom.UTC(), ValidUntil: r.ValidUntil.UTC(),
		IssuedAt: r.IssuedAt.UTC(), RevokedAt: utcp(r.RevokedAt), RevokeReason: r.RevokeReason}
}

type revocationRow struct {
	Seq       int64 `gorm:"primaryKey;autoIncrement"`
	EventCode string
	BadgeID   string
	Serial    int
	RevokedAt time.Time
}

func (revocationRow) TableName() string { return "revocations" }

func (s *Store) InsertBadge(ctx context.Context, b *domain.Badge) error {
	if b.ID == "" {
		b.ID = newID()
	}
	row := badgeRow{ID: b.ID, NominationID: b.NominationID, EventCode: b.Event, Serial: b.Serial, Status: b.Status,
		Category: b.Category, ValidFrom: b.ValidFrom, ValidUntil: b.ValidUntil, IssuedAt: b.IssuedAt}
	return translate(s.with(ctx).Create(&row).Error)
}

func (s *Store) RevokeBadge(ctx context.Context, nominationID, reason string, at time.Time) error {
	var rows []badgeRow
	if err := s.with(ctx).Where("nomination_id = ? AND status = ?", nominationID, domain.BadgeActive).Limit(1).Find(&rows).Error; err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	b := rows[0]
	res := s.with(ctx).Model(&badgeRow{}).Where("id = ? AND status = ?", b.ID, domain.BadgeActive).
		Updates(map[string]any{"status": domain.BadgeRevoked, "revoked_at": at, "revoke_reason": reason})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	return s.with(ctx).Create(&revocationRow{EventCode: b.EventCode, BadgeID: b.ID, Serial: b.Serial, RevokedAt: at}).Error
}
