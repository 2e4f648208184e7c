package storage

import (
	"context"
	"time"

	"github.com/osce/accredit/domain"
)

type eventRow struct {
	Code                 string `gorm:"primaryKey"`
	Title                string
	Venue                string
	Timezone             string
	StartsOn             string
	EndsOn               string
	Format               string
	RegistrationOpensAt  *time.Time
	RegistrationClosesAt *time.Time
	CapacityInPerson     *int
	CapacityOnline       *int
	Quotas               string
	InvitedKinds         string
	AntiPassback         bool
	Waitlist             bool
	Status               string
	BadgesValidFrom      *time.Time
	BadgesValidUntil     *time.Time
	PurgeAfterDays       *int
	PurgedAt             *time.Time
	OfflineRoster        bool
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

func (eventRow) TableName() string { return "events" }

// eventColumns are those an update writes; the approval counters are only
// ever changed by the seat primitives.
var eventColumns = []string{"title", "venue", "timezone", "starts_on", "ends_on", "format",
	"registration_opens_at", "registration_closes_at", "capacity_in_person", "capacity_online",
	"quotas", "invited_kinds", "anti_passback", "waitlist", "status", "badges_valid_from",
	"badges_valid_until", "purge_after_days", "purged_at", "offline_roster", "updated_at"}

func eventToRow(e *domain.Event) eventRow {
	return eventRow{Code: e.Code, Title: e.Title, Venue: e.Venue, Timezone: e.Timezone, StartsOn: e.StartsOn,
		EndsOn: e.EndsOn, Format: e.Format, RegistrationOpensAt: e.RegistrationOpensAt,
		RegistrationClosesAt: e.RegistrationClosesAt, CapacityInPerson: e.Capacity.InPerson,
		CapacityOnline: e.Capacity.Online, Quotas: quotasToJSON(e.Quotas), InvitedKinds: toJSON(orEmpty(e.InvitedKinds)),
		AntiPassback: e.AntiPassback, Waitlist: e.Waitlist, Status: e.Status, BadgesValidFrom: e.BadgesValidFrom,
		BadgesValidUntil: e.BadgesValidUntil, PurgeAfterDays: e.PurgeAfterDays, PurgedAt: e.PurgedAt,
		OfflineRoster: e.OfflineRoster, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

func (r *eventRow) domain() *domain.Event {
	return &domain.Event{Code: r.Code, Title: r.Title, Venue: r.Venue, Timezone: r.Timezone,
		StartsOn: r.StartsOn, EndsOn: r.EndsOn, Format: r.Format, RegistrationOpensAt: utcp(r.RegistrationOpensAt),
		RegistrationClosesAt: utcp(r.RegistrationClosesAt),
		Capacity:             domain.Limits{InPerson: r.CapacityInPerson, Online: r.CapacityOnline},
		Quotas:               quotasMemo.parse(r.Quotas), InvitedKinds: kindsMemo.parse(r.InvitedKinds),
		AntiPassback: r.AntiPassback, Waitlist: r.Waitlist, Status: r.Status, BadgesValidFrom: utcp(r.BadgesValidFrom),
		BadgesValidUntil: utcp(r.BadgesValidUntil), PurgeAfterDays: r.PurgeAfterDays, PurgedAt: utcp(r.PurgedAt),
		OfflineRoster: r.OfflineRoster, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func orEmptyMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return map[K]V{}
	}
	return m
}

func (s *Store) CreateEvent(ctx context.Context, e *domain.Event) error {
	now := s.db.NowFunc()
	e.CreatedAt, e.UpdatedAt = now, now
	row := eventToRow(e)
	err := translate(s.with(ctx).Create(&row).Error)
	if domain.IsCode(err, domain.CodeConflict) {
		return domain.Errorf(domain.CodeConflict, "event %s already exists", e.Code)
	}
	return err
}

func (s *Store) Event(ctx context.Context, code string) (*domain.Event, error) {
	var row eventRow
	if err := s.with(ctx).Where("code = ?", code).Take(&row).Error; err != nil {
		if domain.IsCode(translate(err), domain.CodeNotFound) {
			return nil, domain.NotFound("event " + code)
		}
		return nil, err
	}
	return row.domain(), nil
}

func (s *Store) ListEvents(ctx context.Context, f domain.EventFilter) ([]domain.Event, string, error) {
	after, err := decodeCursor(f.Page.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := limitOf(f.Page)
	q := s.with(ctx).Where("code > ?", after).Order("code")
	if f.ExcludeDraft {
		q = q.Where("status <> ?", domain.EventDraft)
	}
	if f.Code != "" {
		q = q.Where("code = ?", f.Code)
	}
	var rows []eventRow
	if f.Kind != "" {
		// invited_kinds is a short JSON list; the filter runs in Go so that
		// both dialects behave alike, paging until the page is full.
		for {
			var batch []eventRow
			if err := q.Where("code > ?", after).Limit(limit + 1).Find(&batch).Error; err != nil {
				return nil, "", err
			}
			for _, r := range batch {
				if r.domain().Invites(f.Kind) {
					rows = append(rows, r)
				}
			}
			if len(rows) > limit || len(batch) <= limit {
				break
			}
			after = batch[len(batch)-1].Code
		}
	} else if err := q.Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	rows, next := pageOf(rows, limit, func(r eventRow) string { return r.Code })
	out := make([]domain.Event, len(rows))
	for i := range rows {
		out[i] = *rows[i].domain()
	}
	return out, next, nil
}

func (s *Store) UpdateEvent(ctx context.Context, e *domain.Event) error {
	e.UpdatedAt = s.db.NowFunc()
	row := eventToRow(e)
	return translate(s.with(ctx).Model(&eventRow{}).Where("code = ?", e.Code).Select(eventColumns).Updates(&row).Error)
}

type sessionRow struct {
	ID        string `gorm:"primaryKey"`
	EventCode string
	Title     string
	StartsAt  time.Time
	EndsAt    time.Time
	Room      string
	Capacity  *int
	Approved  int
	CreatedAt time.Time
}

func (sessionRow) TableName() string { return "event_sessions" }

func (s *Store) CreateSession(ctx context.Context, ss *domain.Session) error {
	ss.ID = newID()
	row := sessionRow{ID: ss.ID, EventCode: ss.Event, Title: ss.Title, StartsAt: ss.StartsAt.UTC(), EndsAt: ss.EndsAt.UTC(),
		Room: ss.Room, Capacity: ss.Capacity}
	return translate(s.with(ctx).Create(&row).Error)
}

func (s *Store) ListSessions(ctx context.Context, event string, p domain.Page) ([]domain.Session, string, error) {
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := limitOf(p)
	var rows []sessionRow
	if err := afterKey(s.with(ctx).Where("event_code = ?", event), "id", after).Order("id").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	rows, next := pageOf(rows, limit, func(r sessionRow) string { return r.ID })
	out := make([]domain.Session, len(rows))
	for i, r := range rows {
		out[i] = domain.Session{ID: r.ID, Event: r.EventCode, Title: r.Title, StartsAt: r.StartsAt.UTC(),
			EndsAt: r.EndsAt.UTC(), Room: r.Room, Capacity: r.Capacity, Approved: r.Approved}
	}
	return out, next, nil
}

func (s *Store) MissingSessions(ctx context.Context, event string, ids []string) ([]string, error) {
	var valid []string
	for _, id := range ids {
		if validID(id) {
			valid = append(valid, id)
		}
	}
	var found []string
	if len(valid) > 0 {
		if err := s.with(ctx).Model(&sessionRow{}).Where("event_code = ? AND id IN ?", event, valid).Pluck("id", &found).Error; err != nil {
			return nil, err
		}
	}
	have := map[string]bool{}
	for _, id := range found {
		have[id] = true
	}
	var missing []string
	for _, id := range ids {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

type checkpointRow struct {
	EventCode  string `gorm:"primaryKey"`
	Code       string `gorm:"primaryKey"`
	Name       string
	Direction  string
	Categories string
	CreatedAt  time.Time
}

func (checkpointRow) TableName() string { return "checkpoints" }

func (r checkpointRow) domain() domain.Checkpoint {
	return domain.Checkpoint{Event: r.EventCode, Code: r.Code, Name: r.Name, Direction: r.Direction,
		Categories: fromJSON[[]string](r.Categories)}
}

func (s *Store) CreateCheckpoint(ctx context.Context, c *domain.Checkpoint) error {
	row := checkpointRow{EventCode: c.Event, Code: c.Code, Name: c.Name, Direction: c.Direction, Categories: toJSON(orEmpty(c.Categories))}
	err := translate(s.with(ctx).Create(&row).Error)
	if domain.IsCode(err, domain.CodeConflict) {
		return domain.Errorf(domain.CodeConflict, "checkpoint %s already exists in %s", c.Code, c.Event)
	}
	return err
}

func (s *Store) ListCheckpoints(ctx context.Context, event string, p domain.Page) ([]domain.Checkpoint, string, error) {
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := limitOf(p)
	var rows []checkpointRow
	if err := s.with(ctx).Where("event_code = ? AND code > ?", event, after).Order("code").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	rows, next := pageOf(rows, limit, func(r checkpointRow) string { return r.Code })
	out := make([]domain.Checkpoint, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, next, nil
}

func (s *Store) Checkpoint(ctx context.Context, event, code string) (*domain.Checkpoint, error) {
	var row checkpointRow
	if err := s.with(ctx).Where("event_code = ? AND code = ?", event, code).Take(&row).Error; err != nil {
		if domain.IsCode(translate(err), domain.CodeNotFound) {
			return nil, domain.NotFound("checkpoint " + code)
		}
		return nil, err
	}
	c := row.domain()
	return &c, nil
}
