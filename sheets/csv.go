package sheets

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/osce/accredit/domain"
)

// maxCSVBytes bounds what ParseCSV reads: 5,000 rows of 18 columns fit in
// a small fraction of it, and it keeps a runaway stream from filling
// memory.
const maxCSVBytes = 64 << 20

var bom = []byte("\xEF\xBB\xBF")

// ParseCSV reads a CSV import: UTF-8 with or without BOM, comma or
// semicolon separated (chosen from the header line: whichever splits it
// into more nomination column names; European Excel writes semicolons),
// header in row 1. See the package documentation for the errors.
func ParseCSV(r io.Reader) ([]Row, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCSVBytes+1))
	if err != nil {
		return nil, invalid(fileError(0, "invalid_csv", "the file could not be read: "+err.Error()))
	}
	return parseCSV(data)
}

// parseCSV is ParseCSV of a file already in memory, which it does not
// copy.
func parseCSV(data []byte) ([]Row, error) {
	if len(data) > maxCSVBytes {
		return nil, invalid(fileError(0, "too_large",
			fmt.Sprintf("the file is larger than %d MiB", maxCSVBytes>>20)))
	}
	data = bytes.TrimPrefix(data, bom)
	if err := checkText(data); err != nil {
		return nil, err
	}

	comma := detectComma(data)
	if err := checkShape(data, byte(comma)); err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // checked against the header below

	var (
		h       header
		c       collector
		row     int // spreadsheet row of the last record
		endLine int // file line on which the last record ended
		first   = true
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var perr *csv.ParseError
			line := row + 1
			if errors.As(err, &perr) && perr.StartLine > endLine {
				line = row + (perr.StartLine - endLine)
			}
			c.fail(fileError(line, "invalid_csv", csvMessage(err)))
			break
		}
		// Spreadsheet row: encoding/csv skips blank lines, which Excel
		// shows as empty rows, and a quoted cell may span several lines,
		// which Excel shows as one row.
		start, _ := cr.FieldPos(0)
		row += start - endLine
		last, _ := cr.FieldPos(len(rec) - 1)
		endLine = last + strings.Count(rec[len(rec)-1], "\n")

		if first {
			if blank(rec) { // white space above the header
				continue
			}
			first = false
			var errs []domain.FieldError
			h, errs = parseHeader(row, rec)
			if len(errs) > 0 {
				return nil, invalid(errs...)
			}
			continue
		}
		if len(rec) != len(h.cols) {
			if blank(rec) {
				continue
			}
			c.fail(fileError(row, "ragged_row", fmt.Sprintf(
				"row %d has %d cells but the header has %d; check for a stray %q or an unclosed quote",
				row, len(rec), len(h.cols), string(cr.Comma))))
			if len(c.errs) >= maxFieldErrors {
				break
			}
			continue
		}
		if !c.add(h.row(row, rec, normaliseDate)) {
			break
		}
	}
	if first {
		if len(c.errs) > 0 { // the header itself is broken
			return nil, invalid(c.errs...)
		}
		return nil, invalid(fileError(0, "no_rows", "the file is empty"))
	}
	return c.result()
}

// checkText refuses bytes that are not UTF-8 text, naming the line of the
// first bad byte.
func checkText(data []byte) error {
	bad := -1
	if i := bytes.IndexByte(data, 0); i >= 0 {
		bad = i
	}
	if !utf8.Valid(data) {
		for i := 0; i < len(data) && (bad < 0 || i < bad); {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n == 1 {
				bad = i
				break
			}
			i += n
		}
	}
	if bad < 0 {
		return nil
	}
	line := 1 + bytes.Count(data[:bad], []byte("\n"))
	return invalid(fileError(line, "invalid_encoding", fmt.Sprintf(
		"line %d is not UTF-8 text; in Excel use \"Save as… CSV UTF-8\", or upload the .xlsx file", line)))
}

// checkShape refuses, before encoding/csv allocates a cell per separator,
// a record of more than maxColumns cells (too_wide) and a cell longer
// than maxCellBytes (too_large): a line of millions of separators would
// otherwise cost millions of strings. Quotes are followed as encoding/csv
// follows them; a quoting error is left for it to name.
func checkShape(data []byte, comma byte) error {
	var (
		quoted          bool
		cells, cellLen  int
		line, startLine = 1, 1
	)
	for _, b := range data {
		if b == '\n' {
			line++
		}
		switch {
		case quoted:
			if b == '"' {
				quoted = false
				continue
			}
			cellLen++
		case b == '"':
			quoted = true
			continue
		case b == comma:
			cells, cellLen = cells+1, 0
			if cells >= maxColumns {
				return invalid(fileError(startLine, "too_wide", fmt.Sprintf(
					"line %d has more than %d cells; an import reads at most %d columns", startLine, maxColumns, maxColumns)))
			}
			continue
		case b == '\n':
			cells, cellLen, startLine = 0, 0, line
			continue
		default:
			cellLen++
		}
		if cellLen > maxCellBytes {
			return invalid(fileError(startLine, "too_large", fmt.Sprintf(
				"line %d has a cell of more than %d characters, which Excel does not allow", startLine, 32767)))
		}
	}
	return nil
}

// detectComma picks ',' or ';' from the header line (its first 4 KiB: a
// header of eighteen names is a few hundred bytes).
func detectComma(data []byte) rune {
	// The first line with something on it: encoding/csv skips blank
	// lines before the header too.
	line := data
	for {
		l, rest, found := bytes.Cut(line, []byte("\n"))
		if len(bytes.TrimSpace(l)) > 0 || !found {
			line = l
			break
		}
		line = rest
	}
	if len(line) > 4<<10 {
		line = line[:4<<10]
	}
	known := make(map[string]bool, len(NominationColumns))
	for _, c := range NominationColumns {
		known[c] = true
	}
	// score counts the known column names, then the fields, the header
	// splits into.
	score := func(sep rune) (names, fields int) {
		r := csv.NewReader(bytes.NewReader(line))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = sep, -1, true
		rec, _ := r.Read()
		for _, f := range rec {
			if known[strings.ToLower(strings.TrimSpace(f))] {
				names++
			}
		}
		return names, len(rec)
	}
	sn, sf := score(';')
	cn, cf := score(',')
	if sn > cn || sn == cn && sf > cf {
		return ';'
	}
	return ','
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// csvMessage words an encoding/csv error for a person fixing a file.
func csvMessage(err error) string {
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		switch {
		case errors.Is(perr.Err, csv.ErrQuote):
			return fmt.Sprintf("line %d: a quote (\") inside a cell must be doubled (\"\") or the cell quoted", perr.Line)
		case errors.Is(perr.Err, csv.ErrBareQuote):
			return fmt.Sprintf("line %d: a cell has an unclosed quote (\")", perr.Line)
		}
		return fmt.Sprintf("line %d: %v", perr.Line, perr.Err)
	}
	return err.Error()
}

// WriteCSV writes a table as CSV for spreadsheets: UTF-8 with a BOM (so
// that Excel shows diacritics right), comma separated, CRLF line ends.
//
// Cells that a spreadsheet would run as a formula (starting with =, @, a
// tab or CR, or with + or - followed by anything but a number) are
// prefixed with an apostrophe, the usual defence against CSV injection:
// names and functions are typed by delegations, and the file is opened by
// the secretariat. Telephone-like values such as "+43 1 514 36" are left
// alone.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	bw := &errWriter{w: w}
	bw.Write(bom)
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	rec := make([]string, 0, len(header))
	write := func(cells []string) error {
		rec = rec[:0]
		for _, c := range cells {
			rec = append(rec, defuse(c))
		}
		return cw.Write(rec)
	}
	if err := write(header); err != nil {
		return err
	}
	for _, r := range rows {
		if err := write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.err
}

// defuse neutralises a cell a spreadsheet would take for a formula.
func defuse(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if !numberLike(s[1:]) {
			return "'" + s
		}
	}
	return s
}

// numberLike reports whether s reads as a number or telephone number:
// digits, spaces and the punctuation of phone numbers, at least one digit.
func numberLike(s string) bool {
	digits := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r == ' ' || r == '.' || r == ',' || r == '(' || r == ')' || r == '/' || r == '-':
		default:
			return false
		}
	}
	return digits
}

// errWriter remembers the first write error so the BOM write needs no
// check of its own.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
