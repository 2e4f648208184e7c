package web_test

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/osce/accredit/web"
)

func testSite(t *testing.T) *web.Site {
	t.Helper()
	s, err := web.NewSite(fstest.MapFS{
		"index.html":                {Data: []byte("<!doctype html><title>start</title>")},
		"site.css":                  {Data: []byte("body{}")},
		"desk/index.html":           {Data: []byte("<!doctype html><title>desk</title>")},
		"desk/app.js":               {Data: []byte("export {}")},
		"desk/sw.js":                {Data: []byte("self.addEventListener('fetch', () => {})")},
		"desk/lib.mjs":              {Data: []byte("export const x = 1")},
		"desk/desk.css":             {Data: []byte("body{}")},
		"desk/manifest.webmanifest": {Data: []byte("{}")},
		"desk/icon.svg":             {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
		"desk/icon.png":             {Data: []byte("\x89PNG\r\n\x1a\n")},
		"desk/sub/index.html":       {Data: []byte("<!doctype html>")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func get(t *testing.T, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestContentTypes(t *testing.T) {
	s := testSite(t)
	for target, want := range map[string]string{
		"/":                          "text/html; charset=utf-8",
		"/site.css":                  "text/css; charset=utf-8",
		"/desk/":                     "text/html; charset=utf-8",
		"/desk/index.html":           "text/html; charset=utf-8",
		"/desk/app.js":               "text/javascript; charset=utf-8",
		"/desk/sw.js":                "text/javascript; charset=utf-8",
		"/desk/lib.mjs":              "text/javascript; charset=utf-8",
		"/desk/desk.css":             "text/css; charset=utf-8",
		"/desk/manifest.webmanifest": "application/manifest+json",
		"/desk/icon.svg":             "image/svg+xml",
		"/desk/icon.png":             "image/png",
	} {
		w := get(t, s, target)
		if w.Code != 200 || w.Header().Get("Content-Type") != want {
			t.Errorf("%s: %d %q, want 200 %q", target, w.Code, w.Header().Get("Content-Type"), want)
		}
	}
}

func TestHeadersOnEveryAnswer(t *testing.T) {
	s := testSite(t)
	for _, target := range []string{"/", "/desk/", "/desk/sw.js", "/desk/nope.js", "/desk"} {
		w := get(t, s, target)
		for k, v := range web.Headers {
			if got := w.Header().Get(k); got != v {
				t.Errorf("%s: %s %q, want %q", target, k, got, v)
			}
		}
		if got := w.Header().Get("Service-Worker-Allowed"); got != "" {
			t.Errorf("%s: Service-Worker-Allowed %q", target, got)
		}
	}
}

func TestETagRevalidation(t *testing.T) {
	s := testSite(t)
	first := get(t, s, "/desk/app.js")
	etag := first.Header().Get("ETag")
	if !strings.HasPrefix(etag, `"`) || first.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("ETag %q, Cache-Control %q", etag, first.Header().Get("Cache-Control"))
	}
	if again := get(t, s, "/desk/app.js", "If-None-Match", etag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Fatalf("revalidation: %d with %d bytes, want 304 and none", again.Code, again.Body.Len())
	}
	if other := get(t, s, "/desk/lib.mjs").Header().Get("ETag"); other == etag {
		t.Fatal("two files share an ETag")
	}
	if stale := get(t, s, "/desk/app.js", "If-None-Match", `"stale"`); stale.Code != 200 {
		t.Fatalf("stale ETag: %d, want 200", stale.Code)
	}
}

func TestUnknownFilesAreNotFound(t *testing.T) {
	s := testSite(t)
	for _, target := range []string{"/desk/nope.js", "/desk/sub", "/desk/../site.css", "/desk//app.js", "/nope", "/desk/app.js/"} {
		w := get(t, s, target)
		if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "<title>desk") {
			t.Errorf("%s: %d %q, want a plain 404", target, w.Code, w.Body.String())
		}
	}
}

func TestAppRedirectsToItsFolder(t *testing.T) {
	w := get(t, testSite(t), "/desk")
	if w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/desk/" {
		t.Fatalf("%d to %q, want 301 to /desk/", w.Code, w.Header().Get("Location"))
	}
}

func TestEmbeddedSiteHasEveryApp(t *testing.T) {
	for _, app := range web.Apps {
		if w := get(t, web.Embedded, "/"+app+"/"); w.Code != 200 {
			t.Errorf("/%s/: %d", app, w.Code)
		}
	}
}

// TestNoInlineScriptOrStyle walks the embedded pages: the Content-Security-
// Policy refuses inline script and style, so a page holding any would
// break in the browser, not in a Go test, unless this catches it.
func TestNoInlineScriptOrStyle(t *testing.T) {
	err := fs.WalkDir(web.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".html" {
			return err
		}
		b, err := fs.ReadFile(web.Files, p)
		if err != nil {
			return err
		}
		for _, problem := range inlineCode(string(b)) {
			t.Errorf("%s: %s", p, problem)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestInlineCodeIsFound(t *testing.T) {
	page := `<script>alert(1)</script><script src="a.js"></script><style>b{}</style>` +
		`<p style="color:red" onclick="x()"><a href="javascript:x()">x</a><script type="module" src="m.js"></script>`
	if got := inlineCode(page); len(got) != 5 {
		t.Fatalf("found %d problems, want 5: %q", len(got), got)
	}
}

// inlineCode lists what a strict Content-Security-Policy would block in a
// page: script elements without src, style elements, style attributes,
// event-handler attributes and javascript: URLs.
func inlineCode(page string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			hasSrc := false
			for _, a := range tok.Attr {
				switch {
				case a.Key == "src":
					hasSrc = true
				case a.Key == "style":
					out = append(out, "style attribute on <"+tok.Data+">")
				case strings.HasPrefix(a.Key, "on"):
					out = append(out, a.Key+" attribute on <"+tok.Data+">")
				case strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
					out = append(out, "javascript: URL on <"+tok.Data+">")
				}
			}
			if tok.Data == "style" {
				out = append(out, "<style> element")
			}
			if tok.Data == "script" && !hasSrc {
				out = append(out, "<script> without src")
			}
		}
	}
}

func TestSharedLibraryIsServed(t *testing.T) {
	for _, f := range []string{"api.js", "session.js", "dom.js", "form.js"} {
		w := get(t, web.Embedded, "/lib/"+f)
		if w.Code != 200 || w.Header().Get("Content-Type") != "text/javascript; charset=utf-8" {
			t.Errorf("/lib/%s: %d %q", f, w.Code, w.Header().Get("Content-Type"))
		}
	}
}
