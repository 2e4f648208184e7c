package reports

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// coverage is the set of runes both embedded fonts can draw. Go fonts
// cover WGL4: Latin (with all the letters of the OSCE's Latin-script
// languages bar Azerbaijani ə), Greek, Cyrillic.
var coverage = sync.OnceValue(func() map[rune]bool {
	m := make(map[rune]bool, 1024)
	var fonts []*sfnt.Font
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("reports: embedded Go font: " + err.Error())
		}
		fonts = append(fonts, f)
	}
	var b sfnt.Buffer
	for r := rune(0x20); r < 0x10000; r++ {
		ok := true
		for _, f := range fonts {
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

// substitutes are conventional stand-ins for letters the fonts lack.
var substitutes = map[rune]string{
	'Ə': "Ä", 'ə': "ä", // Azerbaijani, as in its 1991 alphabet
	'\u00A0': " ", '\u202F': " ", '\u2007': " ",
	'\u2010': "-", '\u2011': "-", '\u2212': "-",
}

// clean prepares text for the PDF: Unicode-normalised (NFC), white space
// folded to single spaces, control characters dropped, and any character
// the embedded fonts cannot draw replaced by the nearest one they can
// (ằ → ă, Ə → Ä) or "?". Besides avoiding blank boxes this matters for
// safety: fpdf indexes its width table by rune and panics on some runes
// outside the font (U+10000).
func clean(s string) string {
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
		if space {
			b.WriteByte(' ')
			space = false
		}
		switch {
		case cov[r]:
			b.WriteRune(r)
		case substitutes[r] != "":
			b.WriteString(substitutes[r])
		default:
			b.WriteString(nearest(r, cov))
		}
	}
	return b.String()
}

// nearest drops combining marks from r, last first, until what is left
// is drawable; "?" if even the base letter is not.
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

// upper capitalises a family name the way a printed list does: with the
// full Unicode rules (ß → SS), not rune by rune.
func upper(s string) string {
	return cases.Upper(language.Und).String(s)
}

// wrap breaks text into lines no wider than w at the current font: at
// spaces, then after hyphens and slashes inside a word too long for the
// line ("Hohenberg-/Łukasiewicz"), and only as a last resort between
// letters.
func wrap(pdf *fpdf.Fpdf, text string, w float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		cand := word
		if line != "" {
			cand = line + " " + word
		}
		if pdf.GetStringWidth(cand) <= w {
			line = cand
			continue
		}
		// Fill the line with the head of a compound word, if it has one.
		if line != "" {
			if n := breakAt(pdf, word, w-pdf.GetStringWidth(line+" ")); n > 0 {
				line += " " + word[:n]
				word = word[n:]
			}
			lines = append(lines, line)
			line = ""
		}
		for pdf.GetStringWidth(word) > w {
			n := breakAt(pdf, word, w)
			if n == 0 {
				n = fitPrefix(pdf, word, w)
			}
			lines = append(lines, word[:n])
			word = word[n:]
		}
		line = word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// breakAt returns the byte length of the longest head of word that ends
// with a hyphen or slash and is no wider than w; 0 if there is none.
func breakAt(pdf *fpdf.Fpdf, word string, w float64) int {
	best := 0
	for i, r := range word {
		if (r == '-' || r == '/') && i+1 < len(word) {
			if pdf.GetStringWidth(word[:i+1]) > w {
				break
			}
			best = i + 1
		}
	}
	return best
}

// fitPrefix returns the byte length of the longest prefix of s, at least
// one character, no wider than w.
func fitPrefix(pdf *fpdf.Fpdf, s string, w float64) int {
	n := 0
	for i, r := range s {
		end := i + utf8.RuneLen(r)
		if n > 0 && pdf.GetStringWidth(s[:end]) > w {
			break
		}
		n = end
	}
	return n
}

// ellipsize shortens s to fit w, marking the cut with "…".
func ellipsize(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		if cand := strings.TrimRight(string(r), " ") + "…"; pdf.GetStringWidth(cand) <= w {
			return cand
		}
	}
	return "…"
}
