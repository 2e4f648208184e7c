package api

import (
	"encoding/binary"
)

// maxDecodeBytes bounds what decoding one photo may take. docs/security.md (Photos) allows
// 400 MiB for the largest photo; the rest is the scaler's strip, the
// re-encoded result and the decoders' own buffers (hostile photos are
// measured in photo_test.go).
const maxDecodeBytes = 360 << 20

// decodeCost estimates, from the header alone, the memory Go's decoders
// take for this image, and names the kind of file for a refusal. Most
// photos cost their pixels: 3 bytes a pixel for a JPEG, 4 for a PNG. The
// expensive kinds are a PNG of 16 bits a channel (8 bytes a pixel), an
// interlaced PNG (its passes are decoded apart, then merged), a CMYK JPEG
// (converted into a second image), and a progressive JPEG, whose decoder
// keeps 64 four-byte coefficients for every 8×8 block of every component
// until the end: 600 MB for 40 megapixels without chroma subsampling.
func decodeCost(data []byte, format string, w, h int) (int64, string) {
	px := int64(w) * int64(h)
	if format == "png" {
		return pngCost(data, px)
	}
	return jpegCost(data, w, h)
}

func pngCost(data []byte, px int64) (int64, string) {
	// The signature (8 bytes), then IHDR: length, type, width, height,
	// bit depth, colour type, compression, filter, interlace.
	if len(data) < 29 {
		return px * 8, "PNG"
	}
	depth, colour, interlaced := data[24], data[25], data[28] == 1
	bpp, what := int64(4), "PNG"
	switch {
	case depth == 16:
		bpp, what = 8, "16-bit PNG"
	case colour == 3 || colour == 0 && depth < 8:
		bpp = 1
	}
	cost := px * bpp
	if interlaced {
		cost += cost / 2 // the largest pass, half the image, while merging
		what = "interlaced " + what
	}
	return cost, what
}

// jpegCost reads the frame header (SOFn) for the sampling of each
// component and whether the file is progressive.
func jpegCost(data []byte, w, h int) (int64, string) {
	comps, progressive, ok := jpegFrame(data)
	if !ok {
		return int64(w) * int64(h) * 20, "JPEG" // the worst the decoder does; DecodeConfig read a frame, so this is rare
	}
	hmax, vmax := 1, 1
	for _, c := range comps {
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	mcusX, mcusY := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
	var planes, blocks int64
	for _, c := range comps {
		b := int64(mcusX*c.h) * int64(mcusY*c.v)
		blocks += b
		planes += b * 64
	}
	cost, what := planes, "JPEG"
	if len(comps) == 4 { // CMYK or YCCK: converted into a second, 4-byte image
		cost, what = planes+int64(w)*int64(h)*4, "CMYK JPEG"
	}
	if progressive {
		cost += blocks * 64 * 4
		what = "progressive " + what
	}
	return cost, what
}

type jpegComp struct{ h, v int }

// jpegFrame walks the markers to the first frame header.
func jpegFrame(data []byte) (comps []jpegComp, progressive, ok bool) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, false, false
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return nil, false, false
		}
		m := data[i+1]
		if m == 0xFF { // fill byte
			i++
			continue
		}
		if m == 0xD8 || m == 0x01 || m >= 0xD0 && m <= 0xD7 { // no length
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return nil, false, false
		}
		seg := data[i+4 : i+2+n]
		switch m {
		case 0xC0, 0xC1, 0xC2:
			if len(seg) < 6 {
				return nil, false, false
			}
			nc := int(seg[5])
			if nc < 1 || nc > 4 || len(seg) < 6+3*nc {
				return nil, false, false
			}
			for k := range nc {
				hv := seg[6+3*k+1]
				comps = append(comps, jpegComp{h: max(1, int(hv>>4)), v: max(1, int(hv&0x0F))})
			}
			return comps, m == 0xC2, true
		case 0xDA: // scan data before a frame: not a file Go decodes
			return nil, false, false
		}
		i += 2 + n
	}
	return nil, false, false
}
