package api

import (
	"slices"
	"strings"
	"time"

	"github.com/osce/accredit/domain"
)

// list is the envelope of every paged list (api/openapi.yaml, Conventions).
type list[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	l := list[T]{Items: items}
	if next != "" {
		l.NextCursor = &next
	}
	return l
}

func mapList[A, B any](in []A, f func(*A) B) []B {
	out := make([]B, len(in))
	for i := range in {
		out[i] = f(&in[i])
	}
	return out
}

func clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

type tokenJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	Delegation *string    `json:"delegation"`
	Event      *string    `json:"event"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt *time.Time `json:"last_seen_at"`
	Token      string     `json:"token,omitempty"`
}

func tokenOut(t *domain.Token) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Role: string(t.Role), Delegation: strOrNil(t.Delegation),
		Event: strOrNil(t.Event), ExpiresAt: utc(t.ExpiresAt), RevokedAt: utc(t.RevokedAt), CreatedAt: t.CreatedAt.UTC(),
		LastSeenAt: utc(t.LastSeenAt)}
}

type tokenIn struct {
	Name       string     `json:"name" validate:"required,max=100"`
	Role       string     `json:"role" validate:"required,role"`
	Delegation string     `json:"delegation" validate:"max=32"`
	Event      string     `json:"event" validate:"max=32"`
	ExpiresAt  *time.Time `json:"expires_at"`
}

type delegationIn struct {
	Code  string `json:"code" validate:"required,max=32"`
	Name  string `json:"name" validate:"required,max=200"`
	Kind  string `json:"kind" validate:"required"`
	Group string `json:"group" validate:"max=100"`
}

type eventJSON struct {
	Code                 string                `json:"code"`
	Title                string                `json:"title"`
	Venue                string                `json:"venue"`
	Timezone             string                `json:"timezone"`
	StartsOn             string                `json:"starts_on"`
	EndsOn               string                `json:"ends_on"`
	Format               string                `json:"format"`
	RegistrationOpensAt  *time.Time            `json:"registration_opens_at"`
	RegistrationClosesAt *time.Time            `json:"registration_closes_at"`
	Capacity             limitsJSON            `json:"capacity"`
	Quotas               map[string]limitsJSON `json:"quotas"`
	InvitedKinds         []string              `json:"invited_kinds"`
	AntiPassback         bool                  `json:"anti_passback"`
	Waitlist             bool                  `json:"waitlist"`
	Status               string                `json:"status"`
	BadgesValidFrom      *time.Time            `json:"badges_valid_from"`
	BadgesValidUntil     *time.Time            `json:"badges_valid_until"`
	PurgeAfterDays       *int                  `json:"purge_after_days"`
	OfflineRoster        bool                  `json:"offline_roster"`
	CreatedAt            time.Time             `json:"created_at"`
	UpdatedAt            time.Time             `json:"updated_at"`
}

func eventOut(e *domain.Event) eventJSON {
	q := make(map[string]limitsJSON, len(e.Quotas))
	for d, l := range e.Quotas {
		q[d] = limitsJSON(l)
	}
	k := e.InvitedKinds
	if k == nil {
		k = []string{}
	}
	return eventJSON{Code: e.Code, Title: e.Title, Venue: e.Venue, Timezone: e.Timezone, StartsOn: e.StartsOn,
		EndsOn: e.EndsOn, Format: e.Format, RegistrationOpensAt: utc(e.RegistrationOpensAt),
		RegistrationClosesAt: utc(e.RegistrationClosesAt), Capacity: limitsJSON(e.Capacity), Quotas: q, InvitedKinds: k,
		AntiPassback: e.AntiPassback, Waitlist: e.Waitlist, Status: e.Status, BadgesValidFrom: utc(e.BadgesValidFrom),
		BadgesValidUntil: utc(e.BadgesValidUntil), PurgeAfterDays: e.PurgeAfterDays, OfflineRoster: e.OfflineRoster,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

type limitsIn struct {
	InPerson *int `json:"in_person" validate:"omitempty,min=0"`
	Online   *int `json:"online" validate:"omitempty,min=0"`
}

func (l *limitsIn) domain() domain.Limits {
	if l == nil {
		return domain.Limits{}
	}
	return domain.Limits{InPerson: l.InPerson, Online: l.Online}
}

// eventIn is the writable part of an event; PATCH decodes onto the current
// values, so absent fields keep theirs.
type eventIn struct {
	Code                 string              `json:"code" validate:"required,max=32"`
	Title                string              `json:"title" validate:"required,max=200"`
	Venue                string              `json:"venue" validate:"max=200"`
	Timezone             string              `json:"timezone" validate:"required,max=64"`
	StartsOn             string              `json:"starts_on" validate:"required,datetime=2006-01-02"`
	EndsOn               string              `json:"ends_on" validate:"required,datetime=2006-01-02"`
	Format               string              `json:"format" validate:"required,event_format"`
	RegistrationOpensAt  *time.Time          `json:"registration_opens_at"`
	RegistrationClosesAt *time.Time          `json:"registration_closes_at"`
	Capacity             *limitsIn           `json:"capacity"`
	Quotas               map[string]limitsIn `json:"quotas" validate:"dive"`
	InvitedKinds         []string            `json:"invited_kinds" validate:"max=8,dive,kind"`
	AntiPassback         bool                `json:"anti_passback"`
	Waitlist             bool                `json:"waitlist"`
	Status               string              `json:"status" validate:"omitempty,event_status"`
	BadgesValidFrom      *time.Time          `json:"badges_valid_from"`
	BadgesValidUntil     *time.Time          `json:"badges_valid_until"`
	PurgeAfterDays       *int                `json:"purge_after_days" validate:"omitempty,min=0,max=3650"`
	OfflineRoster        bool                `json:"offline_roster"`
}

func eventInFrom(e *domain.Event) eventIn {
	// Copies, not the event's own pointers: a PATCH decodes into these
	// values, and the event as it was must stay intact for comparison.
	in := eventIn{Code: e.Code, Title: e.Title, Venue: e.Venue, Timezone: e.Timezone, StartsOn: e.StartsOn, EndsOn: e.EndsOn,
		Format: e.Format, RegistrationOpensAt: clone(e.RegistrationOpensAt), RegistrationClosesAt: clone(e.RegistrationClosesAt),
		Capacity: &limitsIn{InPerson: clone(e.Capacity.InPerson), Online: clone(e.Capacity.Online)}, Quotas: map[string]limitsIn{},
		InvitedKinds: slices.Clone(e.InvitedKinds), AntiPassback: e.AntiPassback, Waitlist: e.Waitlist, Status: e.Status,
		BadgesValidFrom: clone(e.BadgesValidFrom), BadgesValidUntil: clone(e.BadgesValidUntil), PurgeAfterDays: clone(e.PurgeAfterDays),
		OfflineRoster: e.OfflineRoster}
	for k, v := range e.Quotas {
		in.Quotas[k] = limitsIn{InPerson: clone(v.InPerson), Online: clone(v.Online)}
	}
	return in
}

func (in *eventIn) applyTo(e *domain.Event) {
	e.Code, e.Title, e.Venue, e.Timezone = in.Code, domain.CleanText(in.Title), domain.CleanText(in.Venue), in.Timezone
	e.StartsOn, e.EndsOn, e.Format = in.StartsOn, in.EndsOn, in.Format
	e.RegistrationOpensAt, e.RegistrationClosesAt = utc(in.RegistrationOpensAt), utc(in.RegistrationClosesAt)
	e.Capacity = in.Capacity.domain()
	e.Quotas = map[string]domain.Limits{}
	for k, v := range in.Quotas {
		e.Quotas[k] = v.domain()
	}
	e.InvitedKinds, e.AntiPassback, e.Waitlist, e.Status = in.InvitedKinds, in.AntiPassback, in.Waitlist, in.Status
	e.BadgesValidFrom, e.BadgesValidUntil, e.PurgeAfterDays = utc(in.BadgesValidFrom), utc(in.BadgesValidUntil), in.PurgeAfterDays
	e.OfflineRoster = in.OfflineRoster
}

type sessionIn struct {
	Title    string     `json:"title" validate:"required,max=200"`
	StartsAt *time.Time `json:"starts_at" validate:"required"`
	EndsAt   *time.Time `json:"ends_at" validate:"required"`
	Room     string     `json:"room" validate:"max=100"`
	Capacity *int       `json:"capacity" validate:"omitempty,min=0"`
}

type sessionJSON struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Room     string    `json:"room"`
	Capacity *int      `json:"capacity"`
	Approved int       `json:"approved"`
}

func sessionOut(s *domain.Session) sessionJSON {
	return sessionJSON{ID: s.ID, Title: s.Title, StartsAt: s.StartsAt, EndsAt: s.EndsAt, Room: s.Room, Capacity: s.Capacity, Approved: s.Approved}
}

type checkpointIn struct {
	Code       string   `json:"code" validate:"required,max=32"`
	Name       string   `json:"name" validate:"required,max=200"`
	Direction  string   `json:"direction" validate:"required,direction"`
	Categories []string `json:"categories" validate:"max=8,dive,category"`
}

type checkpointJSON struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Direction  string   `json:"direction"`
	Categories []string `json:"categories"`
}

func checkpointOut(c *domain.Checkpoint) checkpointJSON {
	cats := c.Categories
	if cats == nil {
		cats = []string{}
	}
	return checkpointJSON{Code: c.Code, Name: c.Name, Direction: c.Direction, Categories: cats}
}

type auditJSON struct {
	ID         int64          `json:"id"`
	At         time.Time      `json:"at"`
	Actor      map[string]any `json:"actor"`
	Action     string         `json:"action"`
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	Event      *string        `json:"event"`
	RequestID  string         `json:"request_id"`
	Details    map[string]any `json:"details"`
}

func auditOut(e *domain.AuditEntry) auditJSON {
	return auditJSON{ID: e.ID, At: e.At, Actor: map[string]any{"token_id": strOrNil(e.ActorID), "name": e.ActorName, "role": e.ActorRole},
		Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Event: strOrNil(e.Event), RequestID: e.RequestID, Details: e.Details}
}

func (in *tokenIn) clean() { in.Name = domain.CleanText(in.Name) }

func (in *delegationIn) clean() {
	in.Code, in.Name, in.Group = strings.TrimSpace(in.Code), domain.CleanText(in.Name), domain.CleanText(in.Group)
}

func (in *eventIn) clean() {
	in.Code, in.Title, in.Venue = strings.TrimSpace(in.Code), domain.CleanText(in.Title), domain.CleanText(in.Venue)
	in.Timezone = strings.TrimSpace(in.Timezone)
}

func (in *sessionIn) clean() {
	in.Title, in.Room = domain.CleanText(in.Title), domain.CleanText(in.Room)
}

func (in *checkpointIn) clean() {
	in.Code, in.Name = strings.TrimSpace(in.Code), domain.CleanText(in.Name)
}
