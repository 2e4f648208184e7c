package storage

import (
	"context"
	"fmt"
	"strconv"

	"github.com/osce/accredit/domain"
)

// The seat primitives are single conditional UPDATEs checked by rows
// affected. On PostgreSQL the UPDATE takes the row lock and re-reads the
// row after a concurrent commit, so `used < limit` cannot be passed by two
// transactions at once, in one process or many; on SQLite every write
// transaction is IMMEDIATE and so runs alone.

func (s *Store) TakeSeat(ctx context.Context, event, delegation, mode string, defaultLimit *int) (bool, error) {
	// The limit is the delegation's override for the mode (NULL there is
	// unlimited) or else the event's default; resolving it in the statement
	// makes the check and the take one atomic step, and one round trip.
	col := "in_person"
	if mode == domain.ModeOnline {
		col = "online"
	}
	def := unlimited
	if defaultLimit != nil {
		def = *defaultLimit
	}
	limit := `COALESCE((SELECT COALESCE(o.` + col + `, ` + strconv.Itoa(unlimited) + `) FROM quota_overrides o
		WHERE o.event_code = ? AND o.delegation_code = ?), ?)`
	var used []int
	err := s.with(ctx).Raw(`INSERT INTO quota_seats (event_code, delegation_code, mode, used)
		SELECT ?, ?, ?, 1 WHERE 0 < `+limit+`
		ON CONFLICT (event_code, delegation_code, mode) DO UPDATE SET used = quota_seats.used + 1
		WHERE quota_seats.used < `+limit+`
		RETURNING used`,
		event, delegation, mode, event, delegation, def, event, delegation, def).Scan(&used).Error
	return len(used) == 1, translate(err)
}

// unlimited stands for "no limit" inside SQL comparisons.
const unlimited = 1<<31 - 1

func (s *Store) ReleaseSeat(ctx context.Context, event, delegation, mode string) error {
	return s.with(ctx).Exec(`UPDATE quota_seats SET used = used - 1
		WHERE event_code = ? AND delegation_code = ? AND mode = ? AND used > 0`, event, delegation, mode).Error
}

// capacityColumns maps a mode to the event's counter and limit columns.
func capacityColumns(mode string) (used, limit string) {
	if mode == domain.ModeOnline {
		return "approved_online", "capacity_online"
	}
	return "approved_in_person", "capacity_in_person"
}

func (s *Store) TakeCapacity(ctx context.Context, event, mode string) (bool, error) {
	used, limit := capacityColumns(mode)
	res := s.with(ctx).Exec(fmt.Sprintf(`UPDATE events SET %[1]s = %[1]s + 1
		WHERE code = ? AND (%[2]s IS NULL OR %[1]s < %[2]s)`, used, limit), event)
	return res.RowsAffected == 1, res.Error
}

func (s *Store) ReleaseCapacity(ctx context.Context, event, mode string) error {
	used, _ := capacityColumns(mode)
	return s.with(ctx).Exec(fmt.Sprintf(`UPDATE events SET %[1]s = %[1]s - 1 WHERE code = ? AND %[1]s > 0`, used), event).Error
}

func (s *Store) TakeSessionSeat(ctx context.Context, sessionID string) (bool, error) {
	res := s.with(ctx).Exec(`UPDATE event_sessions SET approved = approved + 1
		WHERE id = ? AND (capacity IS NULL OR approved < capacity)`, sessionID)
	return res.RowsAffected == 1, res.Error
}

func (s *Store) ReleaseSessionSeat(ctx context.Context, sessionID string) error {
	return s.with(ctx).Exec(`UPDATE event_sessions SET approved = approved - 1 WHERE id = ? AND approved > 0`, sessionID).Error
}

type overrideRow struct {
	EventCode      string `gorm:"primaryKey"`
	DelegationCode string `gorm:"primaryKey"`
	InPerson       *int
	Online         *int
}

func (overrideRow) TableName() string { return "quota_overrides" }

func (s *Store) QuotaOverride(ctx context.Context, event, delegation string) (*domain.Limits, error) {
	var rows []overrideRow
	if err := s.with(ctx).Where("event_code = ? AND delegation_code = ?", event, delegation).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &domain.Limits{InPerson: rows[0].InPerson, Online: rows[0].Online}, nil
}

func (s *Store) SetQuotaOverride(ctx context.Context, event, delegation string, o domain.Limits) error {
	return translate(s.with(ctx).Exec(`INSERT INTO quota_overrides (event_code, delegation_code, in_person, online, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (event_code, delegation_code) DO UPDATE SET in_person = excluded.in_person,
			online = excluded.online, updated_at = excluded.updated_at`,
		event, delegation, o.InPerson, o.Online, s.db.NowFunc()).Error)
}

func (s *Store) Overrides(ctx context.Context, event string) (map[string]domain.Limits, error) {
	var rows []overrideRow
	if err := s.with(ctx).Where("event_code = ?", event).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]domain.Limits, len(rows))
	for _, r := range rows {
		out[r.DelegationCode] = domain.Limits{InPerson: r.InPerson, Online: r.Online}
	}
	return out, nil
}

func (s *Store) QuotaUse(ctx context.Context, event, delegation string) (map[string][2]int, error) {
	var rows []struct {
		DelegationCode string
		Mode           string
		Used           int
	}
	q := s.with(ctx).Table("quota_seats").Select("delegation_code, mode, used").Where("event_code = ?", event)
	if delegation != "" {
		q = q.Where("delegation_code = ?", delegation)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string][2]int{}
	for _, r := range rows {
		u := out[r.DelegationCode]
		if r.Mode == domain.ModeOnline {
			u[1] = r.Used
		} else {
			u[0] = r.Used
		}
		out[r.DelegationCode] = u
	}
	return out, nil
}
