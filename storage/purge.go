package storage

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/osce/accredit/domain"
)

// purgedMark replaces a purged value found in free text.
const purgedMark = "[purged]"

// purgedValues are the personal values a purge erases, read before it
// blanks them: the same values may have been typed into free text.
func purgedValues(db *gorm.DB, event string) ([]string, error) {
	var rows []struct{ Email, Phone, DateOfBirth, DocumentNumber string }
	err := db.Raw(`SELECT email, phone, date_of_birth, document_number FROM nominations WHERE event_code = ?`, event).
		Scan(&rows).Error
	var out []string
	for _, r := range rows {
		for _, v := range []string{r.Email, r.Phone, r.DateOfBirth, r.DocumentNumber} {
			// A value this short would match words that are not it.
			if v = strings.TrimSpace(v); len(v) >= 5 {
				out = append(out, v)
			}
		}
	}
	return out, err
}

// scrub replaces every occurrence of values in text, ignoring case
// (emails are compared case-insensitively); changed is false when there
// was none.
func scrub(text string, values []string) (string, bool) {
	if text == "" {
		return text, false
	}
	lower, changed := strings.ToLower(text), false
	for _, v := range values {
		if strings.Contains(lower, strings.ToLower(v)) {
			text = regexp.MustCompile("(?i)"+regexp.QuoteMeta(v)).ReplaceAllLiteralString(text, purgedMark)
			lower, changed = strings.ToLower(text), true
		}
	}
	return text, changed
}

// scrubFreeText removes purged values from what people typed about the
// event's nominations: reasons of decisions (in the nominations, the
// badges and the audit log) and remarks. The audit details hold no other
// free text.
func scrubFreeText(db *gorm.DB, event string, values []string) error {
	if len(values) == 0 {
		return nil
	}
	for _, c := range []struct{ table, key, column, where string }{
		{"nominations", "id", "status_reason", "event_code = ? AND status_reason <> ''"},
		{"nominations", "id", "remarks", "event_code = ? AND remarks <> ''"},
		{"badges", "id", "revoke_reason", "event_code = ? AND revoke_reason <> ''"},
	} {
		var rows []struct{ ID, Text string }
		q := fmt.Sprintf(`SELECT %s AS id, %s AS text FROM %s WHERE %s`, c.key, c.column, c.table, c.where)
		if err := db.Raw(q, event).Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			if text, changed := scrub(r.Text, values); changed {
				upd := fmt.Sprintf(`UPDATE %s SET %s = ? WHERE %s = ?`, c.table, c.column, c.key)
				if err := db.Exec(upd, text, r.ID).Error; err != nil {
					return err
				}
			}
		}
	}
	var audits []struct {
		ID      int64
		Details string
	}
	err := db.Raw(`SELECT id, details FROM audit_log WHERE event_code = ? AND details LIKE ?`, event, `%"reason"%`).
		Scan(&audits).Error
	if err != nil {
		return err
	}
	for _, a := range audits {
		d := fromJSON[map[string]any](a.Details)
		reason, _ := d["reason"].(string)
		if text, changed := scrub(reason, values); changed {
			d["reason"] = text
			if err := db.Exec(`UPDATE audit_log SET details = ? WHERE id = ?`, toJSON(d), a.ID).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// ErasePurged makes what a purge blanked unreadable on disk; it runs after
// the purge has committed. On SQLite (secure_delete is on, so freed
// content is zeroed as it goes) VACUUM rewrites the database file without
// free pages, and a truncating checkpoint moves everything into that file
// and empties the WAL, whose older frames would still hold the rows as
// they were. On PostgreSQL a VACUUM removes the dead row versions the
// purge left in the tables it touched (docs/operations.md says what WAL
// archives and backups keep).
func (s *Store) ErasePurged(ctx context.Context) error {
	if s.inTx {
		return errors.New("ErasePurged inside a transaction: VACUUM cannot run there")
	}
	if s.dialect == Postgres {
		return translate(s.with(ctx).Exec(`VACUUM (ANALYZE) nominations, photos, idempotency_keys, audit_log, badges`).Error)
	}
	return translate(s.inTurn(ctx, func() error {
		// A connection of its own, outside any transaction: VACUUM needs
		// that, and the gate keeps this process's writers out meanwhile.
		conn, err := s.sqlDB.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "VACUUM"); err != nil {
			return fmt.Errorf("vacuum: %w", err)
		}
		// The checkpoint waits (busy timeout) for readers of older
		// snapshots; it reports busy if one outlasted that.
		for attempt := 0; ; attempt++ {
			var busy, frames, done int
			if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done); err != nil {
				return fmt.Errorf("checkpoint: %w", err)
			}
			if busy == 0 {
				return nil
			}
			if attempt == 10 {
				return domain.Unavailable(errors.New("the WAL could not be emptied: a reader held an older snapshot; run the purge again"))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}))
}
