package storage

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/osce/accredit/domain"
)

type nominationRow struct {
	ID                string `gorm:"primaryKey"`
	EventCode         string
	DelegationCode    string
	Status            string
	StatusReason      string
	Replaces          *string
	ReplacedBy        *string
	Honorific         string
	GivenName         string
	FamilyName        string
	Gender            string
	Function          string
	Organization      string
	Nationality       string
	Email             string
	EmailKey          *string
	Phone             string
	DateOfBirth       string
	DocumentType      string
	DocumentNumber    string
	DocumentExpiresOn string
	Category          string
	Mode              string
	Sessions          string
	Remarks           string
	HasPhoto          bool
	SearchKey         string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	DecidedAt         *time.Time
	DecidedBy         string
}

func (nominationRow) TableName() string { return "nominations" }

// notEdited are the columns an edit leaves alone: who and where the
// nomination is, and what the status machine, the photo and the clock of
// its creation own. An edit writes every other column, so that a new
// nomination field is saved by an edit without being listed here.
var notEdited = []string{"id", "event_code", "delegation_code", "status", "status_reason", "replaces",
	"replaced_by", "has_photo", "created_at", "decided_at", "decided_by"}

func nominationToRow(n *domain.Nomination) nominationRow {
	r := nominationRow{ID: n.ID, EventCode: n.Event, DelegationCode: n.Delegation, Status: string(n.Status),
		StatusReason: n.StatusReason, Replaces: nilIfEmpty(n.Replaces), ReplacedBy: nilIfEmpty(n.ReplacedBy),
		Honorific: n.Honorific, GivenName: n.GivenName, FamilyName: n.FamilyName, Gender: n.Gender,
		Function: n.Function, Organization: n.Organization, Nationality: n.Nationality, Email: n.Email,
		EmailKey: nilIfEmpty(domain.EmailKey(n.Email)), Phone: n.Phone, DateOfBirth: n.DateOfBirth,
		Category: n.Category, Mode: n.Mode, Sessions: toJSON(orEmpty(n.Sessions)), Remarks: n.Remarks,
		HasPhoto: n.HasPhoto, SearchKey: domain.SearchKey(n.GivenName, n.FamilyName), CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt, DecidedAt: n.DecidedAt, DecidedBy: n.DecidedBy}
	if d := n.Document; d != nil {
		r.DocumentType, r.DocumentNumber, r.DocumentExpiresOn = d.Type, d.Number, d.ExpiresOn
	}
	return r
}

func (r *nominationRow) domain() domain.Nomination {
	n := domain.Nomination{ID: r.ID, Event: r.EventCode, Delegation: r.DelegationCode, Status: domain.Status(r.Status),
		StatusReason: r.StatusReason, Replaces: deref(r.Replaces), ReplacedBy: deref(r.ReplacedBy), HasPhoto: r.HasPhoto,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), DecidedAt: utcp(r.DecidedAt), DecidedBy: r.DecidedBy}
	n.Fields = domain.Fields{Category: r.Category, Mode: r.Mode, Sessions: fromJSON[[]string](r.Sessions), Remarks: r.Remarks,
		Person: domain.Person{Honorific: r.Honorific, GivenName: r.GivenName, FamilyName: r.FamilyName, Gender: r.Gender,
			Function: r.Function, Organization: r.Organization, Nationality: r.Nationality, Email: r.Email,
			Phone: r.Phone, DateOfBirth: r.DateOfBirth}}
	if r.DocumentType != "" || r.DocumentNumber != "" || r.DocumentExpiresOn != "" {
		n.Document = &domain.Document{Type: r.DocumentType, Number: r.DocumentNumber, ExpiresOn: r.DocumentExpiresOn}
	}
	return n
}

func (s *Store) InsertNomination(ctx context.Context, n *domain.Nomination) error {
	if n.ID == "" {
		n.ID = newID()
	}
	now := s.db.NowFunc()
	n.CreatedAt, n.UpdatedAt = now, now
	row := nominationToRow(n)
	return translate(s.with(ctx).Create(&row).Error)
}

func (s *Store) Nomination(ctx context.Context, event, id string) (*domain.Nomination, error) {
	return s.nomination(ctx, event, id, false)
}

// LockNomination reads a nomination and holds its row until the
// transaction ends (FOR UPDATE on PostgreSQL; SQLite's write transactions
// are exclusive already), so that a decision is taken on its latest state.
func (s *Store) LockNomination(ctx context.Context, event, id string) (*domain.Nomination, error) {
	return s.nomination(ctx, event, id, true)
}

func (s *Store) nomination(ctx context.Context, event, id string, lock bool) (*domain.Nomination, error) {
	if !validID(id) {
		return nil, domain.NotFound("nomination")
	}
	var row nominationRow
	q := s.with(ctx)
	if lock && s.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Where("id = ? AND event_code = ?", id, event).Take(&row).Error; err != nil {
		if domain.IsCode(translate(err), domain.CodeNotFound) {
			return nil, domain.NotFound("nomination")
		}
		return nil, err
	}
	out := []domain.Nomination{row.domain()}
	if err := s.attachBadges(ctx, out); err != nil {
		return nil, err
	}
	return &out[0], nil
}

// attachBadges fills in the badge summary of each nomination in one query.
func (s *Store) attachBadges(ctx context.Context, ns []domain.Nomination) error {
	if len(ns) == 0 {
		return nil
	}
	ids := make([]string, len(ns))
	for i := range ns {
		ids[i] = ns[i].ID
	}
	var rows []struct {
		ID           string
		NominationID string
		Serial       int
		Status       string
	}
	if err := s.with(ctx).Table("badges").Select("id, nomination_id, serial, status").Where("nomination_id IN ?", ids).Find(&rows).Error; err != nil {
		return err
	}
	by := make(map[string]*domain.BadgeRef, len(rows))
	for _, r := range rows {
		by[r.NominationID] = &domain.BadgeRef{ID: r.ID, Serial: r.Serial, Status: r.Status}
	}
	for i := range ns {
		ns[i].Badge = by[ns[i].ID]
	}
	return nil
}

func (s *Store) ListNominations(ctx context.Context, f domain.NominationFilter) ([]domain.Nomination, string, error) {
	after, err := decodeCursor(f.Page.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := limitOf(f.Page)
	q := inEvent(s.with(ctx), f.Event, "id")
	if after != "" {
		q = q.Where("id > ?", after)
	}
	if f.Delegation != "" {
		q = q.Where("delegation_code = ?", f.Delegation)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Mode != "" {
		q = q.Where("mode = ?", f.Mode)
	}
	if term := strings.TrimSpace(f.Q); term != "" {
		like := "%" + escapeLike(domain.SearchKey(term)) + "%"
		// Names through the folded key, emails through email_key: purge
		// blanks the latter, so a purged email is no longer searchable.
		email := "%" + escapeLike(strings.ToLower(term)) + "%"
		q = q.Where(`(search_key LIKE ? ESCAPE '\' OR email_key LIKE ? ESCAPE '\')`, like, email)
	}
	var rows []nominationRow
	if err := q.Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	rows, next := pageOf(rows, limit, func(r nominationRow) string { return r.ID })
	out := make([]domain.Nomination, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, next, s.attachBadges(ctx, out)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (s *Store) UpdateNomination(ctx context.Context, n *domain.Nomination) error {
	n.UpdatedAt = s.db.NowFunc()
	row := nominationToRow(n)
	res := s.with(ctx).Model(&nominationRow{}).Where("id = ? AND status = ?", n.ID, string(n.Status)).
		Select("*").Omit(notEdited...).Updates(&row)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.CodeInvalidTransition, "the nomination changed status meanwhile; reload it")
	}
	return nil
}

func (s *Store) SetStatus(ctx context.Context, c domain.StatusChange) error {
	from := make([]string, len(c.From))
	for i, st := range c.From {
		from[i] = string(st)
	}
	upd := map[string]any{"status": string(c.To), "status_reason": c.Reason, "updated_at": c.At}
	if c.Decided {
		upd["decided_at"], upd["decided_by"] = c.At, c.DecidedBy
	}
	res := s.with(ctx).Model(&nominationRow{}).Where("id = ? AND status IN ?", c.ID, from).Updates(upd)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.CodeInvalidTransition, "the nomination is no longer %s", strings.Join(from, " or "))
	}
	return nil
}

func (s *Store) SetReplacedBy(ctx context.Context, id, replacedBy string) error {
	return s.with(ctx).Model(&nominationRow{}).Where("id = ?", id).Update("replaced_by", replacedBy).Error
}

func (s *Store) OldestWaitlisted(ctx context.Context, event, delegation, mode string, skip []string) (*domain.Nomination, error) {
	var rows []nominationRow
	q := s.with(ctx)
	if s.dialect == Postgres {
		// Wait for a waitlisted row another transaction holds (an edit, a
		// photo): skipping it could leave it waiting while a seat is free.
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if len(skip) > 0 {
		q = q.Where("id NOT IN ?", skip)
	}
	err := q.Where("event_code = ? AND delegation_code = ? AND mode = ? AND status = ?",
		event, delegation, mode, string(domain.StatusWaitlisted)).Order("created_at, id").Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	n := rows[0].domain()
	return &n, nil
}

func (s *Store) WaitlistedGroups(ctx context.Context, event string) ([][2]string, error) {
	var rows []struct {
		DelegationCode string
		Mode           string
	}
	err := s.with(ctx).Model(&nominationRow{}).Distinct("delegation_code", "mode").
		Where("event_code = ? AND status = ?", event, string(domain.StatusWaitlisted)).
		Order("delegation_code, mode").Find(&rows).Error
	out := make([][2]string, len(rows))
	for i, r := range rows {
		out[i] = [2]string{r.DelegationCode, r.Mode}
	}
	return out, err
}

type photoRow struct {
	NominationID string `gorm:"primaryKey"`
	ContentType  string
	Data         []byte
	UpdatedAt    time.Time
}

func (photoRow) TableName() string { return "photos" }

func (s *Store) PutPhoto(ctx context.Context, nominationID, contentType string, data []byte) error {
	now := s.db.NowFunc()
	return s.with(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Exec(`INSERT INTO photos (nomination_id, content_type, data, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (nomination_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data,
			updated_at = excluded.updated_at, thumb = NULL`, nominationID, contentType, data, now).Error
		if err != nil {
			return translate(err)
		}
		return tx.Model(&nominationRow{}).Where("id = ?", nominationID).
			Updates(map[string]any{"has_photo": true, "updated_at": now}).Error
	})
}

func (s *Store) Photo(ctx context.Context, nominationID string) (string, []byte, error) {
	var row photoRow
	if err := s.with(ctx).Where("nomination_id = ?", nominationID).Take(&row).Error; err != nil {
		if domain.IsCode(translate(err), domain.CodeNotFound) {
			return "", nil, domain.NotFound("photo")
		}
		return "", nil, err
	}
	return row.ContentType, row.Data, nil
}

// PhotoThumb reads the thumbnail column alone: the photo beside it is
// a hundred kilobytes that a thumbnail request does not need.
func (s *Store) PhotoThumb(ctx context.Context, nominationID string) ([]byte, error) {
	var rows []struct{ Thumb []byte }
	if err := s.with(ctx).Table("photos").Select("thumb").Where("nomination_id = ?", nominationID).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, domain.NotFound("photo")
	}
	return rows[0].Thumb, nil
}

func (s *Store) PhotoStamped(ctx context.Context, nominationID string) ([]byte, time.Time, error) {
	var row photoRow
	if err := s.with(ctx).Select("data, updated_at").Where("nomination_id = ?", nominationID).Take(&row).Error; err != nil {
		if domain.IsCode(translate(err), domain.CodeNotFound) {
			return nil, time.Time{}, domain.NotFound("photo")
		}
		return nil, time.Time{}, err
	}
	return row.Data, row.UpdatedAt, nil
}

// SetPhotoThumb keeps a thumbnail only beside the photo it was made from:
// a photo replaced meanwhile has another updated_at (and no thumbnail).
func (s *Store) SetPhotoThumb(ctx context.Context, nominationID string, stamp time.Time, thumb []byte) error {
	return s.with(ctx).Exec(`UPDATE photos SET thumb = ? WHERE nomination_id = ? AND updated_at = ?`,
		thumb, nominationID, stamp).Error
}

func (s *Store) CountByStatus(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	err := s.with(ctx).Model(&nominationRow{}).Select("status, COUNT(*) AS n").Group("status").Find(&rows).Error
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, err
}
