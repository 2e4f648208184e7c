package badges

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/pdftext"
)

// Card is what a printed badge shows. The caller fills it from the badge,
// nomination, delegation and event; the package does no look-ups.
type Card struct {
	BadgeID string
	Serial  int
	Code    string // the signed badge code the QR carries

	Honorific  string
	GivenName  string
	FamilyName string
	Function   string
	Delegation string // the delegation's name, not its code

	// Category is one of domain.Categories; it chooses the colour band
	// and its label.
	Category string

	EventTitle string
	Venue      string
	Dates      string // pre-formatted, e.g. "14–15 December 2026"

	Photo []byte // JPEG or PNG; nil prints a neutral placeholder
}

// Color is an sRGB colour.
type Color struct{ R, G, B uint8 }

// CategoryColors is the band colour for each of domain.Categories (a test
// holds that every one has its own): the colour is what a guard sees from
// across the hall, so each category gets one distinct hue and all of them
// carry white capitals legibly. Read-only: it is shared by concurrent
// renderings.
var CategoryColors = map[string]Color{
	domain.CategoryHead:        {0x8E, 0x1B, 0x1B}, // dark red
	domain.CategoryDelegate:    {0x1D, 0x4E, 0x9E}, // blue
	domain.CategoryAdviser:     {0x00, 0x77, 0x77}, // teal
	domain.CategorySpeaker:     {0x6A, 0x2C, 0x91}, // purple
	domain.CategoryObserver:    {0x63, 0x66, 0x6A}, // grey
	domain.CategoryMedia:       {0xD9, 0x62, 0x00}, // orange
	domain.CategorySecretariat: {0x1A, 0x1A, 0x1A}, // black
	domain.CategoryTechnical:   {0x2E, 0x7D, 0x32}, // green
}

// CategoryLabels is the text printed in the band. Read-only, like
// CategoryColors.
var CategoryLabels = map[string]string{
	domain.CategoryHead:        "HEAD OF DELEGATION",
	domain.CategoryDelegate:    "DELEGATE",
	domain.CategoryAdviser:     "ADVISER",
	domain.CategorySpeaker:     "SPEAKER",
	domain.CategoryObserver:    "OBSERVER",
	domain.CategoryMedia:       "MEDIA",
	domain.CategorySecretariat: "SECRETARIAT",
	domain.CategoryTechnical:   "TECHNICAL",
}

// unknownCategoryColor is used for a category added to the data model but not
// yet given a colour here: dark enough for white text, unlike any other.
var unknownCategoryColor = Color{0x44, 0x44, 0x44}

func categoryStyle(cat string) (Color, string) {
	c, ok := CategoryColors[cat]
	if !ok {
		c = unknownCategoryColor
	}
	label, ok := CategoryLabels[cat]
	if !ok {
		label = strings.ToUpper(strings.ReplaceAll(cat, "_", " "))
	}
	return c, label
}

// Badge geometry, in millimetres. A6 portrait is 105 × 148.
const (
	cardW  = 105.0
	cardH  = 148.0
	margin = 8.0
	innerW = cardW - 2*margin

	titleTop    = 5.5
	titleBottom = 17.5
	ruleY       = 19.0
	photoTop    = 21.5
	personTop   = photoTop + photoH + 1.5
	bandTop     = 100.0
	bandH       = 11.5
	qrTop       = bandTop + bandH + 1.0
	qrSize      = 32.0 // including the quiet zone; modules ≈ 0.6 mm at version 7
)

var (
	ink      = Color{0x11, 0x11, 0x11}
	softInk  = Color{0x40, 0x44, 0x4A}
	faintInk = Color{0x70, 0x74, 0x7A}
	white    = Color{0xFF, 0xFF, 0xFF}
)

// doc wraps an fpdf document with the Go fonts (pdftext.Family) loaded and
// a counter for image names, which must be unique per document.
type doc struct {
	pdf    *fpdf.Fpdf
	images int
}

func newDoc(pageW, pageH float64) *doc {
	pdf := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           fpdf.SizeType{Wd: pageW, Ht: pageH},
	})
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCellMargin(0)
	pdf.SetCreator("accredit", true)
	pdftext.AddFonts(pdf)
	return &doc{pdf: pdf}
}

// RenderPDF writes a one-page A6 portrait PDF of the badge. Nothing is
// written to w if rendering fails, so an HTTP handler can still answer
// with an error status.
func RenderPDF(w io.Writer, c Card) error {
	d := newDoc(cardW, cardH)
	d.pdf.SetTitle("Badge "+c.BadgeID, true)
	d.pdf.AddPage()
	photo, err := cardPhoto(&c)
	if err != nil {
		return err
	}
	if err := d.drawCard(0, 0, &c, photo); err != nil {
		return err
	}
	return d.output(w)
}

// output buffers the PDF so a failure cannot leave half a file in w.
func (d *doc) output(w io.Writer) error {
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return fmt.Errorf("badges: PDF: %w", err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// cardPhoto prepares the card's photo, nil if it has none. It is separate
// from drawing because it is the slow part (decoding the upload), which a
// batch runs in parallel.
func cardPhoto(c *Card) (*preparedPhoto, error) {
	if len(c.Photo) == 0 {
		return nil, nil
	}
	p, err := preparePhoto(c.Photo)
	if err != nil {
		return nil, fmt.Errorf("badges: badge %s: %w", c.BadgeID, err)
	}
	return &p, nil
}

// drawCard draws one badge with its top-left corner at (ox, oy) on the
// current page; photo nil draws the placeholder.
func (d *doc) drawCard(ox, oy float64, c *Card, photo *preparedPhoto) error {
	pdf := d.pdf
	if c.Code == "" {
		return errors.New("badges: card has no code")
	}
	bm, err := qrBitmap(c.Code)
	if err != nil {
		return err
	}
	catColor, catLabel := categoryStyle(c.Category)

	// Event title, and a thin rule in the category colour under it.
	title := fitText(pdf, c.EventTitle, "B", 11, 7, innerW, 2, 1.15, softInk)
	title.draw(pdf, ox+margin, oy+titleTop+(titleBottom-titleTop-title.height())/2, innerW, true)
	setFill(pdf, catColor)
	pdf.Rect(ox+margin, oy+ruleY, innerW, 0.6, "F")

	// Photo, or a placeholder silhouette.
	px, py := ox+(cardW-photoW)/2, oy+photoTop
	if photo != nil {
		if err := d.drawPhoto(photo, px, py); err != nil {
			return fmt.Errorf("badges: badge %s: %w", c.BadgeID, err)
		}
	} else {
		drawPlaceholder(pdf, px, py)
	}
	pdf.SetDrawColor(0xB8, 0xBC, 0xC2)
	pdf.SetLineWidth(0.2)
	pdf.Rect(px, py, photoW, photoH, "D")

	d.drawPerson(ox, oy, c)

	// Category band across the whole card, to be read from a distance.
	setFill(pdf, catColor)
	pdf.Rect(ox, oy+bandTop, cardW, bandH, "F")
	label := fitText(pdf, catLabel, "B", 15, 8, innerW, 1, 1.0, white)
	label.draw(pdf, ox+margin, oy+bandTop+(bandH-label.height())/2, innerW, true)

	// QR at the bottom right: its visible modules line up with the margins,
	// the quiet zone (white anyway) reaches into them.
	quiet := 4 * qrSize / float64(len(bm))
	qx := ox + cardW - margin + quiet - qrSize
	qy := oy + qrTop
	drawQR(pdf, bm, qx, qy, qrSize)

	// Bottom left: when and where, then the badge id in small print so a
	// desk can look a badge up even if the QR is damaged.
	colW := qx + quiet - 3 - (ox + margin)
	y := qy + quiet - 0.6
	dates := fitText(pdf, c.Dates, "B", 9.5, 7, colW, 2, 1.2, ink)
	y = dates.draw(pdf, ox+margin, y, colW, false)
	venue := fitText(pdf, c.Venue, "", 8.5, 6.5, colW, 3, 1.2, softInk)
	venue.draw(pdf, ox+margin, y+0.6, colW, false)

	serial := fitText(pdf, "Serial "+strconv.Itoa(c.Serial), "", 6.5, 5, colW, 1, 1.2, faintInk)
	id := fitText(pdf, c.BadgeID, "", 6.5, 4.5, colW, 1, 1.2, faintInk)
	bottom := qy + qrSize - quiet + 0.4
	serial.draw(pdf, ox+margin, bottom-id.height()-serial.height(), colW, false)
	id.draw(pdf, ox+margin, bottom-id.height(), colW, false)

	if err := pdf.Error(); err != nil {
		return fmt.Errorf("badges: PDF: %w", err)
	}
	return nil
}

// drawPerson lays out honorific, name, function and delegation between the
// photo and the band, centred vertically there. Each part has a size range
// and a line budget chosen so that even all of them at their longest fit
// the space (checked by TestLongTextStaysOnCard).
func (d *doc) drawPerson(ox, oy float64, c *Card) {
	pdf := d.pdf
	name := strings.TrimSpace(pdftext.Clean(c.GivenName) + " " + pdftext.Clean(c.FamilyName))
	blocks := []textBlock{
		fitText(pdf, c.Honorific, "", 9.5, 7, innerW, 1, 1.15, softInk),
		fitText(pdf, name, "B", 18, 10, innerW, 2, 1.1, ink),
		fitText(pdf, c.Function, "", 9.5, 7, innerW, 2, 1.15, softInk),
		fitText(pdf, c.Delegation, "B", 11, 8, innerW, 2, 1.15, ink),
	}
	// A name that needs 3 lines even at 10 pt gets them at a smaller size
	// rather than an ellipsis.
	if b := blocks[1]; b.size == 10 && (len(b.lines) > 2 || strings.HasSuffix(b.lines[len(b.lines)-1], "…")) {
		blocks[1] = fitText(pdf, name, "B", 10, 8, innerW, 3, 1.1, ink)
	}

	zone := bandTop - 1.5 - personTop
	var textH float64
	n := 0
	for _, b := range blocks {
		if len(b.lines) > 0 {
			textH += b.height()
			n++
		}
	}
	gap := 1.6
	if n > 1 && textH+gap*float64(n-1) > zone {
		gap = max(0, (zone-textH)/float64(n-1))
	}
	total := textH + gap*float64(max(n-1, 0))
	y := oy + personTop + max(0, (zone-total)/2)
	for _, b := range blocks {
		if len(b.lines) == 0 {
			continue
		}
		y = b.draw(pdf, ox+margin, y, innerW, true) + gap
	}
}

// drawPhoto embeds the photo and draws it filling the photo box. Each photo
// is registered under a fresh name exactly once; only its encoded bytes are
// kept by fpdf until the document is written.
func (d *doc) drawPhoto(p *preparedPhoto, x, y float64) error {
	d.images++
	name := "photo" + strconv.Itoa(d.images)
	pdf := d.pdf
	pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: p.format}, bytes.NewReader(p.data))
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("%w: %v", errPhoto, err)
	}
	// Scale to cover the box; crop by clipping whatever the preparation
	// left over (passthrough JPEGs keep their own aspect ratio).
	scale := max(photoW/float64(p.w), photoH/float64(p.h))
	w, h := float64(p.w)*scale, float64(p.h)*scale
	pdf.ClipRect(x, y, photoW, photoH, false)
	pdf.ImageOptions(name, x-(w-photoW)/2, y-(h-photoH)/3, w, h, false, fpdf.ImageOptions{ImageType: p.format}, 0, "")
	pdf.ClipEnd()
	return nil
}

// drawPlaceholder draws a grey head-and-shoulders outline: a badge printed
// before the photo arrived should look deliberately unfinished, not broken.
func drawPlaceholder(pdf *fpdf.Fpdf, x, y float64) {
	pdf.SetFillColor(0xEC, 0xEE, 0xF0)
	pdf.Rect(x, y, photoW, photoH, "F")
	pdf.ClipRect(x, y, photoW, photoH, false)
	pdf.SetFillColor(0xC9, 0xCD, 0xD2)
	cx := x + photoW/2
	pdf.Circle(cx, y+photoH*0.38, photoW*0.19, "F")
	pdf.Ellipse(cx, y+photoH*1.02, photoW*0.40, photoH*0.34, 0, "F")
	pdf.ClipEnd()
}

// drawQR draws the QR as vector squares rather than an image: it stays
// sharp at any printer resolution (viewers smooth upscaled bitmaps into
// grey edges) and costs a few kilobytes per badge in a batch. All dark
// modules form a single path filled once, so renderers leave no hairline
// seams between adjacent modules.
func drawQR(pdf *fpdf.Fpdf, bm [][]bool, x, y, size float64) {
	n := len(bm)
	k := pdf.GetConversionRatio()
	_, pageH := pdf.GetPageSize()
	m := size / float64(n) * k // module size in points
	var sb strings.Builder
	sb.Grow(8 * 1024)
	// Work in module units: one unit per module, y growing downwards like
	// the bitmap, so every rectangle is written as small integers.
	fmt.Fprintf(&sb, "q 0 g %.5f 0 0 %.5f %.3f %.3f cm\n", m, -m, x*k, (pageH-y)*k)
	for my, row := range bm {
		for mx := 0; mx < n; {
			if !row[mx] {
				mx++
				continue
			}
			start := mx
			for mx < n && row[mx] {
				mx++
			}
			sb.WriteString(strconv.Itoa(start))
			sb.WriteByte(' ')
			sb.WriteString(strconv.Itoa(my))
			sb.WriteByte(' ')
			sb.WriteString(strconv.Itoa(mx - start))
			sb.WriteString(" 1 re\n")
		}
	}
	sb.WriteString("f Q")
	pdf.RawWriteStr(sb.String())
}

func setFill(pdf *fpdf.Fpdf, c Color) {
	pdf.SetFillColor(int(c.R), int(c.G), int(c.B))
}
