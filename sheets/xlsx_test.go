package sheets

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestTemplateXLSXRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := TemplateXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	_, err := ParseXLSX(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	hasField(t, fieldErrors(t, err), 2, "email", "example_row")
	filled := filledTemplate(t)
	rows, err := ParseXLSX(bytes.NewReader(filled), int64(len(filled)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Line != 2 {
		t.Fatalf("rows %+v", rows)
	}
	if want := unexampled(); !reflect.DeepEqual(rows[0].Values, want) {
		t.Errorf("example row\n got %v\nwant %v", rows[0].Values, want)
	}

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	header, err := f.GetRows(sheet)
	if err != nil || !reflect.DeepEqual(header[0], NominationColumns) {
		t.Fatalf("header %v, %v", header[0], err)
	}

	// Drop-down lists over the data rows.
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		if dv.Type != "list" {
			continue
		}
		lists[dv.Sqref] = dv.Formula1
	}
	for col, want := range templateLists {
		letter := columnLetter(slices.Index(NominationColumns, col))
		ref := fmt.Sprintf("%s2:%s%d", letter, letter, MaxRows+1)
		formula, ok := lists[ref]
		if !ok {
			t.Errorf("no drop-down list on %s (%s); have %v", col, ref, lists)
			continue
		}
		if got := strings.Trim(formula, `"`); got != strings.Join(want, ",") {
			t.Errorf("%s list %q, want %q", col, got, strings.Join(want, ","))
		}
	}

	// A frozen, bold header.
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v, %v", panes, err)
	}
	styleID, err := f.GetCellStyle(sheet, "A1")
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(styleID)
	if err != nil || style.Font == nil || !style.Font.Bold {
		t.Errorf("header style %+v, %v", style, err)
	}
	// The example's date is a real Excel date.
	dob := columnLetter(slices.Index(NominationColumns, "date_of_birth")) + "2"
	if typ, _ := f.GetCellType(sheet, dob); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("date_of_birth is stored as text")
	}
	if v, _ := f.GetCellValue(sheet, dob); v != "1981-06-14" {
		t.Errorf("date_of_birth shows %q", v)
	}
}

// unexample replaces the cells by which the example row is recognised.
var unexample = map[string]string{"email": "k.gruber@bmeia.gv.at", "remarks": "arrives on Monday", "family_name": "Gruber"}

// unexampled is the example row with those cells replaced.
func unexampled() map[string]string {
	m := maps.Clone(TemplateExample)
	maps.Copy(m, unexample)
	return m
}

// filledTemplate is the XLSX template with its example made a person.
func filledTemplate(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := TemplateXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	for k, v := range unexample {
		if err := f.SetCellValue(sheet, columnLetter(slices.Index(NominationColumns, k))+"2", v); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestXLSXDates(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	const s = "Sheet1"
	header := []any{"given_name", "family_name", "gender", "email", "category", "mode", "date_of_birth", "document_expires_on", "document_number", "phone"}
	if err := f.SetSheetRow(s, "A1", &header); err != nil {
		t.Fatal(err)
	}
	dmy := "dd.mm.yyyy"
	dmyStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dmy})
	longFmt := "d mmmm yyyy"
	longStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &longFmt})
	builtin, _ := f.NewStyle(&excelize.Style{NumFmt: 14}) // the locale's short date

	type tc struct {
		dob, exp   any
		style      int
		wantDOB    string
		wantExpiry string
	}
	cases := []tc{
		{time.Date(1975, 3, 12, 0, 0, 0, 0, time.UTC), time.Date(2031, 12, 31, 0, 0, 0, 0, time.UTC), 0, "1975-03-12", "2031-12-31"},
		{time.Date(1990, 12, 24, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC), dmyStyle, "1990-12-24", "2030-01-02"},
		{time.Date(1969, 7, 20, 0, 0, 0, 0, time.UTC), time.Date(2029, 2, 28, 0, 0, 0, 0, time.UTC), longStyle, "1969-07-20", "2029-02-28"},
		{time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2032, 6, 30, 0, 0, 0, 0, time.UTC), builtin, "2000-02-29", "2032-06-30"},
		{"12.03.1975", "31/12/2031", 0, "1975-03-12", "2031-12-31"}, // typed as text
		{27465, 47848.75, 0, "1975-03-12", "2030-12-31"},            // serial numbers, one with a time
		{"1975-03-12", "2031-12-31T00:00:00Z", 0, "1975-03-12", "2031-12-31"},
		{"next year", "31.02.2031", 0, "next year", "31.02.2031"}, // left for the caller to reject
		{1975, "", 0, "1975", ""}, // a year typed as a number is not a serial
	}
	for i, c := range cases {
		row := []any{"A", "B", "female", "a@example.org", "delegate", "online", c.dob, c.exp, 123456789, 436641234567}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(s, cell, &row); err != nil {
			t.Fatal(err)
		}
		if c.style != 0 {
			if err := f.SetCellStyle(s, fmt.Sprintf("G%d", i+2), fmt.Sprintf("H%d", i+2), c.style); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := Parse(MediaTypeXLSX, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(cases) {
		t.Fatalf("%d rows", len(rows))
	}
	for i, c := range cases {
		v := rows[i].Values
		if v["date_of_birth"] != c.wantDOB || v["document_expires_on"] != c.wantExpiry {
			t.Errorf("case %d (%v, %v): got %q, %q; want %q, %q", i, c.dob, c.exp,
				v["date_of_birth"], v["document_expires_on"], c.wantDOB, c.wantExpiry)
		}
		if v["document_number"] != "123456789" || v["phone"] != "436641234567" {
			t.Errorf("case %d: numbers read as %q, %q", i, v["document_number"], v["phone"])
		}
		if rows[i].Line != i+2 {
			t.Errorf("case %d: line %d", i, rows[i].Line)
		}
	}
}

func TestNormaliseDate(t *testing.T) {
	for in, want := range map[string]string{
		"1975-03-12":          "1975-03-12",
		"1975-3-2":            "1975-03-02",
		"12.03.1975":          "1975-03-12",
		"2.3.1975":            "1975-03-02",
		"12.03.1975.":         "1975-03-12",
		"12/03/1975":          "1975-03-12",
		"29.02.2000":          "2000-02-29",
		"29.02.2001":          "29.02.2001",
		"2000-02-30":          "2000-02-30",
		"27465":               "1975-03-12",
		"27465.999":           "1975-03-12",
		"2958465":             "9999-12-31",
		"2958466":             "2958466",
		"1975":                "1975",
		"60":                  "60",
		"19750312":            "19750312",
		"1e4":                 "1e4",
		"-27465":              "-27465",
		"12-03-1975":          "12-03-1975",
		"03/12/75":            "03/12/75",
		"1975-03-12 00:00:00": "1975-03-12",
		"1975-03-12T10:30":    "1975-03-12",
		"1975-03-12Tnoon":     "1975-03-12Tnoon",
		"12.13.1975":          "12.13.1975",
		"":                    "",
		"soon":                "soon",
		"0000-01-01":          "0000-01-01",
	} {
		if got := normaliseDate(in); got != want {
			t.Errorf("normaliseDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestXLSXRowsAndGaps(t *testing.T) {
	// Header on row 1, an empty row 3, data on 2 and 5, a stray value
	// beyond the header on row 6; the first sheet wins over others.
	f := excelize.NewFile()
	defer f.Close()
	if _, err := f.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	h := anyRow(minimalHeader)
	if err := f.SetSheetRow("Sheet1", "A1", &h); err != nil {
		t.Fatal(err)
	}
	for _, r := range []int{2, 5} {
		row := anyRow(minimalRow(r))
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", r), &row); err != nil {
			t.Fatal(err)
		}
	}
	set("C4", "   ")
	set("B2", "  Zoë  ")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := ParseXLSX(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 5 || rows[0].Values["given_name"] != "Zoë" {
		t.Fatalf("rows %+v", rows)
	}
	set("K6", "stray")
	buf.Reset()
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	_, err = ParseXLSX(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	hasField(t, fieldErrors(t, err), 6, "K", "unnamed_column")
}

func TestXLSXLimitsAndEmpty(t *testing.T) {
	// Header only.
	b := xlsxOf(t, anyRow(minimalHeader))
	_, err := ParseXLSX(bytes.NewReader(b), int64(len(b)))
	hasField(t, fieldErrors(t, err), -1, "file", "no_rows")
	// No cells at all.
	b = xlsxOf(t)
	_, err = ParseXLSX(bytes.NewReader(b), int64(len(b)))
	hasField(t, fieldErrors(t, err), -1, "file", "no_rows")

	// 5,000 rows pass, 5,001 do not.
	var buf bytes.Buffer
	rows := make([][]string, MaxRows+1)
	for i := range rows {
		rows[i] = minimalRow(i)
	}
	if err := WriteXLSX(&buf, "Import", minimalHeader, rows[:MaxRows]); err != nil {
		t.Fatal(err)
	}
	got, err := ParseXLSX(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(got) != MaxRows || got[MaxRows-1].Line != MaxRows+1 {
		t.Fatalf("%d rows, %v", len(got), err)
	}
	buf.Reset()
	if err := WriteXLSX(&buf, "Import", minimalHeader, rows); err != nil {
		t.Fatal(err)
	}
	_, err = Parse("application/octet-stream", buf.Bytes())
	hasField(t, fieldErrors(t, err), -1, "file", "too_many_rows")
}

func TestXLSXNotAWorkbook(t *testing.T) {
	// A zip without a workbook, a truncated workbook, a bare zip magic.
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("hello.txt")
	w.Write([]byte("hello"))
	zw.Close()
	var tpl bytes.Buffer
	if err := TemplateXLSX(&tpl); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{
		"plain zip": zbuf.Bytes(),
		"truncated": tpl.Bytes()[:tpl.Len()/2],
		"magic":     []byte("PK\x03\x04"),
		"short":     []byte("PK"),
		"garbage":   append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0xFF}, 1000)...),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseXLSX(bytes.NewReader(body), int64(len(body)))
			hasField(t, fieldErrors(t, err), -1, "file", "invalid_xlsx")
		})
	}
	// Corrupt the sheet XML inside an otherwise valid workbook.
	corrupt := rewriteZip(t, tpl.Bytes(), func(name string, data []byte) []byte {
		if strings.HasPrefix(name, "xl/worksheets/") {
			return []byte(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>999999</v></c></row>`)
		}
		if name == "xl/sharedStrings.xml" {
			return []byte(`<sst><si><t>x`)
		}
		return data
	})
	_, err := ParseXLSX(bytes.NewReader(corrupt), int64(len(corrupt)))
	hasField(t, fieldErrors(t, err), -1, "file", "invalid_xlsx")

	// Damaged compressed data fails its checksum; excelize alone would
	// read what it could and import part of the file.
	damaged := bytes.Clone(tpl.Bytes())
	zr, _ := zip.NewReader(bytes.NewReader(damaged), int64(len(damaged)))
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			off, _ := f.DataOffset()
			damaged[off+int64(f.CompressedSize64/2)] ^= 0x55
		}
	}
	_, err = ParseXLSX(bytes.NewReader(damaged), int64(len(damaged)))
	hasField(t, fieldErrors(t, err), -1, "file", "invalid_xlsx")
}

// rewriteZip copies a zip, passing each entry through edit.
func rewriteZip(t *testing.T, body []byte, edit func(name string, data []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(edit(f.Name, data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Zip bombs are built once: deflating 200 MiB is the slow part of the
// test, not refusing it.
var (
	bombOnce            sync.Once
	plainBomb, xlsxBomb []byte
)

const bombSize = 200 << 20

func bombs(t *testing.T) ([]byte, []byte) {
	bombOnce.Do(func() {
		plainBomb = buildZip(t, map[string]int{"zeros.bin": bombSize}, nil)
		// An XLSX-looking workbook whose sheet is 200 MiB: a valid
		// beginning, then whitespace.
		var tpl bytes.Buffer
		if err := TemplateXLSX(&tpl); err != nil {
			t.Fatal(err)
		}
		zr, _ := zip.NewReader(bytes.NewReader(tpl.Bytes()), int64(tpl.Len()))
		parts := map[string][]byte{}
		for _, f := range zr.File {
			rc, _ := f.Open()
			parts[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		xlsxBomb = buildZip(t, map[string]int{"xl/worksheets/sheet1.xml": bombSize}, parts)
	})
	return plainBomb, xlsxBomb
}

// buildZip writes parts verbatim and, for each entry of big, that many
// bytes (zeros, or spaces after an XML prolog for .xml) deflated.
func buildZip(t *testing.T, big map[string]int, parts map[string][]byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	// The fastest deflate level still packs 200 MiB of zeros into ~250
	// KB, and takes a tenth of the time of the default under -race.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	for name, data := range parts {
		if _, ok := big[name]; ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	for name, size := range big {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		chunk := make([]byte, 1<<20)
		if strings.HasSuffix(name, ".xml") {
			for i := range chunk {
				chunk[i] = ' '
			}
			prolog := `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
			w.Write([]byte(prolog))
			size -= len(prolog)
		}
		for size > 0 {
			n := min(size, len(chunk))
			if _, err := w.Write(chunk[:n]); err != nil {
				t.Fatal(err)
			}
			size -= n
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestZipBombs(t *testing.T) {
	plain, xlsx := bombs(t)
	t.Logf("bomb sizes: %d and %d bytes for %d MiB", len(plain), len(xlsx), bombSize>>20)
	for name, body := range map[string][]byte{"zeros": plain, "xlsx sheet": xlsx} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := Parse(MediaTypeXLSX, body)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			hasField(t, fieldErrors(t, err), -1, "file", "too_large")
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 50<<20 {
				t.Errorf("refusing the bomb allocated %d MiB", alloc>>20)
			}
			if elapsed > 2*time.Second {
				t.Errorf("refusing the bomb took %v", elapsed)
			}
		})
	}
}

func TestZipRatioAndLyingHeaders(t *testing.T) {
	// 20 MiB of zeros: under the total limit, but compressed ~1000:1.
	body := buildZip(t, map[string]int{"xl/workbook.xml": 20 << 20}, nil)
	_, err := ParseXLSX(bytes.NewReader(body), int64(len(body)))
	hasField(t, fieldErrors(t, err), -1, "file", "too_large")

	// A central directory that understates the sheet's size: archive/zip
	// stops at the declared size, so excelize gets an error, not 200 MiB.
	_, xlsx := bombs(t)
	lying := bytes.Clone(xlsx)
	name := []byte("xl/worksheets/sheet1.xml")
	patched := 0
	for i := 0; i+46 < len(lying); i++ {
		if bytes.Equal(lying[i:i+4], []byte("PK\x01\x02")) && bytes.HasPrefix(lying[i+46:], name) {
			copy(lying[i+24:i+28], []byte{0x00, 0x00, 0x10, 0x00}) // uncompressed size 1 MiB
			patched++
		}
	}
	if patched != 1 {
		t.Fatalf("patched %d central directory entries", patched)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = ParseXLSX(bytes.NewReader(lying), int64(len(lying)))
	runtime.ReadMemStats(&after)
	// The sheet's whitespace is refused as an overlong cell before
	// archive/zip reaches the declared size.
	hasField(t, fieldErrors(t, err), -1, "file", "too_large")
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 50<<20 {
		t.Errorf("a lying zip allocated %d MiB", alloc>>20)
	}
}

func TestWriteXLSX(t *testing.T) {
	header := []string{"group", "delegation", "given_name", "family_name", "function"}
	rows := [][]string{
		{"Participating States", "Austria", "Zoë", "Gruber-Schönberger", "=1+1"},
		{"Partners for Co-operation", "Tunisia", "Şükrü", "Doğan", "Counsellor"},
		{"", "", "", "", ""},
		{"Other", "Moldova", "Dragoș", "Țurcanu", "  padded  "},
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "List of Participants: [final]", header, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	if sheet != "List of Participants- -final-" {
		t.Errorf("sheet name %q", sheet)
	}
	got, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	want := append([][]string{header}, rows...)
	want[3] = nil // an empty row reads back as nothing
	for i := range want {
		if i >= len(got) {
			t.Fatalf("only %d rows", len(got))
		}
		if len(want[i]) == 0 && len(got[i]) == 0 {
			continue
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("row %d: %q, want %q", i+1, got[i], want[i])
		}
	}
	if f, _ := f.GetCellFormula(sheet, "E2"); f != "" {
		t.Errorf("a value became the formula %q", f)
	}
	panes, _ := f.GetPanes(sheet)
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v", panes)
	}
}

// TestWriteXLSXLarge: a long list is written whole, streamed row by row
// (the heap growth is logged). 10,000 rows prove it; the 100,000 of a
// very large event are BenchmarkWriteXLSXLarge's, which reports the time
// and memory they take (docs/performance.md).
func TestWriteXLSXLarge(t *testing.T) {
	writeXLSXLarge(t, 10_000)
}

// BenchmarkWriteXLSXLarge writes and reads back 100,000 rows:
// go test -run - -bench WriteXLSXLarge -benchtime 1x ./sheets/
func BenchmarkWriteXLSXLarge(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		writeXLSXLarge(b, 100_000)
	}
}

// writeXLSXLarge writes n rows and checks that all of them read back.
func writeXLSXLarge(tb testing.TB, n int) {
	tb.Helper()
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{"Participating States", "AUT", "Austria", "Ms.", fmt.Sprintf("Given %d", i), "FAMILY", "Counsellor", "Ministry", "delegate"}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "LoP", []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}, rows); err != nil {
		tb.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	tb.Logf("%d rows: %d KiB, heap in use grew %d MiB", n, buf.Len()>>10, (int64(after.HeapInuse)-int64(before.HeapInuse))>>20)
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	it, err := f.Rows("LoP")
	if err != nil {
		tb.Fatal(err)
	}
	count := 0
	var last []string
	for it.Next() {
		count++
		last, _ = it.Columns()
	}
	it.Close()
	if count != n+1 || last[4] != fmt.Sprintf("Given %d", n-1) {
		tb.Errorf("%d rows, last %q", count, last)
	}
}

func TestSheetName(t *testing.T) {
	for in, want := range map[string]string{
		"":                             "Sheet1",
		"LoP":                          "LoP",
		"a/b\\c?d*e[f]g:h":             "a-b-c-d-e-f-g-h",
		"'quoted'":                     "quoted",
		strings.Repeat("x", 40):        strings.Repeat("x", 31),
		"Ministerial Council – Vienna": "Ministerial Council – Vienna",
	} {
		if got := sheetName(in); got != want {
			t.Errorf("sheetName(%q) = %q, want %q", in, got, want)
		}
	}
}
