//go:build long

package web_test

// Small general helpers over the harness for apps with forms (console,
// portal): controls found by their label's text, as a person finds them.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// set gives the control labelled label a value, as picking a date, a
// number or an option does: for a <select>, value is the option's text
// (or its value). It fails unless exactly one visible control has that label.
func (p *page) set(label, value string) {
	p.t.Helper()
	res := eval[string](p, fmt.Sprintf(`(() => {
		const label = %q, value = %q;
		const found = [...document.querySelectorAll('input, select, textarea')].filter((c) =>
			c.offsetParent !== null && [...(c.labels || [])].some((l) => l.textContent.trim() === label));
		if (found.length !== 1) return 'found ' + found.length + ' controls labelled ' + label;
		const c = found[0];
		c.focus();
		if (c.tagName === 'SELECT') {
			const o = [...c.options].find((o) => o.textContent.trim() === value) || [...c.options].find((o) => o.value === value);
			if (!o) return 'no option ' + value + ' in ' + label;
			c.value = o.value;
		} else {
			const proto = c.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
			Object.getOwnPropertyDescriptor(proto, 'value').set.call(c, value);
			c.dispatchEvent(new Event('input', { bubbles: true }));
		}
		c.dispatchEvent(new Event('change', { bubbles: true }));
		return '';
	})()`, label, value))
	if res != "" {
		p.t.Fatal(res)
	}
}

// check ticks (or unticks) the checkbox of that name with the mouse.
func (p *page) check(name string) {
	p.t.Helper()
	p.do(chromedp.Click(role("checkbox", name), byRole("checkbox", name), chromedp.NodeVisible))
}

// valueOf reads the value of the control labelled label.
func (p *page) valueOf(label string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`(() => {
		const c = [...document.querySelectorAll('input, select, textarea')].find((c) =>
			[...(c.labels || [])].some((l) => l.textContent.trim() === %q));
		return c ? c.value : '';
	})()`, label))
}

// waitText waits until the page's rendered text holds s.
func (p *page) waitText(s string, timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for !p.has(s) {
		if time.Now().After(deadline) {
			p.t.Fatalf("waited %v for %q; the page says:\n%s", timeout, s, p.pageText())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pageText is the page's rendered text (the portal's harness has text(selector)).
func (p *page) pageText() string {
	p.t.Helper()
	return p.visibleText("body")
}

// download presses the control (a link or a button) that saves a file
// and returns the file's name and bytes as the browser saved them: the
// page's own fetch of a blob: URL is refused by its connect-src, as it
// should be.
func (p *page) download(roleName, name string) (string, []byte) {
	p.t.Helper()
	dir := p.t.TempDir()
	c := chromedp.FromContext(p.ctx)
	params := cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow,
		BrowserContextID: c.BrowserContextID, DownloadPath: dir}
	if err := c.Browser.Call(p.ctx, cdpbrowser.CommandSetDownloadBehavior, params, nil); err != nil {
		p.t.Fatal(err)
	}
	p.click(roleName, name)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := os.ReadDir(dir)
		if len(files) == 1 && !strings.HasSuffix(files[0].Name(), ".crdownload") {
			b, err := os.ReadFile(filepath.Join(dir, files[0].Name()))
			if err == nil && len(b) > 0 {
				return files[0].Name(), b
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("no file was downloaded by %s %q", roleName, name)
	return "", nil
}

// has reports whether the page's rendered text holds s.
func (p *page) has(s string) bool {
	p.t.Helper()
	return strings.Contains(p.pageText(), s)
}

// goTo follows an in-app address (a hash such as #/events/X/review) as a
// click on a link would; chromedp's Navigate waits for a load that a
// change of fragment never makes.
func (p *page) goTo(hash string) {
	p.t.Helper()
	eval[bool](p, fmt.Sprintf(`(location.hash = %q, true)`, hash))
}

// emulateMedia renders the page for "print" (or "" for the screen again).
func emulateMedia(p *page, media string) error {
	_, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
	return err
}

// focusByTab presses Tab (Shift+Tab when back) until the focused control's
// accessible name — its label, or its text for a button — is name, as a
// keyboard user moves through a page; it fails after 60 presses.
func (p *page) focusByTab(name string, back bool) {
	p.t.Helper()
	var opts []chromedp.KeyOption
	if back {
		opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	for range 60 {
		p.do(chromedp.KeyEvent(kb.Tab, opts...))
		got := eval[string](p, `(() => { const e = document.activeElement; if (!e) return '';
			if (e.labels && e.labels.length) return e.labels[0].textContent.trim();
			return (e.getAttribute('aria-label') || e.textContent).trim(); })()`)
		if got == name {
			return
		}
	}
	p.t.Fatalf("Tab never reached %q", name)
}
