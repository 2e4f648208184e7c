// Package sheets reads nomination imports (CSV and XLSX, api/openapi.yaml), writes
// the import templates, and writes tables (CSV, XLSX) for the exports.
//
// Every failure to read an upload is a *domain.Error that the caller can
// hand back as it is: Code domain.CodeValidationFailed and one
// domain.FieldError per problem, Row being the spreadsheet row (the header
// is row 1) and Field a column name, or "file" for problems with the file
// as a whole. The FieldError codes are:
//
//	unknown_column     a header names no nomination field (Field = the name)
//	duplicate_column   a header names a field twice
//	missing_column     a required column is absent
//	unnamed_column     a cell has a value under an empty header cell
//	ragged_row         a CSV row has more or fewer cells than the header
//	invalid_csv        a CSV quoting error
//	invalid_encoding   the CSV is not UTF-8 (or holds NUL bytes)
//	invalid_xlsx       the body is not a readable XLSX workbook
//	too_large          the XLSX would unpack to too much data (zip bomb), or
//	                   has too many distinct texts, a cell holds more than
//	                   Excel's 32,767 characters, or the CSV is over 64 MiB
//	too_long           a cell is longer than any nomination field can be
//	too_wide           a value lies beyond column IV (256), or a row has
//	                   more than 256 cells
//	too_many_rows      more than MaxRows data rows
//	no_rows            no data rows
//	example_row        the template's example row is still there (Field =
//	                   the column that gave it away)
//
// Parse answers domain.CodeUnsupportedMediaType (with no field errors)
// only when the declared content type is neither a spreadsheet nor text,
// or the body is a legacy binary .xls workbook; a body declared as CSV
// that turns out to be binary is a validation failure (invalid_encoding),
// so the user learns which row of their file is broken.
//
// Parsing never panics: the XLSX reader is additionally guarded with
// recover, because it runs third-party code over untrusted input.
package sheets

import (
	"bytes"
	"fmt"
	"mime"
	"strings"

	"github.com/osce/accredit/domain"
)

// MaxRows is the largest number of data rows an import may have: the
// domain's limit, which the reader applies while it reads.
const MaxRows = domain.MaxImportRows

// Bounds on the text an import keeps while it reads (docs/security.md, Imports: at most 64
// MiB above the file's own size). No nomination field takes more than
// 2,000 characters, so a longer cell is an error and not kept; and 5,000
// rows of every field at its longest are under maxText. A shared string
// may be referenced by every cell, so the file's size does not bound what
// its cells hold.
const (
	maxValueBytes = 4 * 2000
	maxText       = 24 << 20
)

// maxFieldErrors bounds the list of errors returned for one file: enough
// to fix a file in one go, not a megabyte of JSON for a broken one.
const maxFieldErrors = 100

// Row is one non-empty data row of an import.
type Row struct {
	// Line is the spreadsheet row number, the header being row 1. Empty
	// rows are skipped but still counted, so Line is what the user sees
	// in Excel.
	Line int
	// Values maps each column of the header to its trimmed cell value;
	// columns absent from the file are absent from the map.
	Values map[string]string
}

// Media types understood by Parse.
const (
	MediaTypeCSV  = "text/csv"
	MediaTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // legacy .xls
)

// csvTypes are the content types under which browsers and clients send a
// CSV file (Windows reports .csv as application/vnd.ms-excel), plus the
// generic ones, which are then sniffed.
var csvTypes = map[string]bool{
	"text/csv":                      true,
	"application/csv":               true,
	"text/x-csv":                    true,
	"application/x-csv":             true,
	"text/comma-separated-values":   true,
	"text/x-comma-separated-values": true,
	"text/plain":                    true,
	"application/vnd.ms-excel":      true,
	"application/octet-stream":      true,
	"binary/octet-stream":           true,
}

// Parse reads an import body of the given content type. A body that starts
// like a zip file is read as XLSX whatever its declared type (browsers
// often send application/octet-stream); otherwise an XLSX content type is
// a validation failure (invalid_xlsx), a CSV, text or generic binary type
// (or none) is read as CSV, and anything else is unsupported_media_type.
// Legacy .xls workbooks are unsupported_media_type too.
func Parse(contentType string, body []byte) ([]Row, error) {
	mt := ""
	if strings.TrimSpace(contentType) != "" {
		if t, _, err := mime.ParseMediaType(contentType); err == nil {
			mt = strings.ToLower(t)
		} else {
			mt = strings.ToLower(strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]))
		}
	}
	switch {
	case bytes.HasPrefix(body, zipMagic):
		return ParseXLSX(bytes.NewReader(body), int64(len(body)))
	case bytes.HasPrefix(body, oleMagic):
		return nil, domain.Errorf(domain.CodeUnsupportedMediaType,
			"legacy Excel workbooks (.xls) are not supported: save the file as .xlsx or CSV (UTF-8)")
	case mt == MediaTypeXLSX:
		return nil, invalid(fileError(0, "invalid_xlsx", "the file is not an XLSX workbook"))
	case mt == "" || csvTypes[mt]:
		return parseCSV(body)
	}
	return nil, domain.Errorf(domain.CodeUnsupportedMediaType,
		"unsupported content type %q: send %s or %s", mt, MediaTypeCSV, MediaTypeXLSX)
}

// header maps the cells of a header row to column names.
type header struct {
	cols  []string // per cell index: the column name, "" for an empty header cell
	named int      // how many cols have a name
}

// parseHeader reads the header row (row 1): names are trimmed and
// case-insensitive; empty header cells are allowed (Excel leaves them
// after deleted columns) as long as no row has a value under them.
func parseHeader(line int, cells []string) (header, []domain.FieldError) {
	var errs []domain.FieldError
	known := make(map[string]bool, len(NominationColumns))
	for _, c := range NominationColumns {
		known[c] = true
	}
	seen := map[string]bool{}
	h := header{cols: make([]string, len(cells))}
	for i, c := range cells {
		if len(errs) >= maxFieldErrors {
			break
		}
		name := strings.ToLower(strings.TrimSpace(c))
		switch {
		case name == "":
		case !known[name]:
			errs = append(errs, domain.FieldError{Row: line, Field: clip(name, 64), Code: "unknown_column",
				Message: fmt.Sprintf("column %s (%q) is not a nomination field; the columns are: %s",
					columnLetter(i), clip(strings.TrimSpace(c), 64), strings.Join(NominationColumns, ", "))})
		case seen[name]:
			errs = append(errs, domain.FieldError{Row: line, Field: name, Code: "duplicate_column",
				Message: fmt.Sprintf("column %q appears more than once (again in column %s)", name, columnLetter(i))})
		default:
			seen[name] = true
			h.cols[i] = name
			h.named++
		}
	}
	for _, c := range RequiredColumns {
		if !seen[c] && len(errs) < maxFieldErrors {
			errs = append(errs, domain.FieldError{Row: line, Field: c, Code: "missing_column",
				Message: fmt.Sprintf("the header has no %q column, which is required", c)})
		}
	}
	return h, errs
}

// row builds a Row from the cells of one spreadsheet row. empty reports a
// row with no value at all, which the caller skips. fix normalises date
// cells.
func (h header) row(line int, cells []string, fix func(string) string) (r Row, empty bool, errs []domain.FieldError) {
	// Sized by the named columns, not the header's width: a header that
	// reached far right made every row's map that wide.
	r = Row{Line: line, Values: make(map[string]string, h.named)}
	empty = true
	for _, name := range h.cols {
		if name != "" {
			r.Values[name] = ""
		}
	}
	for i, c := range cells {
		v := strings.TrimSpace(c)
		if v == "" {
			continue
		}
		empty = false
		if i >= len(h.cols) || h.cols[i] == "" {
			errs = append(errs, domain.FieldError{Row: line, Field: columnLetter(i), Code: "unnamed_column",
				Message: fmt.Sprintf("cell %s%d has a value but its column has no header", columnLetter(i), line)})
			continue
		}
		if len(v) > maxValueBytes {
			errs = append(errs, domain.FieldError{Row: line, Field: h.cols[i], Code: "too_long",
				Message: fmt.Sprintf("cell %s%d holds %d bytes; no nomination field takes more than 2,000 characters", columnLetter(i), line, len(v))})
			continue
		}
		if dateColumns[h.cols[i]] {
			v = fix(v)
		}
		r.Values[h.cols[i]] = v
	}
	return r, empty, errs
}

// collector gathers row results and field errors with the common limits.
type collector struct {
	rows []Row
	errs []domain.FieldError
	over bool // more than MaxRows data rows
	text int  // bytes of the values kept
	full bool // more than maxText
}

// add records a data row; it reports false once reading should stop.
func (c *collector) add(r Row, empty bool, errs []domain.FieldError) bool {
	c.fail(errs...)
	if empty {
		return true
	}
	if col := exampleColumn(r); col != "" {
		c.fail(domain.FieldError{Row: r.Line, Field: col, Code: "example_row",
			Message: fmt.Sprintf("row %d is the template's example (%s %q): replace it with your delegates or delete it", r.Line, col, r.Values[col])})
	}
	if len(c.rows) == MaxRows {
		c.over = true
		return false
	}
	for _, v := range r.Values {
		c.text += len(v)
	}
	if c.text > maxText {
		c.full = true
		return false
	}
	c.rows = append(c.rows, r)
	return len(c.errs) < maxFieldErrors
}

func (c *collector) fail(errs ...domain.FieldError) {
	for _, e := range errs {
		if len(c.errs) < maxFieldErrors {
			c.errs = append(c.errs, e)
		}
	}
}

// result applies the file-wide rules and returns the rows or the error.
func (c *collector) result() ([]Row, error) {
	if c.over {
		return nil, invalid(fileError(0, "too_many_rows",
			fmt.Sprintf("the file has more than %d data rows; split it into several imports", MaxRows)))
	}
	if c.full {
		return nil, invalid(fileError(0, "too_large",
			fmt.Sprintf("the file's cells hold more than %d MiB of text, more than %d nominations can", maxText>>20, MaxRows)))
	}
	if len(c.errs) > 0 {
		return nil, invalid(c.errs...)
	}
	if len(c.rows) == 0 {
		return nil, invalid(fileError(0, "no_rows", "the file has a header but no data rows"))
	}
	return c.rows, nil
}

// exampleColumn names the column by which r is recognisably the
// templates' example row (docs/security.md, Imports: it must not import as a person), or "".
// Its email, its remarks, or its full name give it away, even when the
// user changed the other cells.
func exampleColumn(r Row) string {
	v, ex := r.Values, TemplateExample
	switch {
	case strings.EqualFold(v["email"], ex["email"]):
		return "email"
	case v["remarks"] == ex["remarks"]:
		return "remarks"
	case strings.EqualFold(v["given_name"], ex["given_name"]) && strings.EqualFold(v["family_name"], ex["family_name"]):
		return "given_name"
	}
	return ""
}

func fileError(row int, code, msg string) domain.FieldError {
	return domain.FieldError{Row: row, Field: "file", Code: code, Message: msg}
}

func invalid(fields ...domain.FieldError) *domain.Error { return domain.Invalid(fields...) }

// columnLetter gives the spreadsheet letter of the 0-based column i: A, …,
// Z, AA, ….
func columnLetter(i int) string {
	var b []byte
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
