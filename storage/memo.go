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
	decode func(string) T
	clone  func(T) T
}

// jsonMemoMax bounds the memo; past it, it starts afresh (a parse per
// distinct value).
const jsonMemoMax = 256

func newJSONMemo[T any](decode func(string) T, clone func(T) T) jsonMemo[T] {
	return jsonMemo[T]{parsed: cache.New[string, T](jsonMemoMax, 0), decode: decode, clone: clone}
}

func (j *jsonMemo[T]) parse(s string) T {
	v, ok := j.parsed.Get(s)
	if !ok {
		v = j.decode(s)
		j.parsed.Put(s, v)
	}
	return j.clone(v)
}

var (
	quotasMemo = newJSONMemo(quotasFromJSON, func(m map[string]domain.Limits) map[string]domain.Limits {
		if m == nil {
			return nil
		}
		out := make(map[string]domain.Limits, len(m))
		for k, l := range m {
			out[k] = domain.Limits{InPerson: clonePtr(l.InPerson), Online: clonePtr(l.Online)}
		}
		return out
	})
	kindsMemo = newJSONMemo(fromJSON[[]string], slices.Clone[[]string])
)

// limitsJSON is a delegation's quota override in the events.quotas
// column: the column's own names, kept whatever the domain calls them.
type limitsJSON struct {
	InPerson *int `json:"in_person"`
	Online   *int `json:"online"`
}

func quotasToJSON(m map[string]domain.Limits) string {
	out := make(map[string]limitsJSON, len(m))
	for d, l := range m {
		out[d] = limitsJSON(l)
	}
	return toJSON(out)
}

func quotasFromJSON(s string) map[string]domain.Limits {
	in := fromJSON[map[string]limitsJSON](s)
	if in == nil {
		return nil
	}
	out := make(map[string]domain.Limits, len(in))
	for d, l := range in {
		out[d] = domain.Limits(l)
	}
	return out
}

func clonePtr(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
