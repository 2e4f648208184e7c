package api_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// This file proves the errors of api/openapi.yaml (Errors): every error code this service produces comes
// as complete problem+json, and a request that fails changes nothing.

// etProblem asserts a complete RFC 9457 answer with our code. For
// validation_failed it also checks the shape of every field error.
func etProblem(t *testing.T, r *resp, status int, code string) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d (%s): %s", r.Status, status, code, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json: %s", ct, r.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("problem is not a JSON object: %s", r.Body)
	}
	for _, k := range []string{"type", "title", "detail", "code"} {
		if s, _ := m[k].(string); s == "" {
			t.Errorf("problem has no %q: %s", k, r.Body)
		}
	}
	if m["status"] != float64(status) {
		t.Errorf("problem status %v, want %d: %s", m["status"], status, r.Body)
	}
	if m["code"] != code {
		t.Fatalf("problem code %v, want %s: %s", m["code"], code, r.Body)
	}
	for k := range m {
		if !slices.Contains([]string{"type", "title", "status", "detail", "code", "errors"}, k) {
			t.Errorf("problem has an unexpected member %q: %s", k, r.Body)
		}
	}
	if code == "validation_failed" {
		errs, _ := m["errors"].([]any)
		if len(errs) == 0 {
			t.Errorf("validation_failed without errors: %s", r.Body)
		}
		for _, fe := range errs {
			f, _ := fe.(map[string]any)
			for _, k := range []string{"field", "code", "message"} {
				if s, _ := f[k].(string); s == "" {
					t.Errorf("field error without %q: %v", k, fe)
				}
			}
		}
	}
	return m
}

// etCase is one failing request.
type etCase struct {
	name    string
	method  string
	path    string
	token   string // a secret; "" sends no Authorization header
	body    any
	headers []string
	status  int
	code    string
	fields  []string       // field paths that must be among errors[].field
	rows    []int          // spreadsheet rows that must be among errors[].row (imports)
	detail  *regexp.Regexp // must match detail
	feature string         // "reports": only when the build registers §7's routes
}

// Events of the fixture.
const (
	etMain   = "ERR-2030"    // open, quotas: States 4 in person (AUT overridden to 1), 5 online
	etCap    = "CAP-2030"    // in-person capacity 1, used up
	etSes    = "SES-2030"    // a session with capacity 1, used up
	etDraft  = "DRAFT-2030"  // draft
	etClosed = "CLOSED-2030" // closed
	etEarly  = "EARLY-2030"  // window opens tomorrow
	etLate   = "LATE-2030"   // window closed yesterday
)

var etEvents = []string{etMain, etCap, etSes, etDraft, etClosed, etEarly, etLate}

// etFixture holds what the cases refer to.
type etFixture struct {
	e                                              *env
	features                                       map[string]bool // optional route groups this build registers
	aut, deu, unodc, guard                         string          // tokens
	autSub, autApproved, autRejected, autWithdrawn string          // nominations of AUT in etMain
	autSpare                                       string          // only for requests that must not change it
	autBadge, revokedBadge                         string          // badges in etMain: active, revoked
	autHeadDoc                                     map[string]any  // the document of AUT's head of delegation
	deuEmail                                       string          // the email of DEU's delegate in etMain
	capSecond, sesSecond, lateNom                  string          // nominations waiting in etCap, etSes, etLate
}

func newETFixture(t *testing.T, e *env) *etFixture {
	t.Helper()
	f := &etFixture{e: e, features: map[string]bool{}}
	f.aut = e.token("delegation", "AUT", "")
	f.deu = e.token("delegation", "DEU", "")
	f.unodc = e.token("delegation", "UNODC", "")
	f.guard = e.token("security", "", "")
	now := time.Now().UTC().Truncate(time.Second)

	e.event(etMain, func(b map[string]any) {
		b["quotas"] = map[string]any{"participating_state": map[string]any{"in_person": 4, "online": 5}}
	})
	e.call("POST", "/v1/events/"+etMain+"/sessions", e.admin, map[string]any{
		"title": "Opening", "starts_at": "2030-06-10T08:00:00Z", "ends_at": "2030-06-10T10:00:00Z"}).want(201)
	e.call("POST", "/v1/events/"+etMain+"/checkpoints", e.admin, map[string]any{
		"code": "MAIN-GATE", "name": "Main gate", "direction": "both"}).want(201)
	e.call("POST", "/v1/events/"+etMain+"/checkpoints", e.admin, map[string]any{
		"code": "MAIN-IN", "name": "Entrance only", "direction": "in"}).want(201)
	headBody := person(head)
	f.autHeadDoc = headBody["document"].(map[string]any)
	e.submit(etMain, f.aut, headBody)
	f.autSub = e.submit(etMain, f.aut, person())
	f.autApproved = e.approved(etMain, f.aut, person())
	gone := e.approved(etMain, f.aut, person())
	e.call("POST", nomPath(etMain, gone, "withdraw"), f.aut, map[string]any{"reason": "ill"}).want(200)
	f.revokedBadge = e.call("GET", nomPath(etMain, gone), e.admin, nil).want(200).json()["badge"].(map[string]any)["id"].(string)
	f.autBadge = e.call("GET", nomPath(etMain, f.autApproved), e.admin, nil).want(200).json()["badge"].(map[string]any)["id"].(string)
	f.autRejected = e.submit(etMain, f.aut, person(online))
	e.call("POST", nomPath(etMain, f.autRejected, "reject"), e.admin, map[string]any{"reason": "late"}).want(200)
	f.autWithdrawn = e.submit(etMain, f.aut, person(online))
	e.call("POST", nomPath(etMain, f.autWithdrawn, "withdraw"), f.aut, map[string]any{"reason": "ill"}).want(200)
	f.autSpare = e.submit(etMain, f.aut, person(online))
	// AUT uses 3 in-person seats; lowering its quota to 1 evicts nobody
	// and blocks new in-person submissions.
	e.call("PUT", "/v1/events/"+etMain+"/quotas/AUT", e.admin, map[string]any{"in_person": 1, "online": 5}).want(200)
	deu := person(func(b map[string]any) { b["nationality"] = "DEU" })
	f.deuEmail = deu["email"].(string)
	e.submit(etMain, f.deu, deu)
	// A completed idempotent submission, to reuse its key with another body.
	e.call("POST", "/v1/events/"+etMain+"/nominations", f.aut, person(online), "Idempotency-Key", "et-key-1").want(201)

	e.event(etCap, func(b map[string]any) { b["capacity"] = map[string]any{"in_person": 1} })
	e.approved(etCap, f.aut, person())
	f.capSecond = e.submit(etCap, f.aut, person())
	e.photo(etCap, f.aut, f.capSecond)

	e.event(etSes)
	sid := e.call("POST", "/v1/events/"+etSes+"/sessions", e.admin, map[string]any{
		"title": "Closed meeting", "starts_at": "2030-06-10T08:00:00Z", "ends_at": "2030-06-10T10:00:00Z", "capacity": 1}).want(201).str("id")
	e.approved(etSes, f.aut, person(func(b map[string]any) { b["sessions"] = []string{sid} }))
	f.sesSecond = e.submit(etSes, f.deu, person(func(b map[string]any) { b["sessions"] = []string{sid} }))
	e.photo(etSes, f.deu, f.sesSecond)

	e.event(etDraft, func(b map[string]any) { b["status"] = "draft" })
	e.event(etClosed, func(b map[string]any) { b["status"] = "closed" })
	e.event(etEarly, func(b map[string]any) {
		b["registration_opens_at"] = now.Add(24 * time.Hour).Format(time.RFC3339)
		b["registration_closes_at"] = now.Add(48 * time.Hour).Format(time.RFC3339)
	})
	e.event(etLate, func(b map[string]any) {
		b["registration_opens_at"] = now.Add(-48 * time.Hour).Format(time.RFC3339)
		b["registration_closes_at"] = now.Add(-24 * time.Hour).Format(time.RFC3339)
	})
	tpl := e.call("GET", "/v1/events/"+etMain+"/nominations/template.csv", e.admin, nil)
	f.features["reports"] = tpl.Status == http.StatusOK && strings.HasPrefix(tpl.Header.Get("Content-Type"), "text/csv")
	// The secretariat is exempt from the window: late nominations.
	f.lateNom = e.submit(etLate, e.admin, person(func(b map[string]any) { b["delegation"] = "AUT" }))
	return f
}

// etProbe is one GET whose answer a failed request must not change.
type etProbe struct{ path, token string }

// etProbes are the GETs that show what a request on path could have
// changed, as the secretariat sees it: the global lists (the audit log
// among them, which records every change) and everything of the event the
// path names (etMain for paths outside events). AUT's own quota view stands
// in for the secretariat's where the latter, listing every invited
// delegation, would only make the suite slower.
func etProbes(f *etFixture, path string) []etProbe {
	admin := f.e.admin
	ps := []etProbe{{"/v1/events?limit=500", admin}, {"/v1/delegations?limit=500", admin},
		{"/v1/tokens?limit=500", admin}, {"/v1/audit?limit=500", admin}}
	ev := etMain
	if rest, ok := strings.CutPrefix(path, "/v1/events/"); ok {
		code, _, _ := strings.Cut(rest, "/")
		code, _, _ = strings.Cut(code, "?")
		if slices.Contains(etEvents, code) {
			ev = code
		}
	}
	base := "/v1/events/" + ev
	for _, p := range []string{"/nominations?limit=500", "/sessions", "/checkpoints", "/badges?limit=500", "/scans?limit=500", "/revocations"} {
		ps = append(ps, etProbe{base + p, admin})
	}
	switch ev {
	case etDraft: // no quota a delegation could see, and no nominations
	case etClosed, etEarly:
		ps = append(ps, etProbe{base + "/quotas", f.aut})
	default:
		ps = append(ps, etProbe{base + "/quotas", admin})
	}
	return ps
}

// etState remembers the answers of the probes; check fetches those of one
// request's path again and reports any that changed.
type etState struct {
	f    *etFixture
	seen map[etProbe]string
}

func newETState(f *etFixture) *etState {
	st := &etState{f: f, seen: map[etProbe]string{}}
	var all []etProbe
	for _, ev := range etEvents {
		all = append(all, etProbes(f, "/v1/events/"+ev)...)
	}
	st.fetch(all)
	return st
}

// fetch GETs the probes in parallel and returns those whose answer changed
// since the last fetch, as a readable diff.
func (st *etState) fetch(ps []etProbe) string {
	e := st.f.e
	e.t.Helper()
	bodies := make([]string, len(ps))
	errs := make([]error, len(ps))
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i], errs[i] = etGet(e, p.path, p.token)
		}()
	}
	wg.Wait()
	var diff []string
	for i, p := range ps {
		if errs[i] != nil {
			e.t.Fatal(errs[i])
		}
		if old, ok := st.seen[p]; ok && old != bodies[i] {
			diff = append(diff, etDiff(p.path, old, bodies[i]))
		}
		st.seen[p] = bodies[i]
	}
	return strings.Join(diff, "\n")
}

// etGet is a GET that may run on any goroutine.
func etGet(e *env, path, token string) (string, error) {
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return withoutLastSeen(string(b)), err
}

// etPNGHeader is the start of a PNG that claims w×h pixels: enough for
// image.DecodeConfig, nothing more.
func etPNGHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit truecolour
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// etMultipart is a multipart/form-data body with one file field.
func etMultipart(field string, data []byte) (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	part, _ := w.CreateFormFile(field, "photo.jpg")
	_, _ = part.Write(data)
	_ = w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// etCSVHeader starts an import file of online delegates.
const etCSVHeader = "given_name,family_name,gender,email,category,mode\n"

func etJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestErrorCodes sends one failing request per row, on a database set up
// so that each failure is reachable, and checks the problem and that the
// data did not move.
func TestErrorCodes(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := newETFixture(t, e)
		admin := e.admin
		noms := func(ev string) string { return "/v1/events/" + ev + "/nominations" }
		mainNoms := noms(etMain)
		unknownID := "0190b4d2-0000-7000-8000-000000000000"
		jpeg := jpegBytes(t, 200, 260)
		mpCT, mpBody := etMultipart("picture", jpeg) // the field must be named photo
		bigCT, bigBody := etMultipart("photo", append(append([]byte{}, jpeg...), make([]byte, 10<<20)...))
		reason := map[string]any{"reason": "x"}
		re := regexp.MustCompile

		cases := []etCase{
			// 400 malformed_body
			{name: "malformed: not JSON", method: "POST", path: mainNoms, token: f.aut, body: "given_name=Anna&family_name=Gruber",
				status: 400, code: "malformed_body"},
			{name: "malformed: truncated JSON", method: "POST", path: mainNoms, token: f.aut, body: `{"given_name": "Anna"`,
				status: 400, code: "malformed_body"},
			{name: "malformed: wrong type", method: "POST", path: mainNoms, token: f.aut,
				body: person(func(b map[string]any) { b["given_name"] = 42 }), status: 400, code: "malformed_body"},
			{name: "malformed: wrong type in nested object", method: "POST", path: mainNoms, token: f.aut,
				body: person(func(b map[string]any) { b["document"] = "P1234567" }), status: 400, code: "malformed_body"},
			{name: "malformed: array instead of object", method: "POST", path: mainNoms, token: f.aut, body: `[]`,
				status: 400, code: "malformed_body"},
			{name: "malformed: unknown field", method: "POST", path: mainNoms, token: f.aut,
				body: person(func(b map[string]any) { b["shoe_size"] = 42 }), status: 400, code: "malformed_body", detail: re("shoe_size")},
			{name: "malformed: two JSON values", method: "POST", path: mainNoms, token: f.aut,
				body: etJSON(person(online)) + etJSON(person(online)), status: 400, code: "malformed_body"},
			{name: "malformed: empty body on submit", method: "POST", path: mainNoms, token: f.aut, body: "",
				status: 400, code: "malformed_body"},
			{name: "malformed: empty body on reject", method: "POST", path: nomPath(etMain, f.autSub, "reject"), token: admin, body: "",
				status: 400, code: "malformed_body"},
			{name: "malformed: empty body on event creation", method: "POST", path: "/v1/events", token: admin, body: "",
				status: 400, code: "malformed_body"},
			{name: "malformed: edit with wrong type", method: "PATCH", path: nomPath(etMain, f.autSub), token: f.aut,
				body: map[string]any{"sessions": "all"}, status: 400, code: "malformed_body"},
			{name: "malformed: edit with unknown field", method: "PATCH", path: nomPath(etMain, f.autSub), token: f.aut,
				body: map[string]any{"status": "approved"}, status: 400, code: "malformed_body"},
			{name: "malformed: event update with wrong type", method: "PATCH", path: "/v1/events/" + etMain, token: admin,
				body: map[string]any{"capacity": "lots"}, status: 400, code: "malformed_body"},
			{name: "malformed: token with unknown field", method: "POST", path: "/v1/tokens", token: admin,
				body: map[string]any{"name": "x", "role": "security", "admin": true}, status: 400, code: "malformed_body"},
			{name: "malformed: approve with unknown field", method: "POST", path: nomPath(etMain, f.autSub, "approve"), token: admin,
				body: map[string]any{"force": true}, status: 400, code: "malformed_body"},
			{name: "malformed: quota of wrong type", method: "PUT", path: "/v1/events/" + etMain + "/quotas/AUT", token: admin,
				body: map[string]any{"in_person": "three", "online": nil}, status: 400, code: "malformed_body"},
			{name: "malformed: trailing bracket", method: "POST", path: mainNoms, token: f.aut,
				body: etJSON(person(online)) + "}", status: 400, code: "malformed_body"},
			{name: "malformed: trailing garbage", method: "POST", path: mainNoms, token: f.aut,
				body: etJSON(person(online)) + " x", status: 400, code: "malformed_body"},
			{name: "malformed: unknown field in document", method: "POST", path: mainNoms, token: f.aut,
				body:   person(func(b map[string]any) { b["document"].(map[string]any)["issued_by"] = "AUT" }),
				status: 400, code: "malformed_body", detail: re("issued_by")},
			{name: "malformed: token expiry not a time", method: "POST", path: "/v1/tokens", token: admin,
				body: map[string]any{"name": "x", "role": "security", "expires_at": "tomorrow"}, status: 400, code: "malformed_body"},
			{name: "malformed: multipart without boundary", method: "PUT", path: nomPath(etMain, f.autSub, "photo"), token: f.aut,
				body: mpBody, headers: []string{"Content-Type", "multipart/form-data"}, status: 400, code: "malformed_body"},
			{name: "malformed: quota body not JSON", method: "PUT", path: "/v1/events/" + etMain + "/quotas/AUT", token: admin,
				body: "in_person=3", status: 400, code: "malformed_body"},

			// 401 unauthorized
			{name: "unauthorized: no token", method: "GET", path: mainNoms, status: 401, code: "unauthorized"},
			{name: "unauthorized: unknown token", method: "GET", path: mainNoms, token: "acc_not-a-token-of-this-server-0123456789",
				status: 401, code: "unauthorized"},
			{name: "unauthorized: basic scheme", method: "GET", path: mainNoms, headers: []string{"Authorization", "Basic YWRtaW46YWRtaW4="},
				status: 401, code: "unauthorized"},
			{name: "unauthorized: empty bearer", method: "GET", path: mainNoms, headers: []string{"Authorization", "Bearer "},
				status: 401, code: "unauthorized"},
			{name: "unauthorized: write without token", method: "POST", path: mainNoms, body: person(), status: 401, code: "unauthorized"},

			// 403 forbidden
			{name: "forbidden: delegation creates an event", method: "POST", path: "/v1/events", token: f.aut, body: eventBody("AUT-2030"),
				status: 403, code: "forbidden"},
			{name: "forbidden: delegation approves", method: "POST", path: nomPath(etMain, f.autSub, "approve"), token: f.aut,
				status: 403, code: "forbidden"},
			{name: "forbidden: delegation sets its quota", method: "PUT", path: "/v1/events/" + etMain + "/quotas/AUT", token: f.aut,
				body: map[string]any{"in_person": 10, "online": 10}, status: 403, code: "forbidden"},
			{name: "forbidden: delegation nominates for another", method: "POST", path: mainNoms, token: f.deu,
				body: person(func(b map[string]any) { b["delegation"] = "AUT" }), status: 403, code: "forbidden"},
			{name: "forbidden: uninvited delegation", method: "POST", path: mainNoms, token: f.unodc, body: person(),
				status: 403, code: "forbidden"},
			{name: "forbidden: security lists nominations", method: "GET", path: mainNoms, token: f.guard, status: 403, code: "forbidden"},
			{name: "forbidden: security reissues a badge", method: "POST", path: "/v1/events/" + etMain + "/badges/" + f.autBadge + "/reissue",
				token: f.guard, status: 403, code: "forbidden"},
			{name: "forbidden: delegation scans", method: "POST", path: "/v1/events/" + etMain + "/scans", token: f.aut,
				body: map[string]any{"code": "X", "checkpoint": "MAIN-GATE"}, status: 403, code: "forbidden"},
			{name: "forbidden: security uploads a photo", method: "PUT", path: nomPath(etMain, f.autSub, "photo"), token: f.guard,
				body: jpeg, headers: []string{"Content-Type", "image/jpeg"}, status: 403, code: "forbidden"},

			// 404 not_found
			{name: "not found: unknown event", method: "GET", path: "/v1/events/NOPE-2030", token: admin, status: 404, code: "not_found"},
			{name: "not found: submit into unknown event", method: "POST", path: noms("NOPE-2030"), token: f.aut, body: person(),
				status: 404, code: "not_found"},
			{name: "not found: unknown nomination", method: "GET", path: nomPath(etMain, unknownID), token: admin, status: 404, code: "not_found"},
			{name: "not found: non-UUID nomination id", method: "GET", path: nomPath(etMain, "42"), token: admin, status: 404, code: "not_found"},
			{name: "not found: non-UUID id on approve", method: "POST", path: nomPath(etMain, "not-a-uuid", "approve"), token: admin,
				status: 404, code: "not_found"},
			{name: "not found: nomination of another event", method: "GET", path: nomPath(etMain, f.capSecond), token: admin,
				status: 404, code: "not_found"},
			{name: "not found: another delegation's nomination", method: "GET", path: nomPath(etMain, f.autSub), token: f.deu,
				status: 404, code: "not_found"},
			{name: "not found: edit unknown nomination", method: "PATCH", path: nomPath(etMain, unknownID), token: f.aut,
				body: map[string]any{"function": "x"}, status: 404, code: "not_found"},
			{name: "not found: photo of unknown nomination", method: "PUT", path: nomPath(etMain, unknownID, "photo"), token: admin,
				body: jpeg, headers: []string{"Content-Type", "image/jpeg"}, status: 404, code: "not_found"},
			{name: "not found: photo not uploaded", method: "GET", path: nomPath(etMain, f.autSub, "photo"), token: admin,
				status: 404, code: "not_found"},
			{name: "not found: unknown delegation", method: "PATCH", path: "/v1/delegations/NOPE", token: admin,
				body: map[string]any{"name": "x"}, status: 404, code: "not_found"},
			{name: "not found: quota of unknown delegation", method: "PUT", path: "/v1/events/" + etMain + "/quotas/NOPE", token: admin,
				body: map[string]any{"in_person": 1, "online": 1}, status: 404, code: "not_found"},
			{name: "not found: unknown token", method: "DELETE", path: "/v1/tokens/" + unknownID, token: admin, status: 404, code: "not_found"},
			{name: "not found: unknown badge", method: "GET", path: "/v1/events/" + etMain + "/badges/" + unknownID, token: admin,
				status: 404, code: "not_found"},
			{name: "not found: non-UUID badge id", method: "GET", path: "/v1/events/" + etMain + "/badges/B-1/qr.png", token: admin,
				status: 404, code: "not_found"},
			{name: "not found: reissue unknown badge", method: "POST", path: "/v1/events/" + etMain + "/badges/" + unknownID + "/reissue",
				token: admin, status: 404, code: "not_found"},
			{name: "not found: badge of another event", method: "GET", path: "/v1/events/" + etCap + "/badges/" + f.autBadge, token: admin,
				status: 404, code: "not_found"},
			{name: "not found: another delegation's badge", method: "GET", path: "/v1/events/" + etMain + "/badges/" + f.autBadge, token: f.deu,
				status: 404, code: "not_found"},
			{name: "not found: scan at unknown checkpoint", method: "POST", path: "/v1/events/" + etMain + "/scans", token: f.guard,
				body: map[string]any{"code": "X", "checkpoint": "NOPE"}, status: 404, code: "not_found"},
			{name: "not found: unknown path", method: "GET", path: "/v1/nothing-here", token: admin, status: 404, code: "not_found"},

			// 409 conflict
			{name: "conflict: duplicate event code", method: "POST", path: "/v1/events", token: admin, body: eventBody(etMain),
				status: 409, code: "conflict", detail: re(etMain)},
			{name: "conflict: duplicate delegation code", method: "POST", path: "/v1/delegations", token: admin,
				body: map[string]any{"code": "AUT", "name": "Austria again", "kind": "participating_state"}, status: 409, code: "conflict"},
			{name: "conflict: duplicate checkpoint", method: "POST", path: "/v1/events/" + etMain + "/checkpoints", token: admin,
				body: map[string]any{"code": "MAIN-GATE", "name": "Main gate again", "direction": "in"}, status: 409, code: "conflict"},
			{name: "conflict: idempotency key with another body", method: "POST", path: mainNoms, token: f.aut, body: person(online),
				headers: []string{"Idempotency-Key", "et-key-1"}, status: 409, code: "conflict"},

			// 409 quota_exceeded: AUT's in-person quota is 1 and 3 are used.
			{name: "quota exceeded", method: "POST", path: mainNoms, token: f.aut, body: person(),
				status: 409, code: "quota_exceeded", detail: re(`\b1\b.*\b3\b|\b3\b.*\b1\b`)},
			{name: "quota exceeded for the secretariat too", method: "POST", path: mainNoms, token: admin,
				body: person(func(b map[string]any) { b["delegation"] = "AUT" }), status: 409, code: "quota_exceeded"},
			{name: "quota exceeded: edit moves to a full mode", method: "PATCH", path: nomPath(etMain, f.autSpare), token: f.aut,
				body: map[string]any{"mode": "in_person", "nationality": "AUT", "date_of_birth": "1980-01-01",
					"document": map[string]any{"type": "passport", "number": "QX-1", "expires_on": "2031-01-01"}},
				status: 409, code: "quota_exceeded"},
			{name: "capacity reached", method: "POST", path: nomPath(etCap, f.capSecond, "approve"), token: admin,
				status: 409, code: "capacity_reached"},
			{name: "session full", method: "POST", path: nomPath(etSes, f.sesSecond, "approve"), token: admin,
				status: 409, code: "session_full"},
			{name: "duplicate head", method: "POST", path: mainNoms, token: f.aut, body: person(head, online),
				status: 409, code: "duplicate_head"},
			{name: "duplicate person: email in other case", method: "POST", path: mainNoms, token: f.aut,
				body: person(online, func(b map[string]any) { b["email"] = strings.ToUpper(f.deuEmail) }), status: 409, code: "duplicate_person"},
			{name: "duplicate person: same document", method: "POST", path: mainNoms, token: f.deu,
				body: person(func(b map[string]any) {
					b["document"] = map[string]any{"type": f.autHeadDoc["type"], "number": strings.ToLower(f.autHeadDoc["number"].(string)),
						"expires_on": "2032-01-01"}
				}), status: 409, code: "duplicate_person"},
			{name: "duplicate person: substitute with someone already nominated", method: "POST", path: nomPath(etMain, f.autSpare, "substitute"),
				token: f.aut, body: person(online, func(b map[string]any) { b["email"] = f.deuEmail }), status: 409, code: "duplicate_person"},
			{name: "duplicate person: edit onto another's email", method: "PATCH", path: nomPath(etMain, f.autSub), token: f.aut,
				body: map[string]any{"email": f.deuEmail}, status: 409, code: "duplicate_person"},

			// 409 invalid_transition
			{name: "invalid transition: approve rejected", method: "POST", path: nomPath(etMain, f.autRejected, "approve"), token: admin,
				status: 409, code: "invalid_transition"},
			{name: "invalid transition: reject approved", method: "POST", path: nomPath(etMain, f.autApproved, "reject"), token: admin,
				body: reason, status: 409, code: "invalid_transition"},
			{name: "invalid transition: revoke submitted", method: "POST", path: nomPath(etMain, f.autSub, "revoke"), token: admin,
				body: reason, status: 409, code: "invalid_transition"},
			{name: "invalid transition: withdraw withdrawn", method: "POST", path: nomPath(etMain, f.autWithdrawn, "withdraw"), token: f.aut,
				status: 409, code: "invalid_transition"},
			{name: "invalid transition: approve approved", method: "POST", path: nomPath(etMain, f.autApproved, "approve"), token: admin,
				status: 409, code: "invalid_transition"},
			{name: "invalid transition: edit approved", method: "PATCH", path: nomPath(etMain, f.autApproved), token: f.aut,
				body: map[string]any{"function": "Minister"}, status: 409, code: "invalid_transition"},
			{name: "invalid transition: substitute rejected", method: "POST", path: nomPath(etMain, f.autRejected, "substitute"), token: f.aut,
				body: person(online), status: 409, code: "invalid_transition"},
			{name: "invalid transition: delegation replaces an approved photo", method: "PUT", path: nomPath(etMain, f.autApproved, "photo"),
				token: f.aut, body: jpeg, headers: []string{"Content-Type", "image/jpeg"}, status: 409, code: "invalid_transition"},
			{name: "invalid transition: photo of withdrawn", method: "PUT", path: nomPath(etMain, f.autWithdrawn, "photo"), token: f.aut,
				body: jpeg, headers: []string{"Content-Type", "image/jpeg"}, status: 409, code: "invalid_transition"},

			{name: "invalid transition: reissue revoked badge", method: "POST", path: "/v1/events/" + etMain + "/badges/" + f.revokedBadge + "/reissue",
				token: admin, status: 409, code: "invalid_transition"},

			// 409 registration_closed
			{name: "registration closed: draft event, secretariat", method: "POST", path: noms(etDraft), token: admin,
				body: person(func(b map[string]any) { b["delegation"] = "AUT" }), status: 409, code: "registration_closed"},
			{name: "registration closed: closed event, delegation", method: "POST", path: noms(etClosed), token: f.aut, body: person(),
				status: 409, code: "registration_closed"},
			{name: "registration closed: closed event, secretariat", method: "POST", path: noms(etClosed), token: admin,
				body: person(func(b map[string]any) { b["delegation"] = "AUT" }), status: 409, code: "registration_closed"},
			{name: "registration closed: window not yet open", method: "POST", path: noms(etEarly), token: f.aut, body: person(),
				status: 409, code: "registration_closed"},
			{name: "registration closed: window already closed", method: "POST", path: noms(etLate), token: f.aut, body: person(),
				status: 409, code: "registration_closed"},
			{name: "registration closed: edit after the window", method: "PATCH", path: nomPath(etLate, f.lateNom), token: f.aut,
				body: map[string]any{"function": "Adviser"}, status: 409, code: "registration_closed"},

			// 409 photo_required
			{name: "photo required", method: "POST", path: nomPath(etMain, f.autSub, "approve"), token: admin,
				status: 409, code: "photo_required"},

			// 413 too_large
			{name: "too large: JSON over 1 MiB", method: "POST", path: mainNoms, token: f.aut,
				body: person(online, func(b map[string]any) { b["remarks"] = strings.Repeat("a", 1<<20) }), status: 413, code: "too_large"},
			{name: "too large: edit over 1 MiB", method: "PATCH", path: nomPath(etMain, f.autSub), token: f.aut,
				body: map[string]any{"remarks": strings.Repeat("a", 1<<20)}, status: 413, code: "too_large"},
			{name: "too large: raw photo over 10 MiB", method: "PUT", path: nomPath(etMain, f.autSub, "photo"), token: f.aut,
				body: append(append([]byte{}, jpeg...), make([]byte, 10<<20)...), headers: []string{"Content-Type", "image/jpeg"},
				status: 413, code: "too_large"},
			{name: "too large: multipart photo over 10 MiB", method: "PUT", path: nomPath(etMain, f.autSub, "photo"), token: f.aut,
				body: bigBody, headers: []string{"Content-Type", bigCT}, status: 413, code: "too_large"},

			// 415 unsupported_media_type
			{name: "unsupported media type: text/plain photo", method: "PUT", path: nomPath(etMain, f.autSub, "photo"), token: f.aut,
				body: jpeg, headers: []string{"Content-Type", "text/plain"}, status: 415, code: "unsupported_media_type"},
			{name: "unsupported media type: JSON photo", method: "PUT", path: nomPath(etMain, f.autSub, "photo"), token: f.aut,
				body: `{"photo": "base64..."}`, status: 415, code: "unsupported_media_type"},
			{name: "unsupported media type: GIF photo", method: "PUT", path: nomPath(etMain, f.autSub, "photo"), token: f.aut,
				body: []byte("GIF89a\x01\x00\x01\x00"), headers: []string{"Content-Type", "image/gif"}, status: 415, code: "unsupported_media_type"},

			// 422 validation_failed
			{name: "invalid: document expires before the last day", method: "POST", path: mainNoms, token: f.deu,
				body: person(func(b map[string]any) {
					b["document"] = map[string]any{"type": "passport", "number": "X1", "expires_on": "2030-06-10"}
				}), status: 422, code: "validation_failed", fields: []string{"document.expires_on"}},
			{name: "invalid: in-person without document number", method: "POST", path: mainNoms, token: f.deu,
				body:   person(func(b map[string]any) { b["document"] = map[string]any{"type": "passport", "expires_on": "2031-01-01"} }),
				status: 422, code: "validation_failed", fields: []string{"document.number"}},
			{name: "invalid: in-person without nationality and birth date", method: "POST", path: mainNoms, token: f.deu,
				body:   person(func(b map[string]any) { delete(b, "nationality"); delete(b, "date_of_birth") }),
				status: 422, code: "validation_failed", fields: []string{"nationality", "date_of_birth"}},
			{name: "invalid: email", method: "POST", path: mainNoms, token: f.deu,
				body: person(func(b map[string]any) { b["email"] = "not-an-email" }), status: 422, code: "validation_failed", fields: []string{"email"}},
			{name: "invalid: gender", method: "POST", path: mainNoms, token: f.deu,
				body: person(func(b map[string]any) { b["gender"] = "f" }), status: 422, code: "validation_failed", fields: []string{"gender"}},
			{name: "invalid: nationality alpha-2", method: "POST", path: mainNoms, token: f.deu,
				body: person(func(b map[string]any) { b["nationality"] = "AT" }), status: 422, code: "validation_failed", fields: []string{"nationality"}},
			{name: "invalid: nationality not a country", method: "POST", path: mainNoms, token: f.deu,
				body: person(func(b map[string]any) { b["nationality"] = "XYZ" }), status: 422, code: "validation_failed", fields: []string{"nationality"}},
			{name: "invalid: missing names", method: "POST", path: mainNoms, token: f.deu,
				body:   person(func(b map[string]any) { delete(b, "given_name"); b["family_name"] = "   " }),
				status: 422, code: "validation_failed", fields: []string{"given_name", "family_name"}},
			{name: "invalid: unknown session", method: "POST", path: mainNoms, token: f.deu,
				body:   person(func(b map[string]any) { b["sessions"] = []string{unknownID} }),
				status: 422, code: "validation_failed", fields: []string{"sessions[0]"}},
			{name: "invalid: session id not a UUID", method: "POST", path: mainNoms, token: f.deu,
				body:   person(func(b map[string]any) { b["sessions"] = []string{"plenary"} }),
				status: 422, code: "validation_failed", fields: []string{"sessions[0]"}},
			{name: "invalid: document type", method: "POST", path: mainNoms, token: f.deu,
				body: person(func(b map[string]any) {
					b["document"] = map[string]any{"type": "driving_licence", "number": "X1", "expires_on": "2031-01-01"}
				}), status: 422, code: "validation_failed", fields: []string{"document.type"}},
			{name: "invalid: secretariat submits without delegation", method: "POST", path: mainNoms, token: admin, body: person(),
				status: 422, code: "validation_failed", fields: []string{"delegation"}},
			{name: "invalid: edit with bad email", method: "PATCH", path: nomPath(etMain, f.autSub), token: f.aut,
				body: map[string]any{"email": "nobody"}, status: 422, code: "validation_failed", fields: []string{"email"}},
			{name: "invalid: event ends before it starts", method: "POST", path: "/v1/events", token: admin,
				body:   eventBody("BACK-2030", func(b map[string]any) { b["starts_on"], b["ends_on"] = "2030-06-11", "2030-06-10" }),
				status: 422, code: "validation_failed", fields: []string{"ends_on"}},
			{name: "invalid: window closes before it opens", method: "POST", path: "/v1/events", token: admin,
				body: eventBody("WIN-2030", func(b map[string]any) {
					b["registration_opens_at"], b["registration_closes_at"] = "2030-05-01T00:00:00Z", "2030-04-01T00:00:00Z"
				}), status: 422, code: "validation_failed", fields: []string{"registration_closes_at"}},
			{name: "invalid: event code pattern", method: "POST", path: "/v1/events", token: admin, body: eventBody("pem 2030"),
				status: 422, code: "validation_failed", fields: []string{"code"}},
			{name: "invalid: event update ends before it starts", method: "PATCH", path: "/v1/events/" + etMain, token: admin,
				body: map[string]any{"ends_on": "2030-06-01"}, status: 422, code: "validation_failed", fields: []string{"ends_on"}},
			{name: "invalid: quotas without online", method: "PUT", path: "/v1/events/" + etMain + "/quotas/AUT", token: admin,
				body: map[string]any{"in_person": 2}, status: 422, code: "validation_failed", fields: []string{"online"}},
			{name: "invalid: negative quota", method: "PUT", path: "/v1/events/" + etMain + "/quotas/AUT", token: admin,
				body: map[string]any{"in_person": -1, "online": nil}, status: 422, code: "validation_failed", fields: []string{"in_person"}},
			{name: "invalid: checkpoint direction", method: "POST", path: "/v1/events/" + etMain + "/checkpoints", token: admin,
				body:   map[string]any{"code": "SIDE", "name": "Side door", "direction": "sideways"},
				status: 422, code: "validation_failed", fields: []string{"direction"}},
			{name: "invalid: limit=0", method: "GET", path: mainNoms + "?limit=0", token: admin,
				status: 422, code: "validation_failed", fields: []string{"limit"}},
			{name: "invalid: limit=501", method: "GET", path: mainNoms + "?limit=501", token: admin,
				status: 422, code: "validation_failed", fields: []string{"limit"}},
			{name: "invalid: limit not a number", method: "GET", path: "/v1/events?limit=ten", token: admin,
				status: 422, code: "validation_failed", fields: []string{"limit"}},
			{name: "invalid: limit=501 on audit", method: "GET", path: "/v1/audit?limit=501", token: admin,
				status: 422, code: "validation_failed", fields: []string{"limit"}},
			{name: "invalid: bad cursor", method: "GET", path: mainNoms + "?cursor=%21%21not-a-cursor", token: admin,
				status: 422, code: "validation_failed", fields: []string{"cursor"}},
			{name: "invalid: bad cursor on events", method: "GET", path: "/v1/events?cursor=%25%25%25", token: admin,
				status: 422, code: "validation_failed", fields: []string{"cursor"}},
			{name: "invalid: status filter", method: "GET", path: mainNoms + "?status=pending", token: admin,
				status: 422, code: "validation_failed", fields: []string{"status"}},
			{name: "invalid: date of birth format", method: "POST", path: mainNoms, token: f.deu,
				body:   person(func(b map[string]any) { b["date_of_birth"] = "17.05.1980" }),
				status: 422, code: "validation_failed", fields: []string{"date_of_birth"}},
			{name: "invalid: blank reason on reject", method: "POST", path: nomPath(etMain, f.autSpare, "reject"), token: admin,
				body: map[string]any{"reason": "   "}, status: 422, code: "validation_failed", fields: []string{"reason"}},
			{name: "invalid: no reason on revoke", method: "POST", path: nomPath(etMain, f.autApproved, "revoke"), token: admin,
				body: map[string]any{}, status: 422, code: "validation_failed", fields: []string{"reason"}},
			{name: "invalid: substitute for another delegation", method: "POST", path: nomPath(etMain, f.autSpare, "substitute"), token: admin,
				body:   person(online, func(b map[string]any) { b["delegation"] = "DEU" }),
				status: 422, code: "validation_failed", fields: []string{"delegation"}},
			{name: "invalid: event invites an unknown kind", method: "POST", path: "/v1/events", token: admin,
				body:   eventBody("KIND-2030", func(b map[string]any) { b["invited_kinds"] = []string{"participating_state", "states"} }),
				status: 422, code: "validation_failed", fields: []string{"invited_kinds[1]"}},
			{name: "invalid: event quota for an unknown kind", method: "POST", path: "/v1/events", token: admin,
				body: eventBody("KIND-2030", func(b map[string]any) {
					b["quotas"] = map[string]any{"states": map[string]any{"in_person": 1}}
				}), status: 422, code: "validation_failed", fields: []string{"quotas.states"}},
			{name: "invalid: negative event quota", method: "POST", path: "/v1/events", token: admin,
				body: eventBody("NEG-2030", func(b map[string]any) {
					b["quotas"] = map[string]any{"partner": map[string]any{"in_person": -1}}
				}), status: 422, code: "validation_failed", fields: []string{"quotas.partner.in_person"}},
			{name: "invalid: negative capacity", method: "POST", path: "/v1/events", token: admin,
				body:   eventBody("NEG-2030", func(b map[string]any) { b["capacity"] = map[string]any{"online": -5} }),
				status: 422, code: "validation_failed", fields: []string{"capacity.online"}},
			{name: "invalid: event format", method: "POST", path: "/v1/events", token: admin,
				body:   eventBody("FMT-2030", func(b map[string]any) { b["format"] = "virtual" }),
				status: 422, code: "validation_failed", fields: []string{"format"}},
			{name: "invalid: event time zone", method: "POST", path: "/v1/events", token: admin,
				body:   eventBody("TZ-2030", func(b map[string]any) { b["timezone"] = "Vienna" }),
				status: 422, code: "validation_failed", fields: []string{"timezone"}},
			{name: "invalid: blank event title", method: "POST", path: "/v1/events", token: admin,
				body:   eventBody("BLANK-2030", func(b map[string]any) { b["title"] = "   " }),
				status: 422, code: "validation_failed", fields: []string{"title"}},
			{name: "invalid: session ends before it starts", method: "POST", path: "/v1/events/" + etMain + "/sessions", token: admin,
				body:   map[string]any{"title": "Backwards", "starts_at": "2030-06-10T10:00:00Z", "ends_at": "2030-06-10T09:00:00Z"},
				status: 422, code: "validation_failed", fields: []string{"ends_at"}},
			{name: "invalid: blank session title", method: "POST", path: "/v1/events/" + etMain + "/sessions", token: admin,
				body:   map[string]any{"title": " ", "starts_at": "2030-06-10T10:00:00Z", "ends_at": "2030-06-10T11:00:00Z"},
				status: 422, code: "validation_failed", fields: []string{"title"}},
			{name: "invalid: blank checkpoint name", method: "POST", path: "/v1/events/" + etMain + "/checkpoints", token: admin,
				body:   map[string]any{"code": "BLANK", "name": "  ", "direction": "in"},
				status: 422, code: "validation_failed", fields: []string{"name"}},
			{name: "invalid: delegation kind", method: "POST", path: "/v1/delegations", token: admin,
				body:   map[string]any{"code": "NGO-1", "name": "Some NGO", "kind": "ngo"},
				status: 422, code: "validation_failed", fields: []string{"kind"}},
			{name: "invalid: blank delegation name", method: "POST", path: "/v1/delegations", token: admin,
				body:   map[string]any{"code": "NGO-1", "name": "  ", "kind": "civil_society"},
				status: 422, code: "validation_failed", fields: []string{"name"}},
			{name: "invalid: blank token name", method: "POST", path: "/v1/tokens", token: admin,
				body:   map[string]any{"name": "   ", "role": "security"},
				status: 422, code: "validation_failed", fields: []string{"name"}},
			{name: "invalid: limit=-1", method: "GET", path: "/v1/delegations?limit=-1", token: admin,
				status: 422, code: "validation_failed", fields: []string{"limit"}},
			{name: "invalid: scan direction the checkpoint does not take", method: "POST", path: "/v1/events/" + etMain + "/scans", token: f.guard,
				body: map[string]any{"code": "X", "checkpoint": "MAIN-IN", "direction": "out"}, status: 422, code: "validation_failed",
				fields: []string{"direction"}},
			{name: "invalid: scan direction value", method: "POST", path: "/v1/events/" + etMain + "/scans", token: f.guard,
				body: map[string]any{"code": "X", "checkpoint": "MAIN-GATE", "direction": "up"}, status: 422, code: "validation_failed",
				fields: []string{"direction"}},
			{name: "invalid: scan without code", method: "POST", path: "/v1/events/" + etMain + "/scans", token: f.guard,
				body: map[string]any{"checkpoint": "MAIN-GATE"}, status: 422, code: "validation_failed", fields: []string{"code"}},
			{name: "invalid: scan_id not a UUID", method: "POST", path: "/v1/events/" + etMain + "/scans", token: f.guard,
				body: map[string]any{"code": "X", "checkpoint": "MAIN-GATE", "scan_id": "scan-1"}, status: 422, code: "validation_failed",
				fields: []string{"scan_id"}},
			{name: "invalid: batch of 1001 scans", method: "POST", path: "/v1/events/" + etMain + "/scans/batch", token: f.guard,
				body:   map[string]any{"scans": slices.Repeat([]any{map[string]any{"code": "X", "checkpoint": "MAIN-GATE"}}, 1001)},
				status: 422, code: "validation_failed", fields: []string{"scans"}},
			{name: "invalid: batch with one unknown checkpoint records nothing", method: "POST", path: "/v1/events/" + etMain + "/scans/batch",
				token: f.guard, body: map[string]any{"scans": []any{map[string]any{"code": "X", "checkpoint": "MAIN-GATE"},
					map[string]any{"code": "X", "checkpoint": "NOPE"}}},
				status: 422, code: "validation_failed", fields: []string{"scans[1].checkpoint"}},
			{name: "invalid: QR size", method: "GET", path: "/v1/events/" + etMain + "/badges/" + f.autBadge + "/qr.png?size=100", token: admin,
				status: 422, code: "validation_failed", fields: []string{"size"}},
			{name: "invalid: print an unknown badge", method: "POST", path: "/v1/events/" + etMain + "/badges/print", token: admin,
				body: map[string]any{"badge_ids": []string{unknownID}}, status: 422, code: "validation_failed", fields: []string{"badge_ids"}},
			{name: "invalid: attendance day", method: "GET", path: "/v1/events/" + etMain + "/attendance?day=10.06.2030", token: admin,
				status: 422, code: "validation_failed", fields: []string{"day"}},
			{name: "invalid: scans result filter", method: "GET", path: "/v1/events/" + etMain + "/scans?result=maybe", token: admin,
				status: 422, code: "validation_failed", fields: []string{"result"}},
			{name: "invalid: photo is not an image", method: "PUT", path: nomPath(etMain, f.autSub, "photo"), token: f.aut,
				body: []byte("this is not a photo at all"), headers: []string{"Content-Type", "image/jpeg"},
				status: 422, code: "validation_failed", fields: []string{"photo"}},
			{name: "invalid: photo over 40 megapixels", method: "PUT", path: nomPath(etMain, f.autSub, "photo"), token: f.aut,
				body: etPNGHeader(8000, 6000), headers: []string{"Content-Type", "image/png"},
				status: 422, code: "validation_failed", fields: []string{"photo"}},
			// Imports (api/openapi.yaml): all or nothing, bad rows named by row.
			{name: "import: a bad row refuses the file", feature: "reports", method: "POST", path: mainNoms + "/import", token: f.aut,
				body:    etCSVHeader + "Eva,Berger,female,eva.berger@example.org,delegate,online\nJakob,Huber,male,not-an-email,delegate,online\n",
				headers: []string{"Content-Type", "text/csv"}, status: 422, code: "validation_failed", fields: []string{"email"}, rows: []int{3}},
			{name: "import: a duplicate inside the file", feature: "reports", method: "POST", path: mainNoms + "/import", token: f.aut,
				body:    etCSVHeader + "Eva,Berger,female,eva.b@example.org,delegate,online\nEva,Berger,female,EVA.B@example.org,delegate,online\n",
				headers: []string{"Content-Type", "text/csv"}, status: 422, code: "validation_failed", rows: []int{3}},
			{name: "import: the quota is judged row by row", feature: "reports", method: "POST", path: mainNoms + "/import", token: f.aut,
				body: "given_name,family_name,gender,email,category,mode,nationality,date_of_birth,document_type,document_number,document_expires_on\n" +
					"Eva,Berger,female,eva.q@example.org,delegate,in_person,AUT,1980-01-01,passport,Q1,2031-01-01\n",
				headers: []string{"Content-Type", "text/csv"}, status: 422, code: "validation_failed", rows: []int{2}},
			{name: "import: another delegation's row", feature: "reports", method: "POST", path: mainNoms + "/import", token: f.deu,
				body:    "delegation," + etCSVHeader + "AUT,Eva,Berger,female,eva.c@example.org,delegate,online\n",
				headers: []string{"Content-Type", "text/csv"}, status: 422, code: "validation_failed", fields: []string{"delegation"}, rows: []int{2}},
			{name: "import: dry_run not a boolean", feature: "reports", method: "POST", path: mainNoms + "/import?dry_run=perhaps", token: f.aut,
				body: etCSVHeader, headers: []string{"Content-Type", "text/csv"}, status: 422, code: "validation_failed", fields: []string{"dry_run"}},
			{name: "import: HTML is not a spreadsheet", feature: "reports", method: "POST", path: mainNoms + "/import", token: f.aut,
				body: "<html></html>", headers: []string{"Content-Type", "text/html"}, status: 415, code: "unsupported_media_type"},
			{name: "import: file over 10 MiB", feature: "reports", method: "POST", path: mainNoms + "/import", token: f.aut,
				body: etCSVHeader + strings.Repeat("x", 10<<20), headers: []string{"Content-Type", "text/csv"}, status: 413, code: "too_large"},
			{name: "reports: participants format", feature: "reports", method: "GET", path: "/v1/events/" + etMain + "/reports/participants?format=doc",
				token: admin, status: 422, code: "validation_failed", fields: []string{"format"}},
			{name: "reports: delegation reads the summary", feature: "reports", method: "GET", path: "/v1/events/" + etMain + "/reports/summary",
				token: f.aut, status: 403, code: "forbidden"},

			{name: "invalid: multipart without photo field", method: "PUT", path: nomPath(etMain, f.autSub, "photo"), token: f.aut,
				body: mpBody, headers: []string{"Content-Type", mpCT}, status: 422, code: "validation_failed", fields: []string{"photo"}},
		}
		state := newETState(f)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.feature != "" && !f.features[c.feature] {
					t.Skipf("this build does not register the %s routes", c.feature)
				}
				defer e.rtBind(t)()
				// Checked even when an assertion below stops the subtest,
				// so that a change is blamed on the request that made it.
				defer func() {
					if diff := state.fetch(etProbes(f, c.path)); diff != "" {
						t.Errorf("the failed request changed the data:\n%s", diff)
					}
				}()
				r := e.call(c.method, c.path, c.token, c.body, c.headers...)
				m := etProblem(t, r, c.status, c.code)
				for _, fld := range c.fields {
					if !slices.Contains(r.fields(), fld) {
						t.Errorf("field errors %v, want %q among them: %s", r.fields(), fld, r.Body)
					}
				}
				for _, row := range c.rows {
					found := false
					for _, fe := range m["errors"].([]any) {
						if fe.(map[string]any)["row"] == float64(row) {
							found = true
						}
					}
					if !found {
						t.Errorf("no field error names row %d: %s", row, r.Body)
					}
				}
				if c.detail != nil && !c.detail.MatchString(fmt.Sprint(m["detail"])) {
					t.Errorf("detail %q does not match %s", m["detail"], c.detail)
				}
			})
		}
	})
}

// etDiff shows where an answer changed.
func etDiff(path, x, y string) string {
	n := 0
	for n < len(x) && n < len(y) && x[n] == y[n] {
		n++
	}
	from := max(0, n-120)
	return fmt.Sprintf("%s\n  before: …%s\n  after:  …%s", path, etCut(x, from, n+120), etCut(y, from, n+120))
}

func etCut(s string, from, to int) string { return s[min(from, len(s)):min(to, len(s))] }

// TestErrorMethodNotAllowed: a known path with a wrong method is 405 with
// Allow, as problem+json.
func TestErrorMethodNotAllowed(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event(etMain)
		for _, c := range []struct{ method, path, allow string }{
			{"DELETE", "/v1/events/" + etMain, "GET"},
			{"PUT", "/v1/me", "GET"},
			{"POST", "/v1/events/" + etMain + "/quotas", "GET"},
		} {
			t.Run(c.method+" "+c.path, func(t *testing.T) {
				defer e.rtBind(t)()
				before := etSmallState(e)
				r := e.call(c.method, c.path, e.admin, map[string]any{})
				etProblem(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
				if !strings.Contains(r.Header.Get("Allow"), c.allow) {
					t.Errorf("Allow %q, want it to name %s", r.Header.Get("Allow"), c.allow)
				}
				if after := etSmallState(e); after != before {
					t.Errorf("405 changed the data:\n%s", etDiff("events and audit", before, after))
				}
			})
		}
	})
}

func etSmallState(e *env) string {
	return string(e.call("GET", "/v1/events?limit=500", e.admin, nil).want(200).Body) +
		string(e.call("GET", "/v1/audit?limit=500", e.admin, nil).want(200).Body)
}

// TestErrorRequestID: X-Request-ID is echoed when sane, generated when
// absent, on successes and on problems alike, and recorded in the audit.
func TestErrorRequestID(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event(etMain)
		hexID := regexp.MustCompile(`^[0-9a-f]{16,}$`)
		for _, c := range []struct {
			name, method, path, token string
			status                    int
		}{
			{"success", "GET", "/v1/events/" + etMain, e.admin, 200},
			{"problem", "GET", "/v1/events/NOPE-2030", e.admin, 404},
			{"unauthorized", "GET", "/v1/me", "", 401},
			{"no route", "GET", "/v1/nothing-here", e.admin, 404},
			{"health", "GET", "/healthz", "", 200},
		} {
			t.Run(c.name, func(t *testing.T) {
				defer e.rtBind(t)()
				r := e.call(c.method, c.path, c.token, nil, "X-Request-ID", "support-ticket-4711").want(c.status)
				if got := r.Header.Get("X-Request-ID"); got != "support-ticket-4711" {
					t.Errorf("X-Request-ID %q, want the one sent", got)
				}
				a := e.call(c.method, c.path, c.token, nil).want(c.status).Header.Get("X-Request-ID")
				b := e.call(c.method, c.path, c.token, nil).want(c.status).Header.Get("X-Request-ID")
				if !hexID.MatchString(a) || !hexID.MatchString(b) || a == b {
					t.Errorf("generated X-Request-IDs %q and %q: want two distinct random ids", a, b)
				}
				// An unusable id (control characters, too long) is replaced.
				long := strings.Repeat("x", 200)
				if got := e.call(c.method, c.path, c.token, nil, "X-Request-ID", long).Header.Get("X-Request-ID"); got == long || got == "" {
					t.Errorf("a 200-character X-Request-ID came back as %q", got)
				}
			})
		}
		t.Run("audit records it", func(t *testing.T) {
			defer e.rtBind(t)()
			aut := e.token("delegation", "AUT", "")
			id := e.call("POST", "/v1/events/"+etMain+"/nominations", aut, person(), "X-Request-ID", "req-from-aut-1").want(201).str("id")
			found := false
			for _, it := range e.call("GET", "/v1/audit?event="+etMain+"&limit=500", e.admin, nil).want(200).json()["items"].([]any) {
				m := it.(map[string]any)
				if m["target_id"] == id && m["request_id"] == "req-from-aut-1" {
					found = true
				}
			}
			if !found {
				t.Errorf("no audit entry for nomination %s with request id req-from-aut-1", id)
			}
		})
	})
}

// TestErrorRegistrationWindowSecretariatExempt: outside the window a
// delegation is refused while the secretariat may nominate late and edit.
func TestErrorRegistrationWindowSecretariatExempt(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		now := time.Now().UTC().Truncate(time.Second)
		aut := e.token("delegation", "AUT", "")
		e.event(etEarly, func(b map[string]any) {
			b["registration_opens_at"] = now.Add(24 * time.Hour).Format(time.RFC3339)
		})
		e.event(etLate, func(b map[string]any) {
			b["registration_closes_at"] = now.Add(-time.Hour).Format(time.RFC3339)
		})
		for _, ev := range []string{etEarly, etLate} {
			e.call("POST", "/v1/events/"+ev+"/nominations", aut, person()).problem(409, "registration_closed")
			id := e.submit(ev, e.admin, person(func(b map[string]any) { b["delegation"] = "AUT" }))
			e.call("PATCH", nomPath(ev, id), e.admin, map[string]any{"function": "Late adviser"}).want(200)
			e.call("PATCH", nomPath(ev, id), aut, map[string]any{"function": "Adviser"}).problem(409, "registration_closed")
			// Withdrawing is not registering: the delegation may still do it.
			e.call("POST", nomPath(ev, id, "withdraw"), aut, map[string]any{"reason": "cannot travel"}).want(200)
		}
		// The window is judged by the server's clock: once it opens, the
		// delegation may submit.
		e.setNow(now.Add(25 * time.Hour))
		e.submit(etEarly, aut, person())
	})
}
