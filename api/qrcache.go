package api

import "sync"

// qrCache keeps rendered QR PNGs; a code never changes for a (badge,
// serial), so entries never go stale, and the cache is simply emptied when
// it is full.
type qrCache struct {
	mu sync.RWMutex
	m  map[string][]byte
}

const qrCacheMax = 20000

func (q *qrCache) get(k string) ([]byte, bool) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	b, ok := q.m[k]
	return b, ok
}

func (q *qrCache) put(k string, b []byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.m == nil || len(q.m) >= qrCacheMax {
		q.m = make(map[string][]byte)
	}
	q.m[k] = b
}
