package storage

import (
	"slices"
	"sync"

	"github.com/osce/accredit/domain"
)

// jsonMemo keeps the parse of JSON columns that every route of an event
// reads and that change only when the event is edited: parsing the quotas
// on each request showed in qr.png's profile (docs/performance.md, "The
// query styles"). Callers get their own
// copy, since a handler may change what it was given.
type jsonMemo[T any] struct {
	mu    sync.Mutex
	m     map[string]T
	clone func(T) T
}

// jsonMemoMax bounds the memo; past it, it starts afresh (a parse per
// distinct value).
const jsonMemoMax = 256

func (j *jsonMemo[T]) parse(s string) T {
	j.mu.Lock()
	v, ok := j.m[s]
	j.mu.Unlock()
	if !ok {
		v = fromJSON[T](s)
		j.mu.Lock()
		if j.m == nil || len(j.m) >= jsonMemoMax {
			j.m = make(map[string]T)
		}
		j.m[s] = v
		j.mu.Unlock()
	}
	return j.clone(v)
}

var (
	quotasMemo = jsonMemo[map[string]domain.Limits]{clone: func(m map[string]domain.Limits) map[string]domain.Limits {
		if m == nil {
			return nil
		}
		out := make(map[string]domain.Limits, len(m))
		for k, l := range m {
			out[k] = domain.Limits{InPerson: clonePtr(l.InPerson), Online: clonePtr(l.Online)}
		}
		return out
	}}
	kindsMemo = jsonMemo[[]string]{clone: slices.Clone[[]string]}
)

func clonePtr(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
