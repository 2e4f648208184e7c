package storage

import (
	"context"
	"time"

	"github.com/osce/accredit/domain"
)

type tokenRow struct {
	ID             string `gorm:"primaryKey"`
	Name           string
	Role           string
	DelegationCode *string
	EventCode      *string
	Hash           string
	ExpiresAt      *time.Time
	RevokedAt      *time.Time
	CreatedAt      time.Time
	LastSeenAt     *time.Time
}

func (tokenRow) TableName() string { return "tokens" }

func (r *tokenRow) domain() *domain.Token {
	return &domain.Token{ID: r.ID, Name: r.Name, Role: domain.Role(r.Role), Delegation: deref(r.DelegationCode),
		Event: deref(r.EventCode), ExpiresAt: utcp(r.ExpiresAt), RevokedAt: utcp(r.RevokedAt), CreatedAt: r.CreatedAt.UTC(),
		LastSeenAt: utcp(r.LastSeenAt)}
}

func (s *Store) CreateToken(ctx context.Context, t *domain.Token, hash string) error {
	if t.ID == "" {
		t.ID = newID()
	}
	row := tokenRow{ID: t.ID, Name: t.Name, Role: string(t.Role), DelegationCode: nilIfEmpty(t.Delegation),
		EventCode: nilIfEmpty(t.Event), Hash: hash, ExpiresAt: t.ExpiresAt, CreatedAt: t.CreatedAt}
	return translate(s.with(ctx).Create(&row).Error)
}

// EnsureToken inserts the token unless its hash exists: several processes
// starting with the same bootstrap token all succeed.
func (s *Store) EnsureToken(ctx context.Context, t *domain.Token, hash string) (bool, error) {
	if t.ID == "" {
		t.ID = newID()
	}
	res := s.with(ctx).Exec(`INSERT INTO tokens (id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (hash) DO NOTHING`, t.ID, t.Name, string(t.Role), hash, t.CreatedAt)
	return res.RowsAffected == 1, translate(res.Error)
}

func (s *Store) TokenByHash(ctx context.Context, hash string) (*domain.Token, error) {
	// GORM does not fill embedded structs in a Table() scan: flat fields.
	var rows []struct {
		ID             string
		Name           string
		Role           string
		DelegationCode *string
		EventCode      *string
		ExpiresAt      *time.Time
		RevokedAt      *time.Time
		CreatedAt      time.Time
		Kind           *string
	}
	err := s.with(ctx).Table("tokens t").
		Select("t.id, t.name, t.role, t.delegation_code, t.event_code, t.expires_at, t.revoked_at, t.created_at, d.kind").
		Joins("LEFT JOIN delegations d ON d.code = t.delegation_code").Where("t.hash = ?", hash).Limit(1).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, domain.NotFound("token")
	}
	r := rows[0]
	t := (&tokenRow{ID: r.ID, Name: r.Name, Role: r.Role, DelegationCode: r.DelegationCode, EventCode: r.EventCode,
		ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt, CreatedAt: r.CreatedAt}).domain()
	t.DelegationKind = deref(r.Kind)
	return t, nil
}

func (s *Store) ListTokens(ctx context.Context, p domain.Page) ([]domain.Token, string, error) {
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := limitOf(p)
	var rows []tokenRow
	if err := afterKey(s.with(ctx), "id", after).Order("id").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	rows, next := pageOf(rows, limit, func(r tokenRow) string { return r.ID })
	out := make([]domain.Token, len(rows))
	for i := range rows {
		out[i] = *rows[i].domain()
	}
	return out, next, nil
}

func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) (*domain.Token, error) {
	if !validID(id) {
		return nil, domain.NotFound("token")
	}
	var row tokenRow
	if err := s.with(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	if row.RevokedAt == nil {
		row.RevokedAt = &at
		if err := s.with(ctx).Model(&tokenRow{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", at).Error; err != nil {
			return nil, err
		}
	}
	return row.domain(), nil
}

// TouchTokens writes last_seen_at for many tokens in one statement (chunks
// of 500). The condition keeps several processes from writing one token
// more than about once per every between them.
func (s *Store) TouchTokens(ctx context.Context, ids []string, at time.Time, every time.Duration) error {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if validID(id) {
			valid = append(valid, id)
		}
	}
	for len(valid) > 0 {
		n := min(len(valid), 500)
		err := s.with(ctx).Exec(`UPDATE tokens SET last_seen_at = ?
			WHERE id IN ? AND (last_seen_at IS NULL OR last_seen_at < ?)`, at, valid[:n], at.Add(-every)).Error
		if err != nil {
			return translate(err)
		}
		valid = valid[n:]
	}
	return nil
}
