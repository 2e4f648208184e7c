package domain

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// SeenEvery is how often at most a token's last_seen_at is written: the
// scan route is the hottest path in the system, and "last seen a minute
// ago" is all a secretariat needs to spot a silent device.
const SeenEvery = time.Minute

// seenNotes remembers when this process last noted each token as seen, so
// that a request needs only a map look-up under a read lock; the write
// itself happens on a background goroutine, off the request's path.
type seenNotes struct {
	mu      sync.RWMutex
	last    map[string]time.Time // token id → when this process last queued it
	pending []string
	running bool
}

// maxSeenNotes bounds the notes; when full they start afresh, which costs
// at most one more conditional update per token.
const maxSeenNotes = 100_000

// Seen notes that a token was used (by a request that succeeded: one that
// fails changes nothing, api/openapi.yaml, Errors). At most about once a minute per token
// it queues a write of last_seen_at; the write is a conditional update
// (only if the stored value is older than a minute), so several processes
// together also write about once a minute per token. A lost write (the
// process stops) loses nothing that matters: the next use writes it.
func (s *Service) Seen(tokenID string) {
	if tokenID == "" {
		return
	}
	n, now := &s.seenNotes, s.now()
	n.mu.RLock()
	at, ok := n.last[tokenID]
	n.mu.RUnlock()
	if ok && now.Sub(at) < SeenEvery && !now.Before(at) {
		return
	}
	n.mu.Lock()
	if at, ok := n.last[tokenID]; ok && now.Sub(at) < SeenEvery && !now.Before(at) {
		n.mu.Unlock()
		return
	}
	if n.last == nil || len(n.last) >= maxSeenNotes {
		n.last = make(map[string]time.Time)
	}
	n.last[tokenID] = now
	n.pending = append(n.pending, tokenID)
	start := !n.running
	n.running = true
	n.mu.Unlock()
	if start {
		go s.writeSeen()
	}
}

// writeSeen writes the queued tokens' last_seen_at, many per statement,
// until the queue is empty; then it ends, and the next note starts another.
func (s *Service) writeSeen() {
	n := &s.seenNotes
	for {
		n.mu.Lock()
		ids := n.pending
		n.pending = nil
		if len(ids) == 0 {
			n.running = false
			n.mu.Unlock()
			return
		}
		n.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := s.Store.TouchTokens(ctx, ids, s.now(), SeenEvery)
		cancel()
		if err != nil {
			// Forget the notes so that the tokens' next use tries again.
			n.mu.Lock()
			for _, id := range ids {
				delete(n.last, id)
			}
			n.mu.Unlock()
			slog.Warn("last_seen_at not written", "tokens", len(ids), "err", err.Error())
		}
	}
}

// WaitSeen waits until the queued last_seen_at writes are done, for tests
// and shutdown; it gives up when ctx ends.
func (s *Service) WaitSeen(ctx context.Context) error {
	for {
		s.seenNotes.mu.RLock()
		busy := s.seenNotes.running
		s.seenNotes.mu.RUnlock()
		if !busy {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}
