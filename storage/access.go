package storage

import (
	"context"
	"time"

	"github.com/osce/accredit/domain"
)

// tokenEventSQL reads a token and an event in one round trip: every route
// of an event needs both, read fresh, before it can answer, and a second
// round trip cost each such request about a fifth of its CPU.
const tokenEventSQL = `SELECT t.id, t.name, t.role, t.delegation_code, t.event_code, t.expires_at, t.revoked_at,
	t.created_at, d.kind,
	e.code, e.title, e.venue, e.timezone, e.starts_on, e.ends_on, e.format, e.registration_opens_at,
	e.registration_closes_at, e.capacity_in_person, e.capacity_online, e.quotas, e.invited_kinds,
	e.anti_passback, e.waitlist, e.status, e.badges_valid_from, e.badges_valid_until, e.purge_after_days,
	e.purged_at, e.created_at, e.updated_at
FROM tokens t
LEFT JOIN delegations d ON d.code = t.delegation_code
LEFT JOIN events e ON e.code = ?
WHERE t.hash = ?
LIMIT 1`

// TokenAndEvent returns the token with that hash and the event with that
// code; the event is nil when there is none.
func (s *Store) TokenAndEvent(ctx context.Context, hash, code string) (*domain.Token, *domain.Event, error) {
	rows, err := s.with(ctx).Raw(tokenEventSQL, code, hash).Rows()
	if err != nil {
		return nil, nil, translate(err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, nil, translate(err)
		}
		return nil, nil, domain.NotFound("token")
	}
	var (
		t    tokenRow
		kind *string
		// Every event column may be NULL through the outer join.
		e                  eventRow
		code2              *string
		title, venue, tz   *string
		starts, ends, form *string
		quotas, kinds      *string
		antiPB, waitlist   *bool
		status             *string
		created, updated   *time.Time
	)
	err = rows.Scan(&t.ID, &t.Name, &t.Role, &t.DelegationCode, &t.EventCode, &t.ExpiresAt, &t.RevokedAt,
		&t.CreatedAt, &kind,
		&code2, &title, &venue, &tz, &starts, &ends, &form, &e.RegistrationOpensAt,
		&e.RegistrationClosesAt, &e.CapacityInPerson, &e.CapacityOnline, &quotas, &kinds,
		&antiPB, &waitlist, &status, &e.BadgesValidFrom, &e.BadgesValidUntil, &e.PurgeAfterDays,
		&e.PurgedAt, &created, &updated)
	if err != nil {
		return nil, nil, translate(err)
	}
	if err := rows.Close(); err != nil {
		return nil, nil, translate(err)
	}
	tok := t.domain()
	tok.DelegationKind = deref(kind)
	if code2 == nil {
		return tok, nil, nil
	}
	e.Code, e.Title, e.Venue, e.Timezone = *code2, deref(title), deref(venue), deref(tz)
	e.StartsOn, e.EndsOn, e.Format = deref(starts), deref(ends), deref(form)
	e.Quotas, e.InvitedKinds, e.Status = deref(quotas), deref(kinds), deref(status)
	e.AntiPassback, e.Waitlist = orFalse(antiPB), orFalse(waitlist)
	e.CreatedAt, e.UpdatedAt = orZero(created), orZero(updated)
	return tok, e.domain(), nil
}

func orFalse(b *bool) bool { return b != nil && *b }

func orZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
