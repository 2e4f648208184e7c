package badges

import (
	"bytes"
	"image"
	"image/jpeg"
	"io"
	"runtime"
	"testing"

	"github.com/google/uuid"
)

func BenchmarkSign(b *testing.B) {
	s := exampleSigner(b)
	id := uuid.New()
	for i := 0; b.Loop(); i++ {
		s.Sign(exampleEvent, id, uint32(i))
	}
}

func BenchmarkVerify(b *testing.B) {
	k := NewKeyring(exampleSigner(b).Public())
	for b.Loop() {
		if _, err := k.Verify(exampleCode); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQRPNG(b *testing.B) {
	for b.Loop() {
		if _, err := QRPNG(exampleCode, 512); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderPDF(b *testing.B) {
	c := sampleCard(b)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := RenderPDF(&buf, c); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

// distinctPhotos returns n different 1200×1600 JPEG uploads (each must be
// shrunk, like most real ones). They differ so that fpdf, which embeds
// identical images once, cannot make the PDF look smaller than it would be.
func distinctPhotos(b *testing.B, n int) [][]byte {
	base := portrait(1200, 1600).(*image.RGBA)
	out := make([][]byte, n)
	for i := range out {
		img := image.NewRGBA(base.Rect)
		copy(img.Pix, base.Pix)
		for y := 0; y < 1600; y++ {
			for x := 0; x < 1200; x++ {
				if (x^y^i*7919)%97 == 0 {
					img.Pix[img.PixOffset(x, y)] = uint8(i)
				}
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
			b.Fatal(err)
		}
		out[i] = buf.Bytes()
	}
	return out
}

func BenchmarkRenderBatch100(b *testing.B) {
	photos := distinctPhotos(b, 100)
	var size int
	for b.Loop() {
		cw := &countWriter{}
		n, err := RenderBatch(cw, cardSource(b, 100, func(i int, c *Card) { c.Photo = photos[i] }))
		if err != nil || n != 100 {
			b.Fatal(n, err)
		}
		size = cw.n
	}
	b.ReportMetric(float64(size)/100, "pdf-bytes/badge")
}

// BenchmarkBatchMemory200 measures the heap a 200-badge batch holds at its
// peak (sampled after each badge and around the final write), with photos
// that each need decoding and shrinking. Run it with -benchtime=1x.
//
// Measured (Go 1.26, linux/amd64, 2 cores): 15.6 MB peak for 200 badges,
// ~80 KB per badge, so ~80 MB for 1,000. It grows linearly because fpdf
// keeps the document until Output; decoded photos do not accumulate.
func BenchmarkBatchMemory200(b *testing.B) {
	photos := distinctPhotos(b, 200)
	for b.Loop() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		peak := uint64(0)
		sample := func() {
			runtime.GC() // count what is held, not garbage awaiting collection
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc-min(base, ms.HeapAlloc))
		}
		bw := NewBatchWriter(&sampleOnWrite{sample: sample})
		src := cardSource(b, 200, func(i int, c *Card) { c.Photo = photos[i] })
		for {
			c, ok, _ := src()
			if !ok {
				break
			}
			if err := bw.Add(c); err != nil {
				b.Fatal(err)
			}
			if bw.Len()%20 == 0 {
				sample()
			}
		}
		if err := bw.Close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(peak)/200/1024, "heap-KB/badge")
	}
}

type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// sampleOnWrite takes a heap sample when the finished PDF is written, the
// moment fpdf holds both its pages and the output buffer.
type sampleOnWrite struct {
	sample func()
	done   bool
}

func (w *sampleOnWrite) Write(p []byte) (int, error) {
	if !w.done {
		w.sample()
		w.done = true
	}
	return io.Discard.Write(p)
}
