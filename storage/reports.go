package storage

import (
	"context"
	"time"

	"github.com/osce/accredit/domain"
)

func (s *Store) StatusCounts(ctx context.Context, event string) (map[string]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	err := s.with(ctx).Model(&nominationRow{}).Select("status, COUNT(*) AS n").Where("event_code = ?", event).
		Group("status").Find(&rows).Error
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, err
}

func (s *Store) ApprovedFacets(ctx context.Context, event string) ([]domain.Facet, error) {
	var rows []struct {
		Mode, Kind, Category, Gender string
		N                            int
	}
	err := s.with(ctx).Table("nominations n").Select("n.mode, d.kind, n.category, n.gender, COUNT(*) AS n").
		Joins("JOIN delegations d ON d.code = n.delegation_code").
		Where("n.event_code = ? AND n.status = ?", event, domain.StatusApproved).
		Group("n.mode, d.kind, n.category, n.gender").Find(&rows).Error
	out := make([]domain.Facet, len(rows))
	for i, r := range rows {
		out[i] = domain.Facet{Mode: r.Mode, Kind: r.Kind, Category: r.Category, Gender: r.Gender, Count: r.N}
	}
	return out, err
}

func (s *Store) EntryTimes(ctx context.Context, event string) ([]domain.Entry, error) {
	var rows []struct {
		NominationID string
		ScannedAt    time.Time
	}
	err := s.with(ctx).Table("scans").Select("nomination_id, scanned_at").
		Where("event_code = ? AND result = ? AND direction = ? AND nomination_id IS NOT NULL", event, domain.ScanAccepted, domain.DirectionIn).
		Find(&rows).Error
	out := make([]domain.Entry, len(rows))
	for i, r := range rows {
		out[i] = domain.Entry{NominationID: r.NominationID, At: r.ScannedAt.UTC()}
	}
	return out, err
}

func (s *Store) Participants(ctx context.Context, event string, attendedOnly bool) ([]domain.ParticipantRow, error) {
	var rows []struct {
		Code, Name, Kind, GroupName                                        string
		Honorific, GivenName, FamilyName, Function, Organization, Category string
	}
	q := s.with(ctx).Table("nominations n").
		Select(`d.code, d.name, d.kind, d.group_name, n.honorific, n.given_name, n.family_name, n.function,
			n.organization, n.category`).
		Joins("JOIN delegations d ON d.code = n.delegation_code").
		Where("n.event_code = ? AND n.status = ?", event, domain.StatusApproved)
	if attendedOnly {
		q = q.Where(`EXISTS (SELECT 1 FROM scans s WHERE s.nomination_id = n.id AND s.event_code = n.event_code
			AND s.result = ? AND s.direction = ?)`, domain.ScanAccepted, domain.DirectionIn)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.ParticipantRow, len(rows))
	for i, r := range rows {
		out[i] = domain.ParticipantRow{
			Delegation:  domain.Delegation{Code: r.Code, Name: r.Name, Kind: r.Kind, Group: r.GroupName},
			Participant: domain.Participant{Honorific: r.Honorific, GivenName: r.GivenName, FamilyName: r.FamilyName, Function: r.Function, Organization: r.Organization, Category: r.Category},
		}
	}
	return out, nil
}

// PurgePersonalData blanks the personal columns, deletes the photos and
// the stored idempotent answers (which repeat personal data) of an event,
// and removes the purged values from the free text written about its
// nominations (reasons, remarks). ErasePurged then erases them on disk.
func (s *Store) PurgePersonalData(ctx context.Context, event string, at time.Time) (int, error) {
	db := s.with(ctx)
	values, err := purgedValues(db, event)
	if err != nil {
		return 0, err
	}
	if err := db.Exec(`DELETE FROM photos WHERE nomination_id IN (SELECT id FROM nominations WHERE event_code = ?)`, event).Error; err != nil {
		return 0, err
	}
	res := db.Exec(`UPDATE nominations SET email = '', email_key = NULL, phone = '', date_of_birth = '',
		document_type = '', document_number = '', document_expires_on = '', has_photo = ?, updated_at = ?
		WHERE event_code = ?`, false, at, event)
	if res.Error != nil {
		return 0, res.Error
	}
	if err := db.Exec(`DELETE FROM idempotency_keys WHERE scope LIKE ?`, "% /v1/events/"+escapeLike(event)+"/%").Error; err != nil {
		return 0, err
	}
	if err := scrubFreeText(db, event, values); err != nil {
		return 0, err
	}
	if err := db.Exec(`UPDATE events SET purged_at = ? WHERE code = ?`, at, event).Error; err != nil {
		return 0, err
	}
	return int(res.RowsAffected), nil
}
