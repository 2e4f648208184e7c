package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/osce/accredit/domain"
)

// sweepInterval is how often serve erases expired idempotency keys: an
// answer (which repeats personal data) outlives its 24 hours by at most
// this much.
const sweepInterval = 10 * time.Minute

// sweepKeys erases idempotency keys and answers older than
// domain.IdempotencyRetention, at start and then every sweepInterval,
// until ctx ends. Several processes may sweep one database: the DELETE is
// the same whoever runs it.
func sweepKeys(ctx context.Context, svc *domain.Service, log *slog.Logger) {
	tick := time.NewTicker(sweepInterval)
	defer tick.Stop()
	for {
		n, err := svc.SweepIdempotencyKeys(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("sweep idempotency keys", "err", err)
		case n > 0:
			log.Info("swept idempotency keys", "erased", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
