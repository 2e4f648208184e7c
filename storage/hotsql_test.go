package storage

import "testing"

func TestHotSQLPlaceholders(t *testing.T) {
	q := newHotSQL("SELECT 1 FROM t WHERE a = ? AND b IN (?, ?)")
	if q.question != "SELECT 1 FROM t WHERE a = ? AND b IN (?, ?)" || q.dollar != "SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3)" {
		t.Fatalf("%+v", q)
	}
}
