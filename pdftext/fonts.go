// Package pdftext sets text with github.com/go-pdf/fpdf in the embedded Go
// fonts: it registers the fonts (AddFonts), makes arbitrary user input
// safe and drawable in them (Clean), and measures text into lines that fit
// a width (Wrap, WrapAtMost, Ellipsize, Fit). Badges and the List of
// Participants share it so that a name prints, and fails to print, the
// same way in both.
//
// Every function here that measures text, and every string drawn, should
// have been through Clean: with these fonts fpdf (v0.9.0) panics with
// "index out of range [65536]" on any rune above U+FFFF, such as an emoji
// or a CJK extension ideograph, when it writes the file (and already when
// measuring U+10000). Clean is what removes them.
package pdftext

import (
	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Family is the font family AddFonts registers: "" (regular) and "B"
// (bold) styles of the Go fonts. The PDF core fonts only cover Latin-1,
// which would mangle names like Łukasiewicz or Țurcanu; the Go fonts cover
// the whole of WGL4 (Latin, Greek, Cyrillic), are embedded as subsets, and
// ship with golang.org/x/image so no font file is deployed.
const Family = "gofont"

// fonts are the font files registered under Family, by style. Clean's
// coverage is computed from the same files, so what Clean lets through is
// exactly what the document can draw.
var fonts = []struct {
	style string
	ttf   []byte
}{
	{"", goregular.TTF},
	{"B", gobold.TTF},
}

// AddFonts registers Family, regular and bold, in pdf. Call it once per
// document, before any SetFont(Family, …).
func AddFonts(pdf *fpdf.Fpdf) {
	for _, f := range fonts {
		pdf.AddUTF8FontFromBytes(Family, f.style, f.ttf)
	}
}
