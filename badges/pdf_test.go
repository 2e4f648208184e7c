package badges

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/osce/accredit/internal/testenv"
	"github.com/osce/accredit/pdftext"
)

// pdftotext returns the text of a PDF with all white space folded to single
// spaces, so a name wrapped over two lines still matches.
func pdftotext(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := testenv.Tool(t, "pdftotext")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func pdfinfo(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := testenv.Tool(t, "pdfinfo")
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, in).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	return string(out)
}

var pageSizeRE = regexp.MustCompile(`Page size:\s+([0-9.]+) x ([0-9.]+) pts`)

func pageSize(t *testing.T, info string) (float64, float64) {
	t.Helper()
	m := pageSizeRE.FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("no page size in pdfinfo output:\n%s", info)
	}
	w, _ := strconv.ParseFloat(m[1], 64)
	h, _ := strconv.ParseFloat(m[2], 64)
	return w, h
}

func near(a, b float64) bool { return a-b < 0.5 && b-a < 0.5 }

func render(t *testing.T, c Card) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderPDF(&buf, c); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRenderPDFNamesWithDiacritics(t *testing.T) {
	names := []struct{ given, family, delegation, category string }{
		{"Zoë", "Müller-Łukasiewicz", "Republic of Poland", "head_of_delegation"},
		{"Dragoș", "Țurcanu", "Republic of Moldova", "delegate"},
		{"Şükrü", "Doğan", "Republic of Türkiye", "media"},
	}
	for _, n := range names {
		t.Run(n.family, func(t *testing.T) {
			c := sampleCard(t)
			c.GivenName, c.FamilyName, c.Delegation, c.Category = n.given, n.family, n.delegation, n.category
			pdf := render(t, c)

			text := pdftotext(t, pdf)
			for _, want := range []string{n.given + " " + n.family, n.delegation, CategoryLabels[n.category], c.BadgeID, c.EventTitle} {
				if !strings.Contains(text, want) {
					t.Errorf("PDF text lacks %q; got %q", want, text)
				}
			}

			info := pdfinfo(t, pdf)
			if w, h := pageSize(t, info); !near(w, 297.64) || !near(h, 419.53) {
				t.Errorf("page size %.2f x %.2f pts, want A6 297.64 x 419.53", w, h)
			}
			if !regexp.MustCompile(`Pages:\s+1\n`).MatchString(info) {
				t.Errorf("want 1 page:\n%s", info)
			}
		})
	}
}

// The QR drawn in the PDF, not just QRPNG's, must scan: render the page
// to pixels at a modest resolution and read it back.
func TestRenderPDFQRScans(t *testing.T) {
	zbar := testenv.Tool(t, "zbarimg")
	ppm := testenv.Tool(t, "pdftoppm")
	c := sampleCard(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "badge.pdf")
	if err := os.WriteFile(in, render(t, c), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(ppm, "-png", "-r", "150", "-singlefile", in, filepath.Join(dir, "badge")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	out, err := exec.Command(zbar, "--raw", "-q", filepath.Join(dir, "badge.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg found no code: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != c.Code {
		t.Fatalf("scanned %q, want %q", got, c.Code)
	}
}

func TestRenderPDFVariants(t *testing.T) {
	long := strings.Repeat("Wolfeschlegelsteinhausenbergerdorff ", 4)
	cases := map[string]func(*Card){
		"no photo":      func(c *Card) { c.Photo = nil },
		"png photo":     func(c *Card) { c.Photo = pngPhoto(t, 300, 300) },
		"large photo":   func(c *Card) { c.Photo = jpegPhoto(t, 1000, 1400) },
		"wide photo":    func(c *Card) { c.Photo = jpegPhoto(t, 900, 300) },
		"empty fields":  func(c *Card) { c.Honorific, c.Function, c.Venue, c.Dates, c.EventTitle = "", "", "", "", "" },
		"unknown cat":   func(c *Card) { c.Category = "vip_guest" },
		"control chars": func(c *Card) { c.GivenName = "Zoë\x00\n\t" },
		"very long text": func(c *Card) {
			c.GivenName, c.FamilyName, c.Function, c.Delegation, c.EventTitle, c.Venue = long, long, long, long, long, long
		},
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			c := sampleCard(t)
			mod(&c)
			var buf bytes.Buffer
			if err := RenderPDF(&buf, c); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				t.Fatal("not a PDF")
			}
		})
	}
}

func TestRenderPDFErrors(t *testing.T) {
	c := sampleCard(t)
	c.Photo = []byte("definitely not an image")
	var buf bytes.Buffer
	if err := RenderPDF(&buf, c); !errors.Is(err, errPhoto) {
		t.Fatalf("bad photo: err = %v, want errPhoto", err)
	}
	if buf.Len() != 0 {
		t.Fatal("a failed render wrote output")
	}
	c = sampleCard(t)
	c.Code = ""
	if err := RenderPDF(&buf, c); err == nil {
		t.Fatal("card without code rendered")
	}
}

// Every piece of text, however long, must be fitted inside the card: wrapped
// within the content width and, for the person block, within the space
// between photo and band.
func TestLongTextStaysOnCard(t *testing.T) {
	d := newDoc(cardW, cardH)
	d.pdf.AddPage()
	long := strings.Repeat("Wolfeschlegelsteinhausenbergerdorff-Łukasiewicz ", 5)
	for _, text := range []string{long, strings.Repeat("W", 300), "Zoë Müller-Łukasiewicz"} {
		b := fitText(d.pdf, text, "B", 18, 10, innerW, 2, 1.1, ink)
		d.pdf.SetFont(pdftext.Family, b.style, b.size)
		if len(b.lines) > 2 {
			t.Errorf("%d lines", len(b.lines))
		}
		for _, l := range b.lines {
			if w := d.pdf.GetStringWidth(l); w > innerW+0.01 {
				t.Errorf("line %q is %.1f mm wide, max %.1f", l, w, innerW)
			}
		}
	}
	// The worst case of the person block: every element at its line budget
	// and smallest size must fit between photo and band.
	worst := 0.0
	for _, b := range []struct {
		size, leading float64
		lines         int
	}{
		{9.5, 1.15, 1}, {18, 1.1, 2}, {9.5, 1.15, 2}, {11, 1.15, 2},
	} {
		worst += b.size * ptMM * b.leading * float64(b.lines)
	}
	if zone := bandTop - 1.5 - personTop; worst > zone {
		t.Errorf("person block worst case %.1f mm exceeds its %.1f mm", worst, zone)
	}
}

func TestFitTextShrinksBeforeWrapping(t *testing.T) {
	d := newDoc(cardW, cardH)
	d.pdf.AddPage()
	b := fitText(d.pdf, "Zoë Müller-Łukasiewicz", "B", 18, 10, innerW, 2, 1.1, ink)
	if len(b.lines) != 1 {
		t.Fatalf("short name wrapped: %q at %.1f pt", b.lines, b.size)
	}
	b = fitText(d.pdf, "Maria Alexandra Theodora von Habsburg-Lothringen", "B", 18, 10, innerW, 2, 1.1, ink)
	if len(b.lines) != 2 || b.size < 12 {
		t.Fatalf("long name: %q at %.1f pt", b.lines, b.size)
	}
}

// TestRenderSample writes a badge and a batch sheet for a human to look at:
// BADGES_SAMPLE_DIR=/tmp go test -run TestRenderSample ./badges/
func TestRenderSample(t *testing.T) {
	dir := os.Getenv("BADGES_SAMPLE_DIR")
	if dir == "" {
		t.Skip("BADGES_SAMPLE_DIR not set")
	}
	if err := os.WriteFile(filepath.Join(dir, "badge-sample.pdf"), render(t, sampleCard(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	i := 0
	n, err := RenderBatch(&buf, func() (Card, bool, error) {
		if i == 5 {
			return Card{}, false, nil
		}
		c := sampleCard(t)
		c.Category = []string{"delegate", "adviser", "speaker", "media", "technical"}[i]
		c.Serial = i + 1
		if i == 1 {
			c.Photo = nil
			c.GivenName, c.FamilyName = "Maria Alexandra Theodora", "von Habsburg-Lothringen"
		}
		i++
		return c, true, nil
	})
	if err != nil || n != 5 {
		t.Fatal(n, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "batch-sample.pdf"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Println("wrote", dir)
}

// TestRenderSampleLong writes the worst case for a human to look at.
func TestRenderSampleLong(t *testing.T) {
	dir := os.Getenv("BADGES_SAMPLE_DIR")
	if dir == "" {
		t.Skip("BADGES_SAMPLE_DIR not set")
	}
	c := sampleCard(t)
	c.Honorific = "His Excellency the Ambassador Extraordinary and Plenipotentiary"
	c.GivenName = "Maximilian Alexander Theodor Wolfgang Friedrich"
	c.FamilyName = "von Wolfeschlegelsteinhausenbergerdorff-Łukasiewicz"
	c.Function = "Deputy Head of the Permanent Mission to the Organization for Security and Co-operation in Europe and Senior Adviser"
	c.Delegation = "The United Kingdom of Great Britain and Northern Ireland and Associated Territories"
	c.EventTitle = "Thirty-second Meeting of the OSCE Ministerial Council and Associated Side Events on Security"
	c.Venue = "Hofburg Congress Centre, Heldenplatz 1, Redoutensaal Entrance, 1010 Vienna, Austria"
	c.Dates = "Monday 14 December 2026 – Wednesday 16 December 2026"
	c.Category = "technical"
	c.Photo = jpegPhoto(t, 900, 300)
	if err := os.WriteFile(filepath.Join(dir, "badge-long.pdf"), render(t, c), 0o644); err != nil {
		t.Fatal(err)
	}
}
