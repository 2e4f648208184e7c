package pdftext

import (
	"strings"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

// Wrap breaks text into lines no wider than w at pdf's current font: at
// spaces, then after hyphens and slashes inside a word too long for the
// rest of the line ("Hohenberg-/Łukasiewicz"), and only as a last resort
// between letters. Only a single character wider than w makes a line
// wider than w. text must be Clean; its lines are then consecutive pieces
// of it, less the spaces broken at, so no text is lost.
func Wrap(pdf *fpdf.Fpdf, text string, w float64) []string {
	lines, _ := wrap(pdf, text, w, true)
	return lines
}

// wrapWords wraps at spaces only, never inside a word; ok is false if a
// single word is wider than w, in which case Fit tries a smaller size
// rather than split a name.
func wrapWords(pdf *fpdf.Fpdf, text string, w float64) (lines []string, ok bool) {
	return wrap(pdf, text, w, false)
}

// wrap is Wrap (split true) and wrapWords (split false): the two differ
// only in what happens to a word that does not fit the rest of the line.
func wrap(pdf *fpdf.Fpdf, text string, w float64, split bool) (lines []string, ok bool) {
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
		if !split {
			if pdf.GetStringWidth(word) > w {
				return nil, false
			}
			lines = append(lines, line)
			line = word
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
	return lines, true
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

// fitPrefix returns the byte length of the longest prefix of s no wider
// than w, but at least one character, so that breaking a word always
// makes progress.
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

// Ellipsize returns s if it fits w at pdf's current font, else its
// longest head that fits with "…" marking the cut (trailing spaces
// before the "…" removed); "…" alone if no head does. For single-line
// slots such as running headers, where wrapping is not an option. s must
// be Clean.
func Ellipsize(pdf *fpdf.Fpdf, s string, w float64) string {
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

// WrapAtMost is Wrap limited to maxLines lines (at least one): if the text
// needs more, the last line holds the rest of the text ellipsized, so a
// long title ends in "…" instead of running into what follows it. text
// must be Clean.
func WrapAtMost(pdf *fpdf.Fpdf, text string, w float64, maxLines int) []string {
	maxLines = max(maxLines, 1)
	text = strings.Join(strings.Fields(text), " ")
	lines := Wrap(pdf, text, w)
	if len(lines) <= maxLines {
		return lines
	}
	// The rest starts after the kept lines: each line is a piece of text,
	// followed by the space it was broken at, if it was broken at one.
	// (Joining the remaining lines with spaces instead would turn a break
	// after a hyphen into "Hohenberg- Łukasiewicz".)
	pos := 0
	for _, l := range lines[:maxLines-1] {
		pos += len(l)
		if pos < len(text) && text[pos] == ' ' {
			pos++
		}
	}
	lines = lines[:maxLines]
	lines[maxLines-1] = Ellipsize(pdf, text[pos:], w)
	return lines
}

// Fit picks the largest font size in [minSize, maxSize], in half points,
// at which text wraps at spaces alone into at most maxLines lines of width
// w, and returns that size and the lines, balanced to similar lengths so
// that no word is left alone on the last line. If no size does, it falls
// back to WrapAtMost at minSize: a long name must shrink or wrap, never
// run off its box, and is broken inside words or ellipsized only when
// shrinking cannot save it. This is how a badge sets a name.
//
// Fit sets pdf's font to Family in style at each size it tries and leaves
// it at the size returned. text must be Clean; "" gives size 0 and no
// lines, and leaves the font alone.
func Fit(pdf *fpdf.Fpdf, text, style string, maxSize, minSize, w float64, maxLines int) (size float64, lines []string) {
	if text == "" {
		return 0, nil
	}
	for s := int(maxSize * 2); s >= int(minSize*2); s-- {
		size := float64(s) / 2
		pdf.SetFont(Family, style, size)
		if lines, ok := wrapWords(pdf, text, w); ok && len(lines) <= maxLines {
			return size, balance(pdf, text, w, lines)
		}
	}
	pdf.SetFont(Family, style, minSize)
	return minSize, WrapAtMost(pdf, text, w, maxLines)
}

// balance rewraps text that needed several lines into lines of similar
// length, by finding the narrowest width that still gives the same number
// of lines: "Maximilian Alexander Theodor / Wolfgang Friedrich von /
// Łukasiewicz" rather than a last line holding a lone "von". lines is the
// text wrapped at width w by wrapWords.
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
