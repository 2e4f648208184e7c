//go:build long

package web_test

// More of the harness, for forms: controls found by the text of their
// label (or the legend of their group) as a person reads it, choices in a
// <select>, dates, files, the message a field is described by, and files
// the page downloads. The console and portal tests share them.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// controlJS is a JavaScript expression for the visible control that the
// label (or, for a group, the legend) with this text names. The text is
// read as assistive technology reads it: without aria-hidden marks such
// as "(required)".
func controlJS(label string) string {
	return fmt.Sprintf(`(() => {
		const want = %q;
		const text = (n) => { const c = n.cloneNode(true); c.querySelectorAll('[aria-hidden="true"]').forEach((x) => x.remove()); return c.textContent.replace(/\s+/g, ' ').trim(); };
		const shown = (n) => n && n.getClientRects().length > 0;
		for (const l of document.querySelectorAll('label')) if (text(l) === want && shown(l.control)) return l.control;
		for (const l of document.querySelectorAll('legend')) if (text(l) === want && shown(l.parentElement)) return l.parentElement;
		return null;
	})()`, label)
}

// byLabel finds the control a label names, for controls whose role is not
// a text box (dates, files) or whose group is meant (a fieldset).
func byLabel(label string) chromedp.QueryOption {
	return chromedp.ByFunc(func(ctx context.Context, t *chromedp.Target, n *chromedp.Node) ([]cdp.NodeID, error) {
		res, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{Expression: controlJS(label)})
		if err != nil || res.Result == nil || res.Result.ObjectID == "" {
			return nil, err
		}
		node, err := cdp.Call(ctx, t, dom.RequestNode, dom.RequestNodeParams{ObjectID: res.Result.ObjectID})
		if err != nil {
			return nil, err
		}
		return []cdp.NodeID{node.NodeID}, nil
	})
}

// choose picks the option with this text in the <select> labelled label,
// as a person does with the list open: the page hears input and change.
func (p *page) choose(label, option string) {
	p.t.Helper()
	p.waitFor(controlJS(label)+" !== null", 10*time.Second)
	ok := eval[bool](p, fmt.Sprintf(`(() => {
		const s = %s;
		const o = [...s.options].find((o) => o.textContent.trim() === %q);
		if (!o) return false;
		s.focus();
		s.value = o.value;
		s.dispatchEvent(new Event('input', { bubbles: true }));
		s.dispatchEvent(new Event('change', { bubbles: true }));
		return true;
	})()`, controlJS(label), option))
	if !ok {
		p.t.Fatalf("no option %q in the list %q", option, label)
	}
}

// setDate fills a date field with YYYY-MM-DD as its picker would: the
// keys a date field takes depend on the browser's locale, its value does not.
func (p *page) setDate(label, ymd string) {
	p.t.Helper()
	p.waitFor(controlJS(label)+" !== null", 10*time.Second)
	eval[bool](p, fmt.Sprintf(`(() => {
		const c = %s;
		c.focus();
		c.value = %q;
		c.dispatchEvent(new Event('input', { bubbles: true }));
		c.dispatchEvent(new Event('change', { bubbles: true }));
		return true;
	})()`, controlJS(label), ymd))
}

// clear empties the text field labelled label, as select-all and delete do.
func (p *page) clear(label string) {
	p.t.Helper()
	p.waitFor(controlJS(label)+" !== null", 10*time.Second)
	eval[bool](p, fmt.Sprintf(`(() => { const c = %s; c.focus(); c.select(); c.value = ''; c.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`, controlJS(label)))
}

// chooseFile puts a file of the disk into the file field labelled label,
// as the file dialog does (the page hears change).
func (p *page) chooseFile(label, path string) {
	p.t.Helper()
	p.do(chromedp.SetUploadFiles(chromedp.CSS("file field "+fmt.Sprintf("%q", label)), []string{path}, byLabel(label)))
}

// description is what a control is described by (aria-describedby): its
// hint and, after a failed submission, the problem shown next to it.
func (p *page) description(label string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`(() => {
		const c = %s;
		if (!c) return '';
		return (c.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
			.map((id) => document.getElementById(id)?.textContent.trim() || '').join(' | ');
	})()`, controlJS(label)))
}

// invalid says whether the control labelled label is marked aria-invalid.
func (p *page) invalid(label string) bool {
	p.t.Helper()
	return eval[bool](p, fmt.Sprintf(`(%s)?.getAttribute('aria-invalid') === 'true'`, controlJS(label)))
}

// downloads lets the page's browser context save files into a fresh
// folder, under the names the page gives them, and answers the folder.
func (p *page) downloads() string {
	p.t.Helper()
	dir := p.t.TempDir()
	c := chromedp.FromContext(p.ctx)
	_, err := chromedp.CallBrowser(p.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, BrowserContextID: c.BrowserContextID, DownloadPath: dir})
	if err != nil {
		p.t.Fatal("Browser.setDownloadBehavior: ", err)
	}
	return dir
}

// downloaded waits for a finished file whose name ends with suffix in dir
// and answers its content.
func (p *page) downloaded(dir, suffix string) (string, []byte) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), suffix) {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err == nil && len(b) > 0 {
					return e.Name(), b
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("no file *%s was downloaded into %s", suffix, dir)
	return "", nil
}

// text is the rendered text of the first element the CSS selector finds,
// waiting until there is one.
func (p *page) text(selector string) string {
	p.t.Helper()
	p.waitFor(fmt.Sprintf(`document.querySelector(%q) !== null`, selector), 15*time.Second)
	return p.visibleText(selector)
}
