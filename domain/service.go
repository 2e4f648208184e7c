package domain

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Service carries out the status machine and the quota rules on a Store.
// Each method is one transaction: it either applies every change and its
// audit entry, or none.
type Service struct {
	Store  Store
	Codes  Codes
	Now    func() time.Time
	caches *scanCaches
	once   sync.Once

	seenNotes seenNotes          // when tokens were last noted as used
	thumbs    singleflight.Group // photo thumbnails being made, by nomination
}

// views returns the scan path's caches, made on first use so that a
// Service built as a literal works too.
func (s *Service) views() *scanCaches {
	s.once.Do(func() {
		if s.caches == nil {
			s.caches = newScanCaches()
		}
	})
	return s.caches
}

// NewService returns a service on store with the real clock.
func NewService(store Store) *Service {
	return &Service{Store: store, Now: func() time.Time { return time.Now().UTC() }, caches: newScanCaches()}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// audit records a change made by the context's actor.
func (s *Service) audit(ctx context.Context, tx Tx, action, targetType, targetID, event string, details map[string]any) error {
	return tx.Audit(ctx, s.auditEntry(ctx, action, targetType, targetID, event, details))
}

// auditEntry is what the actor in ctx did, now.
func (s *Service) auditEntry(ctx context.Context, action, targetType, targetID, event string, details map[string]any) AuditEntry {
	a := ActorFrom(ctx)
	return AuditEntry{
		At: s.now(), ActorID: a.TokenID, ActorName: a.Name, ActorRole: string(a.Role),
		Action: action, TargetType: targetType, TargetID: targetID, Event: event,
		RequestID: a.RequestID, Details: details,
	}
}

// quotaLimit is the delegation's override for mode, or the event's default
// for the delegation's kind.
func quotaLimit(ctx context.Context, tx Tx, ev *Event, d *Delegation, mode string) (*int, error) {
	o, err := tx.QuotaOverride(ctx, ev.Code, d.Code)
	if err != nil {
		return nil, err
	}
	if o != nil {
		return o.For(mode), nil
	}
	return ev.DefaultQuota(d.Kind, mode), nil
}

// HashToken is how token secrets are stored and looked up.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// NewTokenSecret returns 32 random bytes in URL-safe base64, prefixed so
// that a leaked token is recognisable in a secret scanner.
func NewTokenSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return "acc_" + base64.RawURLEncoding.EncodeToString(b)
}
