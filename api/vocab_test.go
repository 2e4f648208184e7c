package api

import (
	"fmt"
	"slices"
	"testing"

	"github.com/osce/accredit/domain"
)

// The OpenAPI document cannot derive its enums from the domain, so this
// holds them equal, in order: a value added in domain/vocab.go fails here
// until the document lists it too. The validator's tags derive from the
// same lists (vocabularies).
func TestOpenAPIEnumsAreTheDomainVocabularies(t *testing.T) {
	schemas := openapiDoc(t)["components"].(map[string]any)["schemas"].(map[string]any)
	statuses := make([]string, len(domain.Statuses))
	for i, s := range domain.Statuses {
		statuses[i] = string(s)
	}
	for name, want := range map[string][]string{
		"Kind": domain.Kinds, "Category": domain.Categories, "Gender": domain.Genders, "Mode": domain.Modes,
		"Role": domain.Roles, "NominationStatus": statuses, "DocumentType": domain.DocumentTypes,
	} {
		s, _ := schemas[name].(map[string]any)
		var got []string
		for _, v := range s["enum"].([]any) {
			got = append(got, fmt.Sprint(v))
		}
		if !slices.Equal(got, want) {
			t.Errorf("components.schemas.%s.enum = %v, domain has %v", name, got, want)
		}
	}
	for tag, want := range vocabularies {
		if err := validate.Var(want[len(want)-1], tag); err != nil {
			t.Errorf("tag %s refuses %q: %v", tag, want[len(want)-1], err)
		}
		if err := validate.Var("not_a_value", tag); err == nil {
			t.Errorf("tag %s takes any value", tag)
		}
	}
}
