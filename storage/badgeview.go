package storage

import (
	"database/sql"

	"github.com/osce/accredit/domain"
)

// badgeViewColumns are the columns of a badge's scan view
// (domain.ScanBadge): its row b and its holder's nomination n. The door
// reads it alone (scanBadgeSQL) and qr.png beside the token and the event
// (accessBadgeSQL), as an outer join whose every column may be NULL;
// badgeView scans either.
const badgeViewColumns = `b.id, b.nomination_id, b.event_code, b.serial, b.status, b.category,
	b.valid_from, b.valid_until, b.inside, n.honorific, n.given_name, n.family_name, n.delegation_code, n.has_photo`

// badgeView is a row of badgeViewColumns.
type badgeView struct {
	id, nominationID, event, status, category    sql.NullString
	serial                                       sql.NullInt64
	validFrom, validUntil                        sql.NullTime
	inside, hasPhoto                             sql.NullBool
	honorific, givenName, familyName, delegation sql.NullString
}

func (v *badgeView) dest() []any {
	return []any{&v.id, &v.nominationID, &v.event, &v.serial, &v.status, &v.category, &v.validFrom, &v.validUntil,
		&v.inside, &v.honorific, &v.givenName, &v.familyName, &v.delegation, &v.hasPhoto}
}

// domain is the view read, or nil when the outer join found no badge.
func (v *badgeView) domain() *domain.ScanBadge {
	if !v.id.Valid {
		return nil
	}
	p := domain.Person{Honorific: v.honorific.String, GivenName: v.givenName.String, FamilyName: v.familyName.String}
	return &domain.ScanBadge{Badge: domain.Badge{ID: v.id.String, NominationID: v.nominationID.String,
		Event: v.event.String, Serial: int(v.serial.Int64), Status: v.status.String, Category: v.category.String,
		ValidFrom: v.validFrom.Time.UTC(), ValidUntil: v.validUntil.Time.UTC()},
		DisplayName: p.DisplayName(), Delegation: v.delegation.String, HasPhoto: v.hasPhoto.Bool, Inside: v.inside.Bool}
}
