package domain

import (
	"context"
	"time"
)

// Authenticate resolves a bearer secret to its actor: unknown, expired and
// revoked tokens are unauthorized. It reads the database every time: a
// revocation, in any process, must take effect at once (a cached token
// would let a lost scanner in for the cache's lifetime).
func (s *Service) Authenticate(ctx context.Context, secret string) (Actor, error) {
	return s.actorOf(s.Store.TokenByHash(ctx, HashToken(secret)))
}

func (s *Service) actorOf(t *Token, err error) (Actor, error) {
	if IsCode(err, CodeNotFound) || (err == nil && !t.Active(s.now())) {
		return Actor{}, Errorf(CodeUnauthorized, "the token is unknown, expired or revoked")
	} else if err != nil {
		return Actor{}, err
	}
	return Actor{TokenID: t.ID, Name: t.Name, Role: t.Role, Delegation: t.Delegation,
		DelegationKind: t.DelegationKind, Event: t.Event}, nil
}

// EventAccess is what a route of one event starts from: who asks, the
// event, and on a badge's route the badge, read in one round trip.
type EventAccess struct {
	Actor    Actor
	Event    *Event
	EventErr error // the event is unknown
	Badge    *Badge
	BadgeErr error // the badge is unknown, of another event or not the caller's to see
}

// AuthenticateEvent is Authenticate for the routes of one event, with the
// event, and the badge when badge is not empty, read in the same round
// trip and never from a view. The error is the token's refusal: a bad
// token is refused before an unknown event or badge is named.
func (s *Service) AuthenticateEvent(ctx context.Context, secret, code, badge string) (EventAccess, error) {
	t, ev, b, err := s.Store.Access(ctx, HashToken(secret), code, badge)
	a, err := s.actorOf(t, err)
	if err != nil {
		return EventAccess{}, err
	}
	acc := EventAccess{Actor: a, Event: ev}
	if ev == nil {
		acc.EventErr = NotFound("event " + code)
	}
	if badge != "" {
		if b == nil {
			acc.BadgeErr = NotFound("badge")
		} else if acc.BadgeErr = badgeVisible(a, b.Delegation); acc.BadgeErr == nil {
			acc.Badge = &b.Badge
		}
	}
	return acc, nil
}

// AuthenticateView is Authenticate from a view at most two seconds old,
// for the scan route only: it also returns the token's hash, and the scan
// is written only if that token is still active then (ScanRequest.Token),
// so a revoked token records nothing and gets unauthorized.
func (s *Service) AuthenticateView(ctx context.Context, secret string) (Actor, string, error) {
	c := s.views()
	hash := HashToken(secret)
	if a, ok := c.tokens.Get(hash); ok && (a.expires == nil || s.now().Before(*a.expires)) {
		return a.Actor, hash, nil
	}
	a, err := s.Authenticate(ctx, secret)
	if err != nil {
		return Actor{}, "", err
	}
	t, err := s.Store.TokenByHash(ctx, hash)
	if err != nil {
		return Actor{}, "", err
	}
	c.tokens.Put(hash, cachedActor{Actor: a, expires: t.ExpiresAt})
	return a, hash, nil
}

type cachedActor struct {
	Actor
	expires *time.Time
}
