package web_test

// Checks on the desk's files that need no browser: they hold the desk to
// its rules (one strings file, no innerHTML, the badge's colours) and keep
// the service worker's cache version true to the files it caches.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/osce/accredit/badges"
	"github.com/osce/accredit/web"
)

func deskFile(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(web.Files, "desk/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func deskFiles(t *testing.T) []string {
	t.Helper()
	entries, err := fs.ReadDir(web.Files, "desk")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

var (
	swVersion = regexp.MustCompile(`const VERSION = "(desk-[0-9a-f]+)";`)
	swShell   = regexp.MustCompile(`(?s)const SHELL = \[(.*?)\];`)
	swEntry   = regexp.MustCompile(`"([^"]+)"`)
)

// shellVersion is the cache version the service worker must carry: a
// hash of every file it caches, in its list's order.
func shellVersion(t *testing.T, shell []string) string {
	h := sha256.New()
	for _, f := range shell {
		if f == "./" {
			f = "index.html"
		}
		fmt.Fprintf(h, "%s\x00%s\x00", f, deskFile(t, f))
	}
	return "desk-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// TestDeskServiceWorkerVersion: the worker caches every file of the desk,
// and its VERSION changes whenever one of them does, so that devices
// fetch the new files. ACCREDIT_UPDATE_SW=1 writes the right VERSION.
func TestDeskServiceWorkerVersion(t *testing.T) {
	sw := deskFile(t, "sw.js")
	m := swShell.FindStringSubmatch(sw)
	if m == nil {
		t.Fatal("sw.js has no SHELL list")
	}
	var shell []string
	for _, e := range swEntry.FindAllStringSubmatch(m[1], -1) {
		shell = append(shell, e[1])
	}
	var want []string
	for _, f := range deskFiles(t) {
		switch f {
		case "sw.js":
		case "index.html":
			want = append(want, "./")
		default:
			want = append(want, f)
		}
	}
	slices.Sort(want)
	if got := slices.Sorted(slices.Values(shell)); !slices.Equal(got, want) {
		t.Errorf("sw.js caches %v, the desk has %v", got, want)
	}
	version := shellVersion(t, shell)
	v := swVersion.FindStringSubmatch(sw)
	if v != nil && v[1] == version {
		return
	}
	if os.Getenv("ACCREDIT_UPDATE_SW") != "" {
		fixed := swVersion.ReplaceAllString(sw, `const VERSION = "`+version+`";`)
		if err := os.WriteFile("desk/sw.js", []byte(fixed), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("sw.js: VERSION set to %s", version)
		return
	}
	t.Errorf("sw.js VERSION is not %q: the desk's files changed; run ACCREDIT_UPDATE_SW=1 go test ./web -run TestDeskServiceWorkerVersion", version)
}

// TestDeskCategoryColours: the verdict shows each category in the colour
// of the printed badge's band.
func TestDeskCategoryColours(t *testing.T) {
	css := deskFile(t, "desk.css")
	re := regexp.MustCompile(`--cat-([a-z_]+):\s*#([0-9a-fA-F]{6});`)
	got := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(css, -1) {
		got[m[1]] = strings.ToLower(m[2])
	}
	for cat, c := range badges.CategoryColors {
		want := fmt.Sprintf("%02x%02x%02x", c.R, c.G, c.B)
		if got[cat] != want {
			t.Errorf("--cat-%s is #%s, the badge prints #%s", cat, got[cat], want)
		}
		if !strings.Contains(css, fmt.Sprintf(`[data-category="%s"] { --cat: var(--cat-%s); }`, cat, cat)) {
			t.Errorf("desk.css does not give the category %s its colour", cat)
		}
		if !strings.Contains(deskFile(t, "strings.js"), "    "+cat+": ") {
			t.Errorf("strings.js has no name for the category %s", cat)
		}
	}
}

// TestDeskTextIsInStringsJS: the page's markup holds no words of its own
// (each element names its text with data-text, a key of strings.js), so
// that a translation is one file.
func TestDeskTextIsInStringsJS(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(deskFile(t, "index.html")))
	if err != nil {
		t.Fatal(err)
	}
	strs := deskFile(t, "strings.js")
	var walk func(n *html.Node, inTitle bool)
	walk = func(n *html.Node, inTitle bool) {
		if n.Type == html.TextNode && strings.TrimSpace(n.Data) != "" && !inTitle {
			t.Errorf("index.html has text of its own: %q", strings.TrimSpace(n.Data))
		}
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "data-text" && !regexp.MustCompile(`(?m)^  `+regexp.QuoteMeta(a.Val)+`: "`).MatchString(strs) {
					t.Errorf("data-text=%q is not a text of strings.js", a.Val)
				}
				if a.Key == "aria-label" || a.Key == "title" || a.Key == "placeholder" || a.Key == "alt" && a.Val != "" {
					t.Errorf("<%s %s=%q>: visible or spoken text belongs in strings.js", n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inTitle || n.Type == html.ElementNode && n.Data == "title")
		}
	}
	walk(doc, false)
}

// TestDeskBuildsNoMarkupFromData: user data reaches the page only as text.
func TestDeskBuildsNoMarkupFromData(t *testing.T) {
	banned := regexp.MustCompile(`\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(|createContextualFragment`)
	for _, f := range deskFiles(t) {
		if path.Ext(f) != ".js" {
			continue
		}
		for i, line := range strings.Split(deskFile(t, f), "\n") {
			if banned.MatchString(line) {
				t.Errorf("desk/%s:%d builds markup from strings: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestDeskControlsAreLabelled: every field of the desk has a label.
func TestDeskControlsAreLabelled(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(deskFile(t, "index.html")))
	if err != nil {
		t.Fatal(err)
	}
	labelled := map[string]bool{}
	var controls []*html.Node
	var walk func(n *html.Node, inLabel bool)
	walk = func(n *html.Node, inLabel bool) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "label":
				for _, a := range n.Attr {
					if a.Key == "for" {
						labelled[a.Val] = true
					}
				}
				inLabel = true
			case "input", "select", "textarea":
				if !inLabel {
					controls = append(controls, n)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLabel)
		}
	}
	walk(doc, false)
	for _, c := range controls {
		id := ""
		for _, a := range c.Attr {
			if a.Key == "id" {
				id = a.Val
			}
		}
		if !labelled[id] {
			t.Errorf("<%s id=%q> has no label", c.Data, id)
		}
	}
}
