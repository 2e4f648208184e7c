package storage

import (
	"context"

	"github.com/osce/accredit/domain"
)

type delegationRow struct {
	Code      string `gorm:"primaryKey"`
	Name      string
	Kind      string
	GroupName string
}

func (delegationRow) TableName() string { return "delegations" }

func (r delegationRow) domain() domain.Delegation {
	return domain.Delegation{Code: r.Code, Name: r.Name, Kind: r.Kind, Group: r.GroupName}
}

func (s *Store) ListDelegations(ctx context.Context, p domain.Page) ([]domain.Delegation, string, error) {
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := limitOf(p)
	var rows []delegationRow
	if err := s.with(ctx).Where("code > ?", after).Order("code").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	rows, next := pageOf(rows, limit, func(r delegationRow) string { return r.Code })
	out := make([]domain.Delegation, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, next, nil
}

func (s *Store) Delegation(ctx context.Context, code string) (*domain.Delegation, error) {
	var row delegationRow
	if err := s.with(ctx).Where("code = ?", code).Take(&row).Error; err != nil {
		if domain.IsCode(translate(err), domain.CodeNotFound) {
			return nil, domain.NotFound("delegation " + code)
		}
		return nil, err
	}
	d := row.domain()
	return &d, nil
}

func (s *Store) CreateDelegation(ctx context.Context, d *domain.Delegation) error {
	row := delegationRow{Code: d.Code, Name: d.Name, Kind: d.Kind, GroupName: d.Group}
	err := translate(s.with(ctx).Create(&row).Error)
	if domain.IsCode(err, domain.CodeConflict) {
		return domain.Errorf(domain.CodeConflict, "delegation %s already exists", d.Code)
	}
	return err
}

func (s *Store) UpdateDelegation(ctx context.Context, d *domain.Delegation) error {
	return s.with(ctx).Model(&delegationRow{}).Where("code = ?", d.Code).
		Updates(map[string]any{"name": d.Name, "kind": d.Kind, "group_name": d.Group, "updated_at": s.db.NowFunc()}).Error
}
