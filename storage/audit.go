package storage

import (
	"context"
	"strconv"
	"time"

	"github.com/osce/accredit/domain"
)

type auditRow struct {
	ID         int64 `gorm:"primaryKey;autoIncrement"`
	At         time.Time
	ActorID    string
	ActorName  string
	ActorRole  string
	Action     string
	TargetType string
	TargetID   string
	EventCode  string
	RequestID  string
	Details    string
}

func (auditRow) TableName() string { return "audit_log" }

func (s *Store) Audit(ctx context.Context, entries ...domain.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = auditRow{At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, ActorRole: e.ActorRole, Action: e.Action,
			TargetType: e.TargetType, TargetID: e.TargetID, EventCode: e.Event, RequestID: e.RequestID, Details: toJSON(orEmptyMap(e.Details))}
	}
	return s.with(ctx).CreateInBatches(rows, auditBatch).Error
}

// auditBatch is how many entries one INSERT carries: 10 columns each keeps
// a statement's parameters under SQLite's limit of 32,766.
const auditBatch = 500

// ListAudit pages the log newest first.
func (s *Store) ListAudit(ctx context.Context, f domain.AuditFilter) ([]domain.AuditEntry, string, error) {
	after, err := decodeCursor(f.Page.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := limitOf(f.Page)
	q := s.with(ctx).Order("id DESC").Limit(limit + 1)
	if after != "" {
		id, err := strconv.ParseInt(after, 10, 64)
		if err != nil {
			return nil, "", domain.Invalid(domain.FieldError{Field: "cursor", Code: "invalid", Message: "is not a cursor this server issued"})
		}
		q = q.Where("id < ?", id)
	}
	if f.Event != "" {
		q = q.Where("event_code = ?", f.Event)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Target != "" {
		q = q.Where("target_id = ?", f.Target)
	}
	var rows []auditRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", err
	}
	rows, next := pageOf(rows, limit, func(r auditRow) string { return strconv.FormatInt(r.ID, 10) })
	out := make([]domain.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = domain.AuditEntry{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, ActorName: r.ActorName, ActorRole: r.ActorRole,
			Action: r.Action, TargetType: r.TargetType, TargetID: r.TargetID, Event: r.EventCode, RequestID: r.RequestID,
			Details: fromJSON[map[string]any](r.Details)}
	}
	return out, next, nil
}
