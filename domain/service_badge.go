package domain

import "context"

// visibleBadge hides other delegations' badges.
func visibleBadge(ctx context.Context, b *BadgeView) error {
	a := ActorFrom(ctx)
	if a.Role == RoleDelegation && b.Nomination.Delegation != a.Delegation {
		return NotFound("badge")
	}
	return nil
}

// Badge reads one badge the actor may see.
func (s *Service) Badge(ctx context.Context, event, id string) (*BadgeView, error) {
	b, err := s.Store.Badge(ctx, event, id)
	if err != nil {
		return nil, err
	}
	return b, visibleBadge(ctx, b)
}

// visibleTo hides other delegations' badges.
func (b *ScanBadge) visibleTo(a Actor) bool {
	return a.Role != RoleDelegation || b.Delegation == a.Delegation
}

// BadgeCode is the signed code of a badge's current serial.
func (s *Service) BadgeCode(b *Badge) (string, error) {
	return s.Codes.Sign(b.Event, b.ID, b.Serial)
}

// Reissue replaces a lost badge: serial n+1 is printed and serial n stops
// opening doors, online at once and offline through the revocation feed.
func (s *Service) Reissue(ctx context.Context, event, id string) (*BadgeView, error) {
	defer s.views().forget()
	err := s.Store.InTx(ctx, func(tx Tx) error {
		b, err := tx.Badge(ctx, event, id)
		if err != nil {
			return err
		}
		if b.Status != BadgeActive {
			return Errorf(CodeInvalidTransition, "badge %s is %s; only an active badge can be reissued", id, b.Status)
		}
		nb, err := tx.BumpSerial(ctx, id, s.now())
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, "badge.reissue", "badge", id, event,
			map[string]any{"serial": nb.Serial, "revoked_serial": b.Serial, "nomination": b.NominationID})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Badge(ctx, event, id)
}
