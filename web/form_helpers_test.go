package web_test

// Small general helpers over the harness for apps with forms (console,
// portal): controls found by their label's text, as a person finds them.

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
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
			p.t.Fatalf("waited %v for %q; the page says:\n%s", timeout, s, p.text())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// text is the page's rendered text.
func (p *page) text() string {
	p.t.Helper()
	return p.visibleText("body")
}

// blobBytes fetches what a link on the page points at (a blob: URL of a
// PDF or a spreadsheet the page made) and returns its bytes.
func (p *page) blobBytes(linkText string) []byte {
	p.t.Helper()
	raw := eval[string](p, fmt.Sprintf(`(async () => {
		const a = [...document.querySelectorAll('a')].find((a) => a.textContent.trim() === %q);
		if (!a) return '';
		const b = new Uint8Array(await (await fetch(a.href)).arrayBuffer());
		let s = '';
		for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
		return btoa(s);
	})()`, linkText))
	if raw == "" {
		p.t.Fatalf("no link %q on the page", linkText)
	}
	var b []byte
	if err := json.Unmarshal([]byte(`"`+raw+`"`), &b); err != nil {
		p.t.Fatal(err)
	}
	return b
}

// has reports whether the page's rendered text holds s.
func (p *page) has(s string) bool {
	p.t.Helper()
	return strings.Contains(p.text(), s)
}

// goTo follows an in-app address (a hash such as #/events/X/review) as a
// click on a link would; chromedp's Navigate waits for a load that a
// change of fragment never makes.
func (p *page) goTo(hash string) {
	p.t.Helper()
	eval[bool](p, fmt.Sprintf(`(location.hash = %q, true)`, hash))
}
