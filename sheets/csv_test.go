package sheets

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/osce/accredit/domain"
)

func TestTemplateCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := TemplateCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), bom) {
		t.Error("template has no BOM")
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(buf.String(), string(bom)), "\r\n")
	if first != strings.Join(NominationColumns, ",") {
		t.Errorf("header %q", first)
	}
	// The example row as it stands is refused (docs/security.md, Imports), naming its row.
	_, err := ParseCSV(bytes.NewReader(buf.Bytes()))
	hasField(t, fieldErrors(t, err), 2, "email", "example_row")
	// With the cells that give it away replaced, it reads back as written.
	text := buf.String()
	for k, v := range unexample {
		text = strings.ReplaceAll(text, TemplateExample[k], v)
	}
	rows, err := ParseCSV(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Line != 2 {
		t.Fatalf("rows %+v", rows)
	}
	if want := unexampled(); !reflect.DeepEqual(rows[0].Values, want) {
		t.Errorf("example row\n got %v\nwant %v", rows[0].Values, want)
	}
	// The example is a complete in-person delegate.
	for _, c := range []string{"delegation", "given_name", "family_name", "gender", "email", "category",
		"nationality", "date_of_birth", "document_type", "document_number", "document_expires_on"} {
		if TemplateExample[c] == "" {
			t.Errorf("example has no %s", c)
		}
	}
	if TemplateExample["mode"] != "in_person" || TemplateExample["delegation"] != "AUT" {
		t.Errorf("example is not an in-person delegate of AUT")
	}
}

func TestSemicolonBOMDiacritics(t *testing.T) {
	body := "\xEF\xBB\xBF" + csvOf(";",
		[]string{"Given_Name ", " FAMILY_NAME", "gender", "email", "category", "mode", "date_of_birth", "organization"},
		[]string{"Zoë", "Müller", "female", "zoe@example.org", "delegate", "online", "24.12.1990", "Ministry; Foreign Affairs"},
		[]string{" Dragoș ", "Țurcanu", "male", "dragos@example.org", "adviser", "in_person", "03/02/1985", `"Ministerul Afacerilor Externe, ""MAE"""`},
		[]string{"Şükrü", "Doğan", "male", "SUKRU@example.org", "speaker", "in_person", "1979-7-1", "Dışişleri Bakanlığı"},
	)
	// The semicolon inside a cell must be quoted, as Excel does.
	body = strings.Replace(body, "Ministry; Foreign Affairs", `"Ministry; Foreign Affairs"`, 1)
	rows, err := Parse("text/csv; charset=utf-8", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{
		{"given_name": "Zoë", "family_name": "Müller", "gender": "female", "email": "zoe@example.org", "category": "delegate", "mode": "online", "date_of_birth": "1990-12-24", "organization": "Ministry; Foreign Affairs"},
		{"given_name": "Dragoș", "family_name": "Țurcanu", "gender": "male", "email": "dragos@example.org", "category": "adviser", "mode": "in_person", "date_of_birth": "1985-02-03", "organization": `Ministerul Afacerilor Externe, "MAE"`},
		{"given_name": "Şükrü", "family_name": "Doğan", "gender": "male", "email": "SUKRU@example.org", "category": "speaker", "mode": "in_person", "date_of_birth": "1979-07-01", "organization": "Dışişleri Bakanlığı"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows", len(rows))
	}
	for i := range want {
		if rows[i].Line != i+2 {
			t.Errorf("row %d: line %d", i, rows[i].Line)
		}
		if !reflect.DeepEqual(rows[i].Values, want[i]) {
			t.Errorf("row %d\n got %q\nwant %q", i, rows[i].Values, want[i])
		}
	}
}

func TestCommaWithQuotedHeader(t *testing.T) {
	body := `"given_name","family_name","gender","email","category","mode"` + "\n" +
		`"Anna","Nowak; Kowalska","female","a@example.org","delegate","online"` + "\n"
	rows, err := ParseCSV(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Values["family_name"] != "Nowak; Kowalska" {
		t.Errorf("%q", rows[0].Values)
	}
}

func TestLineNumbersFollowTheSpreadsheet(t *testing.T) {
	h := strings.Join(minimalHeader, ",")
	r := func(i int) string { return strings.Join(minimalRow(i), ",") }
	body := h + "\n" + // row 1
		r(1) + "\n" + // row 2
		"\n" + // row 3: blank line, skipped
		",,,,,,,\n" + // row 4: empty cells, skipped
		"  ,, , ,,,,\n" + // row 5: blanks, skipped
		`AUT,"Anne` + "\n" + `Marie",X,female,x@example.org,delegate,online,` + "\n" + // row 6 on two lines
		r(7) + "\n" // row 7
	rows, err := ParseCSV(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, row := range rows {
		lines = append(lines, row.Line)
	}
	if !reflect.DeepEqual(lines, []int{2, 6, 7}) {
		t.Errorf("lines %v, want [2 6 7]", lines)
	}
	if rows[1].Values["given_name"] != "Anne\nMarie" {
		t.Errorf("%q", rows[1].Values["given_name"])
	}
	if v, ok := rows[1].Values["date_of_birth"]; !ok || v != "" {
		t.Errorf("empty cell: %q, %v", v, ok)
	}
	if _, ok := rows[1].Values["phone"]; ok {
		t.Error("a column absent from the file is in Values")
	}

	// A ragged row after a multi-line cell is reported at its spreadsheet row.
	body = h + "\n" + `AUT,"a` + "\n\n" + `b",X,female,x@example.org,delegate,online,` + "\n" + "AUT,too,short\n"
	_, err = ParseCSV(strings.NewReader(body))
	hasField(t, fieldErrors(t, err), 3, "file", "ragged_row")
}

func TestRaggedRows(t *testing.T) {
	body := csvOf(",", minimalHeader, minimalRow(1), minimalRow(2)[:5], minimalRow(3), append(minimalRow(4), "extra"))
	_, err := ParseCSV(strings.NewReader(body))
	errs := fieldErrors(t, err)
	hasField(t, errs, 3, "file", "ragged_row")
	hasField(t, errs, 5, "file", "ragged_row")
	if len(errs) != 2 {
		t.Errorf("errors %+v", errs)
	}
	if !strings.Contains(errs[0].Message, "row 3") {
		t.Errorf("message %q does not name the row", errs[0].Message)
	}
}

func TestHeaderErrors(t *testing.T) {
	for _, tc := range []struct {
		name         string
		header       []string
		field, code  string
		alsoReported [][2]string
	}{
		{"unknown", append(append([]string{}, minimalHeader...), "shoe_size"), "shoe_size", "unknown_column", nil},
		{"unknown case-folded", append(append([]string{}, minimalHeader...), " Shoe_Size "), "shoe_size", "unknown_column", nil},
		{"duplicate", append(append([]string{}, minimalHeader...), "EMAIL"), "email", "duplicate_column", nil},
		{"missing", minimalHeader[:4], "email", "missing_column", [][2]string{{"category", "missing_column"}, {"mode", "missing_column"}}},
		{"all wrong", []string{"name", "surname"}, "name", "unknown_column", [][2]string{{"surname", "unknown_column"}, {"given_name", "missing_column"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			row := make([]string, len(tc.header))
			for i := range row {
				row[i] = "x"
			}
			for _, parse := range []func([]byte) ([]Row, error){
				func(b []byte) ([]Row, error) { return ParseCSV(bytes.NewReader(b)) },
				func(b []byte) ([]Row, error) { return Parse(MediaTypeCSV, b) },
			} {
				_, err := parse([]byte(csvOf(";", tc.header, row)))
				errs := fieldErrors(t, err)
				hasField(t, errs, 1, tc.field, tc.code)
				for _, a := range tc.alsoReported {
					hasField(t, errs, 1, a[0], a[1])
				}
			}
			// XLSX applies the same rules.
			_, err := ParseXLSX(bytes.NewReader(xlsxOf(t, anyRow(tc.header), anyRow(row))), int64(len(xlsxOf(t, anyRow(tc.header), anyRow(row)))))
			hasField(t, fieldErrors(t, err), 1, tc.field, tc.code)
		})
	}
}

func TestUnnamedColumn(t *testing.T) {
	h := append(append([]string{}, minimalHeader...), "")
	ok := append(minimalRow(1), "")
	bad := append(minimalRow(2), "stray")
	rows, err := ParseCSV(strings.NewReader(csvOf(",", h, ok)))
	if err != nil || len(rows) != 1 {
		t.Fatalf("empty trailing column: %v", err)
	}
	_, err = ParseCSV(strings.NewReader(csvOf(",", h, ok, bad)))
	hasField(t, fieldErrors(t, err), 3, "I", "unnamed_column")
}

func TestRowLimit(t *testing.T) {
	build := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString(strings.Join(minimalHeader, ",") + "\n")
		for i := 0; i < n; i++ {
			b.WriteString(strings.Join(minimalRow(i), ",") + "\n")
			if i%1000 == 0 {
				b.WriteString(",,,,,,,\n") // empty rows do not count
			}
		}
		return b.Bytes()
	}
	rows, err := ParseCSV(bytes.NewReader(build(MaxRows)))
	if err != nil || len(rows) != MaxRows {
		t.Fatalf("%d rows: %v", len(rows), err)
	}
	_, err = ParseCSV(bytes.NewReader(build(MaxRows + 1)))
	hasField(t, fieldErrors(t, err), -1, "file", "too_many_rows")
}

func TestEmptyFiles(t *testing.T) {
	for name, body := range map[string]string{
		"nothing":      "",
		"bom only":     "\xEF\xBB\xBF",
		"blank lines":  "\n\r\n\n",
		"header only":  strings.Join(minimalHeader, ",") + "\r\n",
		"empty rows":   strings.Join(minimalHeader, ";") + "\r\n;;;;;;;\r\n\r\n ; ; ;;;;;\r\n",
		"header + BOM": "\xEF\xBB\xBF" + strings.Join(minimalHeader, ";"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(body))
			hasField(t, fieldErrors(t, err), -1, "file", "no_rows")
		})
	}
}

func TestBinaryAndBadEncoding(t *testing.T) {
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i*i)
	}
	for _, ct := range []string{"text/csv", "application/octet-stream", ""} {
		_, err := Parse(ct, garbage)
		hasField(t, fieldErrors(t, err), -1, "file", "invalid_encoding")
	}
	// Latin-1 (Excel's "CSV" rather than "CSV UTF-8") names the line.
	latin1 := []byte(strings.Join(minimalHeader, ";") + "\nAUT;Zo\xEB;M\xFCller;female;z@example.org;delegate;online;\n")
	_, err := ParseCSV(bytes.NewReader(latin1))
	hasField(t, fieldErrors(t, err), 2, "file", "invalid_encoding")
	// NUL bytes (UTF-16 files) too.
	_, err = ParseCSV(strings.NewReader("g\x00i\x00v\x00e\x00n\x00"))
	hasField(t, fieldErrors(t, err), 1, "file", "invalid_encoding")
}

func TestQuoteErrors(t *testing.T) {
	body := strings.Join(minimalHeader, ",") + "\n" + strings.Join(minimalRow(1), ",") + "\n" +
		`AUT,"unclosed,X,female,x@example.org,delegate,online,` + "\n"
	_, err := ParseCSV(strings.NewReader(body))
	hasField(t, fieldErrors(t, err), 3, "file", "invalid_csv")
	body = strings.Join(minimalHeader, ",") + "\n" + `AUT,Jo "Jo" Smith,X,female,x@example.org,delegate,online,` + "\n"
	_, err = ParseCSV(strings.NewReader(body))
	hasField(t, fieldErrors(t, err), 2, "file", "invalid_csv")
	_, err = ParseCSV(strings.NewReader(`"given_name,family_name` + "\n"))
	hasField(t, fieldErrors(t, err), 1, "file", "invalid_csv")
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestReadError(t *testing.T) {
	_, err := ParseCSV(failingReader{})
	fieldErrors(t, err)
}

func TestParseDispatch(t *testing.T) {
	csvBody := []byte(csvOf(",", minimalHeader, minimalRow(1)))
	tpl := filledTemplate(t)
	for _, tc := range []struct {
		ct   string
		body []byte
		code string // "" = success
	}{
		{"text/csv", csvBody, ""},
		{"text/csv; charset=UTF-8", csvBody, ""},
		{"application/csv", csvBody, ""},
		{"text/plain", csvBody, ""},
		{"application/vnd.ms-excel", csvBody, ""}, // what Windows calls .csv
		{"", csvBody, ""},
		{"application/octet-stream", csvBody, ""},
		{MediaTypeXLSX, tpl, ""},
		{"application/octet-stream", tpl, ""},
		{"text/csv", tpl, ""}, // sniffed
		{MediaTypeXLSX, csvBody, domain.CodeValidationFailed},
		{"image/png", csvBody, domain.CodeUnsupportedMediaType},
		{"application/json", []byte(`{"a":1}`), domain.CodeUnsupportedMediaType},
		{"application/vnd.ms-excel", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), domain.CodeUnsupportedMediaType},
		{"text/csv; charset=", csvBody, ""}, // malformed parameter, type still readable
	} {
		rows, err := Parse(tc.ct, tc.body)
		if got := domain.ErrorCode(err); got != tc.code {
			t.Errorf("Parse(%q, %.10q…): code %q, want %q (%v)", tc.ct, tc.body, got, tc.code, err)
			continue
		}
		if tc.code == "" && len(rows) != 1 {
			t.Errorf("Parse(%q): %d rows", tc.ct, len(rows))
		}
	}
}

func TestWriteCSV(t *testing.T) {
	header := []string{"group", "name", "function"}
	rows := [][]string{
		{"Participating States", "Zoë Müller", "Deputy Head, \"Political\" Section"},
		{"Partners", "Şükrü Doğan", "line one\nline two"},
		{"", "", ""},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, header, rows); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, bom) {
		t.Fatal("no BOM")
	}
	if !bytes.Contains(b, []byte("function\r\n")) {
		t.Error("no CRLF line ends")
	}
	got, err := csv.NewReader(bytes.NewReader(b[len(bom):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := append([][]string{header}, rows...); !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n got %q\nwant %q", got, want)
	}
}

func TestWriteCSVDefusesFormulas(t *testing.T) {
	in := []string{"=HYPERLINK(\"http://x\")", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3+cmd|x", "\tTAB",
		"+43 1 514 36-0", "-12.5", "Anne-Marie", "O'Neil", ""}
	want := []string{"'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3+cmd|x", "'\tTAB",
		"+43 1 514 36-0", "-12.5", "Anne-Marie", "O'Neil", ""}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []string{"a"}, [][]string{in}); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(bytes.NewReader(buf.Bytes()[len(bom):]))
	cr.FieldsPerRecord = -1
	got, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got[1], want) {
		t.Errorf("\n got %q\nwant %q", got[1], want)
	}
}

type shortWriter struct{ n int }

func (w *shortWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := max(w.n, 0)
		w.n = 0
		return n, io.ErrShortWrite
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteErrorsPropagate(t *testing.T) {
	rows := make([][]string, 5000)
	for i := range rows {
		rows[i] = []string{fmt.Sprint(i), strings.Repeat("x", 50)}
	}
	if err := WriteCSV(&shortWriter{n: 1000}, []string{"a", "b"}, rows); err == nil {
		t.Error("WriteCSV: no error from a failing writer")
	}
	if err := WriteCSV(&shortWriter{}, []string{"a"}, nil); err == nil {
		t.Error("WriteCSV: no error when the BOM cannot be written")
	}
	if err := WriteXLSX(&shortWriter{n: 1000}, "x", []string{"a", "b"}, rows); err == nil {
		t.Error("WriteXLSX: no error from a failing writer")
	}
}

func TestManyBadColumnsAreCapped(t *testing.T) {
	cols := make([]string, 10000)
	for i := range cols {
		cols[i] = fmt.Sprintf("col%d", i)
	}
	_, err := ParseCSV(strings.NewReader(strings.Join(cols, ",") + "\n"))
	if errs := fieldErrors(t, err); len(errs) > maxFieldErrors {
		t.Errorf("%d field errors", len(errs))
	}
	// Ragged rows too.
	var b strings.Builder
	b.WriteString(strings.Join(minimalHeader, ",") + "\n")
	for i := 0; i < 1000; i++ {
		b.WriteString("a,b\n")
	}
	_, err = ParseCSV(strings.NewReader(b.String()))
	if errs := fieldErrors(t, err); len(errs) != maxFieldErrors {
		t.Errorf("%d field errors", len(errs))
	}
}

func TestLeadingBlankLines(t *testing.T) {
	body := "\xEF\xBB\xBF\r\n  \r\n" + csvOf(";", minimalHeader, minimalRow(1))
	rows, err := ParseCSV(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Line != 4 || rows[0].Values["given_name"] != "Given1" {
		t.Errorf("%+v", rows[0])
	}
}
