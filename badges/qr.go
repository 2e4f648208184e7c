package badges

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"

	qrcode "github.com/skip2/go-qrcode"
)

// Bounds of QRPNG's size, as the qr.png endpoint documents them.
const (
	QRMinSize     = 128
	QRMaxSize     = 1024
	QRDefaultSize = 512
)

// qrLevel is M (15% recovery): enough for a scratched or creased badge while
// keeping a 156-character code at version 7, whose modules stay large
// enough for cheap scanners at arm's length.
const qrLevel = qrcode.Medium

// qrBitmap returns the QR modules of code, true = dark, including the
// 4-module quiet zone scanners need to find the symbol.
func qrBitmap(code string) ([][]bool, error) {
	if code == "" {
		return nil, fmt.Errorf("badges: empty code has no QR")
	}
	q, err := qrcode.New(code, qrLevel)
	if err != nil {
		return nil, fmt.Errorf("badges: QR: %w", err)
	}
	return q.Bitmap(), nil
}

// QRVersion returns the QR version (1–40) code needs at level M.
func QRVersion(code string) (int, error) {
	q, err := qrcode.New(code, qrLevel)
	if err != nil {
		return 0, fmt.Errorf("badges: QR: %w", err)
	}
	return q.VersionNumber, nil
}

// qrEncoder compresses at zlib's default level: on a two-colour symbol
// it writes the same kilobyte as the best level, in two thirds of the
// time (BenchmarkQRPNG). Its pool keeps the encoder's ~850 KB of zlib
// state from being allocated anew for every symbol.
var qrEncoder = png.Encoder{CompressionLevel: png.DefaultCompression, BufferPool: &pngPool{}}

type pngPool struct{ p sync.Pool }

func (p *pngPool) Get() *png.EncoderBuffer {
	b, _ := p.p.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngPool) Put(b *png.EncoderBuffer) { p.p.Put(b) }

// QRPNG renders code as a size×size PNG, black on white, quiet zone kept.
//
// go-qrcode's own PNG stretches modules by nearest neighbour when size is
// not a multiple of the symbol width, leaving modules of uneven width; here
// every module is the same whole number of pixels and the leftover pixels
// widen the white margin instead.
func QRPNG(code string, size int) ([]byte, error) {
	if size < QRMinSize || size > QRMaxSize {
		return nil, fmt.Errorf("badges: QR size %d px outside %d..%d", size, QRMinSize, QRMaxSize)
	}
	bm, err := qrBitmap(code)
	if err != nil {
		return nil, err
	}
	n := len(bm)
	scale := size / n
	if scale < 1 {
		return nil, fmt.Errorf("badges: QR of %d modules does not fit %d px", n, size)
	}
	off := (size - n*scale) / 2

	// Two-colour palette: the encoder writes 1 bit per pixel, so even a
	// 1024 px code is a few kilobytes. Index 0 (the zero value) is white.
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for my, row := range bm {
		y0 := off + my*scale
		line := img.Pix[y0*img.Stride : y0*img.Stride+size]
		for mx, dark := range row {
			if dark {
				x0 := off + mx*scale
				for x := x0; x < x0+scale; x++ {
					line[x] = 1
				}
			}
		}
		for y := y0 + 1; y < y0+scale; y++ {
			copy(img.Pix[y*img.Stride:y*img.Stride+size], line)
		}
	}
	var buf bytes.Buffer
	if err := qrEncoder.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("badges: QR PNG: %w", err)
	}
	return buf.Bytes(), nil
}
