package badges

import (
	"github.com/go-pdf/fpdf"
	"github.com/osce/accredit/pdftext"
)

// ptMM converts font sizes (points) to the millimetres the layout uses.
const ptMM = 25.4 / 72

// textBlock is some text already fitted to a width: its font, size and
// lines.
type textBlock struct {
	style   string // "" regular, "B" bold
	size    float64
	lines   []string
	leading float64 // line height as a multiple of size
	color   Color
}

func (b textBlock) lineHeight() float64 { return b.size * ptMM * b.leading }
func (b textBlock) height() float64     { return float64(len(b.lines)) * b.lineHeight() }

// draw writes the block centred horizontally in [x, x+w], first line's box
// starting at top. It returns the y just below the block.
func (b textBlock) draw(pdf *fpdf.Fpdf, x, top, w float64, centre bool) float64 {
	if len(b.lines) == 0 {
		return top
	}
	pdf.SetFont(pdftext.Family, b.style, b.size)
	pdf.SetTextColor(int(b.color.R), int(b.color.G), int(b.color.B))
	lh := b.lineHeight()
	for i, line := range b.lines {
		lx := x
		if centre {
			lx = x + (w-pdf.GetStringWidth(line))/2
		}
		// Baseline at ~78% of the line box centres Go fonts' capitals and
		// lower case visually between lines.
		pdf.Text(lx, top+float64(i)*lh+lh*0.78, line)
	}
	return top + b.height()
}

// fitText fits text to width w in at most maxLines lines, at the largest
// size in [minSize, maxSize] that avoids breaking words (pdftext.Fit). The
// text is cleaned first, so whatever was typed into a form, the badge
// prints without boxes or a crash.
func fitText(pdf *fpdf.Fpdf, text, style string, maxSize, minSize, w float64, maxLines int, leading float64, c Color) textBlock {
	b := textBlock{style: style, leading: leading, color: c}
	b.size, b.lines = pdftext.Fit(pdf, pdftext.Clean(text), style, maxSize, minSize, w, maxLines)
	return b
}
