package badges

import (
	"slices"
	"testing"

	"github.com/osce/accredit/domain"
)

// Every category of the domain has its band: a colour of its own and a
// label, and the tables hold no category the domain does not know, so that
// a category added in domain/vocab.go fails here until it is given both.
func TestEveryCategoryHasBadgeColourAndLabel(t *testing.T) {
	seen := map[Color]string{}
	for _, cat := range domain.Categories {
		c, ok := CategoryColors[cat]
		if !ok {
			t.Errorf("category %q has no badge colour in CategoryColors", cat)
		} else if other, dup := seen[c]; dup {
			t.Errorf("categories %q and %q share the colour %v", other, cat, c)
		} else {
			seen[c] = cat
		}
		if CategoryLabels[cat] == "" {
			t.Errorf("category %q has no badge label in CategoryLabels", cat)
		}
	}
	for cat := range CategoryColors {
		if !slices.Contains(domain.Categories, cat) {
			t.Errorf("CategoryColors has %q, which is not a domain category", cat)
		}
	}
	for cat := range CategoryLabels {
		if !slices.Contains(domain.Categories, cat) {
			t.Errorf("CategoryLabels has %q, which is not a domain category", cat)
		}
	}
}
