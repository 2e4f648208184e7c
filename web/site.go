// Package web holds the three browser applications (README, The first five minutes: the desk,
// the console and the portal) and the landing page that links to them, as
// files embedded in the binary, and serves them under the pages' security
// headers. It imports nothing of accredit's: the api package mounts it.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// Apps are the applications, each served under /<app>/ from its folder.
var Apps = []string{"desk", "console", "portal"}

// Shared are folders of modules the apps import (/lib/api.js), served
// like an app's files but with no page of their own.
var Shared = []string{"lib"}

//go:embed index.html site.css desk console portal lib
var embedded embed.FS

// Files are the embedded files, for tests that inspect them.
var Files fs.FS = embedded

// Headers every page and file is sent with (docs/security.md, Headers, methods, metrics): no inline script or
// style, nothing from another origin, no framing, no referrer leaving the
// page (an enrolment code or token in a fragment never does anyway).
var Headers = map[string]string{
	"Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; frame-ancestors 'none'",
	"Referrer-Policy":         "no-referrer",
	"X-Content-Type-Options":  "nosniff",
}

// contentTypes by extension: fixed here rather than read from the host's
// MIME tables, which differ between machines (a service worker or module
// served as text/plain is refused by the browser).
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".webp":        "image/webp",
	".woff2":       "font/woff2",
	".wav":         "audio/wav",
	".mp3":         "audio/mpeg",
	".ogg":         "audio/ogg",
	".txt":         "text/plain; charset=utf-8",
}

type file struct {
	body  []byte
	etag  string
	ctype string
}

// Site serves a tree of files laid out like the embedded one: index.html
// and other top-level files at /, each app's files under /<app>/.
type Site struct {
	files map[string]*file // by URL path: "/", "/site.css", "/desk/", "/desk/index.html", "/desk/app.js"
}

// Embedded is the Site of the files built into the binary.
var Embedded = mustSite(embedded)

func mustSite(fsys fs.FS) *Site {
	s, err := NewSite(fsys)
	if err != nil {
		panic(err)
	}
	return s
}

// NewSite reads every file of fsys once, with its content type and an ETag
// from a hash of its content: pages are sent with Cache-Control: no-cache,
// so a browser (or the desk's service worker) revalidates each time and a
// fresh deploy is seen at once, while an unchanged file costs a 304.
func NewSite(fsys fs.FS) (*Site, error) {
	s := &Site{files: map[string]*file{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype, ok := contentTypes[path.Ext(p)]
		if !ok {
			ctype = "application/octet-stream"
		}
		f := &file{body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, ctype: ctype}
		s.files["/"+p] = f
		if path.Base(p) == "index.html" {
			s.files["/"+strings.TrimSuffix(p, "index.html")] = f
		}
		return nil
	})
	return s, err
}

// RootFiles are the URL paths of the top-level files ("/", "/index.html",
// "/site.css"),
// which a router must send here besides /<app>/*.
func (s *Site) RootFiles() []string {
	var out []string
	for p := range s.files {
		if strings.Count(p, "/") == 1 {
			out = append(out, p)
		}
	}
	return out
}

// ServeHTTP answers GET and HEAD with the file at the request's path, and
// anything it does not hold with a plain 404: an unknown file under an app
// is a mistake to see, not the app's index page in disguise. /<app> is
// redirected to /<app>/, where the app's relative links resolve.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range Headers {
		w.Header().Set(k, v)
	}
	p := r.URL.Path
	if len(p) > 1 && !strings.Contains(p[1:], "/") && s.files[p+"/"] != nil {
		http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
		return
	}
	f := s.files[p]
	if f == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		w.Header().Set("Cache-Control", "no-cache")
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", f.etag)
	http.ServeContent(w, r, p, time.Time{}, bytes.NewReader(f.body))
}
