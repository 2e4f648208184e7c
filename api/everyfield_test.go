package api_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/domain/domaintest"
)

// This file proves that a nomination keeps every one of its fields through
// the API and both databases: submitted, read, listed and edited, with
// every field set (domaintest.EveryField). A new field that the request or
// the answer, the stored row or the schema forgets fails here, and one
// the API document forgets fails the contract check of these exchanges
// (docs/architecture.md, Add an optional field to nominations). Helpers
// are prefixed ef.

func TestNominationKeepsEveryField(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("EF-2030")
		f := domaintest.EveryField(smSession(e, "EF-2030", 10))
		body := efJSON(f)
		body["delegation"] = "AUT"
		created := e.call("POST", "/v1/events/EF-2030/nominations", e.admin, body).want(201).json()
		efSame(t, "the answer to the submission", created, f)
		id := created["id"].(string)
		efSame(t, "a read", e.call("GET", nomPath("EF-2030", id), e.admin, nil).want(200).json(), f)
		items := ntList(e, e.admin, "/v1/events/EF-2030/nominations")
		if len(items) != 1 {
			t.Fatalf("%d nominations listed, want 1", len(items))
		}
		efSame(t, "the list", items[0], f)

		// An edit writes every field over a nomination that had few.
		e.event("EF-EDIT")
		g := domaintest.EveryField(smSession(e, "EF-EDIT", 10))
		edited := e.submit("EF-EDIT", e.admin, person(func(b map[string]any) { b["delegation"] = "AUT" }))
		efSame(t, "the answer to the edit", e.call("PATCH", nomPath("EF-EDIT", edited), e.admin, efJSON(g)).want(200).json(), g)
		efSame(t, "a read after the edit", e.call("GET", nomPath("EF-EDIT", edited), e.admin, nil).want(200).json(), g)
	})
}

// efSame fails the test unless the nomination answered carries fields want.
func efSame(t *testing.T, what string, answer map[string]any, want domain.Fields) {
	t.Helper()
	got := efFields(t, what, answer)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// efName is a field's JSON name: its Go name in snake_case (DateOfBirth is
// date_of_birth), as every nomination field is named in api/openapi.yaml.
func efName(goName string) string {
	var b strings.Builder
	for i, r := range goName {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// efJSON is a request body carrying fields: each under its JSON name, an
// embedded struct's fields beside the others, a pointed-to struct as an
// object.
func efJSON(fields domain.Fields) map[string]any {
	var walk func(v reflect.Value, into map[string]any)
	walk = func(v reflect.Value, into map[string]any) {
		for i := range v.NumField() {
			f, sf := v.Field(i), v.Type().Field(i)
			switch {
			case sf.Anonymous:
				walk(f, into)
			case f.Kind() == reflect.Pointer:
				if !f.IsNil() {
					m := map[string]any{}
					walk(f.Elem(), m)
					into[efName(sf.Name)] = m
				}
			default:
				into[efName(sf.Name)] = f.Interface()
			}
		}
	}
	body := map[string]any{}
	walk(reflect.ValueOf(fields), body)
	return body
}

// efFields reads fields back from a nomination answered, failing the test
// for each field the answer lacks.
func efFields(t *testing.T, what string, answer map[string]any) domain.Fields {
	t.Helper()
	var out domain.Fields
	var walk func(v reflect.Value, from map[string]any, prefix string)
	walk = func(v reflect.Value, from map[string]any, prefix string) {
		for i := range v.NumField() {
			f, sf := v.Field(i), v.Type().Field(i)
			if sf.Anonymous {
				walk(f, from, prefix)
				continue
			}
			name := efName(sf.Name)
			raw, ok := from[name]
			if !ok {
				t.Errorf("%s: no %s%s in the answer", what, prefix, name)
				continue
			}
			switch f.Kind() {
			case reflect.String:
				s, _ := raw.(string) // null is the empty text
				f.SetString(s)
			case reflect.Slice:
				list, _ := raw.([]any)
				for _, item := range list {
					f.Set(reflect.Append(f, reflect.ValueOf(item.(string))))
				}
			case reflect.Pointer:
				if m, ok := raw.(map[string]any); ok {
					f.Set(reflect.New(f.Type().Elem()))
					walk(f.Elem(), m, name+".")
				}
			default:
				t.Fatalf("efFields cannot read %s, a %s: teach it", name, f.Kind())
			}
		}
	}
	walk(reflect.ValueOf(&out).Elem(), answer, "")
	return out
}

// Every text field of a nomination has a bound, applied to what is
// submitted: a field whose validation the API forgets is accepted at any
// length and fails here.
func TestNominationBoundsEveryTextField(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("EF-LONG")
		sessions := []string{smSession(e, "EF-LONG", 10)}
		long := strings.Repeat("x", 5000)
		names := domaintest.TextFields(&domain.Fields{Person: domain.Person{Document: &domain.Document{}}})
		for name := range names {
			f := domaintest.EveryField(sessions...)
			*domaintest.TextFields(&f)[name] = long
			body := efJSON(f)
			body["delegation"] = "AUT"
			var path []string
			for _, part := range strings.Split(strings.TrimPrefix(name, "Person."), ".") {
				path = append(path, efName(part))
			}
			r := e.call("POST", "/v1/events/EF-LONG/nominations", e.admin, body)
			r.problem(422, "validation_failed")
			if fields := r.fields(); !slices.Contains(fields, strings.Join(path, ".")) {
				t.Errorf("%s of %d characters: refused for %v, want %s", name, len(long), fields, strings.Join(path, "."))
			}
		}
		if n := ntCount(e, "EF-LONG"); n != 0 {
			t.Errorf("%d nominations stored, want none", n)
		}
	})
}
