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
	if err := s.lockRevocations(ctx, b.EventCode); err != nil {
		return err
	}
	res := s.with(ctx).Model(&badgeRow{}).Where("id = ? AND status = ?", b.ID, domain.BadgeActive).
		Updates(map[string]any{"status": domain.BadgeRevoked, "revoked_at": at, "revoke_reason": reason})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	return s.with(ctx).Create(&revocationRow{EventCode: b.EventCode, BadgeID: b.ID, Serial: b.Serial, RevokedAt: at}).Error
}

// views joins badges with their nominations: two indexed queries rather
// than one wide join, so that both row types scan plainly.
func (s *Store) views(ctx context.Context, rows []badgeRow) ([]domain.BadgeView, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.NominationID
	}
	var noms []nominationRow
	if err := s.with(ctx).Where("id IN ?", ids).Find(&noms).Error; err != nil {
		return nil, err
	}
	by := make(map[string]*nominationRow, len(noms))
	for i := range noms {
		by[noms[i].ID] = &noms[i]
	}
	out := make([]domain.BadgeView, len(rows))
	for i := range rows {
		out[i].Badge = *rows[i].domain()
		if n := by[rows[i].NominationID]; n != nil {
			out[i].Nomination = n.domain()
		}
	}
	return out, nil
}

func (s *Store) Badge(ctx context.Context, event, id string) (*domain.BadgeView, error) {
	if !validID(id) {
		return nil, domain.NotFound("badge")
	}
	var rows []badgeRow
	if err := s.with(ctx).Where("id = ? AND event_code = ?", id, event).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, domain.NotFound("badge")
	}
	v, err := s.views(ctx, rows)
	if err != nil {
		return nil, err
	}
	return &v[0], nil
}

func (s *Store) ListBadges(ctx context.Context, f domain.BadgeFilter) ([]domain.BadgeView, string, error) {
	after, err := decodeCursor(f.Page.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := limitOf(f.Page)
	q := afterKey(inEvent(s.with(ctx).Table("badges"), f.Event, "id"), "id", after).Limit(limit + 1)
	if f.Delegation != "" {
		q = q.Where("nomination_id IN (?)", s.with(ctx).Table("nominations").Select("id").
			Where("event_code = ? AND delegation_code = ?", f.Event, f.Delegation))
	}
	if f.ActiveOnly {
		q = q.Where("status = ?", domain.BadgeActive)
	}
	if f.IDs != nil {
		var ids []string
		for _, id := range f.IDs {
			if validID(id) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return nil, "", nil
		}
		q = q.Where("id IN ?", ids)
	}
	var rows []badgeRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", err
	}
	rows, next := pageOf(rows, limit, func(r badgeRow) string { return r.ID })
	out, err := s.views(ctx, rows)
	return out, next, err
}

func (s *Store) BumpSerial(ctx context.Context, badgeID string, at time.Time) (*domain.Badge, error) {
	var b badgeRow
	if err := s.with(ctx).Where("id = ?", badgeID).Take(&b).Error; err != nil {
		return nil, translate(err)
	}
	if err := s.lockRevocations(ctx, b.EventCode); err != nil {
		return nil, err
	}
	res := s.with(ctx).Exec(`UPDATE badges SET serial = serial + 1, issued_at = ? WHERE id = ? AND serial = ? AND status = ?`,
		at, badgeID, b.Serial, domain.BadgeActive)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, domain.Errorf(domain.CodeInvalidTransition, "the badge changed meanwhile; reload it")
	}
	if err := s.with(ctx).Create(&revocationRow{EventCode: b.EventCode, BadgeID: b.ID, Serial: b.Serial, RevokedAt: at}).Error; err != nil {
		return nil, err
	}
	b.Serial++
	b.IssuedAt = at
	return b.domain(), nil
}

func (s *Store) Revocations(ctx context.Context, event string, since int64, limit int) ([]domain.Revocation, error) {
	var rows []revocationRow
	err := s.with(ctx).Where("event_code = ? AND seq > ?", event, since).Order("seq").Limit(limit).Find(&rows).Error
	out := make([]domain.Revocation, len(rows))
	for i, r := range rows {
		out[i] = domain.Revocation{Seq: r.Seq, BadgeID: r.BadgeID, Serial: r.Serial, RevokedAt: r.RevokedAt.UTC()}
	}
	return out, err
}

// SetBadgeValidity moves every badge of an event to the event's window.
func (s *Store) SetBadgeValidity(ctx context.Context, event string, from, until time.Time) error {
	return s.with(ctx).Model(&badgeRow{}).Where("event_code = ?", event).
		Updates(map[string]any{"valid_from": from, "valid_until": until}).Error
}

// lockRevocations makes revocations of an event commit in the order of
// their seq: the feed's cursor is the last seq a scanner saw, and a seq
// that committed after a higher one would never reach it. On PostgreSQL a
// transaction-scoped advisory lock per event serialises these writers (it
// is released at commit); SQLite's writers are serialised already.
func (s *Store) lockRevocations(ctx context.Context, event string) error {
	if s.dialect != Postgres {
		return nil
	}
	return s.with(ctx).Exec(`SELECT pg_advisory_xact_lock(hashtext(?))`, "accredit-revocations:"+event).Error
}

type rosterRow struct {
	ID, NominationID, Category                       string
	Serial                                           int
	Honorific, GivenName, FamilyName, DelegationCode string
	HasPhoto                                         bool
}

// Roster reads a page of an event's active badges with their holders in
// one join, in badge id order along the (event_code, id) index.
func (s *Store) Roster(ctx context.Context, event string, p domain.Page) ([]domain.RosterEntry, string, error) {
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := limitOf(p)
	var rows []rosterRow
	q := s.with(ctx).Table("badges b").
		Select("b.id, b.nomination_id, b.category, b.serial, n.honorific, n.given_name, n.family_name, n.delegation_code, n.has_photo").
		Joins("JOIN nominations n ON n.id = b.nomination_id").
		Where("b.event_code >= ? AND b.event_code <= ? AND b.status = ?", event, event, domain.BadgeActive).
		Order("b.event_code, b.id").Limit(limit + 1)
	if err := afterKey(q, "b.id", after).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	rows, next := pageOf(rows, limit, func(r rosterRow) string { return r.ID })
	out := make([]domain.RosterEntry, len(rows))
	for i, r := range rows {
		person := domain.Person{Honorific: r.Honorific, GivenName: r.GivenName, FamilyName: r.FamilyName}
		out[i] = domain.RosterEntry{BadgeID: r.ID, Serial: r.Serial, NominationID: r.NominationID,
			DisplayName: person.DisplayName(), Delegation: r.DelegationCode, Category: r.Category, HasPhoto: r.HasPhoto}
	}
	return out, next, nil
}
