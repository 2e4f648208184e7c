package api_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"hash/crc32"
	"math/rand"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// This file proves the import (api/openapi.yaml, POST …/nominations/import), the templates and
// the nomination exports: a round trip through the templates in CSV, XLSX
// and multipart form, all-or-nothing refusal naming the spreadsheet row
// and column, dry runs, quotas and duplicates judged row by row, malformed
// files, and the row limit. Helpers are prefixed im.

const imXLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// imCols are the columns of an import (api/openapi.yaml): the nomination's JSON
// fields, document_* for the document, and delegation.
var imCols = []string{
	"delegation", "honorific", "given_name", "family_name", "gender",
	"function", "organization", "nationality", "email", "phone",
	"date_of_birth", "document_type", "document_number", "document_expires_on",
	"category", "mode", "sessions", "remarks",
}

// imRow is a valid in-person row of a new, unique AUT delegate.
func imRow(change ...func(map[string]string)) map[string]string {
	n := personSeq.Add(1)
	r := map[string]string{
		"delegation": "AUT", "honorific": "Mr.", "given_name": "Lukas", "family_name": fmt.Sprintf("Huber-%d", n),
		"gender": "male", "function": "Chief Inspector", "organization": "Federal Criminal Police Office",
		"nationality": "AUT", "email": fmt.Sprintf("lukas.%d@example.org", n), "phone": "+43 1 531 26 0",
		"date_of_birth": "1979-02-03", "document_type": "passport", "document_number": fmt.Sprintf("I%07d", n),
		"document_expires_on": "2032-04-30", "category": "delegate", "mode": "in_person", "sessions": "",
		"remarks": "imported",
	}
	for _, c := range change {
		c(r)
	}
	return r
}

// imOnline turns a row into an online participation without the
// in-person fields.
func imOnline(r map[string]string) {
	r["mode"] = "online"
	for _, k := range []string{"nationality", "date_of_birth", "document_type", "document_number", "document_expires_on"} {
		r[k] = ""
	}
}

func imSet(key, value string) func(map[string]string) {
	return func(r map[string]string) { r[key] = value }
}

// imTable lays rows out under a header.
func imTable(cols []string, rows []map[string]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(cols))
		for j, c := range cols {
			out[i][j] = r[c]
		}
	}
	return out
}

// imCSV writes a CSV file: the header, then the rows.
func imCSV(t testing.TB, cols []string, rows []map[string]string, comma rune, bom bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if bom {
		b.WriteString("\uFEFF")
	}
	w := csv.NewWriter(&b)
	w.Comma = comma
	if err := w.Write(cols); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteAll(imTable(cols, rows)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imXLSX writes a workbook whose first sheet holds the header and rows.
func imXLSX(t testing.TB, cols []string, rows []map[string]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	all := append([][]string{cols}, imTable(cols, rows)...)
	for i, r := range all {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &cells); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imMultipart wraps a file into a multipart/form-data body under field.
func imMultipart(t testing.TB, field, filename, contentType string, data []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.WriteField("note", "ignored"); err != nil {
		t.Fatal(err)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename))
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), w.FormDataContentType()
}

// imRun runs a subtest with the env reporting to it (subtests run one at
// a time, so swapping e.t is safe).
func imRun(t *testing.T, e *env, name string, fn func(t *testing.T)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		old := e.t
		e.t = t
		defer func() { e.t = old }()
		fn(t)
	})
}

func imImportPath(ev string) string { return "/v1/events/" + ev + "/nominations/import" }

// imPost sends a file as the raw body of an import.
func (e *env) imPost(ev, token, query string, body []byte, contentType string) *resp {
	e.t.Helper()
	return e.call("POST", imImportPath(ev)+query, token, body, "Content-Type", contentType)
}

// imList reads an event's nominations as the token sees them.
func imList(e *env, ev, token string) []map[string]any {
	e.t.Helper()
	m := e.call("GET", "/v1/events/"+ev+"/nominations?limit=500", token, nil).want(200).json()
	var out []map[string]any
	for _, it := range m["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// imCount runs a COUNT query straight on the database.
func imCount(e *env, query string) int {
	e.t.Helper()
	var n int
	if err := e.store.DB().QueryRow(query).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// imSnap is what an import may change: the event's nominations as the
// list shows them, its quotas, the audit log and the nomination table.
type imSnap struct {
	list   []map[string]any
	quotas map[string]any
	audit  int
	rows   int
}

func imSnapshot(e *env, ev string) imSnap {
	e.t.Helper()
	return imSnap{
		list:   imList(e, ev, e.admin),
		quotas: e.call("GET", "/v1/events/"+ev+"/quotas", e.admin, nil).want(200).json(),
		audit:  imCount(e, "SELECT COUNT(*) FROM audit_log"),
		rows:   imCount(e, "SELECT COUNT(*) FROM nominations"),
	}
}

// imUnchanged fails unless nothing an import may change has changed.
func imUnchanged(e *env, ev string, before imSnap) {
	e.t.Helper()
	after := imSnapshot(e, ev)
	if len(after.list) != len(before.list) || after.rows != before.rows {
		e.t.Errorf("nominations changed: %d listed (was %d), %d rows (was %d)", len(after.list), len(before.list), after.rows, before.rows)
	}
	if !reflect.DeepEqual(after.quotas, before.quotas) {
		e.t.Errorf("quotas changed:\nbefore %v\nafter  %v", before.quotas, after.quotas)
	}
	if after.audit != before.audit {
		e.t.Errorf("audit log grew from %d to %d entries", before.audit, after.audit)
	}
}

// imErr is one row error of a refused import.
type imErr struct {
	Row   int
	Field string
	Code  string
}

// imErrors reads the errors of a 422 validation_failed import answer; each
// must carry row, field, code and message.
func imErrors(r *resp) []imErr {
	r.t.Helper()
	m := r.problem(http.StatusUnprocessableEntity, "validation_failed")
	list, _ := m["errors"].([]any)
	if len(list) == 0 {
		r.t.Fatalf("validation_failed without errors: %s", r.Body)
	}
	var out []imErr
	for _, x := range list {
		e := x.(map[string]any)
		row, ok := e["row"].(float64)
		if !ok {
			r.t.Errorf("error without a numeric row: %v", e)
		}
		field, _ := e["field"].(string)
		code, _ := e["code"].(string)
		msg, _ := e["message"].(string)
		if field == "" || code == "" || msg == "" {
			r.t.Errorf("error without field, code or message: %v", e)
		}
		out = append(out, imErr{Row: int(row), Field: field, Code: code})
	}
	return out
}

// imWantErrors checks that every expected row error is there (code ""
// matches any code) and that no other row than those is blamed.
func imWantErrors(t *testing.T, got []imErr, want ...imErr) {
	t.Helper()
	rows := map[int]bool{}
	for _, w := range want {
		rows[w.Row] = true
		found := false
		for _, g := range got {
			if g.Row == w.Row && g.Field == w.Field && (w.Code == "" || g.Code == w.Code) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error {row %d, field %s, code %s} among %+v", w.Row, w.Field, w.Code, got)
		}
	}
	for _, g := range got {
		if !rows[g.Row] {
			t.Errorf("row %d blamed although it is good: %+v", g.Row, g)
		}
	}
}

// imCompare checks that the nominations listed match the imported rows,
// found by email, field by field.
func imCompare(t *testing.T, list []map[string]any, rows []map[string]string, delegation string) {
	t.Helper()
	if len(list) != len(rows) {
		t.Fatalf("%d nominations listed, %d rows imported", len(list), len(rows))
	}
	byEmail := map[string]map[string]any{}
	for _, n := range list {
		byEmail[n["email"].(string)] = n
	}
	str := func(v any) string {
		s, _ := v.(string)
		return s
	}
	for _, r := range rows {
		n := byEmail[strings.ToLower(r["email"])]
		if n == nil {
			t.Errorf("row of %s not found among the nominations", r["email"])
			continue
		}
		doc, _ := n["document"].(map[string]any)
		got := map[string]string{
			"delegation": str(n["delegation"]), "honorific": str(n["honorific"]), "given_name": str(n["given_name"]),
			"family_name": str(n["family_name"]), "gender": str(n["gender"]), "function": str(n["function"]),
			"organization": str(n["organization"]), "nationality": str(n["nationality"]), "email": str(n["email"]),
			"phone": str(n["phone"]), "date_of_birth": str(n["date_of_birth"]), "document_type": str(doc["type"]),
			"document_number": str(doc["number"]), "document_expires_on": str(doc["expires_on"]),
			"category": str(n["category"]), "mode": str(n["mode"]), "remarks": str(n["remarks"]),
		}
		for k, g := range got {
			want := r[k]
			switch k {
			case "delegation":
				want = delegation
			case "email":
				want = strings.ToLower(want)
			}
			if g != want {
				t.Errorf("%s: %s is %q, the file said %q", r["email"], k, g, want)
			}
		}
		if n["status"] != "submitted" {
			t.Errorf("%s: imported as %v, want submitted", r["email"], n["status"])
		}
	}
}

// imCreated checks a 201 import answer: created n and n items in file
// order.
func imCreated(t *testing.T, r *resp, rows []map[string]string) {
	t.Helper()
	m := r.want(http.StatusCreated).json()
	if m["created"] != float64(len(rows)) {
		t.Fatalf("created %v, want %d: %s", m["created"], len(rows), r.Body)
	}
	items, _ := m["items"].([]any)
	if len(items) != len(rows) {
		t.Fatalf("%d items, want %d", len(items), len(rows))
	}
	for i, it := range items {
		n := it.(map[string]any)
		if id, _ := n["id"].(string); id == "" {
			t.Errorf("item %d has no id: %v", i, n)
		}
		if !strings.EqualFold(fmt.Sprint(n["email"]), rows[i]["email"]) {
			t.Errorf("item %d is %v, want row %d (%s): items must follow the file", i, n["email"], i+2, rows[i]["email"])
		}
	}
}

// imThreeRows are the rows of the round trip: one with diacritics, one
// online, one head of delegation leaving delegation empty.
func imThreeRows() []map[string]string {
	return []map[string]string{
		imRow(imSet("given_name", "Dragoș"), imSet("family_name", "Țurcanu"), imSet("honorific", "Mr."),
			imSet("function", "Director, Département de la coopération policière"), imSet("organization", "Ministère de l'Intérieur")),
		imRow(imOnline, imSet("gender", "female"), imSet("given_name", "Zoë"), imSet("honorific", "Ms.")),
		imRow(imSet("category", "head_of_delegation"), imSet("delegation", ""), imSet("gender", "female"),
			imSet("given_name", "Katharina"), imSet("family_name", "Österreicher"), imSet("honorific", "Amb.")),
	}
}

// imTemplateHeader checks a template's header: every column of an import.
func imTemplateHeader(t *testing.T, header []string) {
	t.Helper()
	for _, c := range imCols {
		if !slices.Contains(header, c) {
			t.Errorf("the template has no column %q: %v", c, header)
		}
	}
}

// TestImportTemplateRoundTrip: the delegation downloads the CSV and XLSX
// templates, fills in three rows (one with diacritics), uploads them as raw
// CSV, raw XLSX and multipart, and reads back exactly what it wrote.
func TestImportTemplateRoundTrip(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		aut := e.token("delegation", "AUT", "")
		for _, ev := range []string{"IM-CSV", "IM-XLSX", "IM-MP-CSV", "IM-MP-XLSX", "IM-SEMI"} {
			e.event(ev)
		}

		// CSV template: header and one example row.
		r := e.call("GET", "/v1/events/IM-CSV/nominations/template.csv", aut, nil).want(200)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("CSV template content type %q", ct)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\uFEFF")))).ReadAll()
		if err != nil || len(recs) < 1 {
			t.Fatalf("CSV template does not parse: %v %q", err, r.Body)
		}
		csvHeader := recs[0]
		imTemplateHeader(t, csvHeader)

		imRun(t, e, "csv", func(t *testing.T) {
			rows := imThreeRows()
			imCreated(t, e.imPost("IM-CSV", aut, "", imCSV(t, csvHeader, rows, ',', false), "text/csv"), rows)
			imCompare(t, imList(e, "IM-CSV", aut), rows, "AUT")
		})

		imRun(t, e, "semicolon-bom", func(t *testing.T) {
			rows := imThreeRows()
			imCreated(t, e.imPost("IM-SEMI", aut, "", imCSV(t, csvHeader, rows, ';', true), "text/csv; charset=utf-8"), rows)
			imCompare(t, imList(e, "IM-SEMI", aut), rows, "AUT")
		})

		imRun(t, e, "multipart-csv", func(t *testing.T) {
			rows := imThreeRows()
			body, ct := imMultipart(t, "file", "delegates.csv", "text/csv", imCSV(t, csvHeader, rows, ',', true))
			imCreated(t, e.imPost("IM-MP-CSV", aut, "", body, ct), rows)
			imCompare(t, imList(e, "IM-MP-CSV", aut), rows, "AUT")
		})

		// XLSX template: fill the rows into the downloaded workbook itself.
		r = e.call("GET", "/v1/events/IM-XLSX/nominations/template.xlsx", aut, nil).want(200)
		if ct := r.Header.Get("Content-Type"); ct != imXLSXType {
			t.Errorf("XLSX template content type %q", ct)
		}
		fill := func(t *testing.T, rows []map[string]string) []byte {
			f, err := excelize.OpenReader(bytes.NewReader(r.Body))
			if err != nil {
				t.Fatalf("the XLSX template does not open: %v", err)
			}
			defer f.Close()
			sheet := f.GetSheetName(0)
			all, err := f.GetRows(sheet)
			if err != nil || len(all) < 1 {
				t.Fatalf("the XLSX template has no header: %v", err)
			}
			header := all[0]
			imTemplateHeader(t, header)
			for i, row := range rows {
				cells := make([]any, len(header))
				for j, c := range header {
					cells[j] = row[c]
					// A date typed in Excel is a date cell, not text.
					if c == "date_of_birth" && i == 0 {
						d, _ := time.Parse(time.DateOnly, row[c])
						cells[j] = d
					}
				}
				if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &cells); err != nil {
					t.Fatal(err)
				}
			}
			var b bytes.Buffer
			if _, err := f.WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}

		imRun(t, e, "xlsx", func(t *testing.T) {
			rows := imThreeRows()
			imCreated(t, e.imPost("IM-XLSX", aut, "", fill(t, rows), imXLSXType), rows)
			imCompare(t, imList(e, "IM-XLSX", aut), rows, "AUT")
		})

		imRun(t, e, "multipart-xlsx", func(t *testing.T) {
			rows := imThreeRows()
			body, ct := imMultipart(t, "file", "delegates.xlsx", "application/octet-stream", fill(t, rows))
			imCreated(t, e.imPost("IM-MP-XLSX", aut, "", body, ct), rows)
			imCompare(t, imList(e, "IM-MP-XLSX", aut), rows, "AUT")
		})

		// Each import is audited as the submissions it stands for.
		if n := len(e.call("GET", "/v1/audit?event=IM-CSV&action=nomination.submit&limit=500", e.admin, nil).want(200).json()["items"].([]any)); n != 3 {
			t.Errorf("%d nomination.submit audit entries for a 3-row import, want 3", n)
		}
	})
}

// TestImportBadRowRefusesAll: one bad row among good ones refuses the
// whole file with errors naming the spreadsheet row (header = 1) and the
// column, and saves nothing.
func TestImportBadRowRefusesAll(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		aut := e.token("delegation", "AUT", "")
		e.event("IM-BAD")
		session := e.call("POST", "/v1/events/IM-BAD/sessions", e.admin, map[string]any{
			"title": "Panel", "starts_at": "2030-06-10T09:00:00Z", "ends_at": "2030-06-10T11:00:00Z", "room": "Ratsaal",
		}).want(201).str("id")
		before := imSnapshot(e, "IM-BAD")

		cases := []struct {
			name string
			bad  func(map[string]string)
			want imErr
		}{
			{"bad email", imSet("email", "not-an-email"), imErr{3, "email", ""}},
			{"missing family name", imSet("family_name", "  "), imErr{3, "family_name", ""}},
			{"bad gender", imSet("gender", "f"), imErr{3, "gender", ""}},
			{"bad document type", imSet("document_type", "visa"), imErr{3, "document_type", ""}},
			{"bad document expiry date", imSet("document_expires_on", "someday"), imErr{3, "document_expires_on", ""}},
			// Judged against the event: the document must be valid until
			// its last day.
			{"document expires too soon", imSet("document_expires_on", "2030-06-01"), imErr{3, "document_expires_on", ""}},
			{"in person without nationality", imSet("nationality", ""), imErr{3, "nationality", ""}},
			{"unknown session", imSet("sessions", "0b7e3a52-2f0c-4d6e-9a51-3c1f6f0f9e11"), imErr{3, "sessions", ""}},
		}
		for _, c := range cases {
			imRun(t, e, c.name, func(t *testing.T) {
				rows := []map[string]string{imRow(), imRow(c.bad), imRow(imSet("sessions", session))}
				got := imErrors(e.imPost("IM-BAD", aut, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
				imWantErrors(t, got, c.want)
				for _, g := range got {
					if strings.Contains(g.Field, ".") || strings.Contains(g.Field, "[") {
						t.Errorf("error field %q is a JSON path, not a column of the file", g.Field)
					}
				}
				imUnchanged(e, "IM-BAD", before)
			})
		}

		// An in-person row without any document: the error names the
		// document, as a column, not a JSON path.
		imRun(t, e, "in person without document", func(t *testing.T) {
			rows := []map[string]string{imRow(), imRow(imSet("document_type", ""), imSet("document_number", ""), imSet("document_expires_on", ""))}
			got := imErrors(e.imPost("IM-BAD", aut, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
			if len(got) == 0 || got[0].Row != 3 || !strings.HasPrefix(got[0].Field, "document") || strings.Contains(got[0].Field, ".") {
				t.Errorf("errors %+v, want row 3 naming a document column", got)
			}
			imUnchanged(e, "IM-BAD", before)
		})

		// Errors of several rows come back together, in the same file.
		imRun(t, e, "several bad rows", func(t *testing.T) {
			rows := []map[string]string{imRow(imSet("email", "x")), imRow(), imRow(imSet("gender", "?")), imRow()}
			got := imErrors(e.imPost("IM-BAD", aut, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
			imWantErrors(t, got, imErr{2, "email", ""}, imErr{4, "gender", ""})
			imUnchanged(e, "IM-BAD", before)
		})

		// Blank lines count as spreadsheet rows: the row number is what
		// the user sees in Excel.
		imRun(t, e, "blank line before the bad row", func(t *testing.T) {
			body := string(imCSV(t, imCols, []map[string]string{imRow()}, ',', false)) + "\n" +
				strings.SplitN(string(imCSV(t, imCols, []map[string]string{imRow(imSet("email", "nope"))}, ',', false)), "\n", 2)[1]
			got := imErrors(e.imPost("IM-BAD", aut, "", []byte(body), "text/csv"))
			imWantErrors(t, got, imErr{4, "email", ""})
			imUnchanged(e, "IM-BAD", before)
		})
	})
}

// TestImportDryRun: dry_run=true judges the file, answers 200 {created: 0,
// valid: n} and saves nothing; a bad file is refused as without it.
func TestImportDryRun(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		aut := e.token("delegation", "AUT", "")
		e.event("IM-DRY")
		before := imSnapshot(e, "IM-DRY")
		rows := []map[string]string{imRow(), imRow(imOnline), imRow()}
		file := imCSV(t, imCols, rows, ',', false)

		m := e.imPost("IM-DRY", aut, "?dry_run=true", file, "text/csv").want(http.StatusOK).json()
		if m["created"] != float64(0) || m["valid"] != float64(3) {
			t.Fatalf("dry run answered %v, want {created: 0, valid: 3}", m)
		}
		if _, ok := m["items"]; ok {
			t.Errorf("a dry run lists items: %v", m)
		}
		imUnchanged(e, "IM-DRY", before)

		bad := imCSV(t, imCols, []map[string]string{imRow(), imRow(imSet("email", "@"))}, ',', false)
		imWantErrors(t, imErrors(e.imPost("IM-DRY", aut, "?dry_run=true", bad, "text/csv")), imErr{3, "email", ""})
		imUnchanged(e, "IM-DRY", before)

		e.imPost("IM-DRY", aut, "?dry_run=perhaps", file, "text/csv").problem(422, "validation_failed")
		imUnchanged(e, "IM-DRY", before)

		// The same file then imports for real, once.
		imCreated(t, e.imPost("IM-DRY", aut, "", file, "text/csv"), rows)
		if n := len(imList(e, "IM-DRY", aut)); n != 3 {
			t.Fatalf("%d nominations after the real import, want 3", n)
		}
	})
}

// TestImportQuotaAndDuplicates: quotas and duplicates are judged row by
// row in file order, as if the rows were submitted one by one.
func TestImportQuotaAndDuplicates(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		aut := e.token("delegation", "AUT", "")
		e.event("IM-Q")
		e.call("PUT", "/v1/events/IM-Q/quotas/AUT", e.admin, map[string]any{"in_person": 2, "online": 2}).want(200)

		imRun(t, e, "quota", func(t *testing.T) {
			before := imSnapshot(e, "IM-Q")
			rows := []map[string]string{imRow(), imRow(), imRow()}
			got := imErrors(e.imPost("IM-Q", aut, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
			if len(got) != 1 || got[0].Row != 4 || got[0].Code != "quota_exceeded" {
				t.Errorf("errors %+v, want only row 4 refused with quota_exceeded", got)
			}
			imUnchanged(e, "IM-Q", before)
		})

		imRun(t, e, "quota per mode", func(t *testing.T) {
			// Two in person and two online fit a quota of 2 + 2.
			rows := []map[string]string{imRow(), imRow(imOnline), imRow(), imRow(imOnline)}
			imCreated(t, e.imPost("IM-Q", aut, "", imCSV(t, imCols, rows, ',', false), "text/csv"), rows)
			if u := smUsed(e, "IM-Q", "AUT", "in_person"); u != 2 {
				t.Errorf("in-person quota used %d, want 2", u)
			}
			if u := smUsed(e, "IM-Q", "AUT", "online"); u != 2 {
				t.Errorf("online quota used %d, want 2", u)
			}
			// Now full: one more row is refused, judged against what is saved.
			before := imSnapshot(e, "IM-Q")
			got := imErrors(e.imPost("IM-Q", aut, "", imCSV(t, imCols, []map[string]string{imRow(imOnline)}, ',', false), "text/csv"))
			imWantErrors(t, got, imErr{2, got[0].Field, "quota_exceeded"})
			imUnchanged(e, "IM-Q", before)
		})

		e.event("IM-DUP")
		imRun(t, e, "duplicate in the file", func(t *testing.T) {
			before := imSnapshot(e, "IM-DUP")
			first := imRow()
			again := imRow(imSet("email", strings.ToUpper(first["email"])))
			rows := []map[string]string{first, imRow(imOnline), again}
			got := imErrors(e.imPost("IM-DUP", aut, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
			if len(got) != 1 || got[0].Row != 4 || got[0].Code != "duplicate_person" {
				t.Errorf("errors %+v, want only row 4 refused with duplicate_person", got)
			}
			imUnchanged(e, "IM-DUP", before)
		})

		imRun(t, e, "same document twice", func(t *testing.T) {
			before := imSnapshot(e, "IM-DUP")
			first := imRow()
			rows := []map[string]string{first, imRow(imSet("document_number", first["document_number"]))}
			got := imErrors(e.imPost("IM-DUP", aut, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
			if len(got) != 1 || got[0].Row != 3 || got[0].Code != "duplicate_person" {
				t.Errorf("errors %+v, want only row 3 refused with duplicate_person", got)
			}
			imUnchanged(e, "IM-DUP", before)
		})

		imRun(t, e, "already nominated", func(t *testing.T) {
			p := person()
			e.submit("IM-DUP", aut, p)
			before := imSnapshot(e, "IM-DUP")
			rows := []map[string]string{imRow(), imRow(imSet("email", p["email"].(string)))}
			got := imErrors(e.imPost("IM-DUP", aut, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
			if len(got) != 1 || got[0].Row != 3 || got[0].Code != "duplicate_person" {
				t.Errorf("errors %+v, want only row 3 refused with duplicate_person", got)
			}
			imUnchanged(e, "IM-DUP", before)
		})

		imRun(t, e, "second head of delegation", func(t *testing.T) {
			before := imSnapshot(e, "IM-DUP")
			rows := []map[string]string{imRow(imSet("category", "head_of_delegation")), imRow(imSet("category", "head_of_delegation"))}
			got := imErrors(e.imPost("IM-DUP", aut, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
			if len(got) != 1 || got[0].Row != 3 || got[0].Code != "duplicate_head" {
				t.Errorf("errors %+v, want only row 3 refused with duplicate_head", got)
			}
			imUnchanged(e, "IM-DUP", before)
		})

		// With a waitlist, a row over the quota is waitlisted as a single
		// submission would be.
		e.event("IM-WAIT", func(b map[string]any) { b["waitlist"] = true })
		imRun(t, e, "waitlist", func(t *testing.T) {
			e.call("PUT", "/v1/events/IM-WAIT/quotas/AUT", e.admin, map[string]any{"in_person": 1, "online": 1}).want(200)
			rows := []map[string]string{imRow(), imRow()}
			m := e.imPost("IM-WAIT", aut, "", imCSV(t, imCols, rows, ',', false), "text/csv").want(201).json()
			items := m["items"].([]any)
			if len(items) != 2 || items[0].(map[string]any)["status"] != "submitted" || items[1].(map[string]any)["status"] != "waitlisted" {
				t.Errorf("statuses of a 2-row import over a quota of 1 with waitlist: %v, want submitted then waitlisted", m["items"])
			}
		})
	})
}

// TestImportDelegationColumn: a delegation token may leave delegation
// empty or give its own, not another's; the secretariat must give one.
func TestImportDelegationColumn(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		aut := e.token("delegation", "AUT", "")
		e.event("IM-DEL")
		before := imSnapshot(e, "IM-DEL")

		rows := []map[string]string{imRow(), imRow(imSet("delegation", "DEU")), imRow(imSet("delegation", ""))}
		got := imErrors(e.imPost("IM-DEL", aut, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
		imWantErrors(t, got, imErr{3, "delegation", "forbidden"})
		imUnchanged(e, "IM-DEL", before)

		// The secretariat must name the delegation: the row's error is the
		// one a JSON submission gets, {field: delegation, code: required}.
		rows = []map[string]string{imRow(imSet("delegation", "DEU")), imRow(imSet("delegation", ""))}
		got = imErrors(e.imPost("IM-DEL", e.admin, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
		imWantErrors(t, got, imErr{3, "delegation", "required"})
		imUnchanged(e, "IM-DEL", before)

		rows = []map[string]string{imRow(imSet("delegation", "DEU")), imRow(imSet("delegation", "XYZ"))}
		got = imErrors(e.imPost("IM-DEL", e.admin, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
		imWantErrors(t, got, imErr{3, "delegation", ""})
		imUnchanged(e, "IM-DEL", before)

		// UNODC is an international organization, not invited.
		rows = []map[string]string{imRow(imSet("delegation", "DEU")), imRow(imSet("delegation", "UNODC"))}
		got = imErrors(e.imPost("IM-DEL", e.admin, "", imCSV(t, imCols, rows, ',', false), "text/csv"))
		imWantErrors(t, got, imErr{3, "delegation", ""})
		imUnchanged(e, "IM-DEL", before)

		// The secretariat imports for several delegations at once; a code
		// in lower case is taken as a JSON submission takes it.
		rows = []map[string]string{imRow(imSet("delegation", "DEU")), imRow(imSet("delegation", "aut")), imRow(imSet("delegation", "BEL"))}
		imCreated(t, e.imPost("IM-DEL", e.admin, "", imCSV(t, imCols, rows, ',', false), "text/csv"), rows)
		var dels []string
		for _, n := range imList(e, "IM-DEL", e.admin) {
			dels = append(dels, n["delegation"].(string))
		}
		slices.Sort(dels)
		if !slices.Equal(dels, []string{"AUT", "BEL", "DEU"}) {
			t.Errorf("delegations imported %v, want AUT BEL DEU", dels)
		}
		// AUT sees its own one only.
		if n := len(imList(e, "IM-DEL", aut)); n != 1 {
			t.Errorf("AUT lists %d nominations, want 1", n)
		}
	})
}

var (
	imBombOnce sync.Once
	imBombRaw  []byte // deflate stream of 200 MiB of zeros
	imBombCRC  uint32
)

const imBombSize = 200 << 20

// imBombStream is a deflate stream of 200 MiB of zeros, a few hundred KiB
// long, written by a streaming writer: 1 MiB of zeros compressed and
// flushed to a byte boundary (no final block), repeated 200 times, then an
// empty final block. This keeps the test fast under -race, where
// compressing 200 MiB takes seconds.
func imBombStream() ([]byte, uint32) {
	imBombOnce.Do(func() {
		zeros := make([]byte, 1<<20)
		var chunk, tail bytes.Buffer
		fw, err := flate.NewWriter(&chunk, flate.BestCompression)
		if err != nil {
			panic(err)
		}
		if _, err := fw.Write(zeros); err != nil {
			panic(err)
		}
		if err := fw.Flush(); err != nil {
			panic(err)
		}
		if fw, err = flate.NewWriter(&tail, flate.BestCompression); err != nil {
			panic(err)
		}
		if err := fw.Close(); err != nil {
			panic(err)
		}
		var raw bytes.Buffer
		for i := 0; i < imBombSize>>20; i++ {
			raw.Write(chunk.Bytes())
			imBombCRC = crc32.Update(imBombCRC, crc32.IEEETable, zeros)
		}
		raw.Write(tail.Bytes())
		imBombRaw = raw.Bytes()
	})
	return imBombRaw, imBombCRC
}

// imZipBomb is a zip whose entries are copied from base (a workbook, or
// none) and whose xl/worksheets/sheet1.xml unpacks to 200 MiB of zeros;
// with lie, the zip directory claims it unpacks to 4 KiB.
func imZipBomb(t *testing.T, base []byte, lie bool) []byte {
	t.Helper()
	raw, crc := imBombStream()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	const sheet = "xl/worksheets/sheet1.xml"
	if base != nil {
		zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if f.Name != sheet {
				if err := zw.Copy(f); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	h := &zip.FileHeader{Name: sheet, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(raw)), UncompressedSize64: imBombSize}
	if lie {
		h.UncompressedSize64 = 4096
	}
	w, err := zw.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 10<<20 {
		t.Fatalf("the zip bomb is %d bytes, over the upload limit", b.Len())
	}
	return b.Bytes()
}

// imBinary is random bytes that start like neither a zip nor an OLE file.
func imBinary() []byte {
	rnd := rand.New(rand.NewSource(7))
	b := make([]byte, 64<<10)
	rnd.Read(b)
	b[0], b[1] = 0x89, 0x00
	return b
}

// TestImportMalformed: every malformed upload is a clear problem+json and
// changes nothing.
func TestImportMalformed(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		aut := e.token("delegation", "AUT", "")
		e.event("IM-MAL")
		before := imSnapshot(e, "IM-MAL")
		goodRow := imRow()
		good := imCSV(t, imCols, []map[string]string{goodRow}, ',', false)

		// refused checks a problem answer with one of the allowed
		// status/code pairs and that nothing changed.
		refused := func(t *testing.T, r *resp, allowed ...string) map[string]any {
			t.Helper()
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("status %d, content type %q, want a problem+json: %.300s", r.Status, ct, r.Body)
			}
			m := r.json()
			got := fmt.Sprintf("%d %v", r.Status, m["code"])
			if !slices.Contains(allowed, got) {
				t.Fatalf("answer %s, want one of %v: %.500s", got, allowed, r.Body)
			}
			if d, _ := m["detail"].(string); d == "" {
				t.Errorf("no detail: %s", r.Body)
			}
			t.Logf("%s: %v %v", got, m["detail"], m["errors"])
			imUnchanged(e, "IM-MAL", before)
			return m
		}

		imRun(t, e, "binary as csv", func(t *testing.T) {
			refused(t, e.imPost("IM-MAL", aut, "", imBinary(), "text/csv"), "422 validation_failed", "415 unsupported_media_type")
		})
		imRun(t, e, "binary as xlsx", func(t *testing.T) {
			refused(t, e.imPost("IM-MAL", aut, "", imBinary(), imXLSXType), "422 validation_failed", "415 unsupported_media_type")
		})
		imRun(t, e, "csv declared as xlsx", func(t *testing.T) {
			refused(t, e.imPost("IM-MAL", aut, "", good, imXLSXType), "422 validation_failed", "415 unsupported_media_type")
		})
		imRun(t, e, "truncated xlsx", func(t *testing.T) {
			x := imXLSX(t, imCols, []map[string]string{imRow()})
			refused(t, e.imPost("IM-MAL", aut, "", x[:len(x)/2], imXLSXType), "422 validation_failed")
		})
		workbook := imXLSX(t, imCols, []map[string]string{imRow()})
		bombs := []struct {
			name string
			zip  []byte
		}{
			{"zip bomb", imZipBomb(t, nil, false)},
			{"zip bomb in a workbook", imZipBomb(t, workbook, false)},
			{"zip bomb with lying sizes", imZipBomb(t, workbook, true)},
		}
		for _, bomb := range bombs {
			imRun(t, e, bomb.name, func(t *testing.T) {
				start := time.Now()
				refused(t, e.imPost("IM-MAL", aut, "", bomb.zip, imXLSXType), "422 validation_failed", "413 too_large")
				t.Logf("%s (%d bytes on the wire) refused in %v", bomb.name, len(bomb.zip), time.Since(start))
			})
		}
		imRun(t, e, "zip bomb multipart", func(t *testing.T) {
			body, ct := imMultipart(t, "file", "bomb.xlsx", imXLSXType, bombs[1].zip)
			refused(t, e.imPost("IM-MAL", aut, "", body, ct), "422 validation_failed", "413 too_large")
		})
		imRun(t, e, "over 10 MiB", func(t *testing.T) {
			big := append(append([]byte{}, good...), bytes.Repeat([]byte("# padding padding padding\n"), (10<<20)/26+1)...)
			refused(t, e.imPost("IM-MAL", aut, "", big, "text/csv"), "413 too_large")
		})
		imRun(t, e, "over 10 MiB multipart", func(t *testing.T) {
			big := bytes.Repeat([]byte("x"), 10<<20+1)
			body, ct := imMultipart(t, "file", "big.csv", "text/csv", big)
			refused(t, e.imPost("IM-MAL", aut, "", body, ct), "413 too_large")
		})
		imRun(t, e, "ragged row", func(t *testing.T) {
			lines := strings.Split(strings.TrimRight(string(imCSV(t, imCols, []map[string]string{imRow(), imRow(), imRow()}, ',', false)), "\n"), "\n")
			lines[2] += ",surplus"
			m := refused(t, e.imPost("IM-MAL", aut, "", []byte(strings.Join(lines, "\n")+"\n"), "text/csv"), "422 validation_failed")
			if !strings.Contains(fmt.Sprint(m["errors"]), "row:3") {
				t.Errorf("the ragged row 3 is not named: %v", m["errors"])
			}
		})
		imRun(t, e, "unknown column", func(t *testing.T) {
			cols := append(slices.Clone(imCols), "shoe_size")
			m := refused(t, e.imPost("IM-MAL", aut, "", imCSV(t, cols, []map[string]string{imRow()}, ',', false), "text/csv"), "422 validation_failed")
			if !strings.Contains(fmt.Sprint(m["errors"]), "shoe_size") {
				t.Errorf("the unknown column is not named: %v", m["errors"])
			}
		})
		imRun(t, e, "missing required column", func(t *testing.T) {
			cols := slices.DeleteFunc(slices.Clone(imCols), func(c string) bool { return c == "email" })
			refused(t, e.imPost("IM-MAL", aut, "", imCSV(t, cols, []map[string]string{imRow()}, ',', false), "text/csv"), "422 validation_failed")
		})
		imRun(t, e, "header only", func(t *testing.T) {
			refused(t, e.imPost("IM-MAL", aut, "", imCSV(t, imCols, nil, ',', false), "text/csv"), "422 validation_failed")
		})
		imRun(t, e, "empty body", func(t *testing.T) {
			refused(t, e.imPost("IM-MAL", aut, "", []byte{}, "text/csv"), "422 validation_failed")
		})
		imRun(t, e, "json content type", func(t *testing.T) {
			refused(t, e.imPost("IM-MAL", aut, "", good, "application/json"), "415 unsupported_media_type")
		})
		imRun(t, e, "image content type", func(t *testing.T) {
			refused(t, e.imPost("IM-MAL", aut, "", good, "image/png"), "415 unsupported_media_type")
		})
		imRun(t, e, "multipart without file", func(t *testing.T) {
			body, ct := imMultipart(t, "upload", "delegates.csv", "text/csv", good)
			refused(t, e.imPost("IM-MAL", aut, "", body, ct), "422 validation_failed", "400 malformed_body")
		})
		// The good file is fine: the refusals above were about the files.
		imCreated(t, e.imPost("IM-MAL", aut, "", good, "text/csv"), []map[string]string{goodRow})
	})
}

// TestImportRowLimit: 5,000 data rows import (the performance path, its
// duration logged); 5,001 are refused and nothing is saved.
func TestImportRowLimit(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("IM-BIG", func(b map[string]any) { b["quotas"] = map[string]any{} })
		rows := make([]map[string]string, 5001)
		for i := range rows {
			rows[i] = imRow()
			if i%3 == 2 {
				imOnline(rows[i])
			}
			if i%2 == 1 {
				rows[i]["delegation"] = "DEU"
			}
		}

		before := imSnapshot(e, "IM-BIG")
		r := e.imPost("IM-BIG", e.admin, "", imCSV(t, imCols, rows, ',', false), "text/csv")
		r.problem(http.StatusUnprocessableEntity, "validation_failed")
		imUnchanged(e, "IM-BIG", before)

		file := imCSV(t, imCols, rows[:5000], ',', false)
		start := time.Now()
		r = e.imPost("IM-BIG", e.admin, "", file, "text/csv")
		took := time.Since(start)
		m := r.want(http.StatusCreated).json()
		t.Logf("%s: 5,000-row import (%d KiB CSV) took %v", e.dialect, len(file)>>10, took)
		if m["created"] != float64(5000) || len(m["items"].([]any)) != 5000 {
			t.Fatalf("created %v with %d items, want 5000", m["created"], len(m["items"].([]any)))
		}
		if n := imCount(e, "SELECT COUNT(*) FROM nominations WHERE event_code = 'IM-BIG'"); n != 5000 {
			t.Fatalf("%d nominations saved, want 5000", n)
		}
		if n := imCount(e, "SELECT COUNT(*) FROM audit_log WHERE event_code = 'IM-BIG' AND action = 'nomination.submit'"); n != 5000 {
			t.Errorf("%d nomination.submit audit entries, want 5000 (one a row, written in batches)", n)
		}
		if u := smUsed(e, "IM-BIG", "AUT", "in_person") + smUsed(e, "IM-BIG", "DEU", "in_person") +
			smUsed(e, "IM-BIG", "AUT", "online") + smUsed(e, "IM-BIG", "DEU", "online"); u != 5000 {
			t.Errorf("quotas count %d used seats, want 5000", u)
		}
	})
}

// TestNominationExports: the secretariat exports the nomination list with
// its filters as CSV and XLSX; delegations and security may not.
func TestNominationExports(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		aut := e.token("delegation", "AUT", "")
		deu := e.token("delegation", "DEU", "")
		guard := e.token("security", "", "")
		e.event("IM-EXP")
		approved := map[string]string{} // id → email
		for _, p := range []struct {
			tok string
			b   map[string]any
		}{{aut, person(online)}, {aut, person(online, head)}, {deu, person(online)}} {
			id := e.approved("IM-EXP", p.tok, p.b)
			approved[id] = p.b["email"].(string)
		}
		e.submit("IM-EXP", aut, person(online))
		rej := e.submit("IM-EXP", deu, person(online))
		e.call("POST", nomPath("IM-EXP", rej, "reject"), e.admin, map[string]any{"reason": "late"}).want(200)

		base := "/v1/events/IM-EXP/nominations/export."
		check := func(t *testing.T, what string, table [][]string, want map[string]string) {
			t.Helper()
			if len(table) < 1 {
				t.Fatalf("%s: empty", what)
			}
			h := table[0]
			idCol, stCol, emCol := slices.Index(h, "id"), slices.Index(h, "status"), slices.Index(h, "email")
			if idCol < 0 || stCol < 0 || emCol < 0 {
				t.Fatalf("%s: header %v lacks id, status or email", what, h)
			}
			for _, c := range imCols {
				if !slices.Contains(h, c) {
					t.Errorf("%s: no column %s", what, c)
				}
			}
			got := map[string]string{}
			for _, row := range table[1:] {
				if len(row) <= emCol || row[stCol] != "approved" {
					t.Errorf("%s: row %v is not an approved nomination", what, row)
					continue
				}
				got[row[idCol]] = row[emCol]
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: rows %v, want %v", what, got, want)
			}
		}

		r := e.call("GET", base+"csv?status=approved", e.admin, nil).want(200)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("CSV export content type %q", ct)
		}
		table, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("the CSV export does not parse: %v", err)
		}
		check(t, "csv", table, approved)

		r = e.call("GET", base+"xlsx?status=approved", e.admin, nil).want(200)
		if ct := r.Header.Get("Content-Type"); ct != imXLSXType {
			t.Errorf("XLSX export content type %q", ct)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("the XLSX export does not open: %v", err)
		}
		table, err = f.GetRows(f.GetSheetName(0))
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		check(t, "xlsx", table, approved)

		// Filters combine: approved and AUT.
		r = e.call("GET", base+"csv?status=approved&delegation=AUT", e.admin, nil).want(200)
		table, _ = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\uFEFF")))).ReadAll()
		autOnly := map[string]string{}
		for id, em := range approved {
			if !strings.Contains(fmt.Sprint(e.call("GET", nomPath("IM-EXP", id), e.admin, nil).json()["delegation"]), "DEU") {
				autOnly[id] = em
			}
		}
		check(t, "csv AUT", table, autOnly)

		// Without filter: all five.
		r = e.call("GET", base+"csv", e.admin, nil).want(200)
		table, _ = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\uFEFF")))).ReadAll()
		if len(table) != 6 {
			t.Errorf("unfiltered export has %d lines, want header + 5", len(table))
		}

		e.call("GET", base+"csv?status=bogus", e.admin, nil).problem(422, "validation_failed")
		for _, tok := range []string{aut, guard} {
			e.call("GET", base+"csv", tok, nil).problem(403, "forbidden")
			e.call("GET", base+"xlsx", tok, nil).problem(403, "forbidden")
		}
	})
}

// TestImportRoutesRoles: security may not import or read templates;
// delegations may read the templates and import, but not export; a
// delegation not invited is 403 at the import.
func TestImportRoutesRoles(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("IM-ROLE")
		guard := e.token("security", "", "")
		aut := e.token("delegation", "AUT", "")
		unodc := e.token("delegation", "UNODC", "")
		before := imSnapshot(e, "IM-ROLE")
		file := imCSV(t, imCols, []map[string]string{imRow()}, ',', false)
		base := "/v1/events/IM-ROLE/nominations/"

		e.imPost("IM-ROLE", guard, "", file, "text/csv").problem(403, "forbidden")
		e.imPost("IM-ROLE", unodc, "", imCSV(t, imCols, []map[string]string{imRow(imSet("delegation", ""))}, ',', false), "text/csv").problem(403, "forbidden")
		e.imPost("IM-ROLE", "", "", file, "text/csv").problem(401, "unauthorized")
		imUnchanged(e, "IM-ROLE", before)
		for _, p := range []string{"template.csv", "template.xlsx"} {
			e.call("GET", base+p, guard, nil).problem(403, "forbidden")
			e.call("GET", base+p, aut, nil).want(200)
			e.call("GET", base+p, e.admin, nil).want(200)
		}
		for _, p := range []string{"export.csv", "export.xlsx"} {
			e.call("GET", base+p, aut, nil).problem(403, "forbidden")
			e.call("GET", base+p, guard, nil).problem(403, "forbidden")
		}
	})
}
