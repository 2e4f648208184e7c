//go:build long

package web_test

// The harness of the browser tests: a real accredit server on loopback (a
// fresh SQLite database per test, the real API and the embedded pages) and
// a real Chromium, one process for the whole test binary, a fresh browser
// context (its own storage, service workers and caches) per test.
// The console and portal tests use it as the desk tests do. The browser
// tests are long tests (README, Tests): their files carry the build tag
// long, so that `go test ./...` neither builds nor runs them, and
// `go test -tags long ./web/` does.

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
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/api"
	"github.com/osce/accredit/badges"
	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/internal/testenv"
	"github.com/osce/accredit/storage"
	"github.com/osce/accredit/storage/storagetest"
)

// --- the server -------------------------------------------------------------

// testSigner signs every test's badges: one key for the test binary.
var testSigner = func() *badges.Signer {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		panic(err)
	}
	return badges.NewSigner(priv)
}()

const adminToken = "web-test-admin-token-0123456789abcdef"

// server is one accredit instance on a fresh database, reached over real
// HTTP on 127.0.0.1, whose network can be cut.
type server struct {
	t     *testing.T
	URL   string
	store *storage.Store
	svc   *domain.Service
	admin string
	// down drops the browser's connections as a dead network would. The
	// test's own calls (call) still get through: the secretariat's office
	// is on another network than the door.
	down atomic.Bool
	// silent holds the browser's API requests without an answer, as an
	// overloaded link does, until setSilent(false) drops them.
	mu     sync.Mutex
	silent chan struct{}
	// refused answers the browser's requests whose path ends so with a
	// problem of that status, as a server that refuses them would.
	refused map[string]int
}

// refuse makes the server refuse the browser's requests to paths ending in
// suffix with status (0: accept them again).
func (s *server) refuse(suffix string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused == nil {
		s.refused = map[string]int{}
	}
	if status == 0 {
		delete(s.refused, suffix)
	} else {
		s.refused[suffix] = status
	}
}

// harnessHeader marks the test's own requests, which a cut never drops.
const harnessHeader = "X-Test-Harness"

// setSilent starts or ends a silent server.
func (s *server) setSilent(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case on && s.silent == nil:
		s.silent = make(chan struct{})
	case !on && s.silent != nil:
		close(s.silent)
		s.silent = nil
	}
}

func newServer(t *testing.T) *server {
	t.Helper()
	s := &server{t: t, admin: adminToken}
	s.store = storagetest.New(t, storage.SQLite)
	s.svc = domain.NewService(s.store)
	s.svc.Codes = badges.NewCodec(testSigner, badges.NewKeyring(testSigner.Public()))
	if err := s.svc.EnsureToken(context.Background(), "test admin", s.admin); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	handler := api.New(s.svc, api.Options{Logger: log}).Handler()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serve(handler, w, r)
	}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	s.URL = srv.URL
	t.Cleanup(func() {
		s.setSilent(false)
		srv.CloseClientConnections()
		srv.Close()
	})
	return s
}

func (s *server) serve(h http.Handler, w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(harnessHeader) == "" {
		if s.down.Load() {
			// A dead network: the connection goes away with no answer.
			panic(http.ErrAbortHandler)
		}
		s.mu.Lock()
		silent := s.silent
		status := 0
		for suffix, st := range s.refused {
			if strings.HasSuffix(r.URL.Path, suffix) {
				status = st
			}
		}
		s.mu.Unlock()
		if status != 0 {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"type":"urn:accredit:problem:test","title":"Refused by the test","status":%d,"detail":"refused by the test harness","code":"validation_failed"}`, status)
			return
		}
		if silent != nil && strings.HasPrefix(r.URL.Path, "/v1/") {
			select {
			case <-r.Context().Done():
			case <-silent:
			}
			panic(http.ErrAbortHandler)
		}
	}
	h.ServeHTTP(w, r)
}

// answer is an HTTP answer with helpers to read it.
type answer struct {
	t      *testing.T
	Status int
	Body   []byte
}

func (a *answer) want(status int) *answer {
	a.t.Helper()
	if a.Status != status {
		a.t.Fatalf("status %d, want %d: %s", a.Status, status, a.Body)
	}
	return a
}

func (a *answer) json() map[string]any {
	a.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.Body, &m); err != nil {
		a.t.Fatalf("not a JSON object (%d): %s", a.Status, a.Body)
	}
	return m
}

func (a *answer) str(key string) string {
	a.t.Helper()
	v, _ := a.json()[key].(string)
	return v
}

func (a *answer) decode(v any) {
	a.t.Helper()
	if err := json.Unmarshal(a.Body, v); err != nil {
		a.t.Fatalf("decode %T: %v: %s", v, err, a.Body)
	}
}

// call sends a request to the API as a client would; body nil, []byte
// (sent as is, with the content type in ctype) or a value sent as JSON.
func (s *server) call(method, path, token string, body any, ctype ...string) *answer {
	s.t.Helper()
	a, err := s.send(method, path, token, body, ctype...)
	if err != nil {
		s.t.Fatal(err)
	}
	return a
}

// try is call as the secretariat, for other goroutines than the test's:
// a transport error is an answer with status 0.
func (s *server) try(method, path string, body any, ctype string) *answer {
	var types []string
	if ctype != "" {
		types = append(types, ctype)
	}
	a, err := s.send(method, path, s.admin, body, types...)
	if err != nil {
		return &answer{t: s.t, Body: []byte(err.Error())}
	}
	return a
}

func (s *server) send(method, path, token string, body any, ctype ...string) (*answer, error) {
	var rd io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
		if len(ctype) > 0 {
			ct = ctype[0]
		}
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set(harnessHeader, "1")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", ct)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	return &answer{t: s.t, Status: res.StatusCode, Body: b}, nil
}

// portrait is a real JPEG a photo check accepts: a head and shoulders on a
// plain ground, tinted by n so that photos differ.
func portrait(t testing.TB, n int) []byte {
	const w, h = 300, 400
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	ground := color.RGBA{uint8(200 - n*37%80), uint8(210 - n*53%60), 225, 255}
	skin := color.RGBA{224, 182, 150, 255}
	cloth := color.RGBA{uint8(40 + n*29%120), 60, uint8(90 + n*41%120), 255}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x-150), float64(y-160)
			c := ground
			switch {
			case dx*dx/(70*70)+dy*dy/(90*90) <= 1:
				c = skin
			case y > 270 && dx*dx/(140*140)+float64(y-420)*float64(y-420)/(160*160) <= 1:
				c = cloth
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// --- the browser ------------------------------------------------------------

var browser struct {
	once  sync.Once
	ctx   context.Context
	err   error
	stop  func()
	start time.Time
}

// TestMain closes the shared browser after the last test.
func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode) // api.New leaves it to its caller
	code := m.Run()
	if browser.stop != nil {
		browser.stop()
	}
	os.Exit(code)
}

// chromiumPaths are the browsers the tests look for, best first: Debian's
// chromium-headless-shell, then its chromium. The headless shell renders
// the same pages with the same engine, without the browser's own interface:
// the full browser starts a renderer for its (hidden) window's interface
// beside every test's tab, which made the browser tests take twice as long
// (docs/performance.md, Last in issue 14).
var chromiumPaths = []string{"/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium"}

// chromiumPath is the first of chromiumPaths installed, unless
// ACCREDIT_CHROMIUM names another.
func chromiumPath() string {
	if p := os.Getenv("ACCREDIT_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range chromiumPaths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return chromiumPaths[len(chromiumPaths)-1]
}

// needBrowser starts the shared browser for a browser test, which needs
// Chromium (testenv.Missing).
func needBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if _, err := os.Stat(path); err != nil {
		testenv.Missing(t, "Chromium at "+path+" (chromium-headless-shell)")
	}
	browser.once.Do(func() {
		dir, err := os.MkdirTemp("", "accredit-chromium-")
		if err != nil {
			browser.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox, // the tests run as root, where Chromium's sandbox cannot start
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("no-first-run", true),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1280, 800),
		)
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		browser.start = time.Now()
		if err := chromedp.Do(bctx); err != nil {
			browser.err = fmt.Errorf("start %s: %w", path, err)
		}
		browser.ctx = bctx
		browser.stop = func() {
			bcancel()
			acancel()
			os.RemoveAll(dir)
		}
	})
	if browser.err != nil {
		t.Fatal(browser.err)
	}
	return browser.ctx
}

// page is one tab in its own browser context: nothing of another test's
// storage, service workers or caches is visible to it.
type page struct {
	t       *testing.T
	ctx     context.Context
	mu      sync.Mutex
	errors  []string // uncaught exceptions and CSP violations: each fails the test
	console []string // everything else the page logged, shown when it fails
}

// pageTimeout bounds a test's whole use of its page: a hung page fails
// the test rather than the test binary.
const pageTimeout = 90 * time.Second

func newPage(t *testing.T) *page {
	t.Helper()
	return newPageFor(t, pageTimeout)
}

// newPageFor is newPage for a test that runs longer (a measurement).
func newPageFor(t *testing.T, timeout time.Duration) *page {
	t.Helper()
	bctx := needBrowser(t)
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	p := &page{t: t, ctx: ctx}
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		p.mu.Lock()
		defer p.mu.Unlock()
		if t.Failed() {
			for _, l := range p.console {
				t.Log("console:", l)
			}
		}
		for _, e := range p.errors {
			t.Error("uncaught in the page:", e)
		}
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	console := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	logged := chromedp.Events(ctx, cdplog.EntryAdded)
	go func() {
		for ev, err := range logged {
			if err != nil {
				return
			}
			p.mu.Lock()
			if ev.Entry.Source == cdplog.EntrySourceSecurity {
				// A Content-Security-Policy violation: the page did something
				// the server's policy forbids (inline code, another origin).
				p.errors = append(p.errors, "security: "+ev.Entry.Text)
			} else {
				p.console = append(p.console, string(ev.Entry.Source)+": "+ev.Entry.Text)
			}
			p.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			p.mu.Lock()
			p.errors = append(p.errors, exceptionText(ev.ExceptionDetails))
			p.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range console {
			if err != nil {
				return
			}
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			p.mu.Lock()
			p.console = append(p.console, string(ev.Type)+": "+strings.Join(parts, " "))
			p.mu.Unlock()
		}
	}()
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	return p
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "?"
	}
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		s += " " + d.Exception.Description
	}
	return fmt.Sprintf("%s (%s:%d)", s, d.URL, d.LineNumber+1)
}

// do runs actions and fails the test on an error.
func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression, awaiting a promise, into T.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func (p *page) open(url string) {
	p.t.Helper()
	p.do(chromedp.Navigate(url))
}

func (p *page) reload() {
	p.t.Helper()
	p.do(chromedp.Reload())
}

// waitFor polls a JavaScript condition until it holds; a page that
// reloads meanwhile is polled again in its new document.
func (p *page) waitFor(cond string, timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			p.t.Fatalf("waited %v for %s", timeout, cond)
		}
		_, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void](cond,
			chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(left)))
		if err == nil {
			return
		}
		if p.ctx.Err() != nil || time.Until(deadline) <= 0 {
			p.t.Fatalf("waited %v for %s: %v", timeout, cond, err)
		}
		// The document went away under the poll (a reload): poll again.
		time.Sleep(10 * time.Millisecond)
	}
}

// byRole finds elements as assistive technology does: by computed role and
// accessible name (the label of a field, the text of a button). Hidden and
// inert elements have no role there and are not found.
func byRole(role, name string) chromedp.QueryOption {
	return chromedp.ByFunc(func(ctx context.Context, t *chromedp.Target, n *chromedp.Node) ([]cdp.NodeID, error) {
		res, err := cdp.Call(ctx, t, accessibility.QueryAXTree, accessibility.QueryAXTreeParams{
			NodeID: n.NodeID, AccessibleName: name, Role: role})
		if err != nil {
			return nil, err
		}
		var backend []cdp.BackendNodeID
		for _, ax := range res.Nodes {
			if !ax.Ignored && ax.BackendDOMNodeID != 0 {
				backend = append(backend, ax.BackendDOMNodeID)
			}
		}
		if len(backend) == 0 {
			return nil, nil
		}
		pushed, err := cdp.Call(ctx, t, dom.PushNodesByBackendIDsToFrontend, dom.PushNodesByBackendIDsToFrontendParams{BackendNodeIDs: backend})
		if err != nil {
			return nil, err
		}
		return pushed.NodeIDs, nil
	})
}

// role is a selector label for byRole's error messages.
func role(role, name string) chromedp.CSS { return chromedp.CSS(role + " " + fmt.Sprintf("%q", name)) }

// click presses the button (or link) of that name with the mouse.
func (p *page) click(roleName, name string) {
	p.t.Helper()
	p.do(chromedp.Click(role(roleName, name), byRole(roleName, name), chromedp.NodeVisible))
}

// fill types text into the field labelled label, as a person does: it
// clicks into it, then each character is a key press.
func (p *page) fill(label, text string) {
	p.t.Helper()
	p.do(chromedp.SendKeys(role("textbox", label), text, byRole("textbox", label), chromedp.NodeVisible))
}

// keys types into whatever has the focus, as a handheld scanner does: a
// key down that carries its character, then the key up, for each one.
func (p *page) keys(text string) {
	p.t.Helper()
	p.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, r := range text {
			evs := kb.Encode(r)
			down, up := *evs[0], *evs[len(evs)-1]
			if len(evs) == 3 { // printable: the key down types it
				down.Text, down.UnmodifiedText = evs[1].Text, evs[1].UnmodifiedText
			}
			for _, ev := range []input.DispatchKeyEventParams{down, up} {
				if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, ev); err != nil {
					return err
				}
			}
		}
		return nil
	}))
}

// paste puts text into the focused field in one step (a trusted insertion,
// as an IME or a paste makes): for the timing runs, where 200 codes typed
// key by key would measure the typing, not the desk.
func (p *page) paste(text string) {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
		p.t.Fatal(err)
	}
}

func (p *page) enter() {
	p.t.Helper()
	p.do(chromedp.KeyEvent(kb.Enter))
}

// focusedLabel is the accessible name of the focused element's label.
func (p *page) focusedLabel() string {
	p.t.Helper()
	return eval[string](p, `(() => { const el = document.activeElement; return el && el.labels && el.labels.length ? el.labels[0].textContent.trim() : "" })()`)
}

// visibleText is the rendered text of the page, as a person reads it.
func (p *page) visibleText(selector string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`document.querySelector(%q)?.innerText ?? ""`, selector))
}

// setOffline cuts the browser's network (DevTools emulation, for the page
// and its service worker alike, and navigator.onLine) or restores it. The
// tests cut the server's side too (server.down): a request that slipped
// past the emulation would still find no network.
func (p *page) setOffline(off bool) {
	p.t.Helper()
	conds := []map[string]any{}
	if off {
		conds = append(conds, map[string]any{"urlPattern": "", "offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
	}
	// Sent as a map: Chromium 148 wants a top-level "offline" that this
	// cdproto's parameter struct lacks.
	params := map[string]any{"offline": off, "emulateOfflineServiceWorker": off, "matchedNetworkConditions": conds}
	if err := chromedp.FromContext(p.ctx).Target.Call(p.ctx, "Network.emulateNetworkConditionsByRule", params, nil); err != nil {
		p.t.Fatal("Network.emulateNetworkConditionsByRule: ", err)
	}
	if _, err := chromedp.Call(p.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: off, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		p.t.Fatal("Network.overrideNetworkState: ", err)
	}
}

// viewport sizes the page as a phone (with touch) or a laptop.
func (p *page) viewport(w, h int64, mobile bool) {
	p.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(3))
	}
	p.do(chromedp.EmulateViewport(w, h, opts...))
}

func (p *page) screenshot(path string) {
	p.t.Helper()
	b, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// idbGet reads one record of an IndexedDB store as JSON; "" when the
// database, the store or the record does not exist.
func (p *page) idbGet(name, store, key string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`(async () => {
		const dbs = await indexedDB.databases();
		if (!dbs.some((d) => d.name === %[1]q)) return "";
		const db = await new Promise((ok, no) => { const r = indexedDB.open(%[1]q); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
		try {
			if (!db.objectStoreNames.contains(%[2]q)) return "";
			const v = await new Promise((ok) => { const r = db.transaction(%[2]q).objectStore(%[2]q).get(%[3]q); r.onsuccess = () => ok(r.result); });
			return v === undefined ? "" : JSON.stringify(v);
		} finally {
			db.close();
		}
	})()`, name, store, key))
}

// idbStores counts the records of each store of an IndexedDB database;
// nil when the database does not exist.
func (p *page) idbStores(name string) map[string]int {
	p.t.Helper()
	raw := eval[[]byte](p, fmt.Sprintf(`(async () => {
		const dbs = await indexedDB.databases();
		if (!dbs.some((d) => d.name === %[1]q)) return null;
		const db = await new Promise((ok, no) => { const r = indexedDB.open(%[1]q); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
		const out = {};
		for (const name of db.objectStoreNames) {
			out[name] = await new Promise((ok) => { const r = db.transaction(name).objectStore(name).count(); r.onsuccess = () => ok(r.result); });
		}
		db.close();
		return out;
	})()`, name))
	var out map[string]int
	if err := json.Unmarshal(raw, &out); err != nil {
		p.t.Fatalf("idb: %v: %s", err, raw)
	}
	return out
}
