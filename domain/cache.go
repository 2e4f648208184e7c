package domain

import (
	"context"
	"time"

	"github.com/osce/accredit/internal/cache"
)

// The scan path's views keep values for a short time: a queue at the door
// must not wait on look-ups that almost never change. A stale view never
// decides alone: an acceptance is written only if the database still
// agrees (Store.RecordScan), and a rejection that rests on a badge
// view is confirmed from the database before it is recorded
// (judgement.mayBeStale).
type view[V any] = cache.Bounded[string, V]

func newView[V any](ttl time.Duration, max int) *view[V] { return cache.New[string, V](max, ttl) }

// scanCaches are the views the scan path reads.
type scanCaches struct {
	events      *view[*Event]
	checkpoints *view[*Checkpoint]
	badges      *view[*ScanBadge]
	codes       *view[CodeClaim]
	tokens      *view[cachedActor]
}

func newScanCaches() *scanCaches {
	return &scanCaches{
		events:      newView[*Event](time.Second, 1000),
		checkpoints: newView[*Checkpoint](time.Second, 10000),
		// A badge view decides nothing alone (see view), so it can live
		// longer: what may be stale for its 30 s is only the holder's name
		// or photo in an answer. At 5 s, reloading them showed in the
		// server's CPU under the scan load (docs/performance.md).
		badges: newView[*ScanBadge](30*time.Second, 200000),
		codes:  newView[CodeClaim](time.Hour, 100000),
		tokens: newView[cachedActor](2*time.Second, 10000),
	}
}

// forget drops what a change may have made stale in this process; other
// processes see it within the TTL, or at once where a write re-checks.
func (c *scanCaches) forget() {
	if c == nil {
		return
	}
	c.events.Clear()
	c.checkpoints.Clear()
	c.badges.Clear()
	c.tokens.Clear()
}

// ScanEvent reads an event for the scan path, from a view at most a second
// old.
func (s *Service) ScanEvent(ctx context.Context, code string) (*Event, error) {
	c := s.views()
	if ev, ok := c.events.Get(code); ok {
		return ev, nil
	}
	ev, err := s.Store.Event(ctx, code)
	if err == nil {
		c.events.Put(code, ev)
	}
	return ev, err
}
