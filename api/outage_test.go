package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/osce/accredit/api"
	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
	"github.com/osce/accredit/storage/storagetest"
)

// This file proves 503 unavailable (api/openapi.yaml, Errors) and the retries it invites
// (Idempotency-Key, scan_id): a database out of reach, or gone
// before the outcome of a write was known, is 503 with Retry-After, never
// 500; a retry gets the recorded answer if the first attempt committed,
// and is judged afresh if it did not; an Idempotency-Key is never held by
// a request that is no longer running. PostgreSQL is cut off for real
// through a TCP proxy; on both databases a store wrapper loses a commit's
// answer. Helpers are prefixed ot.

// otStore wraps a real store and fails on demand as an outage would.
type otStore struct {
	domain.Store
	lostCommit   atomic.Bool // next transaction commits, then its answer is lost
	failedCommit atomic.Bool // next transaction rolls back: the connection dropped before COMMIT
	lostScan     atomic.Bool // next scan write is made, then its answer is lost
	held         chan struct{}
	release      chan struct{} // when set, a claimed Idempotency-Key waits here
}

var errLostCommit = domain.Unavailable(errors.New("test: the connection dropped after COMMIT"))

func (s *otStore) InTx(ctx context.Context, fn func(tx domain.Tx) error) error {
	err := s.Store.InTx(ctx, func(tx domain.Tx) error {
		if err := fn(otTx{Tx: tx, s: s}); err != nil {
			return err
		}
		if s.failedCommit.Swap(false) {
			return domain.Unavailable(errors.New("test: the connection dropped before COMMIT"))
		}
		return nil
	})
	if err == nil && s.lostCommit.Swap(false) {
		return errLostCommit
	}
	return err
}

func (s *otStore) RecordScan(ctx context.Context, r *domain.ScanRecord, exclusive bool) (bool, bool, error) {
	ok, repeat, err := s.Store.RecordScan(ctx, r, exclusive)
	if err == nil && s.lostScan.Swap(false) {
		return false, false, errLostCommit
	}
	return ok, repeat, err
}

// otTx is a transaction of otStore: a claimed key may be made to wait.
type otTx struct {
	domain.Tx
	s *otStore
}

func (t otTx) ClaimIdempotencyKey(ctx context.Context, scope, key string, since time.Time) (*domain.IdempotentResponse, error) {
	prior, err := t.Tx.ClaimIdempotencyKey(ctx, scope, key, since)
	if err == nil && t.s.release != nil {
		t.s.held <- struct{}{}
		<-t.s.release
	}
	return prior, err
}

// otEnv starts an instance like newEnvOn, on st wrapped in an otStore.
func otEnv(t *testing.T, dialect string, st *storage.Store) (*env, *otStore) {
	t.Helper()
	ws := &otStore{Store: st}
	e := &env{t: t, dialect: dialect, store: st}
	e.svc = domain.NewService(ws)
	e.svc.Codes = testCodec
	now := func() time.Time {
		if p := e.clock.Load(); p != nil {
			return *p
		}
		return time.Now().UTC()
	}
	e.svc.Now = now
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	e.srv = httptest.NewServer(api.New(e.svc, api.Options{Logger: log, Now: now}).Handler())
	t.Cleanup(e.srv.Close)
	e.admin = "test-admin-token-0123456789abcdef"
	if err := e.svc.EnsureToken(context.Background(), "test admin", e.admin); err != nil {
		t.Fatal(err)
	}
	return e, ws
}

// otUnavailable asserts a 503 unavailable with Retry-After.
func otUnavailable(t *testing.T, what string, r *resp) {
	t.Helper()
	r.problem(503, "unavailable")
	if r.Header.Get("Retry-After") == "" {
		t.Fatalf("%s: 503 without Retry-After", what)
	}
}

func otNominate(e *env, event, token string, body []byte, key string) *resp {
	e.t.Helper()
	return e.call("POST", "/v1/events/"+event+"/nominations", token, body, "Idempotency-Key", key)
}

func otScan(e *env, event, token, code, scanID string) *resp {
	e.t.Helper()
	return e.call("POST", "/v1/events/"+event+"/scans", token, scBody(code, "MAIN", "in", scID(scanID)))
}

// otScanRecords counts the records of one scan_id.
func otScanRecords(e *env, scanID string) int {
	e.t.Helper()
	return imCount(e, "SELECT COUNT(*) FROM scans WHERE scan_id = '"+scanID+"'")
}

// TestUnavailableAfterCommit: a write whose answer was lost is 503 with
// Retry-After; its retry, with the same Idempotency-Key or scan_id, gets
// what was recorded and records nothing new. A write that failed before
// its commit is judged afresh on retry.
func TestUnavailableAfterCommit(t *testing.T) {
	for _, dialect := range storagetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e, ws := otEnv(t, dialect, storagetest.New(t, dialect))
			f := scSetup(t, e, "OT-LOST")
			aut := f.aut
			body := ccJSON(t, person())

			ws.lostCommit.Store(true)
			otUnavailable(t, "submission whose commit's answer was lost", otNominate(e, f.ev, aut, body, "ot-1"))
			again := otNominate(e, f.ev, aut, body, "ot-1").want(201)
			if again.Header.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("the retry was not the recorded answer: %s", again.Body)
			}
			if n := ntCount(e, f.ev); n != 1 {
				t.Fatalf("%d nominations after the retry, want 1", n)
			}
			if u := smUsed(e, f.ev, "AUT", "in_person"); u != 1 {
				t.Fatalf("quota used %d, want 1", u)
			}

			other := ccJSON(t, person())
			ws.failedCommit.Store(true)
			otUnavailable(t, "submission cut off before its commit", otNominate(e, f.ev, aut, other, "ot-2"))
			if n := ntCount(e, f.ev); n != 1 {
				t.Fatalf("a failed submission left %d nominations", n-1)
			}
			fresh := otNominate(e, f.ev, aut, other, "ot-2").want(201)
			if fresh.Header.Get("Idempotent-Replayed") != "" || ntCount(e, f.ev) != 2 {
				t.Fatalf("the retry of a failed submission was not judged afresh: %s", fresh.Body)
			}

			// Scans: an entry and a rejection whose answers were lost.
			b := f.issue(aut, person())
			for _, code := range []string{b.code, "GARBAGE"} {
				id := uuid.NewString()
				ws.lostScan.Store(true)
				otUnavailable(t, "scan whose answer was lost", otScan(e, f.ev, f.guard, code, id))
				r := otScan(e, f.ev, f.guard, code, id).want(200).json()
				if code == b.code {
					scWant(t, "retried entry", r, "accepted", "")
					if r["repeat"] != false {
						t.Fatalf("the retried entry counts as a repeat: %v", r)
					}
				} else {
					scWant(t, "retried rejection", r, "rejected", "invalid_code")
				}
				if n := otScanRecords(e, id); n != 1 {
					t.Fatalf("%d records of scan %s, want 1", n, id)
				}
			}
			if p := ckPresence(f); len(p) != 1 || p[b.id] == "" {
				t.Fatalf("presence %v, want %s inside", p, b.id)
			}
		})
	}
}

// TestIdempotencyKeyHeldOnlyWhileRunning: a second request with the key
// of one still running is 409 conflict, on another instance too; once the
// first has failed (PostgreSQL: its connection was cut, as when its
// process dies), the key is free at once and the retry is judged afresh.
func TestIdempotencyKeyHeldOnlyWhileRunning(t *testing.T) {
	for _, dialect := range storagetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dbURL := storagetest.URL(t, dialect)
			target, proxied := dbURL, dbURL
			var proxy *otProxy
			if dialect == storage.Postgres {
				proxy, proxied = otProxied(t, dbURL)
			}
			e1, ws := otEnv(t, dialect, storagetest.Open(t, proxied))
			e2 := newEnvOn(t, dialect, target)
			f := scSetup(t, e2, "OT-HELD")
			body := ccJSON(t, person())

			ws.held, ws.release = make(chan struct{}), make(chan struct{})
			first := make(chan *resp, 1)
			go func() {
				r, err := otPost(e1, f.ev, f.aut, body, "ot-held")
				if err != nil {
					t.Error(err)
				}
				first <- r
			}()
			<-ws.held
			otNominate(e2, f.ev, f.aut, body, "ot-held").problem(409, "conflict")
			otNominate(e1, f.ev, f.aut, body, "ot-held").problem(409, "conflict")

			// The first request dies.
			if proxy != nil {
				proxy.cut()
			} else {
				ws.failedCommit.Store(true)
			}
			var retry *resp
			if proxy != nil {
				// PostgreSQL ends the transaction when it sees the
				// connection closed; the retry may arrive a moment sooner.
				for i := 0; i < 500; i++ {
					if retry = otNominate(e2, f.ev, f.aut, body, "ot-held"); retry.Status != 409 {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				close(ws.release)
				otUnavailable(t, "the request whose connection was cut", <-first)
			} else {
				close(ws.release)
				otUnavailable(t, "the request that failed", <-first)
				retry = otNominate(e2, f.ev, f.aut, body, "ot-held")
			}
			retry.want(201)
			if retry.Header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("the retry replayed a request that failed: %s", retry.Body)
			}
			if n := ntCount(e2, f.ev); n != 1 {
				t.Fatalf("%d nominations, want 1", n)
			}
			if r := otNominate(e2, f.ev, f.aut, body, "ot-held").want(201); r.str("id") != retry.str("id") {
				t.Fatalf("a later replay names another nomination: %s", r.Body)
			}
		})
	}
}

// otPost is otNominate from a goroutine: errors are returned, not fatal.
func otPost(e *env, event, token string, body []byte, key string) (*resp, error) {
	req, err := http.NewRequest("POST", e.srv.URL+"/v1/events/"+event+"/nominations", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return &resp{t: e.t, Status: res.StatusCode, Header: res.Header, Body: b}, err
}

// TestIdempotencyKeyExpires: a key is replayed for 24 hours; after that
// it is a new request, and the sweep erases keys and answers older than
// that (docs/security.md, Erasure).
func TestIdempotencyKeyExpires(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "OT-EXPIRE")
		start := time.Now().UTC()
		e.setNow(start)
		body := ccJSON(t, person())
		first := otNominate(e, f.ev, f.aut, body, "ot-day").want(201)
		otNominate(e, f.ev, f.aut, ccJSON(t, person(online)), "ot-kept").want(201)

		e.setNow(start.Add(23 * time.Hour))
		if r := otNominate(e, f.ev, f.aut, body, "ot-day").want(201); r.str("id") != first.str("id") {
			t.Fatalf("replay within the day named another nomination: %s", r.Body)
		}
		e.setNow(start.Add(24*time.Hour + time.Minute))
		other := ccJSON(t, person())
		if r := otNominate(e, f.ev, f.aut, other, "ot-day").want(201); r.Header.Get("Idempotent-Replayed") != "" || r.str("id") == first.str("id") {
			t.Fatalf("an expired key was replayed: %s", r.Body)
		}
		keys := func() int { return imCount(e, "SELECT COUNT(*) FROM idempotency_keys") }
		if n := keys(); n != 2 {
			t.Fatalf("%d stored keys before the sweep, want 2", n)
		}
		n, err := e.svc.SweepIdempotencyKeys(context.Background())
		if err != nil || n != 1 || keys() != 1 {
			t.Fatalf("sweep erased %d (%v), %d keys left; want 1 erased, 1 left", n, err, keys())
		}
	})
}

// TestUnavailableSQLiteBusy: a SQLite database locked by another writer
// beyond the busy timeout is 503, and the retry after it is free succeeds.
func TestUnavailableSQLiteBusy(t *testing.T) {
	dbURL := storagetest.URL(t, storage.SQLite)
	st, err := storage.Open(storage.Config{URL: dbURL, BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	e, _ := otEnv(t, storage.SQLite, st)
	f := scSetup(t, e, "OT-BUSY")
	b := f.issue(f.aut, person())

	locker, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dbURL, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	conn, err := locker.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	body := ccJSON(t, person())
	otUnavailable(t, "submission while another writer holds the file", otNominate(e, f.ev, f.aut, body, "ot-busy"))
	scanID := uuid.NewString()
	otUnavailable(t, "scan while another writer holds the file", otScan(e, f.ev, f.guard, b.code, scanID))
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	otNominate(e, f.ev, f.aut, body, "ot-busy").want(201)
	scWant(t, "scan after the lock", otScan(e, f.ev, f.guard, b.code, scanID).want(200).json(), "accepted", "")
}

// TestUnavailablePostgres: PostgreSQL cut off (connections dropped, new
// ones refused) is 503 with Retry-After on reads, submissions, scans and
// /readyz; once it is back, the same instance serves again and the
// retries are judged afresh.
func TestUnavailablePostgres(t *testing.T) {
	dbURL := otPostgresURL(t)
	proxy, proxied := otProxied(t, dbURL)
	e := newEnvOn(t, storage.Postgres, proxied)
	f := scSetup(t, e, "OT-DOWN")
	b := f.issue(f.aut, person())
	body := ccJSON(t, person())

	proxy.cut()
	otUnavailable(t, "event read", e.call("GET", "/v1/events/"+f.ev+"/nominations", e.admin, nil))
	otUnavailable(t, "readyz", e.call("GET", "/readyz", "", nil))
	otUnavailable(t, "submission", otNominate(e, f.ev, f.aut, body, "ot-down"))
	scanID := uuid.NewString()
	otUnavailable(t, "scan", otScan(e, f.ev, f.guard, b.code, scanID))

	proxy.restore()
	otNominate(e, f.ev, f.aut, body, "ot-down").want(201)
	scWant(t, "scan after the outage", otScan(e, f.ev, f.guard, b.code, scanID).want(200).json(), "accepted", "")
	if n := otScanRecords(e, scanID); n != 1 {
		t.Fatalf("%d records of the scan, want 1", n)
	}
}

// TestUnavailablePostgresCommitLost: PostgreSQL commits and the
// connection drops before its answer arrives. The request is 503; its
// retry is told what was recorded.
func TestUnavailablePostgresCommitLost(t *testing.T) {
	dbURL := otPostgresURL(t)
	proxy, proxied := otProxied(t, dbURL)
	e := newEnvOn(t, storage.Postgres, proxied)
	f := scSetup(t, e, "OT-PGLOST")
	b := f.issue(f.aut, person())
	body := ccJSON(t, person())
	before := ntCount(e, f.ev)

	cut := proxy.cutAfterReply("COMMIT\x00")
	otUnavailable(t, "submission whose COMMIT answer was lost", otNominate(e, f.ev, f.aut, body, "ot-pglost"))
	<-cut
	r := otNominate(e, f.ev, f.aut, body, "ot-pglost").want(201)
	if r.Header.Get("Idempotent-Replayed") != "true" || ntCount(e, f.ev) != before+1 {
		t.Fatalf("the retry was not the recorded answer (%d nominations, want %d): %s", ntCount(e, f.ev), before+1, r.Body)
	}

	scanID := uuid.NewString()
	cut = proxy.cutAfterReply("INSERT 0 1\x00")
	otUnavailable(t, "scan whose answer was lost", otScan(e, f.ev, f.guard, b.code, scanID))
	<-cut
	got := otScan(e, f.ev, f.guard, b.code, scanID).want(200).json()
	scWant(t, "retried scan", got, "accepted", "")
	if got["repeat"] != false || otScanRecords(e, scanID) != 1 {
		t.Fatalf("retried scan: %v, %d records", got, otScanRecords(e, scanID))
	}
	if p := ckPresence(f); p[b.id] == "" {
		t.Fatalf("presence %v, want %s inside", p, b.id)
	}
}

func otPostgresURL(t *testing.T) string {
	t.Helper()
	for _, d := range storagetest.Dialects() {
		if d == storage.Postgres {
			return storagetest.URL(t, d)
		}
	}
	t.Skip(storagetest.EnvURL + " is not set")
	return ""
}

// otProxy is a TCP proxy between an instance and PostgreSQL that the test
// can cut.
type otProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  map[net.Conn]bool
	down   bool
	tag    []byte        // armed: cut the first connection whose reply holds tag, before the reply is forwarded
	fired  chan struct{} // closed once the armed cut happened
}

// otProxied starts a proxy to dbURL's server and returns dbURL through it.
func otProxied(t *testing.T, dbURL string) (*otProxy, string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &otProxy{ln: ln, target: u.Host, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go p.serve()
	u.Host = ln.Addr().String()
	return p, u.String()
}

func (p *otProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *otProxy) handle(c net.Conn) {
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.mu.Unlock()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[s] = true, true
	p.mu.Unlock()
	go func() { _, _ = io.Copy(s, c); s.Close() }()
	p.downstream(s, c)
}

// rfq is PostgreSQL's ReadyForQuery, sent once a command is done (and
// its implicit or explicit commit made).
var rfq = []byte("Z\x00\x00\x00\x05")

// downstream forwards the server's bytes to the client; when armed, the
// reply holding the tag is held back up to its ReadyForQuery, and then
// the connection is cut instead: the server has committed, the client
// never learns it.
func (p *otProxy) downstream(s, c net.Conn) {
	defer c.Close()
	defer s.Close()
	buf := make([]byte, 64<<10)
	var held []byte
	for {
		n, err := s.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if held != nil {
				held = append(held, chunk...)
				if bytes.Contains(held, rfq) {
					p.mu.Lock()
					close(p.fired)
					p.mu.Unlock()
					return
				}
				continue
			}
			p.mu.Lock()
			if i := bytes.Index(chunk, p.tag); p.tag != nil && i >= 0 {
				p.tag = nil
				held = append([]byte{}, chunk[i:]...)
				chunk = chunk[:i]
			}
			p.mu.Unlock()
			if _, werr := c.Write(chunk); werr != nil {
				return
			}
			if held != nil && bytes.Contains(held, rfq) {
				p.mu.Lock()
				close(p.fired)
				p.mu.Unlock()
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// cut drops every connection and refuses new ones until restore.
func (p *otProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

func (p *otProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// cutAfterReply arms the proxy: the next reply holding tag is lost with
// its connection. The channel closes once that happened.
func (p *otProxy) cutAfterReply(tag string) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tag, p.fired = []byte(tag), make(chan struct{})
	return p.fired
}
