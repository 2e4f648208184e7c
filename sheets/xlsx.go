package sheets

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/osce/accredit/domain"
	"github.com/xuri/excelize/v2"
)

// Limits on what an uploaded workbook may unpack to. A 5,000-row import is
// well under 5 MiB of XML; these leave room for styles, pictures and
// generous formatting while refusing zip bombs before anything is
// decompressed.
const (
	maxUnzipped      = 50 << 20 // sum of the entries' uncompressed sizes
	maxRatio         = 100      // compression ratio of one entry…
	ratioFloor       = 10 << 20 // …checked for entries larger than this
	maxZipEntries    = 10000
	unzipXMLInMemory = 16 << 20 // larger sheets are unpacked to a temporary file
)

// ParseXLSX reads an XLSX import: the first sheet of the workbook, header
// in its first non-empty row (normally row 1). Dates in date_of_birth and
// document_expires_on are read as Excel stores them (serial numbers) or as
// typed text and normalised to YYYY-MM-DD where recognisable; other
// numbers are taken as stored ("123456789", not "1.23E+08").
//
// Before excelize sees the body, its zip central directory is checked:
// not a zip, more than 50 MiB unpacked in total, or an entry over 10 MiB
// compressed more than 100:1 is refused (too_large), so a zip bomb costs
// a directory read, not memory. Then every part is unpacked once, in a
// stream, to verify its size and checksum, and the sheets and shared
// strings are checked to be well-formed XML (invalid_xlsx): excelize
// ignores such damage and would import part of the file. excelize's own
// UnzipSizeLimit and UnzipXMLSizeLimit are set as a second guard.
func ParseXLSX(r io.ReaderAt, size int64) (rows []Row, err error) {
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, invalid(fileError(0, "invalid_xlsx", "the workbook could not be read"))
		}
	}()
	if err := checkZip(r, size); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    maxUnzipped,
		UnzipXMLSizeLimit: unzipXMLInMemory,
		RawCellValue:      true,
	})
	if err != nil {
		return nil, invalid(fileError(0, "invalid_xlsx", "the file is not a readable XLSX workbook"))
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, invalid(fileError(0, "invalid_xlsx", "the workbook has no sheet"))
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, invalid(fileError(0, "invalid_xlsx", fmt.Sprintf("the sheet %q could not be read", clip(sheets[0], 40))))
	}
	defer it.Close()

	var (
		h       header
		c       collector
		line    int
		started bool
	)
	for it.Next() {
		line++
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			c.fail(fileError(line, "invalid_xlsx", fmt.Sprintf("row %d could not be read", line)))
			break
		}
		if !started {
			if blank(cells) {
				continue
			}
			started = true
			var errs []domain.FieldError
			h, errs = parseHeader(line, cells)
			if len(errs) > 0 {
				return nil, invalid(errs...)
			}
			continue
		}
		for i, v := range cells {
			if !utf8.ValidString(v) {
				cells[i] = strings.ToValidUTF8(v, "\uFFFD")
			}
		}
		if !c.add(h.row(line, cells, normaliseDate)) {
			break
		}
	}
	if err := it.Error(); err != nil && !c.over {
		c.fail(fileError(line+1, "invalid_xlsx", "the sheet has more rows than a spreadsheet allows"))
	}
	if !started {
		return nil, invalid(fileError(0, "no_rows", "the first sheet is empty"))
	}
	return c.result()
}

// checkZip inspects the zip central directory for a zip bomb.
func checkZip(r io.ReaderAt, size int64) error {
	head := make([]byte, 4)
	if size < 4 {
		return invalid(fileError(0, "invalid_xlsx", "the file is not an XLSX workbook"))
	}
	if _, err := r.ReadAt(head, 0); err != nil || !bytes.Equal(head, zipMagic) {
		return invalid(fileError(0, "invalid_xlsx", "the file is not an XLSX workbook"))
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && zr == nil { // zr with ErrInsecurePath is still inspected, then refused by excelize
		return invalid(fileError(0, "invalid_xlsx", "the file is not a readable XLSX workbook (broken zip)"))
	}
	if len(zr.File) > maxZipEntries {
		return invalid(fileError(0, "too_large", "the workbook has too many parts"))
	}
	var total uint64
	workbook := false
	for _, f := range zr.File {
		u, c := f.UncompressedSize64, f.CompressedSize64
		total += u
		if total > maxUnzipped || u > maxUnzipped {
			return invalid(fileError(0, "too_large", fmt.Sprintf(
				"the workbook unpacks to more than %d MiB; remove pictures and unused sheets, or import a CSV", maxUnzipped>>20)))
		}
		if u > ratioFloor && (c == 0 || u/c > maxRatio) {
			return invalid(fileError(0, "too_large", "the workbook is suspiciously compressed (zip bomb?)"))
		}
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), "xl/workbook.xml") {
			workbook = true
		}
	}
	if !workbook {
		return invalid(fileError(0, "invalid_xlsx", "the zip file is not an XLSX workbook"))
	}
	// excelize ignores read errors of the parts it unpacks and stops
	// quietly at malformed sheet XML, which would import part of a
	// damaged file. So unpack everything once here, checking sizes and
	// checksums, and check that sheets and shared strings are well-formed
	// XML. Sizes were bounded above; archive/zip refuses to read past an
	// entry's declared size.
	for _, f := range zr.File {
		if err := checkEntry(f); err != nil {
			return invalid(fileError(0, "invalid_xlsx", fmt.Sprintf("the workbook is damaged (%s)", clip(f.Name, 60))))
		}
	}
	return nil
}

// checkEntry reads one zip entry to its end, parsing it if it is XML that
// the import reads.
func checkEntry(f *zip.File) error {
	if f.FileInfo().IsDir() {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
	if strings.HasSuffix(name, ".xml") &&
		(strings.HasPrefix(name, "xl/worksheets/") || name == "xl/sharedstrings.xml" || name == "xl/workbook.xml") {
		d := xml.NewDecoder(rc)
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				return err
			}
		}
	}
	_, err = io.Copy(io.Discard, rc) // to EOF, where the checksum is verified
	return err
}

// WriteXLSX writes a table as a one-sheet workbook: a bold, frozen header
// row and string cells (never formulas). It streams the rows
// (excelize.StreamWriter spills to a temporary file past 16 MiB), so
// 100,000 rows take little memory beyond rows itself.
func WriteXLSX(w io.Writer, sheet string, header []string, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	name := sheetName(sheet)
	if name != "Sheet1" {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return fmt.Errorf("sheets: %w", err)
		}
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	bold, err := f.NewStyle(headerStyle())
	if err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	ncol := len(header)
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	if ncol > 0 {
		widths := columnWidths(header, rows, ncol)
		for i, wd := range widths {
			if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
				return fmt.Errorf("sheets: %w", err)
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	vals := make([]any, 0, ncol)
	hv := make([]any, len(header))
	for i, s := range header {
		hv[i] = excelize.Cell{StyleID: bold, Value: s}
	}
	if err := sw.SetRow("A1", hv, excelize.RowOpts{StyleID: bold}); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	for i, r := range rows {
		vals = vals[:0]
		for _, s := range r {
			vals = append(vals, s)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, vals); err != nil {
			return fmt.Errorf("sheets: row %d: %w", i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	return nil
}

// headerStyle is the style of header rows: bold on a pale fill, ruled
// below. A fresh value each time, as excelize may adjust what it is given.
func headerStyle() *excelize.Style {
	return &excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7ECF3"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "8896A8", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	}
}

// columnWidths sizes columns to their content (in characters), between 8
// and 60, looking at the first 1,000 rows.
func columnWidths(header []string, rows [][]string, ncol int) []float64 {
	w := make([]float64, ncol)
	see := func(i int, s string) {
		n := float64(utf8.RuneCountInString(s))*1.1 + 2
		if n > w[i] {
			w[i] = n
		}
	}
	for i, s := range header {
		see(i, s)
	}
	for j, r := range rows {
		if j == 1000 {
			break
		}
		for i, s := range r {
			see(i, s)
		}
	}
	for i := range w {
		w[i] = min(max(w[i], 8), 60)
	}
	return w
}

// sheetName makes s a valid worksheet name: no []:*?/\, no leading or
// trailing apostrophe, at most 31 characters, "Sheet1" if nothing is left.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '[', ']', ':', '*', '?', '/', '\\':
			return '-'
		}
		if r < 0x20 || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	s = strings.Trim(strings.TrimSpace(s), "'")
	if r := []rune(s); len(r) > 31 {
		s = strings.TrimSpace(string(r[:31]))
	}
	if s == "" {
		return "Sheet1"
	}
	return s
}
