package domain

import (
	"context"
	"maps"
	"reflect"
)

// CreateEvent validates and stores a new event.
func (s *Service) CreateEvent(ctx context.Context, e *Event) (*Event, error) {
	if e.Status == "" {
		e.Status = EventDraft
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	err := s.Store.InTx(ctx, func(tx Tx) error {
		if err := tx.CreateEvent(ctx, e); err != nil {
			return err
		}
		return s.audit(ctx, tx, "event.create", "event", e.Code, e.Code, map[string]any{"status": e.Status})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Event(ctx, e.Code)
}

// UpdateEvent applies a change to an event. Raised quotas let waitlists
// move up; lowered ones evict nobody.
func (s *Service) UpdateEvent(ctx context.Context, code string, apply func(*Event) error) (*Event, error) {
	defer s.views().forget()
	err := s.Store.InTx(ctx, func(tx Tx) error {
		e, err := tx.Event(ctx, code)
		if err != nil {
			return err
		}
		before := *e
		// apply may change the quotas in place, which a shallow copy
		// would follow: keep the ones it started from.
		before.Quotas = maps.Clone(e.Quotas)
		for k, l := range before.Quotas {
			before.Quotas[k] = l.clone()
		}
		if err := apply(e); err != nil {
			return err
		}
		if e.Code != code {
			return Invalid(FieldError{Field: "code", Code: "immutable", Message: "an event's code cannot change"})
		}
		if err := e.Validate(); err != nil {
			return err
		}
		if err := tx.UpdateEvent(ctx, e); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, "event.update", "event", code, code, map[string]any{"status": e.Status}); err != nil {
			return err
		}
		// Badges open doors within the event's window, as it is now.
		f0, u0 := before.BadgeValidity()
		if f1, u1 := e.BadgeValidity(); !f0.Equal(f1) || !u0.Equal(u1) {
			if err := tx.SetBadgeValidity(ctx, code, f1, u1); err != nil {
				return err
			}
		}
		if !reflect.DeepEqual(before.Quotas, e.Quotas) || (!before.Waitlist && e.Waitlist) {
			return s.promoteAll(ctx, tx, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Event(ctx, code)
}

// Quotas reports the quota use the actor may see of every delegation
// invited to the event (or holding nominations or an override there), or
// of the one delegation it names.
func (s *Service) Quotas(ctx context.Context, ev *Event, delegation string) ([]QuotaUsage, error) {
	only, err := QuotasFor(ActorFrom(ctx), delegation)
	if err != nil {
		return nil, err
	}
	return s.quotas(ctx, ev, only)
}

// quotas is the quota use of every delegation, or of only.
func (s *Service) quotas(ctx context.Context, ev *Event, only string) ([]QuotaUsage, error) {
	use, err := s.Store.QuotaUse(ctx, ev.Code, only)
	if err != nil {
		return nil, err
	}
	overrides, err := s.Store.Overrides(ctx, ev.Code)
	if err != nil {
		return nil, err
	}
	var items []QuotaUsage
	cursor := ""
	for {
		ds, next, err := s.Store.ListDelegations(ctx, Page{Limit: MaxPageSize, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			o, hasOverride := overrides[d.Code]
			_, hasUse := use[d.Code]
			if (only != "" && d.Code != only) || (!ev.Invites(d.Kind) && !hasUse && !hasOverride) {
				continue
			}
			limits := Limits{InPerson: ev.DefaultQuota(d.Kind, ModeInPerson), Online: ev.DefaultQuota(d.Kind, ModeOnline)}
			if hasOverride {
				limits = o
			}
			u := use[d.Code]
			items = append(items, QuotaUsage{Delegation: d.Code,
				InPerson: NewUsage(limits.InPerson, u[0]), Online: NewUsage(limits.Online, u[1])})
		}
		if next == "" {
			return items, nil
		}
		cursor = next
	}
}

// SetQuota overrides the event's default quota for one delegation.
func (s *Service) SetQuota(ctx context.Context, ev *Event, delegation string, limits Limits) (*QuotaUsage, error) {
	err := s.Store.InTx(ctx, func(tx Tx) error {
		if _, err := tx.Delegation(ctx, delegation); err != nil {
			return err
		}
		if err := tx.SetQuotaOverride(ctx, ev.Code, delegation, limits); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, "quota.set", "quota", delegation, ev.Code,
			map[string]any{"in_person": limits.InPerson, "online": limits.Online}); err != nil {
			return err
		}
		for _, mode := range []string{ModeInPerson, ModeOnline} {
			if err := s.promote(ctx, tx, ev, delegation, mode); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, err := s.quotas(ctx, ev, delegation)
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return &items[0], nil
}

// CreateToken stores a new token and returns its secret, which is shown
// this once and never again.
func (s *Service) CreateToken(ctx context.Context, t *Token) (string, error) {
	secret := NewTokenSecret()
	t.CreatedAt = s.now()
	err := s.Store.InTx(ctx, func(tx Tx) error {
		if err := s.checkTokenBinding(ctx, tx, t); err != nil {
			return err
		}
		if err := tx.CreateToken(ctx, t, HashToken(secret)); err != nil {
			return err
		}
		return s.audit(ctx, tx, "token.create", "token", t.ID, t.Event,
			map[string]any{"name": t.Name, "role": t.Role, "delegation": t.Delegation})
	})
	return secret, err
}

// checkTokenBinding enforces that delegation tokens name an existing
// delegation and security tokens at most an existing event.
func (s *Service) checkTokenBinding(ctx context.Context, tx Tx, t *Token) error {
	switch {
	case t.Role == RoleDelegation && t.Delegation == "":
		return Invalid(FieldError{Field: "delegation", Code: "required", Message: "is required for role delegation"})
	case t.Role != RoleDelegation && t.Delegation != "":
		return Invalid(FieldError{Field: "delegation", Code: "not_allowed", Message: "is only allowed with role delegation"})
	case t.Role != RoleSecurity && t.Event != "":
		return Invalid(FieldError{Field: "event", Code: "not_allowed", Message: "is only allowed with role security"})
	case t.ExpiresAt != nil && !t.ExpiresAt.After(s.now()):
		return Invalid(FieldError{Field: "expires_at", Code: "in_past", Message: "must be in the future"})
	}
	if t.Delegation != "" {
		if _, err := tx.Delegation(ctx, t.Delegation); IsCode(err, CodeNotFound) {
			return Invalid(FieldError{Field: "delegation", Code: "unknown", Message: "no delegation " + t.Delegation})
		} else if err != nil {
			return err
		}
	}
	if t.Event != "" {
		if _, err := tx.Event(ctx, t.Event); IsCode(err, CodeNotFound) {
			return Invalid(FieldError{Field: "event", Code: "unknown", Message: "no event " + t.Event})
		} else if err != nil {
			return err
		}
	}
	return nil
}

// EnsureToken makes sure a secretariat token with this secret exists: the
// bootstrap of a fresh install.
func (s *Service) EnsureToken(ctx context.Context, name, secret string) error {
	return s.Store.InTx(ctx, func(tx Tx) error {
		t := &Token{Name: name, Role: RoleSecretariat, CreatedAt: s.now()}
		created, err := tx.EnsureToken(ctx, t, HashToken(secret))
		if err != nil || !created {
			return err
		}
		return s.audit(ctx, tx, "token.create", "token", t.ID, "", map[string]any{"name": name, "role": t.Role, "bootstrap": true})
	})
}

// RevokeToken ends a token's validity at once.
func (s *Service) RevokeToken(ctx context.Context, id string) (*Token, error) {
	defer s.views().forget()
	var t *Token
	err := s.Store.InTx(ctx, func(tx Tx) error {
		var err error
		if t, err = tx.RevokeToken(ctx, id, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, "token.revoke", "token", id, t.Event, map[string]any{"name": t.Name})
	})
	return t, err
}

// CreateDelegation adds a nominating body.
func (s *Service) CreateDelegation(ctx context.Context, d *Delegation) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx Tx) error {
		if err := tx.CreateDelegation(ctx, d); err != nil {
			return err
		}
		return s.audit(ctx, tx, "delegation.create", "delegation", d.Code, "", map[string]any{"kind": d.Kind})
	})
}

// UpdateDelegation changes a delegation's name, kind or group.
func (s *Service) UpdateDelegation(ctx context.Context, code string, apply func(*Delegation) error) (*Delegation, error) {
	defer s.views().forget() // a delegation's kind decides what its tokens see
	var d *Delegation
	err := s.Store.InTx(ctx, func(tx Tx) error {
		var err error
		if d, err = tx.Delegation(ctx, code); err != nil {
			return err
		}
		if err := apply(d); err != nil {
			return err
		}
		if d.Code != code {
			return Invalid(FieldError{Field: "code", Code: "immutable", Message: "a delegation's code cannot change"})
		}
		if err := d.Validate(); err != nil {
			return err
		}
		if err := tx.UpdateDelegation(ctx, d); err != nil {
			return err
		}
		return s.audit(ctx, tx, "delegation.update", "delegation", code, "", map[string]any{"kind": d.Kind})
	})
	return d, err
}

// CreateSession adds an agenda item to an event.
func (s *Service) CreateSession(ctx context.Context, ss *Session) error {
	if !ss.EndsAt.After(ss.StartsAt) {
		return Invalid(FieldError{Field: "ends_at", Code: "before_start", Message: "must be after starts_at"})
	}
	return s.Store.InTx(ctx, func(tx Tx) error {
		if err := tx.CreateSession(ctx, ss); err != nil {
			return err
		}
		return s.audit(ctx, tx, "session.create", "session", ss.ID, ss.Event, map[string]any{"title": ss.Title})
	})
}

// CreateCheckpoint adds a scan point to an event.
func (s *Service) CreateCheckpoint(ctx context.Context, c *Checkpoint) error {
	return s.Store.InTx(ctx, func(tx Tx) error {
		if err := tx.CreateCheckpoint(ctx, c); err != nil {
			return err
		}
		return s.audit(ctx, tx, "checkpoint.create", "checkpoint", c.Code, c.Event, map[string]any{"direction": c.Direction})
	})
}
