package storage

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/osce/accredit/domain"
)

type scanRow struct {
	Seq          int64 `gorm:"primaryKey;autoIncrement"`
	ScanID       string
	EventCode    string
	BadgeID      *string
	NominationID *string
	Serial       *int
	Checkpoint   string
	Direction    string
	Result       string
	Reason       string
	Repeat       bool
	Conflict     bool
	DeviceResult string
	Device       string
	ScannedAt    time.Time
	ReceivedAt   time.Time
	// What the answer said of the badge's holder; holder_category is
	// empty when it named no badge.
	HolderName       string
	HolderDelegation string
	HolderCategory   string
	HolderPhoto      bool
}

func (scanRow) TableName() string { return "scans" }

func (r *scanRow) domain() domain.ScanRecord {
	rec := domain.ScanRecord{Seq: r.Seq, ScanID: r.ScanID, Event: r.EventCode, BadgeID: deref(r.BadgeID),
		NominationID: deref(r.NominationID), Checkpoint: r.Checkpoint, Direction: r.Direction, Result: r.Result,
		Reason: r.Reason, Repeat: r.Repeat, Conflict: r.Conflict, DeviceResult: r.DeviceResult, Device: r.Device,
		ScannedAt: r.ScannedAt.UTC(), ReceivedAt: r.ReceivedAt.UTC()}
	if r.Serial != nil {
		rec.Serial = *r.Serial
	}
	if r.HolderCategory != "" {
		rec.Holder = &domain.ScanHolder{DisplayName: r.HolderName, Delegation: r.HolderDelegation,
			Category: r.HolderCategory, Photo: r.HolderPhoto}
	}
	return rec
}

// holderColumnsOf is what a record's answer said of the holder, as
// written to the holder_* columns.
func holderColumnsOf(r *domain.ScanRecord) (name, delegation, category string, photo bool) {
	if h := r.Holder; h != nil {
		return h.DisplayName, h.Delegation, h.Category, h.Photo
	}
	return "", "", "", false
}

// scanBadgeSQL is read on every cache miss at the door.
var scanBadgeSQL = newHotSQL(`SELECT ` + badgeViewColumns + `
FROM badges b JOIN nominations n ON n.id = b.nomination_id WHERE b.id = ? LIMIT 1`)

func (s *Store) ScanBadge(ctx context.Context, badgeID string) (*domain.ScanBadge, error) {
	if !validID(badgeID) {
		return nil, domain.NotFound("badge")
	}
	rows, err := s.queryHot(ctx, scanBadgeSQL, badgeID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, translate(err)
		}
		return nil, domain.NotFound("badge")
	}
	var v badgeView
	if err := rows.Scan(v.dest()...); err != nil {
		return nil, translate(err)
	}
	if err := rows.Close(); err != nil {
		return nil, translate(err)
	}
	return v.domain(), nil
}

func (s *Store) ScanByID(ctx context.Context, event, scanID string) (*domain.ScanRecord, error) {
	if !validID(scanID) {
		return nil, domain.NotFound("scan")
	}
	var row scanRow
	if err := s.with(ctx).Where("scan_id = ?", scanID).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	if row.EventCode != event {
		return nil, domain.Errorf(domain.CodeConflict, "scan_id %s was already used at another event", scanID)
	}
	rec := row.domain()
	return &rec, nil
}

func (s *Store) ListScans(ctx context.Context, f domain.ScanFilter) ([]domain.ScanRecord, string, error) {
	after, err := decodeCursor(f.Page.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := limitOf(f.Page)
	q := inEvent(s.with(ctx), f.Event, "seq").Limit(limit + 1)
	if after != "" {
		seq, err := strconv.ParseInt(after, 10, 64)
		if err != nil {
			return nil, "", domain.Invalid(domain.FieldError{Field: "cursor", Code: "invalid", Message: "is not a cursor this server issued"})
		}
		q = q.Where("seq > ?", seq)
	}
	if f.Badge != "" {
		if !validID(f.Badge) {
			return nil, "", nil
		}
		q = q.Where("badge_id = ?", f.Badge)
	}
	if f.Checkpoint != "" {
		q = q.Where("checkpoint = ?", f.Checkpoint)
	}
	if f.Result != "" {
		q = q.Where("result = ?", f.Result)
	}
	var rows []scanRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", err
	}
	rows, next := pageOf(rows, limit, func(r scanRow) string { return strconv.FormatInt(r.Seq, 10) })
	out := make([]domain.ScanRecord, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, next, nil
}

// holderColumns are the nomination columns that name a badge holder.
const holderColumns = `n.id AS nomination_id, n.honorific, n.given_name, n.family_name, n.delegation_code, n.category`

type holderRow struct {
	NominationID   string
	Honorific      string
	GivenName      string
	FamilyName     string
	DelegationCode string
	Category       string
}

func (h holderRow) displayName() string {
	p := domain.Person{Honorific: h.Honorific, GivenName: h.GivenName, FamilyName: h.FamilyName}
	return p.DisplayName()
}

func (s *Store) Presence(ctx context.Context, event string) ([]domain.Presence, error) {
	var rows []struct {
		NominationID, Honorific, GivenName, FamilyName, DelegationCode, Category string
		BadgeID                                                                  string
		LastScanAt                                                               time.Time
		LastCheckpoint                                                           string
	}
	err := s.with(ctx).Table("badges b").Select(holderColumns+`, b.id AS badge_id, b.last_scan_at, b.last_checkpoint`).
		Joins("JOIN nominations n ON n.id = b.nomination_id").
		Where("b.event_code = ? AND b.inside = ?", event, true).
		Order("n.delegation_code, n.family_name, n.given_name").Find(&rows).Error
	out := make([]domain.Presence, len(rows))
	for i, r := range rows {
		h := holderRow{r.NominationID, r.Honorific, r.GivenName, r.FamilyName, r.DelegationCode, r.Category}
		out[i] = domain.Presence{NominationID: r.NominationID, BadgeID: r.BadgeID, DisplayName: h.displayName(),
			Delegation: r.DelegationCode, Category: r.Category, Since: r.LastScanAt.UTC(), Checkpoint: r.LastCheckpoint}
	}
	return out, err
}

func (s *Store) Attendance(ctx context.Context, event string, from, until time.Time) ([]domain.Attendance, error) {
	var rows []struct {
		NominationID, Honorific, GivenName, FamilyName, DelegationCode, Category string
		Direction, First, Last                                                   string
	}
	// MIN/MAX over the timestamp column come back as text on SQLite; both
	// dialects' text sorts in time order, and parseDBTime reads either.
	err := s.with(ctx).Table("scans s").
		Select(holderColumns+`, s.direction, MIN(s.scanned_at) AS first, MAX(s.scanned_at) AS last`).
		Joins("JOIN nominations n ON n.id = s.nomination_id").
		Where("s.event_code = ? AND s.result = ? AND s.scanned_at >= ? AND s.scanned_at < ?", event, domain.ScanAccepted, from, until).
		Group("n.id, n.honorific, n.given_name, n.family_name, n.delegation_code, n.category, s.direction").
		Order("n.delegation_code, n.family_name, n.given_name, n.id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	var out []domain.Attendance
	index := map[string]int{}
	for _, r := range rows {
		i, ok := index[r.NominationID]
		if !ok {
			i = len(out)
			index[r.NominationID] = i
			h := holderRow{r.NominationID, r.Honorific, r.GivenName, r.FamilyName, r.DelegationCode, r.Category}
			out = append(out, domain.Attendance{NominationID: r.NominationID, DisplayName: h.displayName(),
				Delegation: r.DelegationCode, Category: r.Category})
		}
		if r.Direction == domain.DirectionIn {
			out[i].FirstIn = parseDBTime(r.First)
		} else {
			out[i].LastOut = parseDBTime(r.Last)
		}
	}
	return out, nil
}

// parseDBTime reads an aggregated timestamp in either dialect's text form.
func parseDBTime(s string) *time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999-07",
		"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}

// RecordScan records a judged scan through the group writer of the
// dialect (groupSQL on PostgreSQL, liteWriter on SQLite), which answers
// after its commit: see domain.ScanStore.RecordScan. A store bound to a
// transaction has no writer: the door's scans are never part of another
// transaction.
func (s *Store) RecordScan(ctx context.Context, r *domain.ScanRecord, exclusive bool) (bool, bool, error) {
	if s.writer == nil {
		return false, false, errors.New("scans are recorded by the root store, outside any transaction")
	}
	return s.writer.write(ctx, r, exclusive)
}
