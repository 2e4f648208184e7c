package domain

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct {
		name     string
		in, want Fields
	}{
		{"text trimmed and composed",
			Fields{Person: Person{GivenName: "  Zoe\u0308 ", FamilyName: "Ali\u202eAlice", Function: "\tDeputy\x00 ", Email: " a@b.org "}, Remarks: " x "},
			Fields{Person: Person{GivenName: "Zoë", FamilyName: "AliAlice", Function: "Deputy", Email: "a@b.org"}, Remarks: "x"}},
		{"nationality in capitals",
			Fields{Person: Person{Nationality: " aut "}}, Fields{Person: Person{Nationality: "AUT"}}},
		{"document number without spaces, in capitals",
			Fields{Person: Person{Document: &Document{Type: "passport", Number: " p 123 456 ", ExpiresOn: "2031-01-01"}}},
			Fields{Person: Person{Document: &Document{Type: "passport", Number: "P123456", ExpiresOn: "2031-01-01"}}}},
		{"an empty document is none",
			Fields{Person: Person{Document: &Document{Number: "  "}}}, Fields{}},
		{"sessions sorted and unique",
			Fields{Sessions: []string{"c", "a", "c", "b"}}, Fields{Sessions: []string{"a", "b", "c"}}},
		{"gender, category and mode are taken as they are",
			Fields{Person: Person{Gender: "female"}, Category: "delegate", Mode: "online"},
			Fields{Person: Person{Gender: "female"}, Category: "delegate", Mode: "online"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.in
			f.Normalize()
			if !reflect.DeepEqual(f, c.want) {
				t.Errorf("got %+v, want %+v", f, c.want)
			}
			again := f
			again.Sessions = slices.Clone(f.Sessions)
			again.Normalize()
			if !reflect.DeepEqual(again, f) {
				t.Errorf("not idempotent: %+v then %+v", f, again)
			}
		})
	}
}

// prepare normalises before the caller's vet sees the fields, and only
// once: what vet changes stays as vet left it.
func TestPrepareNormalisesThenVets(t *testing.T) {
	n := &Nomination{Fields: Fields{Person: Person{GivenName: "  Anna "}}}
	var seen string
	err := n.prepare(func(n *Nomination) error {
		seen = n.GivenName
		n.Delegation = "AUT"
		return nil
	})
	if err != nil || seen != "Anna" || n.Delegation != "AUT" {
		t.Fatalf("vet saw %q, delegation %q, err %v", seen, n.Delegation, err)
	}
	bad := Invalid(FieldError{Field: "email", Code: "required"})
	if err := n.prepare(func(*Nomination) error { return bad }); !errors.Is(err, bad) {
		t.Errorf("vet's error: got %v", err)
	}
	if err := (&Nomination{}).prepare(nil); err != nil {
		t.Errorf("nil vet: %v", err)
	}
}

func TestFieldsCheck(t *testing.T) {
	hybrid := &Event{Code: "OSCE-MC", Format: FormatHybrid, StartsOn: "2026-12-03", EndsOn: "2026-12-04"}
	online := &Event{Code: "WEB", Format: FormatOnline, StartsOn: "2026-12-03", EndsOn: "2026-12-04"}
	inPerson := func(edit func(*Fields)) Fields {
		f := Fields{Person: Person{Nationality: "AUT", DateOfBirth: "1980-01-01",
			Document: &Document{Type: DocumentPassport, Number: "P1", ExpiresOn: "2030-01-01"}},
			Category: CategoryDelegate, Mode: ModeInPerson}
		if edit != nil {
			edit(&f)
		}
		return f
	}
	type fe struct{ field, code string }
	for _, c := range []struct {
		name string
		ev   *Event
		f    Fields
		want []fe
	}{
		{"in person, complete", hybrid, inPerson(nil), nil},
		{"online needs nothing more", hybrid, Fields{Category: CategoryDelegate, Mode: ModeOnline}, nil},
		{"mode not offered", online, inPerson(nil), []fe{{"mode", "not_offered"}}},
		{"in person without nationality and date of birth", hybrid,
			inPerson(func(f *Fields) { f.Nationality, f.DateOfBirth = "", "" }),
			[]fe{{"nationality", "required"}, {"date_of_birth", "required"}}},
		{"in person without document", hybrid, inPerson(func(f *Fields) { f.Document = nil }), []fe{{"document", "required"}}},
		{"document incomplete", hybrid, inPerson(func(f *Fields) { f.Document = &Document{ExpiresOn: "2030-01-01"} }),
			[]fe{{"document.type", "required"}, {"document.number", "required"}}},
		{"document without expiry", hybrid, inPerson(func(f *Fields) { f.Document.ExpiresOn = "" }),
			[]fe{{"document.expires_on", "required"}}},
		{"document expires during the event", hybrid, inPerson(func(f *Fields) { f.Document.ExpiresOn = "2026-12-03" }),
			[]fe{{"document.expires_on", "expires_too_soon"}}},
		{"document expires on the last day", hybrid, inPerson(func(f *Fields) { f.Document.ExpiresOn = "2026-12-04" }), nil},
		{"born on the first day", hybrid, inPerson(func(f *Fields) { f.DateOfBirth = "2026-12-03" }),
			[]fe{{"date_of_birth", "in_future"}}},
		{"online, born later", hybrid, Fields{Person: Person{DateOfBirth: "2027-01-01"}, Mode: ModeOnline},
			[]fe{{"date_of_birth", "in_future"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.f.Check(c.ev)
			var got []fe
			var de *Error
			if errors.As(err, &de) {
				if de.Code != CodeValidationFailed {
					t.Errorf("code %q", de.Code)
				}
				for _, f := range de.Fields {
					got = append(got, fe{f.Field, f.Code})
				}
			} else if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
