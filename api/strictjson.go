package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/osce/accredit/domain"
)

// encoding/json is lenient where the API is not (docs/security.md, Strict JSON): it matches keys without
// regard to case ("EMAIL" fills email), keeps the last of a key given
// twice, and turns invalid UTF-8 and lone surrogate escapes into U+FFFD.
// checkStrict refuses those before the decoder sees the body, walking it
// alongside the type it will be decoded into; the decoder still refuses
// what it refuses (unknown fields, wrong types, trailing data).

// checkStrict reports the first leniency of b as decoded into v's type.
func checkStrict(b []byte, v any) error {
	if !utf8.Valid(b) {
		return domain.Errorf(domain.CodeMalformedBody, "the body is not valid UTF-8")
	}
	if i := loneSurrogate(b); i >= 0 {
		return domain.Errorf(domain.CodeMalformedBody, "the body has an unpaired surrogate escape (at byte %d), which is not text", i)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // numbers are skipped, not parsed
	if err := walkValue(dec, reflect.TypeOf(v), ""); err != nil {
		if _, ok := err.(*domain.Error); ok {
			return err
		}
		return malformed(err)
	}
	return nil
}

// walkValue reads one value, checking the keys of its objects against t
// (nil: any keys, but still each at most once).
func walkValue(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		return walkObject(dec, target(t), path)
	case json.Delim('['):
		var elem reflect.Type
		if t = target(t); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for dec.More() {
			if err := walkValue(dec, elem, path); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	}
	return err
}

func walkObject(dec *json.Decoder, t reflect.Type, path string) error {
	var fields *structFields
	if t != nil && t.Kind() == reflect.Struct {
		fields = fieldsOf(t)
	}
	seen := keySet{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if !seen.add(key) {
			return domain.Errorf(domain.CodeMalformedBody, "%s is given twice", jsonPath(path, key))
		}
		var child reflect.Type
		switch {
		case fields != nil:
			if ft, ok := fields.exact[key]; ok {
				child = ft
			} else if name := fields.folded(key); name != "" {
				return domain.Errorf(domain.CodeMalformedBody, "unknown field %q: the field is %q (names are case-sensitive)",
					jsonPath(path, key), name)
			} // else unknown: the decoder refuses it
		case t != nil && t.Kind() == reflect.Map:
			child = t.Elem()
		}
		if err := walkValue(dec, child, jsonPath(path, key)); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

func jsonPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// target is the type whose keys an object is held to: pointers are
// followed; a type that decodes itself (json.RawMessage, time.Time) and
// an interface hold it to nothing.
func target(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	return t
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// keySet remembers an object's keys: a slice for the usual handful, a map
// once an object is large, so a megabyte of keys costs linear time.
type keySet struct {
	few  []string
	many map[string]struct{}
}

func (s *keySet) add(k string) bool {
	if s.many != nil {
		if _, ok := s.many[k]; ok {
			return false
		}
		s.many[k] = struct{}{}
		return true
	}
	for _, x := range s.few {
		if x == k {
			return false
		}
	}
	if s.few = append(s.few, k); len(s.few) > 16 {
		s.many = make(map[string]struct{}, 64)
		for _, x := range s.few {
			s.many[x] = struct{}{}
		}
		s.few = nil
	}
	return true
}

// structFields are the JSON names of a struct type, as encoding/json
// sees them (tags, untagged exported fields, embedded structs' fields).
type structFields struct {
	exact map[string]reflect.Type
	names []string
}

// folded is the field name that key matches only without regard to case
// (encoding/json would take it), or "".
func (f *structFields) folded(key string) string {
	for _, n := range f.names {
		if strings.EqualFold(n, key) {
			return n
		}
	}
	return ""
}

var fieldCache sync.Map // reflect.Type → *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{exact: map[string]reflect.Type{}}
	collectFields(t, f)
	fieldCache.Store(t, f)
	return f
}

func collectFields(t reflect.Type, f *structFields) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			if ft := target(sf.Type); ft != nil && ft.Kind() == reflect.Struct {
				collectFields(ft, f)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if _, dup := f.exact[name]; !dup {
			f.exact[name] = sf.Type
			f.names = append(f.names, name)
		}
	}
}

// loneSurrogate returns the offset of a \uD800–\uDFFF escape that is not
// half of a pair, or -1. encoding/json decodes one to U+FFFD: the text
// stored would not be the text sent.
func loneSurrogate(b []byte) int {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		if b[i+1] != 'u' {
			i++ // \\, \" and the like: the next byte is escaped
			continue
		}
		r, ok := hex4(b, i+2)
		if !ok || r < 0xD800 || r > 0xDFFF {
			i++
			continue
		}
		if r >= 0xDC00 { // a low half with no high half before it
			return i
		}
		if lo, ok := hex4(b, i+8); !ok || b[i+6] != '\\' || b[i+7] != 'u' || lo < 0xDC00 || lo > 0xDFFF {
			return i
		}
		i += 11 // both halves
	}
	return -1
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
