package pdftext

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

// checkPieces fails unless lines are text cut into consecutive pieces, each
// break either at a space (which is dropped) or inside a word.
func checkPieces(t *testing.T, text string, lines []string) {
	t.Helper()
	if rest := checkHead(t, text, lines); rest != "" {
		t.Errorf("%q lost %q", lines, rest)
	}
}

// checkHead is checkPieces for lines that may stop before the end of
// text; it returns the rest.
func checkHead(t *testing.T, text string, lines []string) string {
	t.Helper()
	rest := text
	for i, l := range lines {
		if l == "" || !strings.HasPrefix(rest, l) {
			t.Errorf("line %d %q is not the next piece of %q", i, l, text)
			return ""
		}
		rest = strings.TrimPrefix(rest[len(l):], " ")
	}
	return rest
}

func checkWidths(t *testing.T, pdf *fpdf.Fpdf, lines []string, w float64) {
	t.Helper()
	for _, l := range lines {
		if lw := pdf.GetStringWidth(l); lw > w && utf8.RuneCountInString(l) > 1 {
			t.Errorf("%q is %.2f mm wide, max %.2f", l, lw, w)
		}
	}
}

var wrapTexts = []string{
	"Deputy Head of Mission",
	"von Hohenberg-Łukasiewicz-Schönborn",
	"Senior Adviser on Arms Control, Disarmament and Confidence- and Security-Building Measures",
	"Federal Ministry for European and International Affairs, Directorate-General for Security Policy",
	strings.Repeat("Wolfeschlegelsteinhausenbergerdorff-Łukasiewicz ", 3),
	"Permanent/Mission/of/the/Republic",
	"Abcdefghijklmnopqrstuvwxyz",
	"x- -y --z- / //",
	"W",
	"",
}

func TestWrap(t *testing.T) {
	pdf := newPDF(t)
	for _, tc := range []struct {
		text  string
		width float64
		want  []string
	}{
		{"Deputy Head of Mission", 200, []string{"Deputy Head of Mission"}},
		{"Deputy Head of Mission", 30, []string{"Deputy Head of", "Mission"}},
		{"von Hohenberg-Łukasiewicz-Schönborn", 45, []string{"von Hohenberg-", "Łukasiewicz-Schönborn"}},
		{"Hohenberg-Łukasiewicz-Schönborn", 25, []string{"Hohenberg-", "Łukasiewicz-", "Schönborn"}},
		{"Permanent/Mission/of/the/Republic", 40, []string{"Permanent/Mission/of/", "the/Republic"}},
		{"Abcdefghijklmnopqrstuvwxyz", 20, []string{"Abcdefghijkl", "mnopqrstuv", "wxyz"}},
		{"W", 0.5, []string{"W"}}, // one character per line even if wider
		{"", 20, nil},
	} {
		got := Wrap(pdf, tc.text, tc.width)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Wrap(%q, %v) = %q, want %q", tc.text, tc.width, got, tc.want)
		}
	}
	for _, text := range wrapTexts {
		for _, w := range []float64{2, 5, 10, 20, 30, 45, 66, 97, 170} {
			lines := Wrap(pdf, text, w)
			checkWidths(t, pdf, lines, w)
			checkPieces(t, text, lines)
		}
	}
}

func TestWrapWords(t *testing.T) {
	pdf := newPDF(t)
	long := pdf.GetStringWidth("Müller-Łukasiewicz")
	if _, ok := wrapWords(pdf, "Zoë Müller-Łukasiewicz", long-0.1); ok {
		t.Error("a word wider than the line was accepted")
	}
	lines, ok := wrapWords(pdf, "Zoë Müller-Łukasiewicz", long+0.1)
	if want := []string{"Zoë", "Müller-Łukasiewicz"}; !ok || !reflect.DeepEqual(lines, want) {
		t.Errorf("got %q, %v; want %q (never split at the hyphen)", lines, ok, want)
	}
	for _, text := range wrapTexts {
		for _, w := range []float64{10, 30, 66, 170} {
			lines, ok := wrapWords(pdf, text, w)
			if !ok {
				continue
			}
			checkWidths(t, pdf, lines, w)
			checkPieces(t, text, lines)
			if want := strings.Fields(text); !reflect.DeepEqual(strings.Fields(strings.Join(lines, " ")), want) && len(want) > 0 {
				t.Errorf("wrapWords(%q, %v) = %q split a word", text, w, lines)
			}
		}
	}
}

func TestEllipsize(t *testing.T) {
	pdf := newPDF(t)
	if got := Ellipsize(pdf, "Deputy Head", 100); got != "Deputy Head" {
		t.Errorf("text that fits changed: %q", got)
	}
	if got := Ellipsize(pdf, "Deputy Head of Mission", 1); got != "…" {
		t.Errorf("nothing fits: %q, want …", got)
	}
	for _, text := range wrapTexts {
		for _, w := range []float64{3, 10, 20, 45} {
			got := Ellipsize(pdf, text, w)
			if got == text {
				if pdf.GetStringWidth(text) > w {
					t.Errorf("Ellipsize(%q, %v) did not shorten it", text, w)
				}
				continue
			}
			head, ok := strings.CutSuffix(got, "…")
			if !ok || !strings.HasPrefix(text, head) || strings.HasSuffix(head, " ") {
				t.Errorf("Ellipsize(%q, %v) = %q: not a trimmed head of it plus …", text, w, got)
			}
			if got != "…" && pdf.GetStringWidth(got) > w {
				t.Errorf("Ellipsize(%q, %v) = %q is %.2f mm wide", text, w, got, pdf.GetStringWidth(got))
			}
		}
	}
}

func TestWrapAtMost(t *testing.T) {
	pdf := newPDF(t)
	text := strings.Repeat("Very Long Title-With-Hyphens of the Conference ", 4)
	for _, w := range []float64{30, 60, 120} {
		for n := 0; n <= 4; n++ {
			lines := WrapAtMost(pdf, text, w, n)
			full := Wrap(pdf, text, w)
			switch {
			case len(lines) > max(n, 1):
				t.Errorf("w %v: %d lines, max %d", w, len(lines), max(n, 1))
			case len(full) <= max(n, 1) && !reflect.DeepEqual(lines, full):
				t.Errorf("w %v: text that fits changed: %q", w, lines)
			case len(full) > max(n, 1):
				// The last line continues the text exactly: no space
				// inserted after a hyphen the line before broke at.
				head := append([]string(nil), lines...)
				last, ok := strings.CutSuffix(head[len(head)-1], "…")
				if !ok {
					t.Errorf("w %v: cut text does not end in …: %q", w, lines)
				}
				head[len(head)-1] = last
				checkHead(t, strings.TrimSpace(text), head)
			}
			checkWidths(t, pdf, lines, w)
		}
	}
	// A break after a hyphen, then the rest ellipsized: the rest must
	// start with the word's tail, not a space.
	lines := WrapAtMost(pdf, "Hohenberg-Łukasiewicz-Schönborn-Habsburg-Lothringen", 25, 2)
	if len(lines) != 2 || lines[0] != "Hohenberg-" || !strings.HasPrefix(lines[1], "Łukasiewicz-") || !strings.HasSuffix(lines[1], "…") {
		t.Errorf("got %q", lines)
	}
}

func TestFit(t *testing.T) {
	pdf := newPDF(t)
	const w = 89.0 // a badge's content width
	size, lines := Fit(pdf, "Zoë Müller-Łukasiewicz", "B", 18, 10, w, 2)
	if size != 18 || len(lines) != 1 {
		t.Errorf("short name: %q at %v pt, want one line at 18", lines, size)
	}
	// Shrinks before wrapping, wraps before breaking words.
	size, lines = Fit(pdf, "Maria Alexandra Theodora von Habsburg-Lothringen", "B", 18, 10, w, 2)
	if len(lines) != 2 || size < 12 || strings.Join(lines, " ") != "Maria Alexandra Theodora von Habsburg-Lothringen" {
		t.Errorf("long name: %q at %v pt", lines, size)
	}
	// Balanced: no lone word on the last line (at 70 mm greedy wrapping
	// leaves "Łukasiewicz" alone).
	_, lines = Fit(pdf, "Maximilian Alexander Theodor Wolfgang Friedrich von Łukasiewicz", "B", 12, 12, 70, 3)
	if len(lines) < 2 {
		t.Fatalf("got %q", lines)
	}
	for _, l := range lines {
		if !strings.Contains(l, " ") {
			t.Errorf("unbalanced: %q", lines)
		}
	}
	// Nothing fits at the smallest size: broken and ellipsized there.
	long := strings.Repeat("Wolfeschlegelsteinhausenbergerdorff-Łukasiewicz ", 5)
	pdf.SetFont(Family, "B", 10)
	narrow := pdf.GetStringWidth("Wolfeschlegelsteinhausenbergerdorff-Łukasie")
	size, lines = Fit(pdf, Clean(long), "B", 18, 10, narrow, 2)
	if size != 10 || len(lines) != 2 || lines[0] != "Wolfeschlegelsteinhausenbergerdorff-" || !strings.HasPrefix(lines[1], "Łukasiewicz Wolfe") || !strings.HasSuffix(lines[1], "…") {
		t.Errorf("too long: %q at %v pt", lines, size)
	}
	checkWidths(t, pdf, lines, narrow)

	if size, lines := Fit(pdf, "", "B", 18, 10, w, 2); size != 0 || lines != nil {
		t.Errorf("empty text: %q at %v pt", lines, size)
	}
	// Fit leaves the font at the size it returns.
	size, _ = Fit(pdf, "Delegate", "", 15, 8, w, 1)
	if got, _ := pdf.GetFontSize(); got != size {
		t.Errorf("font left at %v pt, Fit returned %v", got, size)
	}
}
