package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/osce/accredit/api"
	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
	"github.com/osce/accredit/storage/storagetest"
)

// Benchmarks of the hot paths through the full HTTP stack (loopback HTTP,
// Gin, auth, JSON, domain, SQLite): a scan at the door, an offline batch
// of 100 and a nomination submitted. They run only with -bench:
//
//	go test -run '^$' -bench 'Scan|Submit' -benchtime 2s ./api/
//
// Helpers are prefixed bn; env (which needs a *testing.T) is not used.

// bnServer is one accredit instance on a fresh SQLite file.
type bnServer struct {
	tb     testing.TB
	srv    *httptest.Server
	client *http.Client
	admin  string
}

func bnStart(tb testing.TB) *bnServer {
	tb.Helper()
	store := storagetest.Open(tb, storagetest.Migrated(tb, storage.SQLite))
	svc := domain.NewService(store)
	svc.Codes = testCodec
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv := httptest.NewServer(api.New(svc, api.Options{Logger: log, Metrics: true}).Handler())
	tb.Cleanup(srv.Close)
	s := &bnServer{tb: tb, srv: srv, client: srv.Client(), admin: "bench-admin-token-0123456789abcdef"}
	if err := svc.EnsureToken(context.Background(), "bench admin", s.admin); err != nil {
		tb.Fatal(err)
	}
	return s
}

// do sends a request and returns the status and body; body is JSON unless
// it is already []byte with a content type given.
func (s *bnServer) do(method, path, token string, body any, contentType string) (int, []byte) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			s.tb.Fatal(err)
		}
		rd = bytes.NewReader(j)
		contentType = "application/json"
	}
	req, err := http.NewRequest(method, s.srv.URL+path, rd)
	if err != nil {
		s.tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := s.client.Do(req)
	if err != nil {
		s.tb.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		s.tb.Fatal(err)
	}
	return res.StatusCode, out
}

// must fails unless the status is want, and decodes a JSON object.
func (s *bnServer) must(want int, method, path, token string, body any, contentType string) map[string]any {
	s.tb.Helper()
	status, out := s.do(method, path, token, body, contentType)
	if status != want {
		s.tb.Fatalf("%s %s: %d, want %d: %s", method, path, status, want, out)
	}
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	return m
}

const bnEvent = "BENCH-2030"

// bnSetup: one open event without quotas (unlimited), anti-passback off,
// badges valid now, a checkpoint both ways, and badges approved badges.
// It returns the badges' codes and a security token.
func bnSetup(tb testing.TB, n int) (*bnServer, []string, string) {
	tb.Helper()
	s := bnStart(tb)
	ev := eventBody(bnEvent, func(b map[string]any) {
		delete(b, "quotas")
		b["anti_passback"] = false
		b["badges_valid_from"] = "2020-01-01T00:00:00Z"
		b["badges_valid_until"] = "2040-01-01T00:00:00Z"
	})
	s.must(201, "POST", "/v1/events", s.admin, ev, "")
	s.must(201, "POST", "/v1/events/"+bnEvent+"/checkpoints", s.admin,
		map[string]any{"code": "MAIN", "name": "Hofburg, Heldenplatz entrance", "direction": "both"}, "")
	photo := jpegBytes(tb, 210, 270)
	delegations := []string{"AUT", "DEU", "FRA", "ITA", "POL", "ESP", "SWE", "CHE"}
	codes := make([]string, 0, n)
	for i := 0; i < n; i++ {
		body := person(func(b map[string]any) { b["delegation"] = delegations[i%len(delegations)] })
		nom := s.must(201, "POST", "/v1/events/"+bnEvent+"/nominations", s.admin, body, "")
		id := nom["id"].(string)
		s.must(200, "PUT", nomPath(bnEvent, id, "photo"), s.admin, photo, "image/jpeg")
		approved := s.must(200, "POST", nomPath(bnEvent, id, "approve"), s.admin, nil, "")
		badgeID := approved["badge"].(map[string]any)["id"].(string)
		b := s.must(200, "GET", "/v1/events/"+bnEvent+"/badges/"+badgeID, s.admin, nil, "")
		codes = append(codes, b["code"].(string))
	}
	tok := s.must(201, "POST", "/v1/tokens", s.admin, map[string]any{"name": "bench guard", "role": "security", "event": bnEvent}, "")
	return s, codes, tok["token"].(string)
}

var bnAccepted = []byte(`"result":"accepted"`)

// BenchmarkScanSQLite is one online scan at the door: ~200 badges, each
// scanned in and then out, round robin.
func BenchmarkScanSQLite(b *testing.B) {
	s, codes, guard := bnSetup(b, 200)
	path := "/v1/events/" + bnEvent + "/scans"
	dirs := [2]string{"in", "out"}
	i := 0
	for b.Loop() {
		code := codes[(i/2)%len(codes)]
		body, _ := json.Marshal(map[string]any{"code": code, "checkpoint": "MAIN", "direction": dirs[i%2], "scan_id": uuid.NewString()})
		status, out := s.do("POST", path, guard, body, "application/json")
		if status != 200 || !bytes.Contains(out, bnAccepted) {
			b.Fatalf("scan %d: %d %s", i, status, out)
		}
		i++
	}
}

// BenchmarkScanBatch100SQLite is an offline device coming back online
// with 100 scans (50 badges in and out).
func BenchmarkScanBatch100SQLite(b *testing.B) {
	s, codes, guard := bnSetup(b, 200)
	path := "/v1/events/" + bnEvent + "/scans/batch"
	dirs := [2]string{"in", "out"}
	// Device times in the past, as an offline device's are: a time ahead
	// of the server's would be judged at arrival instead.
	at := time.Now().UTC().AddDate(0, 0, -30).Truncate(time.Second)
	scans := make([]map[string]any, 100)
	n, ops := 0, 0
	for b.Loop() {
		for j := range scans {
			at = at.Add(time.Second)
			scans[j] = map[string]any{"code": codes[(n/2)%len(codes)], "checkpoint": "MAIN", "direction": dirs[n%2],
				"scan_id": uuid.NewString(), "scanned_at": at.Format(time.RFC3339), "device_result": "accepted", "device": "gate-3"}
			n++
		}
		body, _ := json.Marshal(map[string]any{"scans": scans})
		status, out := s.do("POST", path, guard, body, "application/json")
		if status != 200 || bytes.Count(out, bnAccepted) != len(scans) {
			b.Fatalf("batch %d: %d %.300s", ops, status, out)
		}
		ops++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(n, 1))/1e6, "ms/scan")
}

// BenchmarkSubmitSQLite is one nomination submitted by the secretariat
// (quota, duplicate and head checks, audit) into an event without quotas.
func BenchmarkSubmitSQLite(b *testing.B) {
	s, _, _ := bnSetup(b, 0)
	path := "/v1/events/" + bnEvent + "/nominations"
	delegations := []string{"AUT", "DEU", "FRA", "ITA", "POL", "ESP", "SWE", "CHE"}
	i := 0
	for b.Loop() {
		body, _ := json.Marshal(person(func(m map[string]any) { m["delegation"] = delegations[i%len(delegations)] }))
		if status, out := s.do("POST", path, s.admin, body, "application/json"); status != 201 {
			b.Fatalf("submit %d: %d %s", i, status, out)
		}
		i++
	}
}

// TestBenchSetup keeps the benchmark helpers honest in a normal test run: the
// set-up works and a scan through it is accepted.
func TestBenchSetup(t *testing.T) {
	s, codes, guard := bnSetup(t, 3)
	if len(codes) != 3 {
		t.Fatalf("%d codes", len(codes))
	}
	for _, dir := range []string{"in", "in", "out"} {
		r := s.must(200, "POST", "/v1/events/"+bnEvent+"/scans", guard, map[string]any{"code": codes[0], "checkpoint": "MAIN", "direction": dir}, "")
		if r["result"] != "accepted" {
			t.Fatalf("%s: %v", dir, r)
		}
	}
}

// BenchmarkPhotoThumbSQLite is a door device fetching the roster's
// thumbnails, as a security token: the first fetch of each makes it from
// a stored 900×1200 photo (reported as ms/made), every later one reads
// the stored thumbnail.
func BenchmarkPhotoThumbSQLite(b *testing.B) {
	s, _, guard := bnSetup(b, 0)
	s.must(200, "PATCH", "/v1/events/"+bnEvent, s.admin, map[string]any{"offline_roster": true}, "")
	photo := jpegBytes(b, 900, 1200)
	var urls []string
	for range 20 {
		nom := s.must(201, "POST", "/v1/events/"+bnEvent+"/nominations", s.admin, person(func(m map[string]any) { m["delegation"] = "AUT" }), "")
		id := nom["id"].(string)
		s.must(200, "PUT", nomPath(bnEvent, id, "photo"), s.admin, photo, "image/jpeg")
		s.must(200, "POST", nomPath(bnEvent, id, "approve"), s.admin, nil, "")
		urls = append(urls, nomPath(bnEvent, id, "photo")+"?size=thumb")
	}
	start := time.Now()
	for _, u := range urls {
		if status, out := s.do("GET", u, guard, nil, ""); status != 200 {
			b.Fatalf("%s: %d %s", u, status, out)
		}
	}
	made := time.Since(start)
	i := 0
	for b.Loop() {
		if status, _ := s.do("GET", urls[i%len(urls)], guard, nil, ""); status != 200 {
			b.Fatalf("thumb %d: %d", i, status)
		}
		i++
	}
	b.ReportMetric(float64(made.Microseconds())/float64(len(urls))/1000, "ms/made")
}
