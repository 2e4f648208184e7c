package api

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/osce/accredit/domain"
)

// TestDecodeStrict: what encoding/json takes leniently is malformed_body
// (docs/security.md, Strict JSON), at any depth; what is plainly valid still decodes.
func TestDecodeStrict(t *testing.T) {
	const nom = `"given_name":"A","family_name":"B","gender":"female","email":"a@example.org","category":"delegate","mode":"online"`
	for _, c := range []struct {
		name, body string
		ok         bool
	}{
		{"valid", `{` + nom + `}`, true},
		{"valid with document", `{` + nom + `,"document":{"type":"passport","number":"X1"}}`, true},
		{"valid escapes", `{` + nom + `,"remarks":"\u00e9\ud83d\ude00\\ud800\"\\"}`, true},
		{"key in upper case", `{` + nom + `,"EMAIL":"b@example.org"}`, false},
		{"key in mixed case", `{"Given_Name":"A","family_name":"B","gender":"female","email":"a@example.org","category":"delegate","mode":"online"}`, false},
		{"key folded by Unicode (long s)", `{` + nom + `,"ſessions":[]}`, false},
		{"nested key in another case", `{` + nom + `,"document":{"Number":"X1"}}`, false},
		{"key twice", `{` + nom + `,"email":"b@example.org"}`, false},
		{"nested key twice", `{` + nom + `,"document":{"number":"X1","number":"X2"}}`, false},
		{"invalid UTF-8", "{" + nom + ",\"remarks\":\"\xff\"}", false},
		{"overlong UTF-8", "{" + nom + ",\"remarks\":\"\xc0\xaf\"}", false},
		{"lone high surrogate", `{` + nom + `,"remarks":"\ud800"}`, false},
		{"lone low surrogate", `{` + nom + `,"remarks":"x\udc00"}`, false},
		{"reversed pair", `{` + nom + `,"remarks":"\udc00\ud800"}`, false},
		{"unknown field", `{` + nom + `,"shoe_size":42}`, false},
		{"wrong type", `{` + nom + `,"remarks":1}`, false},
		{"trailing data", `{` + nom + `} {}`, false},
		{"not JSON", `{` + nom, false},
		{"empty", ``, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var in nominationIn
			err := decodeStrict([]byte(c.body), &in)
			if c.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !c.ok && !domain.IsCode(err, domain.CodeMalformedBody) {
				t.Fatalf("got %v, want malformed_body", err)
			}
		})
	}
	// Keys of maps (quotas by kind) and inside any value are still held
	// to once each.
	var ev eventIn
	err := decodeStrict([]byte(`{"quotas":{"partner":{"online":1},"partner":{"online":2}}}`), &ev)
	if !domain.IsCode(err, domain.CodeMalformedBody) {
		t.Errorf("a map key twice: %v", err)
	}
	var raw struct {
		X json.RawMessage `json:"x"`
	}
	if err := decodeStrict([]byte(`{"x":[{"a":1,"a":2}]}`), &raw); !domain.IsCode(err, domain.CodeMalformedBody) {
		t.Errorf("a key twice inside a raw value: %v", err)
	}
}

// TestDecodeStrictManyKeys: an object of a hundred thousand keys (within
// the 1 MiB body) is walked in linear time, not compared pairwise.
func TestDecodeStrictManyKeys(t *testing.T) {
	b := []byte(`{"x":{`)
	for i := range 100_000 {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `"k`...)
		b = append(b, string(rune('a'+i%26))+strconv.Itoa(i)...)
		b = append(b, `":0`...)
	}
	b = append(b, `,"ka0":1}}`...)
	var raw struct {
		X map[string]int `json:"x"`
	}
	if err := decodeStrict(b, &raw); !domain.IsCode(err, domain.CodeMalformedBody) {
		t.Errorf("the repeated key among many: %v", err)
	}
}
