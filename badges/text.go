package badges

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
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
	pdf.SetFont(fontFamily, b.style, b.size)
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

// fitText picks the largest size in [minSize, maxSize], in half points, at
// which text word-wraps into at most maxLines lines of width w. If none
// does, it breaks words at minSize and, as a last resort, ends the final
// line with an ellipsis: a long name must shrink or wrap, never run off the
// card.
func fitText(pdf *fpdf.Fpdf, text, style string, maxSize, minSize, w float64, maxLines int, leading float64, c Color) textBlock {
	b := textBlock{style: style, leading: leading, color: c}
	text = cleanText(text)
	if text == "" {
		return b
	}
	for s := int(maxSize * 2); s >= int(minSize*2); s-- {
		size := float64(s) / 2
		pdf.SetFont(fontFamily, style, size)
		if lines, ok := wrapWords(pdf, text, w); ok && len(lines) <= maxLines {
			b.size, b.lines = size, balance(pdf, text, w, lines)
			return b
		}
	}
	b.size = minSize
	pdf.SetFont(fontFamily, style, minSize)
	lines := wrapHard(pdf, text, w)
	if len(lines) > maxLines {
		rest := strings.Join(lines[maxLines-1:], " ")
		lines = lines[:maxLines]
		lines[maxLines-1] = ellipsize(pdf, rest, w)
	}
	b.lines = lines
	return b
}

// cleanText folds runs of white space (including newlines pasted into a
// form) into single spaces and drops control and invalid characters, which
// would otherwise print as boxes.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || (unicode.IsControl(r) && !unicode.IsSpace(r)) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// wrapWords wraps at spaces only; ok is false if a single word is wider
// than w, in which case the caller tries a smaller size.
func wrapWords(pdf *fpdf.Fpdf, text string, w float64) (lines []string, ok bool) {
	words := strings.Fields(text)
	line := ""
	for _, word := range words {
		if pdf.GetStringWidth(word) > w {
			return nil, false
		}
		if line == "" {
			line = word
			continue
		}
		if cand := line + " " + word; pdf.GetStringWidth(cand) <= w {
			line = cand
		} else {
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines, true
}

// balance rewraps text that needed several lines into lines of similar
// length, by finding the narrowest width that still gives the same number
// of lines: "Maximilian Alexander Theodor / Wolfgang Friedrich von /
// Łukasiewicz" rather than a last line holding a lone "von".
func balance(pdf *fpdf.Fpdf, text string, w float64, lines []string) []string {
	if len(lines) < 2 {
		return lines
	}
	lo, hi := 0.0, w // hi always wraps into len(lines) lines
	for i := 0; i < 12; i++ {
		mid := (lo + hi) / 2
		if l, ok := wrapWords(pdf, text, mid); ok && len(l) <= len(lines) {
			hi, lines = mid, l
		} else {
			lo = mid
		}
	}
	return lines
}

// wrapHard wraps like wrapWords but splits words wider than w between
// characters.
func wrapHard(pdf *fpdf.Fpdf, text string, w float64) []string {
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
		if line != "" {
			lines = append(lines, line)
			line = ""
		}
		for pdf.GetStringWidth(word) > w {
			n := fitPrefix(pdf, word, w)
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

// fitPrefix returns the byte length of the longest prefix of s (at least
// one character) no wider than w.
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
		cand := strings.TrimRight(string(r), " ") + "…"
		if pdf.GetStringWidth(cand) <= w {
			return cand
		}
	}
	return "…"
}
