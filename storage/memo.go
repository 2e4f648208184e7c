package storage

import (
	"slices"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/internal/cache"
)

// jsonMemo keeps the parse of JSON columns that every route of an event
// reads and that change only when the event is edited: parsing the quotas
// on each request showed in qr.png's profile (docs/performance.md, "The
// query styles"). Callers get their own
// copy, since a handler may change what it was given.
type jsonMemo[T any] struct {
	parsed *cache.Bounded[string, T]
	clone  func(T) T
}

// jsonMemoMax bounds the memo; past it, it starts afresh (a parse per
// distinct value).
const jsonMemoMax = 256

func newJSONMemo[T any](clone func(T) T) jsonMemo[T] {
	return jsonMemo[T]{parsed: cache.New[string, T](jsonMemoMax, 0), clone: clone}
}

func (j *jsonMemo[T]) parse(s string) T {
	v, ok := j.parsed.Get(s)
	if !ok {
		v = fromJSON[T](s)
		j.parsed.Put(s, v)
	}
	return j.clone(v)
}

var (
	quotasMemo = newJSONMemo(func(m map[string]domain.Limits) map[string]domain.Limits {
		if m == nil {
			return nil
		}
		out := make(map[string]domain.Limits, len(m))
		for k, l := range m {
			out[k] = domain.Limits{InPerson: clonePtr(l.InPerson), Online: clonePtr(l.Online)}
		}
		return out
	})
	kindsMemo = newJSONMemo(slices.Clone[[]string])
)

func clonePtr(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
