package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/osce/accredit/storage"
	"github.com/osce/accredit/web"
)

// The web pages are served by the same router as the API: the checks here
// go through a real server, the file-level ones are in package web.
func TestWebPagesAndHeaders(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	for _, p := range []string{"/", "/site.css", "/desk/", "/console/", "/portal/", "/desk/index.html", "/lib/api.js"} {
		r := e.call("GET", p, "", nil).want(200)
		for k, v := range web.Headers {
			if got := r.Header.Get(k); got != v {
				t.Errorf("%s: %s %q, want %q", p, k, got, v)
			}
		}
		if r.Header.Get("ETag") == "" || r.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: ETag %q, Cache-Control %q", p, r.Header.Get("ETag"), r.Header.Get("Cache-Control"))
		}
		want := "text/html; charset=utf-8"
		if strings.HasSuffix(p, ".css") {
			want = "text/css; charset=utf-8"
		}
		if strings.HasSuffix(p, ".js") {
			want = "text/javascript; charset=utf-8"
		}
		if ct := r.Header.Get("Content-Type"); ct != want {
			t.Errorf("%s: Content-Type %q, want %q", p, ct, want)
		}
	}
}

func TestWebLandingLinksTheApps(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	page := string(e.call("GET", "/", "", nil).want(200).Body)
	for _, app := range web.Apps {
		if !strings.Contains(page, `href="/`+app+`/"`) {
			t.Errorf("the landing page does not link /%s/", app)
		}
	}
}

func TestWebRevalidatesWithETag(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	etag := e.call("GET", "/desk/", "", nil).want(200).Header.Get("ETag")
	r := e.call("GET", "/desk/", "", nil, "If-None-Match", etag).want(http.StatusNotModified)
	if len(r.Body) != 0 || r.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("304 with %d bytes, CSP %q", len(r.Body), r.Header.Get("Content-Security-Policy"))
	}
	e.call("HEAD", "/desk/", "", nil).want(200)
}

func TestWebUnknownFilesAndRedirect(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	for _, p := range []string{"/desk/nope.js", "/console/x/y.css", "/portal/index.htm"} {
		r := e.call("GET", p, "", nil).want(404)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || strings.Contains(string(r.Body), "<html") {
			t.Errorf("%s: %q %q, want a plain 404", p, ct, r.Body)
		}
	}
	// The client follows the redirect: /desk lands on the desk's page.
	req, _ := http.NewRequest("GET", e.srv.URL+"/desk", nil)
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/desk/" {
		t.Fatalf("/desk: %d to %q, want 301 to /desk/", res.StatusCode, res.Header.Get("Location"))
	}
	// The API's own answers are unchanged: an unknown path is problem+json.
	e.call("GET", "/nope", "", nil).problem(404, "not_found")
	e.call("POST", "/desk/", "", nil).problem(405, "method_not_allowed")
}
