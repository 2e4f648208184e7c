// Package reports renders the published reports of an event: the List of
// Participants as a printable PDF (ParticipantsPDF) and as the flat table
// behind its CSV and XLSX exports (ParticipantsRows).
package reports

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/pdftext"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// Heading is the title block of a report: the event's title, venue and
// dates (pre-formatted, e.g. "14–15 December 2026").
type Heading struct {
	Title, Venue, Dates string
}

// Page geometry in millimetres: A4 portrait.
const (
	pageW    = 210.0
	pageH    = 297.0
	marginL  = 20.0
	marginR  = 20.0
	contentW = pageW - marginL - marginR

	topY    = 21.0       // where content starts on pages after the first
	bottomY = pageH - 21 // content ends above this
	headerY = 12.5       // running header baseline
	footerY = pageH - 11 // page number baseline
	indent  = 3.0        // participants under their delegation
	nameX   = marginL + indent
	nameW   = 66.0
	detailX = marginL + 73.0
	detailW = marginL + contentW - detailX
	ptMM    = 25.4 / 72
)

// Type sizes (points) and line heights (mm).
const (
	sizeTitle      = 22.0
	sizeEvent      = 13.0
	sizeMeta       = 10.0
	sizeGroup      = 11.5
	sizeDelegation = 10.5
	sizeName       = 9.5
	sizeDetail     = 9.0
	sizeSmall      = 7.5

	lineH = sizeName * ptMM * 1.32 // one participant line
)

type rgb struct{ r, g, b int }

var (
	ink     = rgb{0x14, 0x17, 0x1C}
	softInk = rgb{0x4A, 0x50, 0x59}
	faint   = rgb{0x80, 0x86, 0x8E}
	accent  = rgb{0x0B, 0x3D, 0x6E} // a dark institutional blue
	hair    = rgb{0xC4, 0xCA, 0xD2}
)

// ParticipantsPDF writes the List of Participants as an A4 portrait PDF
// laid out like the printed list of a conference: a title block, then for
// each group (in list order) a ruled heading, each delegation's name in
// bold, and one entry per participant: "Honorific Given FAMILY" on the
// left, function and organization on the right, wrapped. Headings are
// kept with the entry that follows them, a delegation that runs over a
// page is headed "(continued)" on the next, and every page is numbered
// "Page n of N". Text is set in the embedded Go fonts, so diacritics (and
// Greek and Cyrillic) print as entered.
//
// Nothing is written to w if rendering fails.
func ParticipantsPDF(w io.Writer, h Heading, list domain.ParticipantList) error {
	if strings.TrimSpace(h.Title) == "" {
		h.Title = list.Event
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           fpdf.SizeType{Wd: pageW, Ht: pageH},
	})
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(marginL, topY, marginR)
	pdf.SetCellMargin(0)
	pdftext.AddFonts(pdf)
	pdf.SetCreator("accredit", true)
	pdf.SetTitle("List of Participants – "+pdftext.Clean(h.Title), true)
	pdf.SetSubject(strings.TrimSpace(pdftext.Clean(h.Venue)+" "+pdftext.Clean(h.Dates)), true)
	pdf.SetLang("en")
	pdf.SetDisplayMode("fullwidth", "continuous")

	l := &layout{pdf: pdf, title: pdftext.Clean(h.Title)}
	l.titleBlock(h, list)
	empty := true
	for _, g := range list.Groups {
		if !hasParticipants(g) {
			continue
		}
		empty = false
		l.group(g)
	}
	if empty {
		l.setFont("", sizeName, softInk)
		pdf.Text(marginL, l.y+lineH, "No participants.")
	}
	l.footers()

	if err := pdf.Error(); err != nil {
		return fmt.Errorf("reports: PDF: %w", err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("reports: PDF: %w", err)
	}
	_, err := buf.WriteTo(w)
	return err
}

func hasParticipants(g domain.ParticipantGroup) bool {
	for _, d := range g.Delegations {
		if len(d.Participants) > 0 {
			return true
		}
	}
	return false
}

// layout places blocks top to bottom, breaking pages by hand so that
// headings stay with what follows them.
type layout struct {
	pdf      *fpdf.Fpdf
	y        float64 // top of the next block
	title    string
	curGroup string // current group title, for the running header
}

func (l *layout) setFont(style string, size float64, c rgb) {
	l.pdf.SetFont(pdftext.Family, style, size)
	l.pdf.SetTextColor(c.r, c.g, c.b)
}

// text draws one line whose box starts at top, in a line box of height
// lh; the baseline sits where Go fonts look centred in it.
func (l *layout) text(x, top, lh float64, s string) {
	l.pdf.Text(x, top+lh*0.76, s)
}

func (l *layout) rule(y, width float64, c rgb) {
	l.pdf.SetDrawColor(c.r, c.g, c.b)
	l.pdf.SetLineWidth(width)
	l.pdf.Line(marginL, y, marginL+contentW, y)
}

// newPage starts a page with the running header: event title on the
// left, the current group on the right.
func (l *layout) newPage() {
	l.pdf.AddPage()
	l.y = topY
	if l.pdf.PageNo() == 1 {
		return
	}
	l.setFont("", sizeSmall, faint)
	group := pdftext.Clean(l.curGroup)
	gw := l.pdf.GetStringWidth(group)
	title := pdftext.Ellipsize(l.pdf, "List of Participants · "+l.title, contentW-gw-8)
	l.pdf.Text(marginL, headerY, title)
	l.pdf.Text(marginL+contentW-gw, headerY, group)
	l.rule(headerY+2.2, 0.2, hair)
}

// fits reports whether a block of height h fits on the current page.
func (l *layout) fits(h float64) bool { return l.y+h <= bottomY }

// titleBlock draws the first page's heading.
func (l *layout) titleBlock(h Heading, list domain.ParticipantList) {
	pdf := l.pdf
	l.newPage()
	l.y = 18
	l.setFont("B", sizeTitle, accent)
	th := sizeTitle * ptMM * 1.2
	l.text(marginL, l.y, th, "List of Participants")
	l.y += th + 2.5

	l.setFont("B", sizeEvent, ink)
	eh := sizeEvent * ptMM * 1.3
	for _, s := range pdftext.WrapAtMost(pdf, l.title, contentW, 3) {
		l.text(marginL, l.y, eh, s)
		l.y += eh
	}

	var meta []string
	for _, s := range []string{pdftext.Clean(h.Venue), pdftext.Clean(h.Dates)} {
		if s != "" {
			meta = append(meta, s)
		}
	}
	if len(meta) > 0 {
		l.y += 0.8
		l.setFont("", sizeMeta, softInk)
		mh := sizeMeta * ptMM * 1.35
		for _, s := range pdftext.Wrap(pdf, strings.Join(meta, "  ·  "), contentW) {
			l.text(marginL, l.y, mh, s)
			l.y += mh
		}
	}

	people, delegations := 0, 0
	for _, g := range list.Groups {
		for _, d := range g.Delegations {
			if n := len(d.Participants); n > 0 {
				people += n
				delegations++
			}
		}
	}
	l.y += 3
	l.rule(l.y, 0.6, accent)
	l.y += 2
	l.setFont("", sizeSmall, faint)
	sh := sizeSmall * ptMM * 1.4
	summary := plural(people, "participant", "participants") + " · " + plural(delegations, "delegation", "delegations")
	l.text(marginL+contentW-pdf.GetStringWidth(summary), l.y, sh, summary)
	l.y += sh + 1
}

// upper capitalises a family name the way a printed list does: with the
// full Unicode rules (ß → SS), not rune by rune.
func upper(s string) string {
	return cases.Upper(language.Und).String(s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Block heights.
const (
	groupBefore = 6.0
	groupH      = sizeGroup * ptMM * 1.35
	groupAfter  = 2.6
	delBefore   = 3.6
	delH        = sizeDelegation * ptMM * 1.35
	delAfter    = 0.6
	entryGap    = 1.1
)

// entry is one participant, measured.
type entry struct {
	name    []string
	details []detailLine
}

type detailLine struct {
	text string
	org  string // organization text drawn in soft ink after text
}

func (e entry) height() float64 {
	return float64(max(len(e.name), len(e.details), 1))*lineH + entryGap
}

// measure wraps a participant's name and details into their columns.
func (l *layout) measure(p domain.Participant) entry {
	pdf := l.pdf
	var e entry
	name := strings.Join(nonEmpty(pdftext.Clean(p.Honorific), pdftext.Clean(p.GivenName), upper(pdftext.Clean(p.FamilyName))), " ")
	l.setFont("", sizeName, ink)
	e.name = pdftext.Wrap(pdf, name, nameW)

	fn, org := pdftext.Clean(p.Function), pdftext.Clean(p.Organization)
	l.setFont("", sizeDetail, ink)
	switch {
	case fn != "" && org != "" && pdf.GetStringWidth(fn+", "+org) <= detailW:
		e.details = []detailLine{{text: fn + ",", org: " " + org}}
	default:
		for _, s := range pdftext.Wrap(pdf, fn, detailW) {
			e.details = append(e.details, detailLine{text: s})
		}
		for _, s := range pdftext.Wrap(pdf, org, detailW) {
			e.details = append(e.details, detailLine{org: s})
		}
	}
	return e
}

func nonEmpty(ss ...string) []string {
	out := ss[:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// group draws a group heading and its delegations.
func (l *layout) group(g domain.ParticipantGroup) {
	title := g.Title
	if strings.TrimSpace(title) == "" {
		title = g.Kind
	}
	l.curGroup = title
	first := true
	for _, d := range g.Delegations {
		if len(d.Participants) == 0 {
			continue
		}
		entries := make([]entry, len(d.Participants))
		for i, p := range d.Participants {
			entries[i] = l.measure(p)
		}
		if first {
			// The group heading, with the delegation heading and its
			// first entry.
			need := groupH + groupAfter + delH + delAfter + entries[0].height()
			before := groupBefore
			if !l.fits(before + need) {
				l.newPage()
			}
			if l.y <= topY {
				before = 0
			}
			l.y += before
			l.setFont("B", sizeGroup, accent)
			l.text(marginL, l.y, groupH, upper(pdftext.Clean(title)))
			l.y += groupH
			l.rule(l.y+0.4, 0.35, accent)
			l.y += groupAfter
			l.delegation(d, entries, 0)
			first = false
			continue
		}
		l.delegation(d, entries, delBefore)
	}
}

// delegation draws a delegation heading (after a gap of before) and its
// entries, heading again "(continued)" after a page break.
func (l *layout) delegation(d domain.ParticipantDelegation, entries []entry, before float64) {
	if !l.fits(before + delH + delAfter + entries[0].height()) {
		l.newPage()
		before = 0
	}
	l.y += before
	name := pdftext.Clean(d.Name)
	if name == "" {
		name = pdftext.Clean(d.Code)
	}
	l.delegationHeading(name, false)
	for _, e := range entries {
		if !l.fits(e.height()) {
			l.newPage()
			l.delegationHeading(name, true)
		}
		l.entry(e)
	}
}

func (l *layout) delegationHeading(name string, continued bool) {
	pdf := l.pdf
	l.setFont("B", sizeDelegation, ink)
	name = pdftext.Ellipsize(pdf, name, contentW-30)
	l.text(marginL, l.y, delH, name)
	if continued {
		x := marginL + pdf.GetStringWidth(name)
		l.setFont("", sizeDetail, faint)
		l.text(x+1.5, l.y, delH, "(continued)")
	}
	l.y += delH + delAfter
}

func (l *layout) entry(e entry) {
	pdf := l.pdf
	l.setFont("", sizeName, ink)
	for i, s := range e.name {
		l.text(nameX, l.y+float64(i)*lineH, lineH, s)
	}
	for i, d := range e.details {
		top := l.y + float64(i)*lineH
		x := detailX
		if d.text != "" {
			l.setFont("", sizeDetail, ink)
			l.text(x, top, lineH, d.text)
			x += pdf.GetStringWidth(d.text)
		}
		if d.org != "" {
			l.setFont("", sizeDetail, softInk)
			l.text(x, top, lineH, d.org)
		}
	}
	l.y += e.height()
}

// footers numbers every page once the page count is known. (fpdf's
// AliasNbPages would substitute the count afterwards, but then the
// centred text would be measured with the alias, not the number.)
func (l *layout) footers() {
	pdf := l.pdf
	n := pdf.PageCount()
	for i := 1; i <= n; i++ {
		pdf.SetPage(i)
		l.setFont("", sizeSmall+0.5, faint)
		s := fmt.Sprintf("Page %d of %d", i, n)
		pdf.Text(marginL+(contentW-pdf.GetStringWidth(s))/2, footerY, s)
	}
}
