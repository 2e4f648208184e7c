package domain

import "context"

// Badge reads one badge the actor may see.
func (s *Service) Badge(ctx context.Context, event, id string) (*BadgeView, error) {
	b, err := s.Store.Badge(ctx, event, id)
	if err != nil {
		return nil, err
	}
	return b, badgeVisible(ActorFrom(ctx), b.Nomination.Delegation)
}

// Badges lists the badges the actor may see of those f asks for.
func (s *Service) Badges(ctx context.Context, f BadgeFilter) ([]BadgeView, string, error) {
	f, err := BadgesFor(ActorFrom(ctx), f)
	if err != nil {
		return nil, "", err
	}
	return s.Store.ListBadges(ctx, f)
}

// BadgePhoto is the photo of a badge's holder, for printing the badge; nil
// when there is none.
func (s *Service) BadgePhoto(ctx context.Context, b *BadgeView) ([]byte, error) {
	if err := badgeVisible(ActorFrom(ctx), b.Nomination.Delegation); err != nil || !b.Nomination.HasPhoto {
		return nil, err
	}
	_, data, err := s.Store.Photo(ctx, b.NominationID)
	if IsCode(err, CodeNotFound) {
		return nil, nil
	}
	return data, err
}

// Revocations is the feed of revoked serials after since, for the doors.
func (s *Service) Revocations(ctx context.Context, event string, since int64, limit int) ([]Revocation, error) {
	if err := require(ActorFrom(ctx), RoleSecretariat, RoleSecurity); err != nil {
		return nil, err
	}
	return s.Store.Revocations(ctx, event, since, limit)
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
