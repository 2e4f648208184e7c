package badges

import (
	"errors"
	"io"
	"runtime"
)

// BadgesPerPage is how many A6 badges a batch puts on one A4 sheet: 2 × 2,
// which a guillotine separates with two cuts.
const BadgesPerPage = 4

// A4 portrait. Two A6 badges are 296 mm tall, so the pair is centred with
// 0.5 mm to spare top and bottom.
const (
	sheetW = 210.0
	sheetH = 297.0
	sheetY = (sheetH - 2*cardH) / 2
)

// ErrEmptyBatch is returned when a batch is closed without any badge: an
// empty PDF is more likely a wrong filter than what anyone wanted to print.
var ErrEmptyBatch = errors.New("badges: no badges to print")

// BatchWriter lays badges out BadgesPerPage (4) to an A4 page, in the order
// they are added, and writes the PDF on Close.
//
// Memory: each Add decodes at most one photo, shrinks it to ~300 dpi and
// keeps only the JPEG bytes; the QR is vector drawing (~5 KB of page
// content). fpdf holds pages and images until the file is written, so the
// cost grows with the batch, by about the size of the finished PDF plus the
// uncompressed page content, not by decoded images. Measured
// (BenchmarkBatchMemory200, 1200×1600 uploads): 15.6 MB peak heap for 200
// badges, about 80 KB per badge, so roughly 80 MB for 1,000; real photos
// compress less than the synthetic test ones and add perhaps 30 KB each.
type BatchWriter struct {
	w   io.Writer
	d   *doc
	n   int
	err error
}

// NewBatchWriter starts a batch that will be written to w on Close.
func NewBatchWriter(w io.Writer) *BatchWriter {
	d := newDoc(sheetW, sheetH)
	d.pdf.SetTitle("Badges", true)
	return &BatchWriter{w: w, d: d}
}

// Add lays out one more badge. After an error the batch is unusable: Add
// and Close return that error again.
func (b *BatchWriter) Add(c Card) error {
	if b.err != nil {
		return b.err
	}
	photo, err := cardPhoto(&c)
	if err != nil {
		b.err = err
		return err
	}
	return b.add(&c, photo)
}

func (b *BatchWriter) add(c *Card, photo *preparedPhoto) error {
	if b.err != nil {
		return b.err
	}
	slot := b.n % BadgesPerPage
	if slot == 0 {
		b.d.pdf.AddPage()
		drawCutMarks(b.d)
	}
	x := float64(slot%2) * cardW
	y := sheetY + float64(slot/2)*cardH
	if err := b.d.drawCard(x, y, c, photo); err != nil {
		b.err = err
		return err
	}
	b.n++
	return nil
}

// Len is the number of badges added so far.
func (b *BatchWriter) Len() int { return b.n }

// Close writes the PDF to the writer given to NewBatchWriter. Nothing is
// written if any Add failed or none was made (ErrEmptyBatch).
func (b *BatchWriter) Close() error {
	if b.err != nil {
		return b.err
	}
	if b.n == 0 {
		b.err = ErrEmptyBatch
		return b.err
	}
	err := b.d.output(b.w)
	b.err = err
	if err == nil {
		b.err = errBatchClosed
	}
	return err
}

var errBatchClosed = errors.New("badges: batch already written")

// RenderBatch renders the cards next yields into one PDF of A4 pages with 4
// A6 badges each (2 × 2, with light cut marks), and returns how many it
// rendered (on error: laid out before the failure). next returns ok=false
// when there are no more cards; it is always called from the caller's
// goroutine. On any error nothing is written to w.
//
// Cards are pulled one at a time, and at most a few are in flight: their
// photos, the slow part (decoding a multi-megapixel upload takes 10–20 ms),
// are prepared by up to maxPhotoWorkers goroutines while earlier badges are
// drawn in order. So a print run of a thousand badges never holds more than
// a handful of decoded photos (see BatchWriter for what it does hold).
func RenderBatch(w io.Writer, next func() (Card, bool, error)) (n int, err error) {
	b := NewBatchWriter(w)
	workers := min(runtime.GOMAXPROCS(0), maxPhotoWorkers)
	var queue []*pendingCard
	// drawOldest waits for the oldest card's photo and draws it.
	drawOldest := func() error {
		p := queue[0]
		queue = queue[1:]
		<-p.ready
		if p.err != nil {
			b.err = p.err
			return p.err
		}
		return b.add(&p.card, p.photo)
	}
	// Whatever happens, no preparation outlives the call.
	defer func() {
		for _, p := range queue {
			<-p.ready
		}
	}()
	for {
		c, ok, err := next()
		if err != nil {
			return b.Len(), err
		}
		if !ok {
			break
		}
		if len(queue) == workers {
			if err := drawOldest(); err != nil {
				return b.Len(), err
			}
		}
		p := &pendingCard{card: c, ready: make(chan struct{})}
		queue = append(queue, p)
		go p.prepare()
	}
	for len(queue) > 0 {
		if err := drawOldest(); err != nil {
			return b.Len(), err
		}
	}
	return b.Len(), b.Close()
}

// maxPhotoWorkers bounds parallel photo preparation: each worker may hold
// one decoded upload (up to 40 megapixels, ~60 MB), so more cores should
// not mean proportionally more memory.
const maxPhotoWorkers = 4

type pendingCard struct {
	card  Card
	photo *preparedPhoto
	err   error
	ready chan struct{} // closed when photo/err are set
}

func (p *pendingCard) prepare() {
	defer close(p.ready)
	p.photo, p.err = cardPhoto(&p.card)
	p.card.Photo = nil // the upload is no longer needed
}

// drawCutMarks marks where the guillotine goes: ticks at the sheet edges on
// both cut lines and a small cross where they meet. They sit outside the
// 8 mm content margin of every badge, and start 1 mm in from the edge
// because most printers cannot print the outermost few millimetres. The
// outer edges need no marks: the badges fill the sheet to within 0.5 mm.
func drawCutMarks(d *doc) {
	pdf := d.pdf
	pdf.SetDrawColor(0xA0, 0xA0, 0xA0)
	pdf.SetLineWidth(0.15)
	midX, midY := cardW, sheetY+cardH
	const tick, arm = 6.0, 3.0
	pdf.Line(midX, 1, midX, 1+tick)               // top
	pdf.Line(midX, sheetH-1-tick, midX, sheetH-1) // bottom
	pdf.Line(1, midY, 1+tick, midY)               // left
	pdf.Line(sheetW-1-tick, midY, sheetW-1, midY) // right
	pdf.Line(midX-arm, midY, midX+arm, midY)      // centre cross
	pdf.Line(midX, midY-arm, midX, midY+arm)
}
