package storage

import (
	"reflect"
	"testing"
)

// TestJSONMemoCopies: what one caller changes in its event's quotas or
// invited kinds never reaches the next caller of the same column value.
func TestJSONMemoCopies(t *testing.T) {
	const q = `{"participating_state":{"in_person":3,"online":5},"partner":{"in_person":1,"online":null}}`
	first := quotasMemo.parse(q)
	*first["participating_state"].InPerson = 99
	delete(first, "partner")
	again := quotasMemo.parse(q)
	if len(again) != 2 || *again["participating_state"].InPerson != 3 || again["partner"].Online != nil {
		t.Fatalf("a caller's change leaked: %v", again)
	}
	if m := quotasMemo.parse(`{}`); m == nil || len(m) != 0 {
		t.Fatalf("{} must be an empty map, got %#v", m)
	}

	kinds := kindsMemo.parse(`["participating_state","partner"]`)
	kinds[0] = "changed"
	if k := kindsMemo.parse(`["participating_state","partner"]`); !reflect.DeepEqual(k, []string{"participating_state", "partner"}) {
		t.Fatalf("a caller's change leaked: %v", k)
	}
	if k := kindsMemo.parse(`[]`); k == nil || len(k) != 0 {
		t.Fatalf("[] must be an empty list, got %#v", k)
	}
}
