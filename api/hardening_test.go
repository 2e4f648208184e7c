package api_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osce/accredit/api"
)

// This file holds the input side of the hardening of issue 13: what a
// careless client or an outsider sends must not grow the server's
// metrics, logs or caches.

// syncBuffer is a log sink that handlers may write to concurrently.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// loggedServer is a second server on e's service whose JSON log the test
// reads.
func loggedServer(t *testing.T, e *env) (*httptest.Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	srv := httptest.NewServer(api.New(e.svc, api.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil)), Metrics: true}).Handler())
	t.Cleanup(srv.Close)
	return srv, logs
}

func rawCall(t *testing.T, srv *httptest.Server, method, path, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// TestUnknownMethodsAreOther: invented HTTP methods are 405 on any path,
// and are logged and counted as OTHER, so twenty long ones do not grow
// /metrics (they grew it from 378 KB to 10 MB before).
func TestUnknownMethodsAreOther(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	srv, logs := loggedServer(t, e)
	_, m0 := rawCall(t, srv, "GET", "/metrics", "")
	// Warm the labels a 405 and a 404 create once, so that only what the
	// invented methods add is measured.
	rawCall(t, srv, "PUT", "/v1/me", e.admin)
	rawCall(t, srv, "GET", "/nowhere", "")
	_, m1 := rawCall(t, srv, "GET", "/metrics", "")
	for i := range 20 {
		method := strings.Repeat("X", 4000) + strings.Repeat("Y", i)
		for _, path := range []string{"/v1/me", "/nowhere", "/healthz"} {
			res, body := rawCall(t, srv, method, path, e.admin)
			if res.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(string(body), "method_not_allowed") {
				t.Fatalf("%s… %s: %d %.200s", method[:8], path, res.StatusCode, body)
			}
			if bytes.Contains(body, []byte("XXXX")) {
				t.Fatalf("the 405 echoes the invented method: %.200s", body)
			}
		}
	}
	_, m2 := rawCall(t, srv, "GET", "/metrics", "")
	// The OTHER series are new; each is a few hundred bytes, the request
	// histograms included. Before, the same requests added megabytes.
	if grew := len(m2) - len(m1); grew > 8<<10 {
		t.Errorf("/metrics grew by %d bytes (from %d, first scrape %d) after 60 requests with invented methods", grew, len(m1), len(m0))
	}
	if bytes.Contains(m2, []byte("XXXX")) {
		t.Error("/metrics shows an invented method")
	}
	if !bytes.Contains(m2, []byte(`method="OTHER"`)) {
		t.Error(`/metrics has no method="OTHER" series`)
	}
	if l := logs.String(); strings.Contains(l, "XXXX") || !strings.Contains(l, `"method":"OTHER"`) {
		t.Errorf("the log shows the invented method, or not as OTHER:\n%.2000s", l)
	}
}

// TestSecurityHeaders: every answer is nosniff, every /v1 answer no-store
// (they carry personal data; the photo especially), problems included.
func TestSecurityHeaders(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("HDR-1")
		deleg := e.token("delegation", "AUT", "")
		id := e.submit("HDR-1", deleg, person())
		e.photo("HDR-1", deleg, id)
		for _, c := range []struct {
			name, method, path, token string
			status                    int
			store                     bool // Cache-Control: no-store expected
		}{
			{"health", "GET", "/healthz", "", 200, false},
			{"metrics", "GET", "/metrics", "", 200, false},
			{"me", "GET", "/v1/me", e.admin, 200, true},
			{"nomination", "GET", nomPath("HDR-1", id), deleg, 200, true},
			{"photo", "GET", nomPath("HDR-1", id, "photo"), deleg, 200, true},
			{"list", "GET", "/v1/events/HDR-1/nominations", e.admin, 200, true},
			{"unauthorized", "GET", "/v1/me", "", 401, true},
			{"not found", "GET", nomPath("HDR-1", "00000000-0000-7000-8000-000000000000"), e.admin, 404, true},
			{"no route", "GET", "/nowhere", "", 404, false},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := e.call(c.method, c.path, c.token, nil)
				if r.Status != c.status {
					t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
				}
				if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("X-Content-Type-Options %q, want nosniff", got)
				}
				if got := r.Header.Get("Cache-Control"); c.store && got != "no-store" {
					t.Errorf("Cache-Control %q, want no-store", got)
				}
			})
		}
	})
}

// TestNamesThatLie: a right-to-left override made the guard's screen show
// "AliAlice" while the badge printed "AliecilA". Names given through the
// API, a PATCH and an import are stored without bidirectional controls
// and invisible characters, so every place shows the same name.
func TestNamesThatLie(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("NAME-1")
		deleg := e.token("delegation", "AUT", "")
		id := e.submit("NAME-1", deleg, person(func(b map[string]any) {
			b["given_name"], b["family_name"] = "Ali\u202Eecila", "\u200BGru\u2060ber\uFEFF"
			b["function"] = "\u2067Attaché\u2069"
		}))
		n := e.call("GET", nomPath("NAME-1", id), deleg, nil).want(200).json()
		if n["given_name"] != "Aliecila" || n["family_name"] != "Gruber" || n["function"] != "Attaché" {
			t.Errorf("submitted names kept hidden characters: %+q %+q %+q", n["given_name"], n["family_name"], n["function"])
		}
		e.call("PATCH", nomPath("NAME-1", id), deleg, map[string]any{"given_name": "Bo\u202Db"}).want(200)
		if n := e.call("GET", nomPath("NAME-1", id), deleg, nil).want(200).json(); n["given_name"] != "Bob" {
			t.Errorf("edited name %+q, want Bob", n["given_name"])
		}
		// Nothing but hidden characters is no name.
		r := e.call("POST", "/v1/events/NAME-1/nominations", deleg, person(func(b map[string]any) { b["given_name"] = " \u202E\u200B " }))
		if r.problem(422, "validation_failed"); !slices.Contains(r.fields(), "given_name") {
			t.Errorf("a name of hidden characters: fields %v, want given_name", r.fields())
		}
		// The import cleans as the API does.
		row := imRow(imSet("given_name", "\u2066Eve\u2069"), imSet("family_name", "Mül\u200Bler\u202C"))
		body := imCSV(t, imCols, []map[string]string{row}, ',', false)
		items := e.call("POST", imImportPath("NAME-1"), deleg, body, "Content-Type", "text/csv").want(201).json()["items"].([]any)
		if got := items[0].(map[string]any); got["given_name"] != "Eve" || got["family_name"] != "Müller" {
			t.Errorf("imported names kept hidden characters: %+q %+q", got["given_name"], got["family_name"])
		}
	})
}

// TestPhotoAfterTheWindow: a delegation may replace a photo only while it
// may edit the nomination (docs/security.md, Photos); the secretariat is exempt, also on a
// closed event.
func TestPhotoAfterTheWindow(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		now := time.Now().UTC().Truncate(time.Second)
		closes := now.Add(time.Hour)
		e.event("PHOTO-1", func(b map[string]any) { b["registration_closes_at"] = closes.Format(time.RFC3339) })
		aut := e.token("delegation", "AUT", "")
		id := e.submit("PHOTO-1", aut, person())
		put := func(token string) *resp {
			return e.call("PUT", nomPath("PHOTO-1", id, "photo"), token, jpegBytes(t, 240, 320), "Content-Type", "image/jpeg")
		}
		put(aut).want(200)
		e.setNow(closes)
		put(aut).problem(409, "registration_closed")
		e.call("PATCH", nomPath("PHOTO-1", id), aut, map[string]any{"function": "x"}).problem(409, "registration_closed")
		put(e.admin).want(200)
		e.call("PATCH", "/v1/events/PHOTO-1", e.admin, map[string]any{"status": "closed"}).want(200)
		put(e.admin).want(200)
		put(aut).problem(409, "registration_closed")
	})
}

// TestStrictJSONEveryRoute: a key in another case, a key given twice (at
// any depth) and invalid UTF-8 are 400 malformed_body on every JSON
// route, the door's hand-written one included, and change nothing.
func TestStrictJSONEveryRoute(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("JSON-1")
		aut := e.token("delegation", "AUT", "")
		id := e.submit("JSON-1", aut, person())
		nom := `"given_name":"A","family_name":"B","gender":"female","email":"j@example.org","category":"delegate","mode":"online"`
		scan := `"code":"X","checkpoint":"gate"`
		for _, c := range []struct{ name, method, path, body string }{
			{"submit: EMAIL", "POST", "/v1/events/JSON-1/nominations", `{` + nom + `,"EMAIL":"k@example.org"}`},
			{"submit: key twice", "POST", "/v1/events/JSON-1/nominations", `{` + nom + `,"email":"k@example.org"}`},
			{"submit: nested key twice", "POST", "/v1/events/JSON-1/nominations", `{` + nom + `,"document":{"type":"passport","type":"passport"}}`},
			{"submit: invalid UTF-8", "POST", "/v1/events/JSON-1/nominations", "{" + nom + ",\"remarks\":\"caf\xe9\"}"},
			{"submit: lone surrogate", "POST", "/v1/events/JSON-1/nominations", `{` + nom + `,"remarks":"\udead"}`},
			{"edit: Given_Name", "PATCH", nomPath("JSON-1", id), `{"Given_Name":"C"}`},
			{"edit: key twice", "PATCH", nomPath("JSON-1", id), `{"function":"a","function":"b"}`},
			{"withdraw: REASON", "POST", nomPath("JSON-1", id, "withdraw"), `{"REASON":"x"}`},
			{"event: nested quota twice", "POST", "/v1/events", `{"code":"JSON-2","title":"t","venue":"v","timezone":"Europe/Vienna","starts_on":"2030-06-10","ends_on":"2030-06-11","format":"online","quotas":{"partner":{"online":1,"online":2}}}`},
			{"event patch: Title", "PATCH", "/v1/events/JSON-1", `{"Title":"x"}`},
			{"quota: IN_PERSON", "PUT", "/v1/events/JSON-1/quotas/AUT", `{"IN_PERSON":1,"online":null}`},
			{"token: key twice", "POST", "/v1/tokens", `{"name":"a","name":"b","role":"secretariat"}`},
			{"scan: Code", "POST", "/v1/events/JSON-1/scans", `{"Code":"X","checkpoint":"gate"}`},
			{"scan: key twice", "POST", "/v1/events/JSON-1/scans", `{` + scan + `,"code":"Y"}`},
			{"scan: invalid UTF-8", "POST", "/v1/events/JSON-1/scans", "{" + scan + ",\"device\":\"\xff\"}"},
			{"batch: nested key in another case", "POST", "/v1/events/JSON-1/scans/batch", `{"scans":[{` + scan + `,"Device":"d"}]}`},
			{"batch: nested key twice", "POST", "/v1/events/JSON-1/scans/batch", `{"scans":[{` + scan + `,"checkpoint":"gate"}]}`},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := etSmallState(e)
				e.call(c.method, c.path, e.admin, c.body).problem(400, "malformed_body")
				if after := etSmallState(e); after != before {
					t.Error("a malformed body changed the data")
				}
			})
		}
		if n := e.call("GET", nomPath("JSON-1", id), aut, nil).want(200).json(); n["given_name"] != "Anna" {
			t.Errorf("the nomination changed: %v", n["given_name"])
		}
	})
}

// proxiedServer is a server on e's service behind a trusted proxy at
// 127.0.0.1, so that a test can speak as many clients (X-Forwarded-For),
// on e's clock.
func proxiedServer(t *testing.T, e *env) *httptest.Server {
	t.Helper()
	now := func() time.Time {
		if p := e.clock.Load(); p != nil {
			return *p
		}
		return time.Now().UTC()
	}
	srv := httptest.NewServer(api.New(e.svc, api.Options{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Now: now, TrustedProxies: []string{"127.0.0.1/32", "::1"}}).Handler())
	t.Cleanup(srv.Close)
	return srv
}

func callAs(t *testing.T, srv *httptest.Server, client, method, path, token string) *resp {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if client != "" {
		req.Header.Set("X-Forwarded-For", client)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &resp{t: t, Status: res.StatusCode, Header: res.Header, Body: b}
}

// TestBadTokensAreRateLimited: more than 20 bad tokens a minute from one
// client are 429 with Retry-After until the minute has passed (README, Roles);
// the same client's good token still works, other clients are not slowed,
// and only a trusted proxy may name the client.
func TestBadTokensAreRateLimited(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("RATE-1")
		start := time.Now().UTC()
		e.setNow(start)
		srv := proxiedServer(t, e)
		const mallory, alice = "203.0.113.66", "198.51.100.7"
		paths := []string{"/v1/me", "/v1/events/RATE-1", "/v1/events/RATE-1/badges/00000000-0000-7000-8000-000000000000/qr.png"}
		for i := range 20 {
			callAs(t, srv, mallory, "GET", paths[i%len(paths)], fmt.Sprintf("guess-%02d-0123456789abcdef", i)).problem(401, "unauthorized")
		}
		for _, p := range append(paths, "/v1/events/RATE-1/scans") {
			method := "GET"
			if strings.HasSuffix(p, "/scans") {
				method = "POST"
			}
			r := callAs(t, srv, mallory, method, p, "guess-21-0123456789abcdef")
			r.problem(429, "rate_limited")
			if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
				t.Fatalf("Retry-After %q, want 1–60 seconds", r.Header.Get("Retry-After"))
			}
		}
		// A token far too long to be ours is a bad one too.
		callAs(t, srv, mallory, "GET", "/v1/me", strings.Repeat("x", 300)).problem(429, "rate_limited")
		// No token is not a guess.
		callAs(t, srv, mallory, "GET", "/v1/me", "").problem(401, "unauthorized")
		// The throttled client's good token works; another client's bad
		// token is judged as usual.
		callAs(t, srv, mallory, "GET", "/v1/me", e.admin).want(200)
		callAs(t, srv, alice, "GET", "/v1/me", "alice-typo-0123456789abcdef").problem(401, "unauthorized")
		callAs(t, srv, alice, "GET", "/v1/me", e.admin).want(200)
		// An IPv6 client is counted by its /64: another address in it is
		// the same client.
		for i := range 21 {
			callAs(t, srv, fmt.Sprintf("2001:db8:1:2::%x", i+1), "GET", "/v1/me", "v6-guess-0123456789abcdef")
		}
		callAs(t, srv, "2001:db8:1:2:ffff::1", "GET", "/v1/me", "v6-guess-0123456789abcdef").problem(429, "rate_limited")
		callAs(t, srv, "2001:db8:1:3::1", "GET", "/v1/me", "v6-guess-0123456789abcdef").problem(401, "unauthorized")
		// Once the minute has passed, a bad token is a 401 again.
		e.setNow(start.Add(time.Minute))
		callAs(t, srv, mallory, "GET", "/v1/me", "guess-22-0123456789abcdef").problem(401, "unauthorized")

		// Without a trusted proxy, X-Forwarded-For names no one: every
		// request from this test is one client, whatever it claims.
		direct, _ := loggedServer(t, e)
		for i := range 21 {
			r := callAs(t, direct, fmt.Sprintf("192.0.2.%d", i), "GET", "/v1/me", "direct-guess-0123456789abcdef")
			if i < 20 {
				r.problem(401, "unauthorized")
			} else {
				r.problem(429, "rate_limited")
			}
		}
	})
}

// TestImportTemplateRowAndUnknownColumns: the templates' example row is
// not importable, whatever else the file holds (a file that still has it
// is 422 naming its row), and a header naming a column that is not a
// nomination field is 422 naming the column (docs/security.md, Imports), in CSV and XLSX.
func TestImportTemplateRowAndUnknownColumns(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("TPL-1")
		aut := e.token("delegation", "AUT", "")
		for _, tpl := range []struct{ name, ct string }{{"template.csv", "text/csv"}, {"template.xlsx", imXLSXType}} {
			body := e.call("GET", "/v1/events/TPL-1/nominations/"+tpl.name, aut, nil).want(200).Body
			for _, q := range []string{"?dry_run=true", ""} {
				r := e.imPost("TPL-1", aut, q, body, tpl.ct)
				r.problem(422, "validation_failed")
				imWantErrors(t, imErrors(r), imErr{2, "email", "example_row"})
			}
		}
		// Kept among real rows, it is still found and nothing is saved.
		example := imRow(imSet("email", "katharina.gruber@example.org"))
		rows := []map[string]string{imRow(), example, imRow()}
		for _, body := range []struct {
			ct   string
			data []byte
		}{{"text/csv", imCSV(t, imCols, rows, ',', false)}, {imXLSXType, imXLSX(t, imCols, rows)}} {
			r := e.imPost("TPL-1", aut, "", body.data, body.ct)
			r.problem(422, "validation_failed")
			imWantErrors(t, imErrors(r), imErr{3, "email", "example_row"})
		}
		// An unknown column is named, not dropped.
		cols := append(slices.Clone(imCols), "shoe_size")
		row := imRow(imSet("shoe_size", "44"))
		for _, body := range []struct {
			ct   string
			data []byte
		}{{"text/csv", imCSV(t, cols, []map[string]string{row}, ',', false)}, {imXLSXType, imXLSX(t, cols, []map[string]string{row})}} {
			r := e.imPost("TPL-1", aut, "?dry_run=true", body.data, body.ct)
			r.problem(422, "validation_failed")
			imWantErrors(t, imErrors(r), imErr{1, "shoe_size", "unknown_column"})
		}
		if n := len(imList(e, "TPL-1", aut)); n != 0 {
			t.Errorf("%d nominations saved from refused files", n)
		}
	})
}

// TestImportWidthBomb: the workbook of issue 13 (a header with one more
// cell at column XFD, 1,000 rows, each reaching XFD too; 1.6 GB before)
// is refused early through the API, allocating a few MiB in all.
func TestImportWidthBomb(t *testing.T) {
	eachDBAlone(t, func(t *testing.T, e *env) {
		e.event("WIDE-1")
		aut := e.token("delegation", "AUT", "")
		body := widthBomb(t, 1000)
		var r *resp
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r = e.imPost("WIDE-1", aut, "?dry_run=true", body, imXLSXType)
		runtime.ReadMemStats(&after)
		r.problem(422, "validation_failed")
		if errs := imErrors(r); len(errs) != 1 || errs[0].Code != "too_wide" {
			t.Errorf("errors %+v, want one too_wide", errs)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
			t.Errorf("a %d KB width bomb allocated %d MiB", len(body)>>10, alloc>>20)
		}
	})
}

// widthBomb writes, as a zip by hand (excelize itself would fill every
// row out to XFD), a workbook whose header has its last cell at XFD1 and
// whose rows each reach XFD too.
func widthBomb(t *testing.T, rows int) []byte {
	t.Helper()
	const ns = `xmlns="http://schemas.openxmlformats.org/package/2006/relationships"`
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships ` + ns + `><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships ` + ns + `><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	}
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1001"/><sheetData>`)
	cell := func(ref, v string) { fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, v) }
	for r := 1; r <= rows+1; r++ {
		fmt.Fprintf(&sheet, `<row r="%d">`, r)
		vals, last := []string{"given_name", "family_name", "gender", "email", "category"}, "mode"
		if r > 1 {
			vals, last = []string{"Anna", fmt.Sprintf("W%d", r), "female", fmt.Sprintf("w%d@example.org", r), "delegate"}, "online"
		}
		for i, v := range vals {
			cell(fmt.Sprintf("%c%d", 'A'+i, r), v)
		}
		cell(fmt.Sprintf("XFD%d", r), last)
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	parts["xl/worksheets/sheet1.xml"] = sheet.String()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for name, data := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestPhotoBombs: the 39 KB PNG of 40,000,000×1 pixels (2.5–3.7 GB and up
// to 37 s of CPU before) and its siblings are refused from the header,
// through the API, allocating almost nothing.
func TestPhotoBombs(t *testing.T) {
	eachDBAlone(t, func(t *testing.T, e *env) {
		e.event("BOMB-1")
		aut := e.token("delegation", "AUT", "")
		id := e.submit("BOMB-1", aut, person())
		for _, c := range []struct {
			name string
			w, h uint32
			code string
		}{
			{"40,000,000×1", 40_000_000, 1, "too_small"},
			{"1×40,000,000", 1, 40_000_000, "too_small"},
			{"20,000×2,000", 20_000, 2_000, "too_large"},
			{"7,000×7,000", 7_000, 7_000, "too_many_pixels"},
			{"9,000×2,000", 9_000, 2_000, "aspect_ratio"},
			{"100×150", 100, 150, "too_small"},
		} {
			t.Run(c.name, func(t *testing.T) {
				body := ntPNGHeader(t, c.w, c.h)
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				r := e.call("PUT", nomPath("BOMB-1", id, "photo"), aut, body, "Content-Type", "image/png")
				runtime.ReadMemStats(&after)
				errs, _ := r.problem(422, "validation_failed")["errors"].([]any)
				if len(errs) != 1 || errs[0].(map[string]any)["field"] != "photo" || errs[0].(map[string]any)["code"] != c.code {
					t.Errorf("errors %v, want photo %s", errs, c.code)
				}
				if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
					t.Errorf("refusing it allocated %d MiB", alloc>>20)
				}
			})
		}
		if n := e.call("GET", nomPath("BOMB-1", id), aut, nil).want(200).json(); n["has_photo"] != false {
			t.Error("a refused photo was stored")
		}
	})
}

// TestBadEnrolmentCodesAreRateLimited: bad enrolment codes count as bad
// tokens do (README, Roles): the 21st in a minute from one client is 429,
// and bad tokens and bad codes share one count.
func TestBadEnrolmentCodesAreRateLimited(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("RATE-2")
		srv := proxiedServer(t, e)
		const mallory = "203.0.113.67"
		enrol := func(code string) *resp {
			t.Helper()
			req, err := http.NewRequest("POST", srv.URL+"/v1/enrol", strings.NewReader(`{"code":"`+code+`"}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", mallory)
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return &resp{t: t, Status: res.StatusCode, Header: res.Header, Body: b}
		}
		for i := range 10 {
			callAs(t, srv, mallory, "GET", "/v1/me", fmt.Sprintf("guess-%02d-0123456789abcdef", i)).problem(401, "unauthorized")
		}
		for i := range 10 {
			enrol(fmt.Sprintf("AAAAAAAA%02d", i)).problem(401, "unauthorized")
		}
		r := enrol("BBBBBBBBBB")
		r.problem(429, "rate_limited")
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	})
}
