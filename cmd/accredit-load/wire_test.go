package main

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestScanBodyIsTheJSONOfScanBody(t *testing.T) {
	w := &scanWorker{device: "accredit-load-7", rng: rand.New(rand.NewChaCha8(seed()))}
	seen := map[string]bool{}
	uuid4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, code := range []string{"ABCDEF234567", `A"B\C`, "Zoë</script>", ""} {
		var got scanBody
		if err := json.Unmarshal(w.body(code, "MAIN", "in"), &got); err != nil {
			t.Fatalf("%q: %v", code, err)
		}
		if got.Code != code || got.Checkpoint != "MAIN" || got.Direction != "in" || got.Device != "accredit-load-7" {
			t.Fatalf("%q: decoded %+v", code, got)
		}
		if !uuid4.MatchString(got.ScanID) || seen[got.ScanID] {
			t.Fatalf("scan_id %q is not a new version 4 UUID", got.ScanID)
		}
		seen[got.ScanID] = true
	}
}

func TestVerdictOf(t *testing.T) {
	for _, c := range []struct {
		body, result, reason string
		bad                  bool
	}{
		{body: `{"scan_id":"x","result":"accepted","reason":null,"badge":null,"delegate":null,"repeat":false,"scanned_at":"2030-06-10T07:00:00Z"}`, result: "accepted"},
		{body: `{"scan_id":"x","result":"rejected","reason":"invalid_code","badge":null}`, result: "rejected", reason: "invalid_code"},
		// a name that looks like the keys, escaped inside its string
		{body: `{"scan_id":"x","result":"rejected","reason":"revoked","delegate":{"display_name":"\",\"result\":\"accepted"}}`, result: "rejected", reason: "revoked"},
		// another key order: decoded whole
		{body: `{"result":"accepted","scan_id":"x","reason":null}`, result: "accepted"},
		{body: `{"scan_id":"x"}`, bad: true},
		// cut short: not read as a verdict
		{body: `{"scan_id":"x","result":"accepted","reason":null,"badge":{"id":`, bad: true},
		{body: `not json`, bad: true},
	} {
		v, err := verdictOf([]byte(c.body))
		if (err != nil) != c.bad || v.result != c.result || v.reason != c.reason {
			t.Errorf("%s: %+v, %v", c.body, v, err)
		}
	}
}

// FuzzVerdictOf: whenever the quick reading finds a verdict in valid JSON,
// it is the one decoding the whole answer finds.
func FuzzVerdictOf(f *testing.F) {
	f.Add([]byte(`{"scan_id":"x","result":"accepted","reason":null}`))
	f.Add([]byte(`{"scan_id":"x","result":"rejected","reason":"revoked"}`))
	f.Add([]byte(`{"scan_id":"x","result":"rejected","reason":"a\"b"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		v, ok := quickVerdict(body)
		var a scanAnswer
		if !ok || json.Unmarshal(body, &a) != nil {
			return
		}
		if v.result != a.Result || v.reason != a.reason() {
			t.Fatalf("%s: quick %+v, decoded %q %q", body, v, a.Result, a.reason())
		}
	})
}

func TestReadAnswer(t *testing.T) {
	in := "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 7\r\n\r\n{\"a\":1}" +
		"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 2\r\nConnection: close\r\n\r\n{}"
	br := bufio.NewReader(strings.NewReader(in))
	r, closing, err := readAnswer(br)
	if err != nil || r.status != 200 || string(r.body) != `{"a":1}` || closing || !strings.HasPrefix(r.ctype, "application/json") {
		t.Fatalf("first: %+v %v %v", r, closing, err)
	}
	r, closing, err = readAnswer(br)
	if err != nil || r.status != 503 || string(r.body) != `{}` || !closing {
		t.Fatalf("second: %+v %v %v", r, closing, err)
	}
	// net/http's own answer to a bad request: read to the end.
	r, closing, err = readAnswer(bufio.NewReader(strings.NewReader("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request")))
	if err != nil || r.status != 400 || string(r.body) != "400 Bad Request" || !closing {
		t.Fatalf("bad request answer: %+v %v %v", r, closing, err)
	}
	for _, bad := range []string{
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\n\r\n{}",
		"SSH-2.0-OpenSSH\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}",
	} {
		if _, _, err := readAnswer(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("%q: read without error", bad)
		}
	}
}

// TestWireGetter: the qr scenario's GETs reach net/http as well-formed
// requests with the token, on one kept-alive connection.
func TestWireGetter(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "GET" || r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "bad request head", 400)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte(r.URL.Path))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	w := newWireGetter(srv.URL+"/base", "tok", 5*time.Second)
	defer w.close()
	for _, p := range []string{"/v1/events/E/badges/1/qr.png", "/v1/events/E/badges/2/qr.png"} {
		r, _, err := w.get(p)
		if err != nil || r.status != 200 || string(r.body) != "/base"+p || r.ctype != "image/png" {
			t.Fatalf("%s: %+v %v", p, r, err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections, want 1 kept alive", n)
	}
	if newWireGetter("https://127.0.0.1:1", "tok", time.Second) != nil {
		t.Fatal("https must use the shared client")
	}
}
