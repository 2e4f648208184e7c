package pdftext

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

// newPDF is a document with the fonts registered and the regular face at
// 10 pt selected.
func newPDF(t testing.TB) *fpdf.Fpdf {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	AddFonts(pdf)
	pdf.SetFont(Family, "", 10)
	if err := pdf.Error(); err != nil {
		t.Fatal(err)
	}
	return pdf
}

func TestCleanKeepsDiacritics(t *testing.T) {
	for _, s := range []string{
		"Zoë Müller-Łukasiewicz",
		"Dragoș Țurcanu",
		"Şükrü Doğan",
		"Małgorzata Jørgensen Ó Súilleabháin Kovačević",
		"Αλέξανδρος Παπαδόπουλος",
		"Ілля Коваленко",
		"Dışişleri Bakanlığı",
	} {
		if got := Clean(s); got != s {
			t.Errorf("Clean(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  Zoë   Müller ", "Zoë Müller"},
		{"Dragos\u0326", "Dragoș"}, // NFC composes s + comma below into ș
		{"Zoe\u0308", "Zoë"},
		{"Məmmədov", "Mämmädov"},
		{"Nguyễn Thị Ằ", "Nguyên Thi Ă"},
		{"a\u00a0b\tc\nd\u202Fe", "a b c d e"},
		{"\U0001F600x\U00010000", "?x?"},
		{"😀𠜎\u0000\uFFFF", "???"},
		{"Anna 👩\u200d💻 Berg", "Anna ?? Berg"}, // the zero-width joiner is dropped
		{"bad\xffbyte", "badbyte"},
		{"zero\u200bwidth\u0000nul", "zerowidthnul"},
		{"x\u0301", "x"}, // a combining mark the fonts lack is dropped
		{"Zoë \u0900", "Zoë"},
		{"a \u0301 b", "a b"},
		{"", ""},
		{" \t\n ", ""},
	} {
		if got := Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// hostile is input from a form that Clean has to make printable.
var hostile = []string{
	"😀𠜎\u0000\uFFFF",
	"\U00010000",
	"\U0010FFFF\U000E0001\U0001F1E6\U0001F1F9",
	"e\u200b\u0301",
	"\uFEFFBOM \uFFFD \uFFFE \uD7FF",
	"𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ℌ𝔢𝔩𝔩𝔬",
	"漢字 한국어 العربية עברית हिन्दी",
	"Ǆ ǅ ǆ ﬁ ﬀ Å Ω",
	strings.Repeat("😀", 100),
}

// TestCleanOutputIsSafe checks, for every character, that what Clean
// returns is in the fonts and at most U+FFFF, the one thing that keeps
// fpdf from panicking.
func TestCleanOutputIsSafe(t *testing.T) {
	cov := coverage()
	step := rune(1)
	if testing.Short() {
		step = 97
	}
	for r := rune(0); r <= utf8.MaxRune; r += step {
		if r >= 0x10000 && step == 1 {
			step = 61 // the astral planes are mostly alike
		}
		got := Clean(string(r))
		for _, c := range got {
			if c > 0xFFFF || (!cov[c] && c != ' ') {
				t.Fatalf("Clean(%U) = %q: %U is not drawable", r, got, c)
			}
		}
		if again := Clean(got); again != got {
			t.Fatalf("Clean not idempotent on %U: %q then %q", r, got, again)
		}
	}
}

// TestCleanedTextRenders draws hostile text in both styles and writes the
// document: before Clean, fpdf panicked doing this.
func TestCleanedTextRenders(t *testing.T) {
	pdf := newPDF(t)
	pdf.AddPage()
	for _, style := range []string{"", "B"} {
		pdf.SetFont(Family, style, 10)
		for i, s := range hostile {
			s = Clean(s)
			for _, line := range Wrap(pdf, s, 40) {
				pdf.Text(10, 10+float64(i)*5, line)
			}
			pdf.Text(100, 10+float64(i)*5, Ellipsize(pdf, s, 20))
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("Zoë Müller-Łukasiewicz")
	f.Add("Nguyễn Thị Ằ")
	cov := coverage()
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Clean(%q) = %q: invalid UTF-8", s, got)
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
			t.Fatalf("Clean(%q) = %q: white space not folded", s, got)
		}
		for _, c := range got {
			if !cov[c] && c != ' ' {
				t.Fatalf("Clean(%q) = %q: %U is not drawable", s, got, c)
			}
		}
		if again := Clean(got); again != got {
			t.Fatalf("Clean not idempotent on %q: %q then %q", s, got, again)
		}
	})
}
