package pdftext

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// coverage is the set of runes every registered font can draw. Go fonts
// cover WGL4: Latin (with all the letters of the OSCE's Latin-script
// languages bar Azerbaijani ə), Greek, Cyrillic. Only the Basic
// Multilingual Plane is scanned: the Go fonts have nothing above it.
var coverage = sync.OnceValue(func() map[rune]bool {
	var parsed []*sfnt.Font
	for _, f := range fonts {
		p, err := sfnt.Parse(f.ttf)
		if err != nil {
			panic("pdftext: embedded Go font: " + err.Error())
		}
		parsed = append(parsed, p)
	}
	m := make(map[rune]bool, 1024)
	var b sfnt.Buffer
	for r := rune(0x20); r < 0x10000; r++ {
		ok := true
		for _, f := range parsed {
			if g, err := f.GlyphIndex(&b, r); err != nil || g == 0 {
				ok = false
				break
			}
		}
		if ok {
			m[r] = true
		}
	}
	return m
})

// substitutes are conventional stand-ins for characters the fonts lack.
var substitutes = map[rune]string{
	'Ə': "Ä", 'ə': "ä", // Azerbaijani, as in its 1991 alphabet
	'\u00A0': " ", '\u202F': " ", '\u2007': " ",
	'\u2010': "-", '\u2011': "-", '\u2212': "-",
}

// Clean prepares user input for the PDF: Unicode-normalised (NFC), white
// space folded to single spaces and trimmed, control and format characters
// and invalid UTF-8 dropped, and any character the fonts cannot draw
// replaced by a conventional substitute (Ə → Ä), by the nearest letter
// they can draw (ằ → ă, ễ → ê), or by "?". Letters the fonts have, such as
// ë, ș, ț, ş, ğ, ł, Greek and Cyrillic, are kept exactly.
//
// Besides avoiding blank boxes this is what makes text safe to draw:
// fpdf panics on runes above U+FFFF (emoji, rare CJK) while writing the
// document, and Clean never returns one. Clean(Clean(s)) == Clean(s).
func Clean(s string) string {
	if s == "" {
		return s
	}
	cov := coverage()
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		sub := ""
		if !cov[r] {
			if sub = substitutes[r]; sub == "" {
				sub = nearest(r, cov)
			}
			if sub == "" {
				continue // a lone mark: no space for it either
			}
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if sub == "" {
			b.WriteRune(r)
		} else {
			b.WriteString(sub)
		}
	}
	return b.String()
}

// nearest drops combining marks from r, last first, until what is left
// is drawable; "?" if even the base letter is not, and nothing for a lone
// combining mark the fonts lack.
func nearest(r rune, cov map[rune]bool) string {
	d := []rune(norm.NFD.String(string(r)))
	for n := len(d) - 1; n >= 1; n-- {
		c := []rune(norm.NFC.String(string(d[:n])))
		if len(c) == 1 && cov[c[0]] {
			return string(c)
		}
	}
	if unicode.Is(unicode.Mn, r) {
		return ""
	}
	return "?"
}
