package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/storage"
	"github.com/osce/accredit/storage/storagetest"
)

const testAdmin = "cli-test-admin-token-0123456789"

// TestMain sets Gin's mode as main does: the tests call run, not main.
func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(m.Run())
}

// envMap turns a map into a getenv.
func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// runCmd runs the program and returns its stdout and stderr.
func runCmd(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, envMap(env), &out, &errOut)
	return out.String(), errOut.String(), err
}

// dbEnvs lists the configurations of this run: the embedded SQLite default
// (empty ACCREDIT_DATABASE_URL) always, a fresh PostgreSQL schema when
// ACCREDIT_TEST_DATABASE_URL is set.
func dbEnvs(t *testing.T) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, d := range storagetest.Dialects() {
		env := map[string]string{"ACCREDIT_DATA_DIR": t.TempDir()}
		if d == storage.Postgres {
			env["ACCREDIT_DATABASE_URL"] = storagetest.URL(t, storage.Postgres)
		}
		out[d] = env
	}
	return out
}

func TestVersionAndHelp(t *testing.T) {
	out, _, err := runCmd(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "accredit ") || strings.TrimSpace(out) == "accredit" {
		t.Fatalf("version: %q %v", out, err)
	}
	out, _, err = runCmd(t, nil, "help")
	if err != nil {
		t.Fatalf("help: %v", err)
	}
	for _, cmd := range []string{"serve", "migrate", "token create", "token list", "token revoke", "purge", "version", "help",
		"ACCREDIT_ADDR", "ACCREDIT_DATABASE_URL", "ACCREDIT_DATA_DIR", "ACCREDIT_ADMIN_TOKEN", "ACCREDIT_SIGNING_KEY", "ACCREDIT_METRICS"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("help does not mention %q", cmd)
		}
	}
	if _, stderr, err := runCmd(t, nil); err == nil || !strings.Contains(stderr, "serve") {
		t.Fatalf("no command: err %v, usage on stderr %q", err, stderr)
	}
	if _, _, err := runCmd(t, nil, "frobnicate"); err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("unknown command: %v", err)
	}
}

// TestShortAdminToken: an ACCREDIT_ADMIN_TOKEN under 24 characters stops
// serve with an error before it listens.
func TestShortAdminToken(t *testing.T) {
	env := map[string]string{"ACCREDIT_DATA_DIR": t.TempDir(), "ACCREDIT_ADDR": "127.0.0.1:0", "ACCREDIT_ADMIN_TOKEN": "only-23-characters-long"}
	logs := newLogSink()
	err := run(context.Background(), []string{"serve"}, envMap(env), io.Discard, logs)
	if err == nil || !strings.Contains(err.Error(), "24") {
		t.Fatalf("serve with a 23-character admin token: %v, want an error naming the 24-character minimum", err)
	}
	if logs.find(func(l map[string]any) bool { return l["msg"] == "listening" }) != nil {
		t.Fatal("serve listened despite the short token")
	}
	env["ACCREDIT_ADMIN_TOKEN"] = "exactly-24-characters-ok"
	if _, _, err := runCmd(t, env, "migrate"); err != nil {
		t.Fatalf("a 24-character token is long enough: %v", err)
	}
}

// TestMigrate applies the migrations to a fresh database and lists them.
func TestMigrate(t *testing.T) {
	for dialect, env := range dbEnvs(t) {
		t.Run(dialect, func(t *testing.T) {
			out, _, err := runCmd(t, env, "migrate")
			if err != nil {
				t.Fatalf("migrate: %v", err)
			}
			m := regexp.MustCompile(`applied (\d+) migration\(s\) on (\w+)`).FindStringSubmatch(out)
			if m == nil || m[1] == "0" || m[2] != dialect {
				t.Fatalf("first migrate: %q", out)
			}
			applied := m[1]
			if dialect == storage.SQLite {
				if _, err := os.Stat(filepath.Join(env["ACCREDIT_DATA_DIR"], "accredit.db")); err != nil {
					t.Fatalf("the embedded default is not data_dir/accredit.db: %v", err)
				}
			}
			out, _, err = runCmd(t, env, "migrate", "status")
			if err != nil {
				t.Fatalf("migrate status: %v", err)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if fmt.Sprint(len(lines)) != applied {
				t.Fatalf("status lists %d migrations, %s were applied: %q", len(lines), applied, out)
			}
			for i, l := range lines {
				if !strings.HasPrefix(l, fmt.Sprintf("%05d", i+1)) || !strings.Contains(l, "applied") || strings.Contains(l, "pending") {
					t.Fatalf("status line %d: %q", i, l)
				}
			}
			out, _, err = runCmd(t, env, "migrate")
			if err != nil || !strings.Contains(out, "applied 0 migration(s)") {
				t.Fatalf("second migrate: %q %v", out, err)
			}
		})
	}
}

var (
	reTokenID     = regexp.MustCompile(`(?m)^id:\s+(\S+)$`)
	reTokenSecret = regexp.MustCompile(`(?m)^token:\s+(\S+)$`)
)

// TestTokenCommands: create prints the secret once, list never shows it,
// revoke marks it revoked.
func TestTokenCommands(t *testing.T) {
	for dialect, env := range dbEnvs(t) {
		t.Run(dialect, func(t *testing.T) {
			out, _, err := runCmd(t, env, "token", "create", "--role", "delegation", "--delegation", "AUT", "--name", "x")
			if err != nil {
				t.Fatalf("token create: %v", err)
			}
			id, secret := submatch(reTokenID, out), submatch(reTokenSecret, out)
			if id == "" || len(secret) < 43 { // 32 bytes of entropy are ≥ 43 base64 or 52 base32 characters
				t.Fatalf("token create printed %q", out)
			}
			out2, _, err := runCmd(t, env, "token", "create", "--role", "security", "--name", "door")
			if err != nil {
				t.Fatal(err)
			}
			id2, secret2 := submatch(reTokenID, out2), submatch(reTokenSecret, out2)
			if secret2 == "" || secret2 == secret || id2 == id {
				t.Fatalf("second token is not new: %q", out2)
			}

			list, _, err := runCmd(t, env, "token", "list")
			if err != nil {
				t.Fatalf("token list: %v", err)
			}
			if !strings.Contains(list, id) || !strings.Contains(list, id2) || !strings.Contains(list, "AUT") {
				t.Fatalf("token list does not show the tokens: %q", list)
			}
			if strings.Contains(list, secret) || strings.Contains(list, secret2) {
				t.Fatalf("token list shows a secret: %q", list)
			}
			if line := lineWith(list, id); !strings.HasSuffix(strings.TrimSpace(line), "-") {
				t.Fatalf("fresh token listed as revoked: %q", line)
			}

			out, _, err = runCmd(t, env, "token", "revoke", id)
			if err != nil || !strings.Contains(out, id) {
				t.Fatalf("token revoke: %q %v", out, err)
			}
			list, _, _ = runCmd(t, env, "token", "list")
			if line := lineWith(list, id); !regexp.MustCompile(`\d{4}-\d\d-\d\dT[\d:]+Z\s*$`).MatchString(line) {
				t.Fatalf("revoked token not shown as revoked: %q", line)
			}
			if line := lineWith(list, id2); !strings.HasSuffix(strings.TrimSpace(line), "-") {
				t.Fatalf("the other token was revoked too: %q", line)
			}

			// Refusals.
			for _, args := range [][]string{
				{"token", "create", "--role", "delegation", "--name", "no delegation"},
				{"token", "create", "--role", "security", "--delegation", "AUT", "--name", "bad binding"},
				{"token", "create", "--role", "emperor", "--name", "bad role"},
				{"token", "create", "--role", "delegation", "--delegation", "XXX", "--name", "unknown delegation"},
				{"token", "revoke", "00000000-0000-7000-8000-000000000000"},
				{"token", "revoke"},
				{"token"},
			} {
				if out, _, err := runCmd(t, env, args...); err == nil {
					t.Errorf("%v succeeded: %q", args, out)
				}
			}
		})
	}
}

func submatch(re *regexp.Regexp, s string) string {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// logSink collects serve's JSON log lines; it is safe for concurrent use
// and lets a test wait for a line.
type logSink struct {
	mu      sync.Mutex
	partial []byte
	lines   []map[string]any
	raw     []string
	changed chan struct{}
}

func newLogSink() *logSink { return &logSink{changed: make(chan struct{})} }

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partial = append(s.partial, p...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			break
		}
		line := string(s.partial[:i])
		s.partial = s.partial[i+1:]
		s.raw = append(s.raw, line)
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			s.lines = append(s.lines, m)
		} else {
			s.lines = append(s.lines, map[string]any{"unparsed": line})
		}
	}
	close(s.changed)
	s.changed = make(chan struct{})
	return len(p), nil
}

func (s *logSink) find(match func(map[string]any) bool) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.lines {
		if match(l) {
			return l
		}
	}
	return nil
}

func (s *logSink) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.raw, "\n")
}

// waitFor returns the first line that matches, waiting for it; it fails
// when serve ends first or nothing comes within a generous bound.
func (s *logSink) waitFor(t *testing.T, what string, done <-chan error, match func(map[string]any) bool) map[string]any {
	t.Helper()
	bound := time.After(60 * time.Second)
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if l := s.find(match); l != nil {
			return l
		}
		select {
		case <-ch:
		case err := <-done:
			t.Fatalf("serve ended (%v) before logging %s; log:\n%s", err, what, s.text())
		case <-bound:
			t.Fatalf("no %s in the log:\n%s", what, s.text())
		}
	}
}

func msgIs(msg string) func(map[string]any) bool {
	return func(l map[string]any) bool { return l["msg"] == msg }
}

func get(t *testing.T, url, token string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func postJSON(t *testing.T, url, token string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

// TestServe runs `serve` on a free port: health, readiness, metrics and
// request ids; a token made with the CLI meanwhile works and stops working
// when revoked; cancelling the context shuts it down gracefully, letting a
// request that is in flight at that moment finish and commit.
func TestServe(t *testing.T) {
	for dialect, env := range dbEnvs(t) {
		t.Run(dialect, func(t *testing.T) {
			env["ACCREDIT_ADDR"] = "127.0.0.1:0"
			env["ACCREDIT_ADMIN_TOKEN"] = testAdmin
			logs := newLogSink()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- run(ctx, []string{"serve"}, envMap(env), io.Discard, logs) }()
			listening := logs.waitFor(t, "listening", done, msgIs("listening"))
			addr, _ := listening["addr"].(string)
			if _, port, err := net.SplitHostPort(addr); err != nil || port == "0" {
				t.Fatalf("listening line without a real address: %v", listening)
			}
			base := "http://" + addr

			res, body := get(t, base+"/healthz", "")
			if res.StatusCode != 200 {
				t.Fatalf("/healthz: %d %s", res.StatusCode, body)
			}
			res, body = get(t, base+"/readyz", "")
			if res.StatusCode != 200 {
				t.Fatalf("/readyz: %d %s", res.StatusCode, body)
			}
			res, _ = get(t, base+"/v1/me", "")
			if res.StatusCode != 401 {
				t.Fatalf("/v1/me without a token: %d", res.StatusCode)
			}
			res, body = get(t, base+"/v1/me", testAdmin)
			if res.StatusCode != 200 || !strings.Contains(string(body), `"secretariat"`) {
				t.Fatalf("/v1/me with the bootstrap token: %d %s", res.StatusCode, body)
			}

			// Request ids: echoed when given, generated when not, logged.
			res, _ = get(t, base+"/healthz", "", "X-Request-ID", "support-case-4711")
			if got := res.Header.Get("X-Request-ID"); got != "support-case-4711" {
				t.Fatalf("X-Request-ID echoed as %q", got)
			}
			res, _ = get(t, base+"/healthz", "")
			if res.Header.Get("X-Request-ID") == "" {
				t.Fatal("no X-Request-ID generated")
			}
			logs.waitFor(t, "a request line with the given request id", done, func(l map[string]any) bool {
				return l["request_id"] == "support-case-4711"
			})

			res, body = get(t, base+"/metrics", "")
			if res.StatusCode != 200 || !strings.Contains(string(body), "accredit_http_requests_total") ||
				!strings.Contains(string(body), "accredit_nominations") {
				t.Fatalf("/metrics: %d, missing accredit_http_requests_total or accredit_nominations:\n%.2000s", res.StatusCode, body)
			}

			// A token made with the CLI while serve runs works at once, and
			// stops working once revoked.
			out, _, err := runCmd(t, env, "token", "create", "--role", "delegation", "--delegation", "AUT", "--name", "x")
			if err != nil {
				t.Fatalf("token create beside serve: %v", err)
			}
			id, secret := submatch(reTokenID, out), submatch(reTokenSecret, out)
			res, body = get(t, base+"/v1/me", secret)
			if res.StatusCode != 200 || !strings.Contains(string(body), `"AUT"`) {
				t.Fatalf("/v1/me with the CLI token: %d %s", res.StatusCode, body)
			}
			if _, _, err := runCmd(t, env, "token", "revoke", id); err != nil {
				t.Fatal(err)
			}
			if res, _ = get(t, base+"/v1/me", secret); res.StatusCode != 401 {
				t.Fatalf("/v1/me with a revoked token: %d", res.StatusCode)
			}

			status, ev := postJSON(t, base+"/v1/events", testAdmin, map[string]any{
				"code": "SRV-2030", "title": "Serve test", "venue": "Hofburg", "timezone": "Europe/Vienna",
				"starts_on": "2030-06-10", "ends_on": "2030-06-11", "format": "hybrid", "status": "open",
				"invited_kinds": []string{"participating_state"},
			})
			if status != 201 {
				t.Fatalf("create event: %d %v", status, ev)
			}

			// Graceful shutdown with a request in flight: the nomination's
			// body is held back until serve has begun shutting down and
			// closed its listener, then sent; the request must still
			// complete and its write must be there afterwards.
			nomination := map[string]any{"delegation": "AUT", "given_name": "Inge", "family_name": "Inflight",
				"gender": "female", "email": "inge.inflight@example.org", "category": "delegate", "mode": "online"}
			pr, pw := io.Pipe()
			req, _ := http.NewRequest("POST", base+"/v1/events/SRV-2030/nominations", pr)
			req.Header.Set("Authorization", "Bearer "+testAdmin)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Expect", "100-continue")
			handlerReading := make(chan struct{})
			var once sync.Once
			req = req.WithContext(httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
				Got100Continue: func() { once.Do(func() { close(handlerReading) }) },
			}))
			type answer struct {
				status int
				body   []byte
				err    error
			}
			answered := make(chan answer, 1)
			client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Minute}}
			go func() {
				res, err := client.Do(req)
				if err != nil {
					answered <- answer{err: err}
					return
				}
				defer res.Body.Close()
				b, err := io.ReadAll(res.Body)
				answered <- answer{status: res.StatusCode, body: b, err: err}
			}()
			// 100 Continue comes when the handler starts reading the body:
			// the request is in flight.
			select {
			case <-handlerReading:
			case a := <-answered:
				t.Fatalf("the slow request was answered early: %d %s %v", a.status, a.body, a.err)
			case <-time.After(60 * time.Second):
				t.Fatal("no 100 Continue")
			}
			cancel()
			logs.waitFor(t, "shutting down", done, msgIs("shutting down"))
			waitRefused(t, addr)
			select {
			case err := <-done:
				t.Fatalf("serve returned (%v) while a request was in flight", err)
			default:
			}
			b, _ := json.Marshal(nomination)
			if _, err := pw.Write(b); err != nil {
				t.Fatalf("sending the held-back body: %v", err)
			}
			pw.Close()
			a := <-answered
			if a.err != nil || a.status != 201 {
				t.Fatalf("in-flight request during shutdown: %d %s %v", a.status, a.body, a.err)
			}
			var created map[string]any
			_ = json.Unmarshal(a.body, &created)

			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve after cancel: %v, want nil (graceful shutdown)", err)
				}
			case <-time.After(60 * time.Second):
				t.Fatal("serve did not return after cancel")
			}
			if logs.find(msgIs("stopped")) == nil {
				t.Errorf("no 'stopped' line after shutdown:\n%s", logs.text())
			}

			// The acknowledged write is in the database.
			store, err := storage.Open(storage.Config{URL: env["ACCREDIT_DATABASE_URL"], DataDir: env["ACCREDIT_DATA_DIR"]})
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			n, err := store.Nomination(context.Background(), "SRV-2030", fmt.Sprint(created["id"]))
			if err != nil || n.FamilyName != "Inflight" {
				t.Fatalf("the nomination acknowledged during shutdown is not stored: %v %v", n, err)
			}
			// Personal data stays out of the log.
			if strings.Contains(logs.text(), "inge.inflight@example.org") || strings.Contains(logs.text(), secret) ||
				strings.Contains(logs.text(), testAdmin) {
				t.Error("the log holds personal data or a token secret")
			}
		})
	}
}

// waitRefused waits until nothing accepts connections on addr any more.
func waitRefused(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s still accepts connections after shutdown began", addr)
}

// TestServeMetricsOff: ACCREDIT_METRICS=off removes /metrics.
func TestServeMetricsOff(t *testing.T) {
	env := map[string]string{"ACCREDIT_DATA_DIR": t.TempDir(), "ACCREDIT_ADDR": "127.0.0.1:0", "ACCREDIT_METRICS": "off"}
	logs := newLogSink()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, envMap(env), io.Discard, logs) }()
	addr, _ := logs.waitFor(t, "listening", done, msgIs("listening"))["addr"].(string)
	res, _ := get(t, "http://"+addr+"/metrics", "")
	if res.StatusCode != 404 {
		t.Errorf("/metrics with ACCREDIT_METRICS=off: %d, want 404", res.StatusCode)
	}
	if res, _ := get(t, "http://"+addr+"/healthz", ""); res.StatusCode != 200 {
		t.Errorf("/healthz: %d", res.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after cancel: %v", err)
	}
}
