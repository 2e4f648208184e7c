package domain_test

import (
	"reflect"
	"testing"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/domain/domaintest"
)

// domaintest.EveryField sets every field, validly for an in-person
// delegate, in the form Normalize keeps.
func TestEveryField(t *testing.T) {
	f := domaintest.EveryField("0192f0c5-0000-7000-8000-0000000000s1")
	if unset := domaintest.Unset(f); len(unset) > 0 {
		t.Errorf("EveryField leaves %v unset: give them a value there", unset)
	}
	ev := &domain.Event{Code: "APEM-2030", Format: domain.FormatHybrid, StartsOn: "2030-06-10", EndsOn: "2030-06-11"}
	if err := f.Check(ev); err != nil {
		t.Errorf("Check: %v", err)
	}
	g := domaintest.EveryField("0192f0c5-0000-7000-8000-0000000000s1")
	g.Normalize()
	if !reflect.DeepEqual(f, g) {
		t.Errorf("not normalised:\n got %+v\nwant %+v", g, f)
	}
	if domaintest.Unset(domain.Fields{Person: domain.Person{GivenName: "A"}})[0] != "Person.Honorific" {
		t.Error("Unset does not name an empty field")
	}
}

// notFreeText are the text fields a vocabulary or a format bounds: the
// validation refuses them unless exact, so Normalize leaves them as typed.
// Every other text field is free text, and Normalize must clean it.
var notFreeText = map[string]bool{
	"Person.Gender": true, "Person.DateOfBirth": true, "Person.Document.Type": true,
	"Person.Document.ExpiresOn": true, "Category": true, "Mode": true,
}

// A new free-text field that Normalize forgets fails here: each is
// written with spaces around it and a bidirectional override inside.
func TestNormalizeCleansEveryFreeTextField(t *testing.T) {
	f := domaintest.EveryField()
	fields := domaintest.TextFields(&f)
	for name, p := range fields {
		if !notFreeText[name] {
			*p = "  " + (*p)[:2] + "\u202e" + (*p)[2:] + "  "
		}
	}
	f.Normalize()
	want := domaintest.EveryField()
	wantFields := domaintest.TextFields(&want)
	for name, p := range domaintest.TextFields(&f) {
		if notFreeText[name] {
			continue
		}
		if got := *p; got != *wantFields[name] {
			t.Errorf("%s: Normalize left %q (add it to Normalize, or to notFreeText if a vocabulary bounds it)", name, got)
		}
	}
	for name := range notFreeText {
		if fields[name] == nil {
			t.Errorf("notFreeText names %s, which Fields does not have", name)
		}
	}
}
