package sheets

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/osce/accredit/domain"
	"github.com/xuri/excelize/v2"
)

// Limits on what an uploaded workbook may unpack to. A 5,000-row import is
// well under 5 MiB of XML; these leave room for styles, pictures and
// generous formatting while refusing zip bombs before anything is
// decompressed, and keep an import within docs/security.md's 64 MiB above the
// file's own size, whatever the sheet claims (hostile_test.go measures).
const (
	maxUnzipped   = 50 << 20 // sum of the entries' uncompressed sizes
	maxRatio      = 100      // compression ratio of one entry…
	ratioFloor    = 10 << 20 // …checked for entries larger than this
	maxZipEntries = 10000
	// excelize holds every part in memory except worksheets and shared
	// strings larger than unzipXMLInMemory, which it unpacks to temporary
	// files; the parts it holds may unpack to maxInMemory in all.
	unzipXMLInMemory = 256 << 10
	maxInMemory      = 16 << 20
	// maxColumns is how far right a cell with a value may be: excelize
	// gives each row as a slice as wide as its last value, so one cell at
	// XFD made every row 16,384 cells. The header names at most 18
	// columns; 256 (IV, the old Excel width) leaves room for gaps.
	maxColumns = 256
	// maxCellBytes is the longest cell text: Excel holds 32,767
	// characters in a cell, which UTF-8 may take four bytes each for.
	maxCellBytes = 4 * 32767
	// maxSharedStrings bounds the shared-string table, which excelize
	// indexes whole: 5,000 rows of 18 distinct cells need 90,000.
	maxSharedStrings = 200_000
)

// ParseXLSX reads an XLSX import: the first sheet of the workbook, header
// in its first non-empty row (normally row 1). Dates in date_of_birth and
// document_expires_on are read as Excel stores them (serial numbers) or as
// typed text and normalised to YYYY-MM-DD where recognisable; other
// numbers are taken as stored ("123456789", not "1.23E+08").
//
// Before excelize sees the body, its zip central directory is checked:
// not a zip, more than 50 MiB unpacked in total (16 MiB for the parts
// excelize holds in memory), or an entry over 10 MiB compressed more than
// 100:1 is refused (too_large), so a zip bomb costs a directory read, not
// memory. Then every part is unpacked once, in a stream, to verify its
// size and checksum, and the sheets and shared strings are checked to be
// well-formed XML (invalid_xlsx): excelize ignores such damage and would
// import part of the file. The same pass refuses, before a row is read,
// what would make excelize's reading costly: a value in the first sheet
// beyond column IV or a row of more than 256 cells (too_wide), a cell of
// more than 32,767 characters, more than 200,000 shared strings
// (too_large). excelize's own UnzipSizeLimit and UnzipXMLSizeLimit are set
// as a second guard, the latter low so that sheets and shared strings are
// read from temporary files, not held in memory.
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
	var total, held uint64
	workbook := false
	for _, f := range zr.File {
		u, c := f.UncompressedSize64, f.CompressedSize64
		total += u
		if total > maxUnzipped || u > maxUnzipped {
			return invalid(fileError(0, "too_large", fmt.Sprintf(
				"the workbook unpacks to more than %d MiB; remove pictures and unused sheets, or import a CSV", maxUnzipped>>20)))
		}
		if kind := partKind(f.Name); kind != partSheet && kind != partStrings {
			if held += u; held > maxInMemory {
				return invalid(fileError(0, "too_large", fmt.Sprintf(
					"the workbook's pictures, styles and other parts unpack to more than %d MiB; remove pictures, or import a CSV", maxInMemory>>20)))
			}
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
	first := firstSheet(zr)
	for _, f := range zr.File {
		if err := checkEntry(f, first); err != nil {
			if de, ok := err.(*domain.Error); ok {
				return de
			}
			return invalid(fileError(0, "invalid_xlsx", fmt.Sprintf("the workbook is damaged (%s)", clip(f.Name, 60))))
		}
	}
	return nil
}

// Kinds of workbook part, by what checkEntry does with them.
const (
	partOther   = iota
	partSheet   // xl/worksheets/*.xml
	partStrings // the shared strings
	partBook    // xl/workbook.xml
)

func partName(name string) string { return strings.ToLower(strings.ReplaceAll(name, "\\", "/")) }

func partKind(name string) int {
	switch n := partName(name); {
	case !strings.HasSuffix(n, ".xml"):
		return partOther
	case strings.HasPrefix(n, "xl/worksheets/"):
		return partSheet
	case n == "xl/sharedstrings.xml":
		return partStrings
	case n == "xl/workbook.xml":
		return partBook
	}
	return partOther
}

// checkEntry reads one zip entry to its end, parsing it if it is XML that
// the import reads, and holding the first sheet (first, as partName; ""
// for every sheet) and the shared strings to the limits above.
func checkEntry(f *zip.File, first string) error {
	if f.FileInfo().IsDir() {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	kind := partKind(f.Name)
	if kind != partOther {
		var lim xmlLimits
		switch {
		case kind == partStrings:
			lim = xmlLimits{text: true, strings: true}
		case kind == partSheet && (first == "" || partName(f.Name) == first):
			lim = xmlLimits{text: true, cells: true}
		}
		if err := scanXML(rc, lim); err != nil {
			return err
		}
	}
	_, err = io.Copy(io.Discard, rc) // to EOF, where the checksum is verified
	return err
}

// xmlLimits says which of the import's limits a part is held to.
type xmlLimits struct {
	text    bool // cell text at most maxCellBytes
	cells   bool // values at most maxColumns right, rows at most maxColumns cells
	strings bool // at most maxSharedStrings items
}

// scanXML checks that r is well-formed XML within lim, token by token,
// so that it costs its largest token, not its size; with lim.text a token
// may not be larger than a cell's text.
func scanXML(r io.Reader, lim xmlLimits) error {
	g := &tokenGuard{r: r, max: -1}
	if lim.text {
		g.max = maxCellBytes + 4<<10 // a cell's text and its tags
	}
	d := xml.NewDecoder(g)
	var (
		items, cellsInRow, row int
		col                    int // column of the open <c>, 0 when none
	)
	for {
		g.mark = d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		} else if errors.Is(err, errLongToken) {
			return invalid(fileError(row, "too_large", fmt.Sprintf("a cell holds more than %d characters, which Excel does not allow", 32767)))
		} else if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case lim.strings && t.Name.Local == "si":
				if items++; items > maxSharedStrings {
					return invalid(fileError(0, "too_large", fmt.Sprintf("the workbook has more than %d distinct texts; import at most %d rows at a time", maxSharedStrings, MaxRows)))
				}
			case lim.cells && t.Name.Local == "row":
				row, cellsInRow = row+1, 0
				if n, err := strconv.Atoi(attr(t, "r")); err == nil {
					row = n
				}
			case lim.cells && t.Name.Local == "c":
				if cellsInRow++; cellsInRow > maxColumns {
					return tooWide(row, cellsInRow)
				}
				col = cellsInRow
				if ref := attr(t, "r"); ref != "" {
					if c, _, err := excelize.CellNameToCoordinates(ref); err == nil {
						col = c
					}
				}
			case lim.cells && col > maxColumns && (t.Name.Local == "v" || t.Name.Local == "is" || t.Name.Local == "f"):
				return tooWide(row, col)
			}
		case xml.EndElement:
			if t.Name.Local == "c" {
				col = 0
			}
		}
	}
}

var errLongToken = errors.New("sheets: XML token too long")

// tokenGuard fails a read once the decoder has read max bytes past the
// start of the token it is on (mark): encoding/xml holds a whole text in
// memory before it returns it, so a 40 MiB cell would cost 40 MiB before
// its length could be checked.
type tokenGuard struct {
	r          io.Reader
	read, mark int64
	max        int64 // -1: no bound
}

func (g *tokenGuard) Read(p []byte) (int, error) {
	if g.max >= 0 && g.read-g.mark > g.max {
		return 0, errLongToken
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

func tooWide(row, col int) error {
	return invalid(fileError(row, "too_wide", fmt.Sprintf(
		"row %d has a value in column %s; an import reads columns A to %s: delete what is to the right of your data",
		row, columnLetter(col-1), columnLetter(maxColumns-1))))
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// firstSheet is the part name of the workbook's first sheet, which the
// import reads, or "" when the workbook does not say (every sheet is then
// held to the first sheet's limits).
func firstSheet(zr *zip.Reader) string {
	var book struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if readSmallXML(zr, "xl/workbook.xml", &book) != nil || readSmallXML(zr, "xl/_rels/workbook.xml.rels", &rels) != nil || len(book.Sheets) == 0 {
		return ""
	}
	for _, r := range rels.Rels {
		if r.ID == book.Sheets[0].ID {
			t := strings.ReplaceAll(r.Target, "\\", "/")
			if strings.HasPrefix(t, "/") {
				return partName(strings.TrimPrefix(t, "/"))
			}
			return partName(path.Clean("xl/" + t))
		}
	}
	return ""
}

// readSmallXML decodes a part of at most 1 MiB (workbook and relations
// are a few KB).
func readSmallXML(zr *zip.Reader, name string, v any) error {
	for _, f := range zr.File {
		if partName(f.Name) != partName(name) {
			continue
		}
		if f.UncompressedSize64 > 1<<20 {
			return fmt.Errorf("%s too large", name)
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		return xml.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(v)
	}
	return fmt.Errorf("no %s", name)
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
