package domain

import (
	"time"
)

// Event formats and statuses (api/openapi.yaml, Events).
const (
	FormatInPerson = "in_person"
	FormatHybrid   = "hybrid"
	FormatOnline   = "online"

	EventDraft  = "draft"
	EventOpen   = "open"
	EventClosed = "closed"
)

// Participation modes.
const (
	ModeInPerson = "in_person"
	ModeOnline   = "online"
)

// DateLayout is the wire and storage form of calendar dates.
const DateLayout = "2006-01-02"

// Limits is a pair of per-mode limits; nil means unlimited.
type Limits struct {
	InPerson *int
	Online   *int
}

// For returns the limit of one mode.
func (l Limits) For(mode string) *int {
	if mode == ModeOnline {
		return l.Online
	}
	return l.InPerson
}

// clone copies the limits, not sharing their pointers.
func (l Limits) clone() Limits {
	c := func(p *int) *int {
		if p == nil {
			return nil
		}
		return Ptr(*p)
	}
	return Limits{InPerson: c(l.InPerson), Online: c(l.Online)}
}

// Event is a conference or meeting with its registration rules.
type Event struct {
	Code                 string
	Title                string
	Venue                string
	Timezone             string
	StartsOn             string
	EndsOn               string
	Format               string
	RegistrationOpensAt  *time.Time
	RegistrationClosesAt *time.Time
	Capacity             Limits
	Quotas               map[string]Limits
	InvitedKinds         []string
	AntiPassback         bool
	Waitlist             bool
	Status               string
	BadgesValidFrom      *time.Time
	BadgesValidUntil     *time.Time
	PurgeAfterDays       *int
	PurgedAt             *time.Time
	// OfflineRoster lets security devices carry the roster of active
	// badges with names and photo thumbnails (api/openapi.yaml, GET …/roster).
	OfflineRoster bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Invites reports whether delegations of kind k are invited.
func (e *Event) Invites(kind string) bool {
	for _, k := range e.InvitedKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// OffersMode reports whether the event's format admits a participation mode.
func (e *Event) OffersMode(mode string) bool {
	switch e.Format {
	case FormatInPerson:
		return mode == ModeInPerson
	case FormatOnline:
		return mode == ModeOnline
	}
	return mode == ModeInPerson || mode == ModeOnline
}

// DefaultQuota is the event's quota for a delegation kind and mode.
func (e *Event) DefaultQuota(kind, mode string) *int {
	if q, ok := e.Quotas[kind]; ok {
		return q.For(mode)
	}
	return nil
}

// Location is the event's time zone (UTC if it cannot be loaded, which
// Validate prevents).
func (e *Event) Location() *time.Location {
	loc, err := time.LoadLocation(e.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// CheckRegistration says whether a nomination may be submitted now. The
// secretariat may nominate late (outside the window) but never into a draft
// or closed event.
func (e *Event) CheckRegistration(now time.Time, secretariat bool) error {
	if e.Status != EventOpen {
		return Errorf(CodeRegistrationClosed, "event %s is %s, not open for registration", e.Code, e.Status)
	}
	if secretariat {
		return nil
	}
	if e.RegistrationOpensAt != nil && now.Before(*e.RegistrationOpensAt) {
		return Errorf(CodeRegistrationClosed, "registration for %s opens at %s", e.Code, e.RegistrationOpensAt.UTC().Format(time.RFC3339))
	}
	if e.RegistrationClosesAt != nil && !now.Before(*e.RegistrationClosesAt) {
		return Errorf(CodeRegistrationClosed, "registration for %s closed at %s", e.Code, e.RegistrationClosesAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// BadgeValidity is the interval in which the event's badges open doors:
// from starts_on 00:00 to the end of ends_on in the event's time zone,
// unless the event sets its own bounds.
func (e *Event) BadgeValidity() (from, until time.Time) {
	loc := e.Location()
	if d, err := time.ParseInLocation(DateLayout, e.StartsOn, loc); err == nil {
		from = d
	}
	if d, err := time.ParseInLocation(DateLayout, e.EndsOn, loc); err == nil {
		until = d.AddDate(0, 0, 1)
	}
	if e.BadgesValidFrom != nil {
		from = *e.BadgesValidFrom
	}
	if e.BadgesValidUntil != nil {
		until = *e.BadgesValidUntil
	}
	return from.UTC(), until.UTC()
}

// Ended reports whether the event's last day is over in its time zone.
func (e *Event) Ended(now time.Time) bool {
	d, err := time.ParseInLocation(DateLayout, e.EndsOn, e.Location())
	return err == nil && !now.Before(d.AddDate(0, 0, 1))
}

// Validate checks the rules that span fields; the shape of each field is
// checked where the input is decoded.
func (e *Event) Validate() error {
	var fe []FieldError
	add := func(field, code, msg string) { fe = append(fe, FieldError{Field: field, Code: code, Message: msg}) }
	if !CodePattern.MatchString(e.Code) {
		add("code", "pattern", "must match ^[A-Z0-9-]{2,32}$")
	}
	if _, err := time.LoadLocation(e.Timezone); err != nil || e.Timezone == "" {
		add("timezone", "timezone", "must be an IANA time zone such as Europe/Vienna")
	}
	start, err1 := time.Parse(DateLayout, e.StartsOn)
	end, err2 := time.Parse(DateLayout, e.EndsOn)
	if err1 != nil {
		add("starts_on", "date", "must be a date YYYY-MM-DD")
	}
	if err2 != nil {
		add("ends_on", "date", "must be a date YYYY-MM-DD")
	}
	if err1 == nil && err2 == nil && end.Before(start) {
		add("ends_on", "before_start", "must not be before starts_on")
	}
	if o, c := e.RegistrationOpensAt, e.RegistrationClosesAt; o != nil && c != nil && !c.After(*o) {
		add("registration_closes_at", "before_open", "must be after registration_opens_at")
	}
	if f, u := e.BadgesValidFrom, e.BadgesValidUntil; f != nil && u != nil && !u.After(*f) {
		add("badges_valid_until", "before_start", "must be after badges_valid_from")
	}
	for k := range e.Quotas {
		if !ValidKind(k) {
			add("quotas."+k, "oneof", "is not a delegation kind")
		}
	}
	for i, k := range e.InvitedKinds {
		if !ValidKind(k) {
			add("invited_kinds["+itoa(i)+"]", "oneof", "is not a delegation kind")
		}
	}
	if len(fe) > 0 {
		return Invalid(fe...)
	}
	return nil
}

// Session is an agenda item with an optional in-person capacity.
type Session struct {
	ID       string
	Event    string
	Title    string
	StartsAt time.Time
	EndsAt   time.Time
	Room     string
	Capacity *int
	Approved int
}

// Checkpoint is a scan point at an entrance.
type Checkpoint struct {
	Event      string
	Code       string
	Name       string
	Direction  string // in, out, both
	Categories []string
}

// Admits reports whether a badge category may pass the checkpoint.
func (c *Checkpoint) Admits(category string) bool {
	if len(c.Categories) == 0 {
		return true
	}
	for _, v := range c.Categories {
		if v == category {
			return true
		}
	}
	return false
}

// Allows reports whether the checkpoint takes scans in a direction.
func (c *Checkpoint) Allows(direction string) bool {
	return c.Direction == DirectionBoth || c.Direction == direction
}
