package storage

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/osce/accredit/domain"
)

type signingKeyRow struct {
	KID        string `gorm:"column:kid;primaryKey"`
	RecordedAt time.Time
}

func (signingKeyRow) TableName() string { return "signing_keys" }

// SigningKeys lists the key ids recorded by RecordSigningKey, oldest first.
func (s *Store) SigningKeys(ctx context.Context) ([]string, error) {
	var kids []string
	err := s.with(ctx).Model(&signingKeyRow{}).Order("recorded_at, kid").Pluck("kid", &kids).Error
	return kids, err
}

// RecordSigningKey remembers that a process signs badge codes with kid;
// recording it again changes nothing.
func (s *Store) RecordSigningKey(ctx context.Context, kid string, at time.Time) error {
	return s.with(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&signingKeyRow{KID: kid, RecordedAt: at}).Error
}

// CountValidBadges counts the active badges still valid at or after at:
// the badges whose printed codes must keep verifying.
func (s *Store) CountValidBadges(ctx context.Context, at time.Time) (int, error) {
	var n int64
	err := s.with(ctx).Model(&badgeRow{}).Where("status = ? AND valid_until > ?", domain.BadgeActive, at).Count(&n).Error
	return int(n), err
}
