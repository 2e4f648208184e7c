package storage

import (
	"context"
	"time"

	"github.com/osce/accredit/domain"
)

// The routes of an event read the token and the event in one round trip,
// and qr.png its badge too: every such request needs them, read fresh,
// before it can answer, and each further round trip was a large share of
// the request's CPU (docs/performance.md, "The query styles").
const (
	accessColumns = `SELECT t.id, t.name, t.role, t.delegation_code, t.event_code, t.expires_at, t.revoked_at,
	t.created_at, d.kind,
	e.code, e.title, e.venue, e.timezone, e.starts_on, e.ends_on, e.format, e.registration_opens_at,
	e.registration_closes_at, e.capacity_in_person, e.capacity_online, e.quotas, e.invited_kinds,
	e.anti_passback, e.waitlist, e.status, e.badges_valid_from, e.badges_valid_until, e.purge_after_days,
	e.purged_at, e.offline_roster, e.created_at, e.updated_at`
	accessBadgeColumns = `,
	` + badgeViewColumns
	accessFrom = `
FROM tokens t
LEFT JOIN delegations d ON d.code = t.delegation_code
LEFT JOIN events e ON e.code = ?`
	accessBadgeFrom = `
LEFT JOIN badges b ON b.id = ? AND b.event_code = e.code
LEFT JOIN nominations n ON n.id = b.nomination_id`
	accessWhere = `
WHERE t.hash = ?
LIMIT 1`
)

var (
	accessSQL      = newHotSQL(accessColumns + accessFrom + accessWhere)
	accessBadgeSQL = newHotSQL(accessColumns + accessBadgeColumns + accessFrom + accessBadgeFrom + accessWhere)
)

// Access returns the token with that hash, the event with that code and,
// when badgeID is not empty, that badge of the event; the event and the
// badge are nil when there is none.
func (s *Store) Access(ctx context.Context, hash, event, badgeID string) (*domain.Token, *domain.Event, *domain.ScanBadge, error) {
	withBadge := badgeID != "" && validID(badgeID)
	q, args := accessSQL, []any{event, hash}
	if withBadge {
		q, args = accessBadgeSQL, []any{event, badgeID, hash}
	}
	rows, err := s.queryHot(ctx, q, args...)
	if err != nil {
		return nil, nil, nil, translate(err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, nil, nil, translate(err)
		}
		return nil, nil, nil, domain.NotFound("token")
	}
	var (
		t    tokenRow
		kind *string
		// Every column of an outer join may be NULL.
		e                        eventRow
		eCode, title, venue, tz  *string
		starts, ends, format     *string
		quotas, kinds, status    *string
		antiPB, waitlist, roster *bool
		eCreated, eUpdated       *time.Time
		badge                    badgeView
	)
	dest := []any{&t.ID, &t.Name, &t.Role, &t.DelegationCode, &t.EventCode, &t.ExpiresAt, &t.RevokedAt,
		&t.CreatedAt, &kind,
		&eCode, &title, &venue, &tz, &starts, &ends, &format, &e.RegistrationOpensAt,
		&e.RegistrationClosesAt, &e.CapacityInPerson, &e.CapacityOnline, &quotas, &kinds,
		&antiPB, &waitlist, &status, &e.BadgesValidFrom, &e.BadgesValidUntil, &e.PurgeAfterDays,
		&e.PurgedAt, &roster, &eCreated, &eUpdated}
	if withBadge {
		dest = append(dest, badge.dest()...)
	}
	if err := rows.Scan(dest...); err != nil {
		return nil, nil, nil, translate(err)
	}
	if err := rows.Close(); err != nil {
		return nil, nil, nil, translate(err)
	}
	tok := t.domain()
	tok.DelegationKind = deref(kind)
	if eCode == nil {
		return tok, nil, nil, nil
	}
	e.Code, e.Title, e.Venue, e.Timezone = *eCode, deref(title), deref(venue), deref(tz)
	e.StartsOn, e.EndsOn, e.Format = deref(starts), deref(ends), deref(format)
	e.Quotas, e.InvitedKinds, e.Status = deref(quotas), deref(kinds), deref(status)
	e.AntiPassback, e.Waitlist, e.OfflineRoster = orFalse(antiPB), orFalse(waitlist), orFalse(roster)
	e.CreatedAt, e.UpdatedAt = orZero(eCreated), orZero(eUpdated)
	return tok, e.domain(), badge.domain(), nil
}
