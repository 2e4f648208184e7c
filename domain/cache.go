package domain

import (
	"context"
	"sync"
	"time"
)

// ttlCache keeps values for a short time. It serves the scan path, where a
// queue at the door must not wait on lookups that almost never change. A
// stale view never decides alone: an acceptance is written only if the
// database still agrees (Store.RecordAccepted), and a rejection that rests
// on a badge view is confirmed from the database before it is recorded.
type ttlCache[V any] struct {
	ttl time.Duration
	max int
	mu  sync.RWMutex
	m   map[string]cached[V]
}

type cached[V any] struct {
	v       V
	expires time.Time
}

func newTTLCache[V any](ttl time.Duration, max int) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, max: max, m: make(map[string]cached[V])}
}

func (c *ttlCache[V]) get(k string) (V, bool) {
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	if !ok || time.Now().After(e.expires) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[V]) put(k string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		// Full: start afresh rather than track recency; a refill costs one
		// query per entry.
		c.m = make(map[string]cached[V], c.max/4)
	}
	c.m[k] = cached[V]{v: v, expires: time.Now().Add(c.ttl)}
}

func (c *ttlCache[V]) clear() {
	c.mu.Lock()
	c.m = make(map[string]cached[V])
	c.mu.Unlock()
}

// scanCaches are the views the scan path reads.
type scanCaches struct {
	events      *ttlCache[*Event]
	checkpoints *ttlCache[*Checkpoint]
	badges      *ttlCache[*ScanBadge]
	codes       *ttlCache[CodeClaim]
	tokens      *ttlCache[cachedActor]
}

func newScanCaches() *scanCaches {
	return &scanCaches{
		events:      newTTLCache[*Event](time.Second, 1000),
		checkpoints: newTTLCache[*Checkpoint](time.Second, 10000),
		// A badge view decides nothing alone (see ttlCache), so it can live
		// longer: what may be stale for its 30 s is only the holder's name
		// or photo in an answer. At 5 s, reloading them showed in the
		// server's CPU under the scan load (docs/performance.md).
		badges: newTTLCache[*ScanBadge](30*time.Second, 200000),
		codes:  newTTLCache[CodeClaim](time.Hour, 100000),
		tokens: newTTLCache[cachedActor](2*time.Second, 10000),
	}
}

// forget drops what a change may have made stale in this process; other
// processes see it within the TTL, or at once where a write re-checks.
func (c *scanCaches) forget() {
	if c == nil {
		return
	}
	c.events.clear()
	c.checkpoints.clear()
	c.badges.clear()
	c.tokens.clear()
}

// ScanEvent reads an event for the scan path, from a view at most a second
// old.
func (s *Service) ScanEvent(ctx context.Context, code string) (*Event, error) {
	c := s.views()
	if ev, ok := c.events.get(code); ok {
		return ev, nil
	}
	ev, err := s.Store.Event(ctx, code)
	if err == nil {
		c.events.put(code, ev)
	}
	return ev, err
}
