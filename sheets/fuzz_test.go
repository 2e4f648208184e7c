package sheets

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
	"unicode/utf8"

	"github.com/osce/accredit/domain"
)

// The seed corpora are in testdata/fuzz/FuzzParseCSV and
// testdata/fuzz/FuzzParse (templates, semicolon files with diacritics,
// ragged and multi-line rows, broken encodings, XLSX workbooks, a zip
// that is not a workbook), and in the targets (f.Add: hostile files of
// hostile_test.go among them). Every target also holds the readers to
// the memory budget of docs/security.md (Imports): allocation in all, which bounds the peak, may
// not pass 64 MiB above the file. Run with
//
//	go test -run=^$ -fuzz=FuzzParseCSV -fuzztime=20s ./sheets/
//	go test -run=^$ -fuzz=FuzzParse$ -fuzztime=20s ./sheets/
//	go test -run=^$ -fuzz=FuzzParseXLSX -fuzztime=20s -fuzzminimizetime=2s ./sheets/

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("given_name,family_name,gender,email,category,mode\nA,B,female,a@example.org,delegate,online\n"))
	f.Add([]byte("given_name;;;;;;;;;;;;;;;;\n;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\n"))
	f.Add([]byte("\uFEFFgiven_name,family_name\n\"a\nb\",\"c\"\"d\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseCSV(bytes.NewReader(data))
		checkResult(t, rows, err)
	})
}

func FuzzParse(f *testing.F) {
	f.Add("text/csv", []byte("given_name;family_name;gender;email;category;mode\nZoë;B;female;a@example.org;delegate;online\n"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		var rows []Row
		var err error
		withinBudget(t, len(body), func() { rows, err = Parse(contentType, body) })
		checkResult(t, rows, err)
	})
}

// FuzzParseXLSX mutates workbooks, hostile ones included: most mutations
// break a checksum, so the seeds carry the interesting shapes. They are
// small (the template, with 5,000 formatted rows, takes seconds an
// execution under the fuzzer's instrumentation; FuzzParse has it).
func FuzzParseXLSX(f *testing.F) {
	var small bytes.Buffer
	if err := WriteXLSX(&small, "Import", minimalHeader, [][]string{minimalRow(1), minimalRow(2)}); err != nil {
		f.Fatal(err)
	}
	f.Add(small.Bytes())
	f.Add(hostile{header: hostileCols, rows: 3}.build(f))
	f.Add(hostile{header: hostileCols[:6], far: "mode", rows: 3}.build(f))
	f.Add(hostile{dimension: "A1:XFD1048576", header: hostileCols, rows: 3, shared: 50, sharedRef: 40}.build(f))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, body []byte) {
		var rows []Row
		var err error
		withinBudget(t, len(body), func() { rows, err = ParseXLSX(bytes.NewReader(body), int64(len(body))) })
		checkResult(t, rows, err)
	})
}

// withinBudget fails when fn allocates more than the import budget above
// the file's size.
func withinBudget(t *testing.T, size int, fn func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > importBudget+8*uint64(size) {
		t.Fatalf("a %d-byte file allocated %d MiB", size, alloc>>20)
	}
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
