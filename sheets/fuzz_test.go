package sheets

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/osce/accredit/domain"
)

// The seed corpora are in testdata/fuzz/FuzzParseCSV and
// testdata/fuzz/FuzzParse (templates, semicolon files with diacritics,
// ragged and multi-line rows, broken encodings, XLSX workbooks, a zip
// that is not a workbook). Run with
//
//	go test -run=^$ -fuzz=FuzzParseCSV -fuzztime=20s ./sheets/
//	go test -run=^$ -fuzz=FuzzParse$ -fuzztime=20s ./sheets/

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("given_name,family_name,gender,email,category,mode\nA,B,female,a@example.org,delegate,online\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseCSV(bytes.NewReader(data))
		checkResult(t, rows, err)
	})
}

func FuzzParse(f *testing.F) {
	f.Add("text/csv", []byte("given_name;family_name;gender;email;category;mode\nZoë;B;female;a@example.org;delegate;online\n"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		rows, err := Parse(contentType, body)
		checkResult(t, rows, err)
	})
}

// checkResult asserts what holds for any input: an error is a
// *domain.Error with a known code (with field errors when it is a
// validation failure); rows are non-empty, at most MaxRows, in increasing
// spreadsheet order below the header, with UTF-8 values.
func checkResult(t *testing.T, rows []Row, err error) {
	t.Helper()
	if err != nil {
		var de *domain.Error
		if !errors.As(err, &de) {
			t.Fatalf("error %T: %v", err, err)
		}
		switch de.Code {
		case domain.CodeValidationFailed:
			if len(de.Fields) == 0 || len(de.Fields) > maxFieldErrors {
				t.Fatalf("%d field errors", len(de.Fields))
			}
		case domain.CodeUnsupportedMediaType:
		default:
			t.Fatalf("code %q", de.Code)
		}
		if rows != nil {
			t.Fatal("rows with an error")
		}
		return
	}
	if len(rows) == 0 || len(rows) > MaxRows {
		t.Fatalf("%d rows", len(rows))
	}
	prev := 1
	for _, r := range rows {
		if r.Line <= prev {
			t.Fatalf("line %d after %d", r.Line, prev)
		}
		prev = r.Line
		empty := true
		for k, v := range r.Values {
			if !utf8.ValidString(v) {
				t.Fatalf("%s: invalid UTF-8 %q", k, v)
			}
			if v != "" {
				empty = false
			}
		}
		if empty {
			t.Fatalf("empty row %d returned", r.Line)
		}
	}
}
