package storage

import (
	"slices"
	"testing"

	"github.com/osce/accredit/domain"
)

// TestWriteRecheckIsTheDomainRule: the SQL a write re-checks is named
// after the domain's WriteRechecked reasons, every one of them, in the
// rule's order: adding a reason to one side without the other fails here.
func TestWriteRecheckIsTheDomainRule(t *testing.T) {
	var reasons []string
	for _, c := range writeRecheck {
		reasons = append(reasons, c.reason)
	}
	if !slices.Equal(reasons, domain.WriteRechecked) {
		t.Fatalf("storage re-checks %v, the domain says %v", reasons, domain.WriteRechecked)
	}
	order := func(r string) int { return slices.Index(domain.ScanReasons, r) }
	if !slices.IsSortedFunc(reasons, func(a, b string) int { return order(a) - order(b) }) {
		t.Fatalf("%v is not in the rule's order %v", reasons, domain.ScanReasons)
	}
}
