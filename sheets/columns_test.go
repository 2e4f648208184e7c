package sheets

import (
	"reflect"
	"slices"
	"testing"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/domain/domaintest"
)

// The export is the import's columns behind id and status, and what the
// export writes of a nomination imports back as the same nomination.
func TestColumnsRoundTrip(t *testing.T) {
	header := ExportHeader()
	if want := append([]string{"id", "status"}, NominationColumns...); !slices.Equal(header, want) {
		t.Fatalf("export header %v, want %v", header, want)
	}
	// Every field set (domaintest.EveryField): a field without a column
	// comes back empty.
	n := domain.Nomination{ID: "0192f0c5-0000-7000-8000-00000000a001", Status: domain.StatusApproved, Delegation: "AUT",
		Fields: domaintest.EveryField("0192f0c5-0000-7000-8000-0000000000s1", "0192f0c5-0000-7000-8000-0000000000s2")}
	cells := ExportRow(&n)
	r := Row{Line: 2, Values: map[string]string{}}
	for i, h := range header {
		r.Values[h] = cells[i]
	}
	got := r.Nomination()
	want := n
	want.ID, want.Status = "", ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}

	bare := domain.Nomination{Fields: domain.Fields{Person: domain.Person{GivenName: "B"}}}
	cells = ExportRow(&bare)
	r = Row{Values: map[string]string{}}
	for i, h := range header {
		r.Values[h] = cells[i]
	}
	if got := r.Nomination(); got.Document != nil || got.Sessions != nil || got.GivenName != "B" {
		t.Errorf("empty cells: document %v, sessions %v, name %q", got.Document, got.Sessions, got.GivenName)
	}
}

func TestColumnsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Columns {
		if seen[c.Name] {
			t.Errorf("column %q twice", c.Name)
		}
		seen[c.Name] = true
		if c.Get == nil {
			t.Errorf("column %q: the export cannot read it", c.Name)
		}
		if c.Set == nil {
			continue
		}
		if c.Width <= 0 {
			t.Errorf("column %q has no template width", c.Name)
		}
		if c.List != nil && !slices.Contains(c.List, c.Example) {
			t.Errorf("column %q: example %q is not in its list %v", c.Name, c.Example, c.List)
		}
	}
	for _, c := range []string{"given_name", "family_name", "gender", "email", "category", "mode"} {
		if !slices.Contains(RequiredColumns, c) {
			t.Errorf("%s is not required", c)
		}
	}
}
