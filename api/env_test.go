package api_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osce/accredit/api"
	"github.com/osce/accredit/badges"
	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
	"github.com/osce/accredit/storage/storagetest"
)

// env is one accredit server on a fresh database, reached over real HTTP
// on loopback, with a secretariat token ready.
type env struct {
	t       *testing.T
	dialect string
	url     string // database URL, for a second instance on the same data
	store   *storage.Store
	svc     *domain.Service
	srv     *httptest.Server
	admin   string
	clock   atomic.Pointer[time.Time] // nil: real time
}

// testSigner signs every test's badges; one key for the whole run.
var testSigner = func() *badges.Signer {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		panic(err)
	}
	return badges.NewSigner(priv)
}()

var testCodec = badges.NewCodec(testSigner, badges.NewKeyring(testSigner.Public()))

// eachDB runs fn once per database of this test run, on a database of
// its own, beside the other tests (t.Parallel): the suite waits on
// commits far more than it computes.
func eachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Parallel()
	for _, d := range storagetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, d))
		})
	}
}

// eachDBAlone is eachDB for the tests that measure the process (its
// allocations, its CPU): they run one database after the other, and
// before the parallel tests start, so that nothing else is counted.
func eachDBAlone(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, d := range storagetest.Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, newEnv(t, d)) })
	}
}

func newEnv(t *testing.T, dialect string) *env {
	t.Helper()
	url := storagetest.Migrated(t, dialect)
	return newEnvOn(t, dialect, url)
}

// newEnvOn starts an instance on an existing database: two of them on one
// URL behave like two server processes behind a load balancer.
func newEnvOn(t *testing.T, dialect, url string) *env {
	t.Helper()
	e := &env{t: t, dialect: dialect, url: url}
	e.store = storagetest.Open(t, url)
	e.svc = domain.NewService(e.store)
	// Before the store closes (cleanups run last first): the tokens'
	// last_seen_at writes still under way.
	t.Cleanup(func() { _ = e.svc.WaitSeen(context.Background()) })
	e.svc.Codes = testCodec
	now := func() time.Time {
		if p := e.clock.Load(); p != nil {
			return *p
		}
		return time.Now().UTC()
	}
	e.svc.Now = now
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	e.srv = httptest.NewServer(api.New(e.svc, api.Options{Logger: log, Metrics: true, Now: now, BadCredentialLimit: -1}).Handler())
	t.Cleanup(e.srv.Close)
	checkContract(t, e.srv) // every exchange is held to api/openapi.yaml
	e.admin = "test-admin-token-0123456789abcdef"
	if err := e.svc.EnsureToken(context.Background(), "test admin", e.admin); err != nil {
		t.Fatal(err)
	}
	return e
}

// withoutLastSeen drops tokens' last_seen_at from an answer, for tests
// that compare answers before and after a refused request: the time a
// token was last used is written off the request's path, so an earlier
// request's note may land between the two reads.
func withoutLastSeen(body string) string { return lastSeenField.ReplaceAllString(body, "") }

var lastSeenField = regexp.MustCompile(`,?"last_seen_at":(null|"[^"]*")`)

// setNow freezes the server's clock.
func (e *env) setNow(t time.Time) { t = t.UTC(); e.clock.Store(&t) }

// resp is an answer with helpers to read it.
type resp struct {
	t      *testing.T
	Status int
	Header http.Header
	Body   []byte
}

func (r *resp) json() map[string]any {
	r.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		r.t.Fatalf("not a JSON object (%d): %s", r.Status, r.Body)
	}
	return m
}

func (r *resp) str(key string) string {
	r.t.Helper()
	v, _ := r.json()[key].(string)
	return v
}

// want fails the test unless the status matches.
func (r *resp) want(status int) *resp {
	r.t.Helper()
	if r.Status != status {
		r.t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

// problem asserts a problem+json answer with the given status and code.
func (r *resp) problem(status int, code string) map[string]any {
	r.t.Helper()
	if r.Status != status {
		r.t.Fatalf("status %d, want %d (%s): %s", r.Status, status, code, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		r.t.Fatalf("content type %q, want application/problem+json", ct)
	}
	m := r.json()
	if m["code"] != code {
		r.t.Fatalf("code %v, want %s: %s", m["code"], code, r.Body)
	}
	return m
}

// fields lists the field paths of a validation problem.
func (r *resp) fields() []string {
	var out []string
	errs, _ := r.json()["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any)["field"].(string))
	}
	return out
}

// call sends a request; body may be nil, a string/[]byte (sent as is) or
// any value (sent as JSON).
func (e *env) call(method, path, token string, body any, headers ...string) *resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return &resp{t: e.t, Status: res.StatusCode, Header: res.Header, Body: b}
}

// token creates a token through the API and returns its secret.
func (e *env) token(role, delegation, event string) string {
	e.t.Helper()
	body := map[string]any{"name": role + " " + delegation + event, "role": role}
	if delegation != "" {
		body["delegation"] = delegation
	}
	if event != "" {
		body["event"] = event
	}
	return e.call("POST", "/v1/tokens", e.admin, body).want(201).str("token")
}

// eventBody is an open hybrid event at the Hofburg inviting States and
// Partners, with room for the test to change what it needs.
func eventBody(code string, change ...func(map[string]any)) map[string]any {
	b := map[string]any{
		"code": code, "title": "Annual Police Experts Meeting", "venue": "Hofburg, Vienna",
		"timezone": "Europe/Vienna", "starts_on": "2030-06-10", "ends_on": "2030-06-11", "format": "hybrid",
		"status": "open", "invited_kinds": []string{"participating_state", "partner"},
		"quotas": map[string]any{"participating_state": map[string]any{"in_person": 3, "online": 5}},
	}
	for _, c := range change {
		c(b)
	}
	return b
}

func (e *env) event(code string, change ...func(map[string]any)) {
	e.t.Helper()
	e.call("POST", "/v1/events", e.admin, eventBody(code, change...)).want(201)
}

var personSeq atomic.Int64

// person is a valid in-person nomination of a new, unique person.
func person(change ...func(map[string]any)) map[string]any {
	n := personSeq.Add(1)
	b := map[string]any{
		"honorific": "Ms.", "given_name": "Anna", "family_name": fmt.Sprintf("Gruber-%d", n), "gender": "female",
		"function": "Police Attaché", "organization": "Federal Ministry of the Interior",
		"nationality": "AUT", "email": fmt.Sprintf("anna.%d@example.org", n), "date_of_birth": "1980-05-17",
		"document": map[string]any{"type": "passport", "number": fmt.Sprintf("P%07d", n), "expires_on": "2031-01-01"},
		"category": "delegate", "mode": "in_person",
	}
	for _, c := range change {
		c(b)
	}
	return b
}

func online(b map[string]any) {
	b["mode"] = "online"
	delete(b, "document")
	delete(b, "date_of_birth")
	delete(b, "nationality")
}

func head(b map[string]any) { b["category"] = "head_of_delegation" }

// submit nominates a person and returns the nomination's id.
func (e *env) submit(event, token string, body map[string]any) string {
	e.t.Helper()
	return e.call("POST", "/v1/events/"+event+"/nominations", token, body).want(201).str("id")
}

func nomPath(event, id string, rest ...string) string {
	p := "/v1/events/" + event + "/nominations/" + id
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// jpegBytes is a small real JPEG.
func jpegBytes(t testing.TB, w, h int) []byte {
	if b, ok := jpegMade.Load([2]int{w, h}); ok {
		return b.([]byte)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	jpegMade.Store([2]int{w, h}, b.Bytes())
	return b.Bytes()
}

// jpegMade holds the photos jpegBytes made, by size: hundreds of tests
// upload the same one, and nothing writes into a request's body.
var jpegMade sync.Map

// photo uploads a photo so that the nomination can be approved in person.
func (e *env) photo(event, token, id string) {
	e.t.Helper()
	e.call("PUT", nomPath(event, id, "photo"), token, jpegBytes(e.t, 210, 270), "Content-Type", "image/jpeg").want(200)
}

// approved submits, adds a photo and approves: an in-person delegate with
// a badge.
func (e *env) approved(event, token string, body map[string]any) string {
	e.t.Helper()
	id := e.submit(event, token, body)
	if body["mode"] == "in_person" {
		e.photo(event, token, id)
	}
	e.call("POST", nomPath(event, id, "approve"), e.admin, nil).want(200)
	return id
}
