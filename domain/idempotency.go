package domain

import (
	"context"
	"time"
)

// IdempotencyRetention is how long a key and its answer are kept (docs/security.md,
// Idempotency keys): an older key is neither replayed nor in the way of a new request,
// and the sweep erases it.
const IdempotencyRetention = 24 * time.Hour

// IdempotencyKey is a request sent with an Idempotency-Key: the key in its
// scope (the token and the route) and a hash of the request's body.
type IdempotencyKey struct {
	Scope, Key, Hash string
}

// Once makes a change at most once per key (api/openapi.yaml, POST …/nominations). The change's
// transaction claims the key first and stores Answer's result last, so
// the answer commits with the change or not at all.
type Once struct {
	Key IdempotencyKey
	// Answer renders the request's answer to the change it made.
	Answer func(n *Nomination) (status int, body []byte, err error)
}

// Replayed is what a change returns instead of being made again when its
// key was answered before: the caller answers Response (or refuses it, if
// Response was to another body).
type Replayed struct {
	Response IdempotentResponse
}

func (r *Replayed) Error() string { return "this Idempotency-Key was answered before" }

// keptSince is the oldest moment whose answers still count.
func (s *Service) keptSince() time.Time { return s.now().Add(-IdempotencyRetention) }

// IdempotentAnswer returns the answer recorded for the key within the
// retention; nil when there is none.
func (s *Service) IdempotentAnswer(ctx context.Context, k IdempotencyKey) (*IdempotentResponse, error) {
	return s.Store.IdempotentAnswer(ctx, k.Scope, k.Key, s.keptSince())
}

// HoldIdempotencyKey marks the key in flight in this process until
// release: a duplicate sent meanwhile is refused at once.
func (s *Service) HoldIdempotencyKey(ctx context.Context, k IdempotencyKey) (release func(), err error) {
	return s.Store.HoldIdempotencyKey(ctx, k.Scope, k.Key)
}

// claim holds the key for the rest of tx; Replayed when it was answered.
func (o *Once) claim(ctx context.Context, s *Service, tx Tx) error {
	if o == nil {
		return nil
	}
	prior, err := tx.ClaimIdempotencyKey(ctx, o.Key.Scope, o.Key.Key, s.keptSince())
	if err != nil {
		return err
	}
	if prior != nil {
		return &Replayed{Response: *prior}
	}
	return nil
}

// record stores the answer to the change n in tx.
func (o *Once) record(ctx context.Context, s *Service, tx Tx, n *Nomination) error {
	if o == nil {
		return nil
	}
	status, body, err := o.Answer(n)
	if err != nil {
		return err
	}
	return tx.RecordIdempotentAnswer(ctx, o.Key.Scope, o.Key.Key,
		IdempotentResponse{RequestHash: o.Key.Hash, Status: status, Body: body}, s.now())
}

// SweepIdempotencyKeys erases the keys and answers older than the
// retention; serve runs it periodically.
func (s *Service) SweepIdempotencyKeys(ctx context.Context) (int64, error) {
	return s.Store.DeleteIdempotencyKeys(ctx, s.keptSince())
}
