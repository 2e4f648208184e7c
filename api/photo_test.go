package api

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/jpeg"
	"image/png"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/osce/accredit/domain"
)

// pngHeader is a PNG that claims w×h pixels in its header and holds none.
func pngHeader(w, h uint32, depth, colour, interlace byte) []byte {
	chunk := func(typ string, data []byte) []byte {
		var b bytes.Buffer
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
		return b.Bytes()
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9], ihdr[12] = depth, colour, interlace
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	return append(out, chunk("IEND", nil)...)
}

// jpegHeader is a JPEG frame header (baseline or progressive) with the
// given sampling factors (h<<4|v) per component, and a scan header
// without data: enough for image.DecodeConfig.
func jpegHeader(w, h uint16, progressive bool, sampling ...byte) []byte {
	sof := []byte{0xFF, 0xC0}
	if progressive {
		sof[1] = 0xC2
	}
	seg := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(sampling))}
	for i, s := range sampling {
		seg = append(seg, byte(i+1), s, 0)
	}
	n := len(seg) + 2
	out := []byte{0xFF, 0xD8}
	out = append(out, sof...)
	out = append(out, byte(n>>8), byte(n))
	out = append(out, seg...)
	return append(out, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0xFF, 0xD9)
}

func fieldCode(err error) string {
	var de *domain.Error
	if asDomain(err, &de) && len(de.Fields) == 1 {
		return de.Fields[0].Code
	}
	return domain.ErrorCode(err)
}

// TestPhotoRules: the photo rules' dimensions (README, How it works) and the decoders' cost are judged
// from the header, before a pixel is read: each refusal allocates almost
// nothing. The 39 KB PNG of 40,000,000×1 pixels took 2.5–3.7 GB and up
// to 37 s of CPU before.
func TestPhotoRules(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		code string // the field error's; "invalid_image" for a header that passes but has no pixels
	}{
		{"40,000,000×1", pngHeader(40_000_000, 1, 8, 6, 0), "too_small"},
		{"1×40,000,000", pngHeader(1, 40_000_000, 8, 6, 0), "too_small"},
		{"10,001×4,000", pngHeader(10_001, 4000, 8, 2, 0), "too_large"},
		{"199×600", pngHeader(199, 600, 8, 2, 0), "too_small"},
		{"7,000×7,000 (49 MP)", pngHeader(7000, 7000, 8, 2, 0), "too_many_pixels"},
		{"6,000×1,999 (beyond 1:3)", pngHeader(6000, 1999, 8, 2, 0), "aspect_ratio"},
		{"1,999×6,000 (beyond 1:3)", pngHeader(1999, 6000, 8, 2, 0), "aspect_ratio"},
		{"6,000×2,000 (1:3)", pngHeader(6000, 2000, 8, 2, 0), "invalid_image"},
		{"200×200", pngHeader(200, 200, 8, 2, 0), "invalid_image"},
		{"10,000×4,000 16-bit RGBA (320 MB)", pngHeader(10000, 4000, 16, 6, 0), "invalid_image"},
		{"10,000×4,000 16-bit interlaced (480 MB)", pngHeader(10000, 4000, 16, 6, 1), "too_costly"},
		{"6,000×6,000 8-bit interlaced", pngHeader(6000, 6000, 8, 6, 1), "invalid_image"},
		{"10,000×4,000 progressive JPEG 4:4:4 (600 MB)", jpegHeader(10000, 4000, true, 0x11, 0x11, 0x11), "too_costly"},
		{"10,000×4,000 progressive JPEG 4:2:0 (300 MB)", jpegHeader(10000, 4000, true, 0x22, 0x11, 0x11), "invalid_image"},
		{"10,000×4,000 baseline JPEG 4:4:4", jpegHeader(10000, 4000, false, 0x11, 0x11, 0x11), "invalid_image"},
		{"10,000×4,000 progressive CMYK JPEG", jpegHeader(10000, 4000, true, 0x11, 0x11, 0x11, 0x11), "too_costly"},
		{"not an image", []byte("GIF89a"), "invalid_image"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			co := measure(func() { _, _, err = reencode(c.data) })
			if got := fieldCode(err); got != c.code {
				t.Fatalf("%v: code %s, want %s", err, got, c.code)
			}
			if c.code != "invalid_image" && co.total > 1<<20 {
				t.Errorf("judging the header allocated %d KiB", co.total>>10)
			}
		})
	}
}

// Photos at the limits, made once: what the largest allowed photo costs.
// They are assembled from a few small encoded pieces rather than encoded
// whole (which took about 6 s of CPU a run): the decoder sees the same
// pixels and does the same work either way.
var (
	bigPhotosOnce sync.Once
	bigPhotos     []struct {
		name string
		data []byte
	}
)

func largestPhotos(t testing.TB) []struct {
	name string
	data []byte
} {
	bigPhotosOnce.Do(func() {
		for _, m := range []struct {
			name string
			make func() ([]byte, error)
		}{
			{"36 MP PNG, 8-bit RGBA", func() ([]byte, error) { // the legitimate 36-megapixel PNG of issue 13 (370–510 MB before)
				return gradientPNG(6000, 6000, 8, 6, 16, nil) // smooth: a 36 MP PNG under 10 MiB
			}},
			{"40 MP JPEG, 10,000×4,000", func() ([]byte, error) { // 40 MP at the longest side and ratio allowed
				return noisyJPEG(10000, 4000)
			}},
			{"40 MP PNG, 16-bit RGBA", func() ([]byte, error) { // the most memory a photo allowed may take: 16 bits a channel
				return gradientPNG(10000, 4000, 16, 6, 16, nil)
			}},
			{"36 MP PNG, paletted", func() ([]byte, error) { // a palette: Go's draw has no fast path for it
				return gradientPNG(6000, 6000, 8, 3, 30, palette.Plan9)
			}},
		} {
			data, err := m.make()
			if err != nil {
				t.Fatal(err)
			}
			bigPhotos = append(bigPhotos, struct {
				name string
				data []byte
			}{m.name, data})
		}
		runtime.GC()
	})
	return bigPhotos
}

// gradientPNG is a w×h PNG (bit depth and colour type as in its header)
// whose pixels are fill's without noise, or for a palette the index
// row/period: every byte of a row is the one above it plus 1 on the rows
// that are a multiple of period, plus 0 on the others (alpha always 255).
// With PNG's "Up" filter each period of rows is then the same bytes, so
// it is compressed once and repeated: a deflate stream flushed to a byte
// boundary, without references before its start, may follow itself.
func gradientPNG(w, h, depth, colour, period int, pal color.Palette) ([]byte, error) {
	bpp := map[int]int{6: 4, 3: 1}[colour] * depth / 8
	rowLen := w * bpp
	first := make([]byte, 1+rowLen) // filter None: the first row as it is
	step := make([]byte, 1+rowLen)  // filter Up: +1 on every byte but alpha
	first[0], step[0] = 0, 2
	for c := range rowLen {
		switch {
		case colour == 3:
			step[1+c] = 1
		case c%4 == 3:
			first[1+c] = 255
		default:
			first[1+c] = byte(c / 64)
			step[1+c] = 1
		}
	}
	zero := make([]byte, 1+rowLen)
	zero[0] = 2
	periodic := append(bytes.Repeat(zero, period-1), step...)
	rest := bytes.Repeat(zero, (h-1)%period)
	n := (h - 1) / period

	deflated := func(data []byte, last bool) ([]byte, error) {
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.BestSpeed)
		if _, err := fw.Write(data); err != nil {
			return nil, err
		}
		end := fw.Flush
		if last {
			end = fw.Close
		}
		err := end()
		return b.Bytes(), err
	}
	head, err := deflated(first, false)
	if err != nil {
		return nil, err
	}
	body, err := deflated(periodic, false)
	if err != nil {
		return nil, err
	}
	tail, err := deflated(rest, true)
	if err != nil {
		return nil, err
	}
	sum := adler32.Checksum(first)
	bodySum := adler32.Checksum(periodic)
	for range n {
		sum = adler32Combine(sum, bodySum, len(periodic))
	}
	sum = adler32Combine(sum, adler32.Checksum(rest), len(rest))

	var z bytes.Buffer
	z.Write([]byte{0x78, 0x01})
	z.Write(head)
	for range n {
		z.Write(body)
	}
	z.Write(tail)
	_ = binary.Write(&z, binary.BigEndian, sum)

	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(depth), byte(colour)
	pngChunk(&out, "IHDR", ihdr)
	if pal != nil {
		var p []byte
		for _, c := range pal {
			r, g, b, _ := c.RGBA()
			p = append(p, byte(r>>8), byte(g>>8), byte(b>>8))
		}
		pngChunk(&out, "PLTE", p)
	}
	pngChunk(&out, "IDAT", z.Bytes())
	pngChunk(&out, "IEND", nil)
	return out.Bytes(), nil
}

func pngChunk(w *bytes.Buffer, typ string, data []byte) {
	_ = binary.Write(w, binary.BigEndian, uint32(len(data)))
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	w.WriteString(typ)
	w.Write(data)
	_ = binary.Write(w, binary.BigEndian, crc.Sum32())
}

// adler32Combine is the Adler-32 of a+b from theirs and b's length
// (zlib's adler32_combine).
func adler32Combine(a, b uint32, lenB int) uint32 {
	const base = 65521
	rem := uint32(lenB % base)
	s1 := a & 0xffff
	s2 := rem * s1 % base
	s1 += (b & 0xffff) + base - 1
	s2 += (a >> 16) + (b >> 16) + base - rem
	if s1 >= base {
		s1 -= base
	}
	if s1 >= base {
		s1 -= base
	}
	if s2 >= base<<1 {
		s2 -= base << 1
	}
	if s2 >= base {
		s2 -= base
	}
	return s1 | s2<<16
}

// noisyJPEG is a w×h baseline JPEG of fill's noisy gradient: eight strips
// of one row of 16×16 blocks are encoded, and the image repeats them,
// each after a restart marker (which makes a strip's data stand alone).
func noisyJPEG(w, h int) ([]byte, error) {
	const strips = 8
	img := image.NewRGBA(image.Rect(0, 0, w, 16*strips))
	fill(img.Pix, img.Stride, 15)
	var head, sos []byte
	var data [strips][]byte
	for i := range strips {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img.SubImage(image.Rect(0, 16*i, w, 16*i+16)), &jpeg.Options{Quality: 75}); err != nil {
			return nil, err
		}
		enc := b.Bytes()
		// The segments before the scan, then the scan's header and data up
		// to the end marker; Go's encoder writes no restart markers.
		at := bytes.Index(enc, []byte{0xFF, 0xDA})
		end := at + 2 + int(binary.BigEndian.Uint16(enc[at+2:]))
		head, sos, data[i] = enc[:at], enc[at:end], enc[end:len(enc)-2]
	}
	var out bytes.Buffer
	sof := bytes.Index(head, []byte{0xFF, 0xC0})
	out.Write(head[:sof+5])
	_ = binary.Write(&out, binary.BigEndian, uint16(h))
	out.Write(head[sof+7:])
	out.Write([]byte{0xFF, 0xDD, 0, 4}) // a restart interval of one row of blocks
	_ = binary.Write(&out, binary.BigEndian, uint16(w/16))
	out.Write(sos)
	for r := range h / 16 {
		if r > 0 {
			out.Write([]byte{0xFF, 0xD0 + byte((r-1)%8)})
		}
		out.Write(data[r%strips])
	}
	out.Write([]byte{0xFF, 0xD9})
	return out.Bytes(), nil
}

// fill paints a gradient with noise (of amplitude noise), so that the
// files are of a real photo's size, not a flat colour's.
//
// Pixel i (row i/stride, byte i%stride) is byte(row/16) + byte(col/64)
// plus the noise, every fourth byte 255. Written row by row, without a
// division a byte and, without noise, computing one row in 16 and copying
// it to the next 15: the same pixels in a fraction of the time (these
// photos are 36–40 MP).
func fill(pix []byte, stride int, noise uint32) {
	var x uint32 = 2463534242
	for y := 0; y*stride < len(pix); y++ {
		row, base := pix[y*stride:min((y+1)*stride, len(pix))], byte(y/16)
		if noise == 0 && y%16 != 0 {
			copy(row, pix[(y-1)*stride:]) // the same as the row above
			continue
		}
		for c := range row {
			var n byte
			if noise != 0 {
				x ^= x << 13
				x ^= x >> 17
				x ^= x << 5
				n = byte(x & noise)
			}
			if c%4 == 3 {
				row[c] = 255
			} else {
				row[c] = base + byte(c/64) + n
			}
		}
	}
}

// BenchmarkReencodeLargest reports what the largest photos cost, as
// bytes/op and the sampled heap peak.
func BenchmarkReencodeLargest(b *testing.B) {
	for _, p := range largestPhotos(b) {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				co := measure(func() {
					if _, _, err := reencode(p.data); err != nil {
						b.Fatal(err)
					}
				})
				peak = max(peak, co.peak)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		})
	}
}

// TestDecodeSemaphore: a photo waits for a free slot, and stops waiting
// when its request ends.
func TestDecodeSemaphore(t *testing.T) {
	s := make(decodeSem, 1)
	release, err := s.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error, 1)
	go func() {
		_, err := s.acquire(ctx)
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("a second decode started while the only slot was taken: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	if err := <-got; !domain.IsCode(err, domain.CodeUnavailable) {
		t.Fatalf("waiting after the request ended: %v", err)
	}
	release()
	r2, err := s.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r2()
	if cap(newDecodeSem()) != runtime.GOMAXPROCS(0) {
		t.Errorf("slots %d, cores %d", cap(newDecodeSem()), runtime.GOMAXPROCS(0))
	}
}

// cost is what one call cost the process: bytes allocated in all, the
// highest heap seen (sampled: never above the truth), and CPU time.
type cost struct {
	total, peak uint64
	cpu         time.Duration
}

func (c cost) String() string {
	return fmt.Sprintf("allocated %.1f MiB, heap peak ≥ %.1f MiB above the start, CPU %v",
		float64(c.total)/(1<<20), float64(c.peak)/(1<<20), c.cpu.Round(time.Millisecond))
}

var measureMu sync.Mutex

// measure runs fn and reports its cost from the runtime's own accounting.
func measure(fn func()) cost {
	measureMu.Lock()
	defer measureMu.Unlock()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	see := func(m *runtime.MemStats) {
		if m.HeapAlloc > before.HeapAlloc && m.HeapAlloc-before.HeapAlloc > peak.Load() {
			peak.Store(m.HeapAlloc - before.HeapAlloc)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			see(&m)
		}
	})
	cpu0 := cpuTime()
	fn()
	cpu := cpuTime() - cpu0
	close(stop)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	see(&after)
	return cost{total: after.TotalAlloc - before.TotalAlloc, peak: peak.Load(), cpu: cpu}
}

// cpuTime is the CPU the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// FuzzReencode holds the photo reader to: no panic, every refusal a
// validation failure naming the photo, every photo it takes re-encoded as
// a JPEG or PNG within the limits, and its allocation within docs/security.md's
// 400 MiB whatever the header claims.
func FuzzReencode(f *testing.F) {
	f.Add(pngHeader(40_000_000, 1, 8, 6, 0))
	f.Add(pngHeader(6000, 2000, 16, 6, 1))
	f.Add(jpegHeader(10000, 4000, true, 0x11, 0x11, 0x11))
	f.Add(jpegHeader(300, 400, false, 0x22, 0x11, 0x11))
	for _, size := range [][2]int{{200, 260}, {1300, 400}} {
		img := image.NewNRGBA(image.Rect(0, 0, size[0], size[1]))
		fill(img.Pix, img.Stride, 7)
		var p, j bytes.Buffer
		_ = png.Encode(&p, img)
		_ = jpeg.Encode(&j, img, nil)
		f.Add(p.Bytes())
		f.Add(j.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ct, out, err := reencode(data)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 400<<20 {
			t.Fatalf("a %d-byte photo allocated %d MiB", len(data), alloc>>20)
		}
		if err != nil {
			var de *domain.Error
			if !asDomain(err, &de) || de.Code != domain.CodeValidationFailed || len(de.Fields) != 1 || de.Fields[0].Field != "photo" {
				t.Fatalf("refusal %v does not name the photo", err)
			}
			return
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(out))
		if err != nil || "image/"+format != ct {
			t.Fatalf("re-encoded as %s, reads as %s (%v)", ct, format, err)
		}
		if max(cfg.Width, cfg.Height) > photoLongSide || checkSize(cfg.Width, cfg.Height) != nil {
			t.Fatalf("re-encoded at %d×%d", cfg.Width, cfg.Height)
		}
	})
}
