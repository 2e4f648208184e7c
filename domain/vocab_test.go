package domain

import (
	"slices"
	"strings"
	"testing"
)

// The vocabularies are pasted into validation rules (oneof=…, split on
// spaces) and spreadsheet drop-downs (split on commas): each must be a
// non-empty list of distinct snake_case values.
func TestVocabulariesAreWellFormed(t *testing.T) {
	for name, list := range map[string][]string{
		"Categories": Categories, "Genders": Genders, "Modes": Modes, "DocumentTypes": DocumentTypes,
		"Kinds": Kinds, "EventFormats": EventFormats, "EventStatuses": EventStatuses, "Roles": Roles,
		"CheckpointDirections": CheckpointDirections, "ScanDirections": ScanDirections, "ScanResults": ScanResults,
		"ScanReasons": ScanReasons,
	} {
		if len(list) == 0 {
			t.Errorf("%s is empty", name)
		}
		for i, v := range list {
			if v == "" || strings.Trim(v, "abcdefghijklmnopqrstuvwxyz_") != "" {
				t.Errorf("%s[%d] = %q: want lower-case snake_case", name, i, v)
			}
			if slices.Index(list, v) != i {
				t.Errorf("%s lists %q twice", name, v)
			}
		}
	}
}

func TestVocabularyChecks(t *testing.T) {
	for _, c := range []struct {
		name  string
		valid func(string) bool
		in    []string
		out   []string
	}{
		{"ValidKind", ValidKind, Kinds, []string{"", "state", "Participating_State", "other"}},
		{"ValidStatus", ValidStatus, []string{"submitted", "waitlisted", "approved", "rejected", "withdrawn", "revoked"},
			[]string{"", "pending", "Approved"}},
		{"ValidMode", ValidMode, []string{ModeInPerson, ModeOnline}, []string{"", "hybrid", "in-person"}},
		{"Role.Valid", func(s string) bool { return Role(s).Valid() }, []string{"secretariat", "delegation", "security"},
			[]string{"", "admin", "Secretariat"}},
	} {
		for _, v := range c.in {
			if !c.valid(v) {
				t.Errorf("%s(%q) = false, want true", c.name, v)
			}
		}
		for _, v := range c.out {
			if c.valid(v) {
				t.Errorf("%s(%q) = true, want false", c.name, v)
			}
		}
	}
	if len(Statuses) != 6 {
		t.Errorf("Statuses has %d entries; the status machine knows 6", len(Statuses))
	}
}

// Every delegation kind lands in a group of the List of Participants that
// has a title, the four named kinds in their own and the rest in "other".
func TestEveryKindHasReportGroup(t *testing.T) {
	titled := map[string]bool{}
	for _, g := range ReportGroups {
		if g.Title == "" {
			t.Errorf("report group %q has no title", g.Kind)
		}
		titled[g.Kind] = true
	}
	for _, k := range Kinds {
		g := ReportGroup(k)
		if !titled[g] {
			t.Errorf("kind %q goes to group %q, which ReportGroups does not list", k, g)
		}
		if own := k == KindParticipatingState || k == KindPartner || k == KindInternationalOrganization || k == KindOSCE; own != (g == k) {
			t.Errorf("ReportGroup(%q) = %q", k, g)
		}
	}
}
