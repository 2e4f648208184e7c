// Package domaintest holds what the tests of every layer share about the
// domain: a nomination with every field filled in. A layer that forgets a
// new field (the API's shapes, the spreadsheet columns, the stored row)
// then fails its round trip instead of dropping the field without a word
// (docs/architecture.md, Add an optional field to nominations).
package domaintest

import (
	"reflect"

	"github.com/osce/accredit/domain"
)

// EveryField returns a nomination's fields with every one set, valid for
// in-person attendance of an event before 2031-05-31 and normalised as the
// domain keeps them: the vocabularies' and formats' fields to valid
// values, every other text field to a text naming it ("Text of Remarks"),
// so that a new free-text field is filled without an edit here. sessions
// are the sessions attended: ids of the event's sessions for a request,
// any ids elsewhere (sorted, as Normalize keeps them).
func EveryField(sessions ...string) domain.Fields {
	f := domain.Fields{
		Person: domain.Person{Gender: domain.GenderFemale, Nationality: "AUT", Email: "every.field@example.org",
			Phone: "+43 1 531 15 0", DateOfBirth: "1981-06-14",
			Document: &domain.Document{Type: domain.DocumentDiplomaticPassport, Number: "D1234567", ExpiresOn: "2031-05-31"}},
		Category: domain.CategoryDelegate, Mode: domain.ModeInPerson, Sessions: sessions,
	}
	fill(reflect.ValueOf(&f).Elem())
	return f
}

// fill sets every empty text field of the struct v, and of the structs it
// embeds or points to, to a text naming the field.
func fill(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.String && f.String() == "":
			f.SetString("Text of " + v.Type().Field(i).Name)
		case f.Kind() == reflect.Struct:
			fill(f)
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct:
			if f.IsNil() {
				f.Set(reflect.New(f.Type().Elem()))
			}
			fill(f.Elem())
		}
	}
}

// Unset names the fields of f, and of the structs it embeds or points to,
// left at their zero value: a field of a kind EveryField cannot fill (a
// number, a list) needs a value given there.
func Unset(f domain.Fields) []string {
	var out []string
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		for i := range v.NumField() {
			f, name := v.Field(i), prefix+v.Type().Field(i).Name
			switch {
			case f.IsZero() || (f.Kind() == reflect.Slice && f.Len() == 0):
				out = append(out, name)
			case f.Kind() == reflect.Struct:
				walk(f, name+".")
			case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct:
				walk(f.Elem(), name+".")
			}
		}
	}
	walk(reflect.ValueOf(f), "")
	return out
}

// TextFields are pointers to every text field of f, and of the structs it
// embeds or points to, by name.
func TextFields(f *domain.Fields) map[string]*string {
	out := map[string]*string{}
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		for i := range v.NumField() {
			f, name := v.Field(i), prefix+v.Type().Field(i).Name
			switch {
			case f.Kind() == reflect.String:
				out[name] = f.Addr().Interface().(*string)
			case f.Kind() == reflect.Struct:
				walk(f, name+".")
			case f.Kind() == reflect.Pointer && !f.IsNil() && f.Type().Elem().Kind() == reflect.Struct:
				walk(f.Elem(), name+".")
			}
		}
	}
	walk(reflect.ValueOf(f).Elem(), "")
	return out
}
