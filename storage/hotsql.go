package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// hotSQL is a statement read on nearly every request, in both dialects'
// placeholders. It runs without GORM's statement building, whose parsing
// of a long statement for placeholders was measurable on qr.png's CPU
// (figures: docs/performance.md, "The query styles").
type hotSQL struct{ question, dollar string }

func newHotSQL(q string) hotSQL {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return hotSQL{question: q, dollar: b.String()}
}

func (s *Store) queryHot(ctx context.Context, q hotSQL, args ...any) (*sql.Rows, error) {
	text := q.question
	if s.dialect == Postgres {
		text = q.dollar
	}
	return s.db.Statement.ConnPool.QueryContext(ctx, text, args...)
}

// A column of an outer join may be NULL: these read it as the zero value.

func orFalse(b *bool) bool { return b != nil && *b }

func orZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
