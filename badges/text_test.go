package badges

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// hostile is what a registration form can deliver that the Go fonts
// cannot draw: an emoji and a CJK extension ideograph (above U+FFFF, on
// which fpdf used to panic while writing the file), a NUL and a
// noncharacter.
const hostile = "😀𠜎\u0000\uFFFF"

// hostileCard has hostile characters in every text field, and text far
// too long for the card around them.
func hostileCard(t testing.TB) Card {
	c := sampleCard(t)
	long := strings.Repeat("Wolfeschlegelsteinhausenbergerdorff-Łukasiewicz"+hostile+" ", 6)
	c.Honorific = hostile + " Dr."
	c.GivenName = "Zoë " + hostile
	c.FamilyName = "Müller" + hostile + long
	c.Function = hostile + long
	c.Delegation = long + hostile
	c.EventTitle = hostile + long
	c.Venue = long + hostile
	c.Dates = hostile + " 14–15 December 2026"
	c.Category = "vip" + hostile
	return c
}

// Regression: a badge for a name with an emoji crashed the whole render
// (fpdf: index out of range [65536]); badge text is now cleaned like the
// List of Participants' (pdftext.Clean).
func TestRenderPDFHostileText(t *testing.T) {
	c := hostileCard(t)
	var buf bytes.Buffer
	if err := RenderPDF(&buf, c); err != nil {
		t.Fatal(err)
	}
	text := pdftotext(t, buf.Bytes())
	// 😀 𠜎 and U+FFFF print as "?", the NUL not at all.
	for _, want := range []string{"??? Dr.", "Zoë ??? Müller???Wolfeschlegelsteinhausenbergerdorff", "VIP???", "??? 14–15 December 2026", c.BadgeID} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q; got %q", want, text)
		}
	}
	if strings.ContainsAny(text, "😀𠜎\u0000\uFFFF") {
		t.Errorf("undrawable characters reached the PDF: %q", text)
	}
}

func TestRenderBatchHostileText(t *testing.T) {
	var buf bytes.Buffer
	n, err := RenderBatch(&buf, cardSource(t, 5, func(i int, c *Card) {
		h := hostileCard(t)
		h.Serial = c.Serial
		if i%2 == 1 {
			h.Photo = nil
		}
		*c = h
	}))
	if err != nil || n != 5 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	if info := pdfinfo(t, buf.Bytes()); !regexp.MustCompile(`Pages:\s+2\n`).MatchString(info) {
		t.Errorf("5 badges should make 2 pages:\n%s", info)
	}
}
