// Package cache is the bounded in-process cache that the hot paths share:
// the door's views (domain), rendered QR symbols (api) and parsed JSON
// columns (storage).
package cache

import (
	"sync"
	"time"
)

// Bounded maps keys to values, at most Max of them. When full it starts
// afresh rather than track recency: a refill costs one look-up or one
// computation per entry, and tracking would cost every hit a write lock.
// With a TTL an entry is served only that long after it was put; zero
// keeps entries until the cache is emptied.
type Bounded[K comparable, V any] struct {
	max int
	ttl time.Duration
	mu  sync.RWMutex
	m   map[K]entry[V]
}

type entry[V any] struct {
	v       V
	expires time.Time // zero without a TTL
}

// New returns a cache of at most max entries, each kept for ttl (0: until
// the cache is emptied).
func New[K comparable, V any](max int, ttl time.Duration) *Bounded[K, V] {
	return &Bounded[K, V]{max: max, ttl: ttl}
}

// Get returns the value put under k, unless it has expired.
func (c *Bounded[K, V]) Get(k K) (V, bool) {
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	if !ok || (c.ttl > 0 && time.Now().After(e.expires)) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put keeps v under k.
func (c *Bounded[K, V]) Put(k K, v V) {
	e := entry[V]{v: v}
	if c.ttl > 0 {
		e.expires = time.Now().Add(c.ttl)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[K]entry[V], min(c.max, 1024))
	}
	c.m[k] = e
}

// Clear empties the cache.
func (c *Bounded[K, V]) Clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// Len is the number of entries held, expired ones included.
func (c *Bounded[K, V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
