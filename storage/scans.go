package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

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
	Response     string // the whole answer, as scans before migration 00007 stored it
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
	if r.Response != "" {
		_ = json.Unmarshal([]byte(r.Response), &rec.Response) // a scan recorded before 00007
	} else {
		rec.Response = rec.Answer()
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
var scanBadgeSQL = newHotSQL(`SELECT b.id, b.nomination_id, b.event_code, b.serial, b.status, b.category,
	b.valid_from, b.valid_until, b.inside, n.honorific, n.given_name, n.family_name, n.delegation_code, n.has_photo
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
	var r struct {
		ID, NominationID, EventCode, Status, Category    string
		Serial                                           int
		ValidFrom, ValidUntil                            time.Time
		Inside, HasPhoto                                 bool
		Honorific, GivenName, FamilyName, DelegationCode string
	}
	if err := rows.Scan(&r.ID, &r.NominationID, &r.EventCode, &r.Serial, &r.Status, &r.Category, &r.ValidFrom,
		&r.ValidUntil, &r.Inside, &r.Honorific, &r.GivenName, &r.FamilyName, &r.DelegationCode, &r.HasPhoto); err != nil {
		return nil, translate(err)
	}
	if err := rows.Close(); err != nil {
		return nil, translate(err)
	}
	p := domain.Person{Honorific: r.Honorific, GivenName: r.GivenName, FamilyName: r.FamilyName}
	return &domain.ScanBadge{Badge: domain.Badge{ID: r.ID, NominationID: r.NominationID, Event: r.EventCode, Serial: r.Serial,
		Status: r.Status, Category: r.Category, ValidFrom: r.ValidFrom.UTC(), ValidUntil: r.ValidUntil.UTC()},
		DisplayName: p.DisplayName(), Delegation: r.DelegationCode, HasPhoto: r.HasPhoto, Inside: r.Inside}, nil
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
	// The stored answer was written before the repeat flag was known; the
	// column is authoritative.
	rec.Response.Repeat = rec.Repeat
	return &rec, nil
}

func (s *Store) InsertScan(ctx context.Context, r *domain.ScanRecord) (bool, error) {
	if r.Result != domain.ScanRejected {
		// An accepted scan moves its badge: that is RecordAccepted's job.
		return false, fmt.Errorf("InsertScan records rejections only, not %q", r.Result)
	}
	if s.writer != nil {
		ok, _, err := s.writer.write(ctx, r, false)
		return ok, err
	}
	var serial *int
	if r.BadgeID != "" {
		serial = &r.Serial
	}
	name, delegation, category, photo := holderColumnsOf(r)
	guard, gargs := tokenGuard(r)
	args := append([]any{r.ScanID, r.Event, nilIfEmpty(r.BadgeID), nilIfEmpty(r.NominationID), serial, r.Checkpoint,
		r.Direction, r.Result, r.Reason, r.Repeat, r.Conflict, r.DeviceResult, r.Device, r.ScannedAt, r.ReceivedAt,
		name, delegation, category, photo}, gargs...)
	res := s.with(ctx).Exec(`INSERT INTO scans (scan_id, event_code, badge_id, nomination_id, serial, checkpoint,
		direction, result, reason, repeat, conflict, device_result, device, scanned_at, received_at, response,
		holder_name, holder_delegation, holder_category, holder_photo)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ? WHERE 1 = 1`+guard+` ON CONFLICT (scan_id) DO NOTHING`, args...)
	return res.RowsAffected == 1, translate(res.Error)
}

// tokenGuard makes a scan's write conditional on the token that sent it
// still being active, when the request was authenticated from a view.
func tokenGuard(r *domain.ScanRecord) (string, []any) {
	if r.Token == "" {
		return "", nil
	}
	return ` AND EXISTS (SELECT 1 FROM tokens WHERE hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?))`,
		[]any{r.Token, r.ReceivedAt}
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

// RecordAccepted writes an accepted scan and moves the badge in or out, in
// one step and only if the badge is still as it was judged: active, at
// this serial, valid at the scan's time, not inside when exclusive, the
// scan_id new and the sending token (if taken from a view) still active.
// On PostgreSQL the root store hands it to the group writer (groupSQL);
// ok false means nothing was written and the caller finds out why.
func (s *Store) RecordAccepted(ctx context.Context, r *domain.ScanRecord, exclusive bool) (bool, bool, error) {
	if s.writer != nil {
		return s.writer.write(ctx, r, exclusive)
	}
	inside := r.Direction == domain.DirectionIn
	cond := `id = ? AND status = 'active' AND serial = ? AND valid_from <= ? AND valid_until > ?`
	if exclusive && inside {
		cond += ` AND inside = false`
	}
	ok, repeat, err := s.recordAcceptedTx(ctx, r, inside, cond)
	return ok, repeat, translate(err)
}

// recordAcceptedTx is RecordAccepted as a short transaction: SQLite's
// writes are local and serialised anyway.
func (s *Store) recordAcceptedTx(ctx context.Context, r *domain.ScanRecord, inside bool, cond string) (ok, repeat bool, err error) {
	err = s.with(ctx).Transaction(func(tx *gorm.DB) error {
		var was []bool
		if err := tx.Raw(`SELECT inside FROM badges WHERE id = ?`, r.BadgeID).Scan(&was).Error; err != nil || len(was) == 0 {
			return err
		}
		var n int64
		if err := tx.Raw(`SELECT COUNT(*) FROM scans WHERE scan_id = ?`, r.ScanID).Scan(&n).Error; err != nil || n > 0 {
			return err
		}
		if guard, gargs := tokenGuard(r); guard != "" {
			var ok []int
			if err := tx.Raw(`SELECT 1 WHERE 1 = 1`+guard, gargs...).Scan(&ok).Error; err != nil || len(ok) == 0 {
				return err
			}
		}
		res := tx.Exec(`UPDATE badges SET inside = ?, last_checkpoint = ?, last_scan_at = ? WHERE `+cond,
			inside, r.Checkpoint, r.ScannedAt, r.BadgeID, r.Serial, r.ScannedAt, r.ScannedAt)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		repeat = inside && was[0]
		name, delegation, category, photo := holderColumnsOf(r)
		res = tx.Exec(`INSERT INTO scans (scan_id, event_code, badge_id, nomination_id, serial, checkpoint, direction,
			result, reason, repeat, conflict, device_result, device, scanned_at, received_at, response,
			holder_name, holder_delegation, holder_category, holder_photo)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'accepted', '', ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)`,
			r.ScanID, r.Event, r.BadgeID, r.NominationID, r.Serial, r.Checkpoint, r.Direction,
			repeat, r.Conflict, r.DeviceResult, r.Device, r.ScannedAt, r.ReceivedAt, name, delegation, category, photo)
		ok = res.Error == nil
		return res.Error
	})
	return ok, repeat, err
}
