package sheets

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// This file builds hostile workbooks and CSVs in the test and holds the
// readers to docs/security.md (Imports): an import costs at most 64 MiB above the file's own
// size for 5,000 rows, whatever the sheet claims about its width.

// sheetXML is the parts of a minimal workbook around one worksheet.
const (
	contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbookXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
)

// hostile describes a workbook: its dimension claim, a header, data rows,
// and what the rows and shared strings add.
type hostile struct {
	dimension string                     // the <dimension ref> claim, "" for none
	header    []string                   // row 1, inline strings from column A
	far       string                     // a header cell at column XFD, "" for none
	rows      int                        // data rows, each a valid person
	rowFar    bool                       // each data row also has a value at column XFD
	shared    int                        // extra shared strings (tiny), unreferenced
	sharedRef int                        // length of shared string 0, which every row's cells then reference
	sharedLen int                        // one extra shared string of this many bytes
	write     func(w io.Writer, row int) // replaces the generated rows when set
}

var hostileCols = []string{"delegation", "given_name", "family_name", "gender", "email", "category", "mode"}

// build deflates the workbook as Excel would (default level).
func (h hostile) build(t testing.TB) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	put := func(name string, fill func(w io.Writer)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fill(w)
	}
	str := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	put("[Content_Types].xml", str(contentTypes))
	put("_rels/.rels", str(rootRels))
	put("xl/workbook.xml", str(workbookXML))
	put("xl/_rels/workbook.xml.rels", str(workbookRels))
	put("xl/sharedStrings.xml", func(w io.Writer) {
		n := h.shared + 1
		if h.sharedLen > 0 {
			n++
		}
		first := "female"
		if h.sharedRef > 0 {
			first = strings.Repeat("f", h.sharedRef)
		}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d"><si><t>%s</t></si>`, n, n, first)
		for range h.shared {
			io.WriteString(w, `<si><t/></si>`)
		}
		if h.sharedLen > 0 {
			io.WriteString(w, `<si><t>`)
			// Mostly one letter, with a little noise, so that it packs
			// less than 100:1 and passes the zip-bomb ratio check.
			chunk := []byte(strings.Repeat("A", 64<<10))
			rng := rand.New(rand.NewPCG(1, 2))
			for left := h.sharedLen; left > 0; left -= len(chunk) {
				for i := 0; i < 1200; i++ {
					chunk[rng.IntN(len(chunk))] = byte('A' + rng.IntN(26))
				}
				w.Write(chunk[:min(left, len(chunk))])
			}
			io.WriteString(w, `</t></si>`)
		}
		io.WriteString(w, `</sst>`)
	})
	put("xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		if h.dimension != "" {
			fmt.Fprintf(w, `<dimension ref="%s"/>`, h.dimension)
		}
		io.WriteString(w, `<sheetData><row r="1">`)
		for i, c := range h.header {
			fmt.Fprintf(w, `<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>`, columnLetter(i), c)
		}
		if h.far != "" {
			fmt.Fprintf(w, `<c r="XFD1" t="inlineStr"><is><t>%s</t></is></c>`, h.far)
		}
		io.WriteString(w, `</row>`)
		for r := 2; r < h.rows+2; r++ {
			if h.write != nil {
				h.write(w, r)
				continue
			}
			fmt.Fprintf(w, `<row r="%d">`, r)
			for i, v := range []string{"AUT", "Given", fmt.Sprintf("Family%d", r), "", fmt.Sprintf("p%d@example.org", r), "delegate", "online"}[:len(h.header)] {
				if i == 3 || h.sharedRef > 0 && i != 4 { // from the shared strings
					fmt.Fprintf(w, `<c r="%s%d" t="s"><v>0</v></c>`, columnLetter(i), r)
					continue
				}
				fmt.Fprintf(w, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, columnLetter(i), r, v)
			}
			switch {
			case h.far != "": // the header names XFD: each row fills it
				fmt.Fprintf(w, `<c r="XFD%d" t="inlineStr"><is><t>online</t></is></c>`, r)
			case h.rowFar:
				fmt.Fprintf(w, `<c r="XFD%d" t="inlineStr"><is><t>x</t></is></c>`, r)
			}
			io.WriteString(w, `</row>`)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// cost is what one call cost the process: bytes allocated in all, the
// highest heap seen (sampled), and CPU time of the process.
type cost struct {
	total, peak uint64
	cpu         time.Duration
}

func (c cost) String() string {
	return fmt.Sprintf("allocated %.1f MiB, heap peak ≥ %.1f MiB above the start, CPU %v",
		float64(c.total)/(1<<20), float64(c.peak)/(1<<20), c.cpu.Round(time.Millisecond))
}

var measureMu sync.Mutex // one measurement at a time: the counters are the process's

// measure runs fn and reports its cost from the runtime's own accounting.
// The peak is sampled, so it can only be under the truth; TotalAlloc
// bounds it from above.
func measure(fn func()) cost {
	measureMu.Lock()
	defer measureMu.Unlock()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > before.HeapAlloc && m.HeapAlloc-before.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc - before.HeapAlloc)
			}
		}
	}()
	cpu0 := cpuTime()
	fn()
	cpu := cpuTime() - cpu0
	close(stop)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if after.HeapAlloc > before.HeapAlloc && after.HeapAlloc-before.HeapAlloc > peak.Load() {
		peak.Store(after.HeapAlloc - before.HeapAlloc)
	}
	return cost{total: after.TotalAlloc - before.TotalAlloc, peak: peak.Load(), cpu: cpu}
}

// importBudget is the bound of docs/security.md (Imports): 64 MiB above the file's own size.
const importBudget = 64 << 20

// TestXLSXHostileBounded: whatever a workbook claims or holds within the
// 10 MiB upload limit, reading it stays within the budget; what is absurd
// is refused before its rows are read (a few MiB allocated in all). The
// peak is sampled, so it can only be under the truth; allocation in all
// bounds it from above, and is held too for the files refused early.
// Before: a 28 KB header reaching column XFD took 1.5 GB, 760,000 empty
// shared strings 280 MB, a 9 MiB cell 65 MB.
func TestXLSXHostileBounded(t *testing.T) {
	full := hostileCols
	for _, c := range []struct {
		name  string
		h     hostile
		code  string // "" = read
		early bool   // refused before the rows: allocation bounded too
	}{
		{"5,000 plain rows", hostile{header: full, rows: 5000}, "", false},
		{"dimension claims XFD1048576", hostile{dimension: "A1:XFD1048576", header: full, rows: 5000}, "", false},
		{"header reaching XFD", hostile{header: full[:6], far: "mode", rows: 1000}, "too_wide", true},
		{"every row reaching XFD", hostile{header: full, rows: 5000, rowFar: true}, "too_wide", true},
		{"760,000 empty shared strings", hostile{header: full, rows: 10, shared: 9 << 20 / 13}, "too_large", false},
		{"a 9 MiB shared string", hostile{header: full, rows: 10, sharedLen: 9 << 20}, "too_large", true},
		{"a 7 KB shared string in every cell", hostile{header: full, rows: 5000, sharedRef: 7000}, "too_large", false},
		{"a 20 KB shared string in every cell", hostile{header: full, rows: 5000, sharedRef: 20000}, "too_long", false},
		{"more rows than allowed", hostile{header: full, rows: MaxRows + 1}, "too_many_rows", false},
		{"a row of 300 cells", hostile{header: full, rows: 2, write: func(w io.Writer, r int) {
			fmt.Fprintf(w, `<row r="%d">`, r)
			for range 300 {
				io.WriteString(w, `<c t="inlineStr"><is><t>x</t></is></c>`)
			}
			io.WriteString(w, `</row>`)
		}}, "too_wide", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := c.h.build(t)
			if len(body) > 10<<20 {
				t.Fatalf("the file is %d bytes, over the upload limit", len(body))
			}
			var rows []Row
			var err error
			co := measure(func() { rows, err = ParseXLSX(bytes.NewReader(body), int64(len(body))) })
			t.Logf("%d KB: %v", len(body)>>10, co)
			if c.code == "" {
				if err != nil || len(rows) != c.h.rows {
					t.Fatalf("%d rows, %v", len(rows), err)
				}
			} else {
				hasCode(t, err, c.code)
			}
			if co.peak > importBudget {
				t.Errorf("heap peak %d MiB, over the %d MiB budget", co.peak>>20, importBudget>>20)
			}
			if co.total > 10*importBudget {
				t.Errorf("allocated %d MiB in all", co.total>>20)
			}
			if c.early && co.total > 8<<20 {
				t.Errorf("refused only after allocating %d MiB: not early", co.total>>20)
			}
		})
	}
}

// TestCSVHostileBounded: a CSV of one huge line, or of millions of
// separators, is refused before encoding/csv makes a string per cell.
func TestCSVHostileBounded(t *testing.T) {
	header := strings.Join(hostileCols, ",") + "\n"
	row := "AUT,Given,Family,female,p@example.org,delegate,online\n"
	for _, c := range []struct {
		name, body, code string
	}{
		{"5,000 plain rows", header + strings.Repeat(row, 5000), ""},
		{"a 10 MiB line", header + strings.Repeat("A", 10<<20) + "\n", "too_large"},
		{"a 10 MiB quoted cell", header + `"` + strings.Repeat("A,", 5<<20) + `"` + "\n", "too_large"},
		{"10 million commas", header + strings.Repeat(",", 10<<20) + "\n", "too_wide"},
		{"10 million semicolons in the header", strings.Repeat(";", 10<<20) + "\n" + row, "too_wide"},
		{"10 million line breaks", header + strings.Repeat("\n", 10<<20), "no_rows"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var rows []Row
			var err error
			data := []byte(c.body)
			co := measure(func() { rows, err = Parse("text/csv", data) })
			t.Logf("%d KB: %v", len(c.body)>>10, co)
			if c.code == "" {
				if err != nil || len(rows) != 5000 {
					t.Fatalf("%d rows, %v", len(rows), err)
				}
			} else {
				hasCode(t, err, c.code)
			}
			if co.peak > importBudget {
				t.Errorf("heap peak %d MiB, over the budget", co.peak>>20)
			}
			if c.code != "" && c.code != "no_rows" && co.total > 8<<20 {
				t.Errorf("refused only after allocating %d MiB: not early", co.total>>20)
			}
		})
	}
}

// hasCode fails unless err is a validation failure with a field error of
// that code.
func hasCode(t *testing.T, err error, code string) {
	t.Helper()
	errs := fieldErrors(t, err)
	for _, e := range errs {
		if e.Code == code {
			return
		}
	}
	t.Fatalf("no %s error in %+v", code, errs[:min(len(errs), 3)])
}
