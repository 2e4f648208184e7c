package badges

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // photos may be PNG

	"golang.org/x/image/draw"
)

// The photo box is 35:45, the passport-photo ratio delegations are asked
// for. The pixel size is about 300 dpi at the printed size: more is wasted
// in the PDF, and a batch of a thousand badges holds every photo in memory
// until the file is written.
const (
	photoW   = 31.5 // mm
	photoH   = 40.5 // mm
	photoPxW = 372
	photoPxH = 478

	// Decoding is refused above this many pixels (the limit uploads are held
	// to), so a hostile file cannot make a print job allocate gigabytes.
	maxPhotoPixels = 40_000_000

	// A JPEG up to this many bytes and pixels goes into the PDF as it is:
	// re-encoding would cost time and quality for nothing.
	passthroughBytes = 400 << 10
	passthroughPx    = 2 * photoPxW * 2 * photoPxH
)

// errPhoto is wrapped by photo problems so callers can tell "bad photo" from
// a failure of the PDF machinery.
var errPhoto = errors.New("badge photo is not a usable JPEG or PNG image")

// preparedPhoto is an encoded image ready to hand to fpdf. Only the encoded
// bytes are kept: a decoded 372×478 RGBA image is 700 KB, the JPEG is 30-60.
type preparedPhoto struct {
	data   []byte
	format string // "jpg"
	w, h   int
}

// preparePhoto turns an uploaded photo into a JPEG of at most about 300 dpi,
// cropped to the badge's aspect ratio around the centre. Small baseline
// JPEGs pass through untouched and are cropped by clipping when drawn.
func preparePhoto(b []byte) (preparedPhoto, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return preparedPhoto{}, fmt.Errorf("%w: %v", errPhoto, err)
	}
	if format != "jpeg" && format != "png" {
		return preparedPhoto{}, fmt.Errorf("%w: format %s", errPhoto, format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPhotoPixels {
		return preparedPhoto{}, fmt.Errorf("%w: %d×%d pixels", errPhoto, cfg.Width, cfg.Height)
	}
	// Decode even a photo that will pass through: DecodeConfig reads only
	// the header, and a truncated file would become a broken PDF.
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return preparedPhoto{}, fmt.Errorf("%w: %v", errPhoto, err)
	}
	// fpdf embeds JPEGs as they are; Gray and YCbCr are the colour models it
	// and every PDF viewer render faithfully (CMYK JPEGs often come out
	// inverted), so only those skip re-encoding.
	if format == "jpeg" && len(b) <= passthroughBytes && cfg.Width*cfg.Height <= passthroughPx &&
		(cfg.ColorModel == color.YCbCrModel || cfg.ColorModel == color.GrayModel) {
		return preparedPhoto{data: b, format: "jpg", w: cfg.Width, h: cfg.Height}, nil
	}

	dst := coverScale(src, photoPxW, photoPxH) // never enlarged: the PDF viewer scales better than we would
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 88}); err != nil {
		return preparedPhoto{}, fmt.Errorf("badges: encode photo: %w", err)
	}
	return preparedPhoto{data: buf.Bytes(), format: "jpg", w: dst.Bounds().Dx(), h: dst.Bounds().Dy()}, nil
}

// coverScale crops src to the aspect w:h (coverCrop) and shrinks the crop
// to w×h, or leaves it at its own size when it is smaller: never enlarged.
func coverScale(src image.Image, w, h int) *image.RGBA {
	crop := coverCrop(src.Bounds(), w, h)
	if crop.Dx() < w {
		w, h = crop.Dx(), crop.Dy()
	}
	return Shrink(src, crop, w, h)
}

// ThumbHeight is the height of a door thumbnail (api/openapi.yaml, the photo's ?size=thumb: at most 240 px).
const ThumbHeight = 240

// Thumbnail makes the door's thumbnail of a stored photo: the badge's crop
// (35:45, as the guard will see it printed) at most ThumbHeight pixels
// high, as a JPEG of a few kilobytes, so that a device can hold thousands.
func Thumbnail(photo []byte) ([]byte, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(photo))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errPhoto, err)
	}
	if (format != "jpeg" && format != "png") || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPhotoPixels {
		return nil, fmt.Errorf("%w: %s of %d×%d pixels", errPhoto, format, cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(photo))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errPhoto, err)
	}
	dst := coverScale(src, ThumbHeight*photoPxW/photoPxH, ThumbHeight)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, fmt.Errorf("badges: encode thumbnail: %w", err)
	}
	return buf.Bytes(), nil
}

// Shrink returns the part r of src scaled down to w×h, flattened onto
// white (a transparent PNG prints on white, not black). It is the one
// image scaler of accredit: the upload's re-encoding uses it too.
//
// It shrinks in two steps: a box filter by a whole factor takes a large
// image close to size cheaply and without aliasing, then bilinear
// interpolation does the remaining factor, below 2. Its memory beyond the
// result is a strip of f source rows and the box-filtered image, a
// fraction of the source; x/image/draw's kernel scalers over the whole
// reduction need a float64 buffer of destination width × source height
// (20 MB and 40 ms for a 1200×1600 upload, 370–510 MB for 36 megapixels).
// w and h must not exceed r's size.
func Shrink(src image.Image, r image.Rectangle, w, h int) *image.RGBA {
	w, h = max(1, min(w, r.Dx())), max(1, min(h, r.Dy()))
	small := boxShrink(src, r, max(1, min(r.Dx()/w, r.Dy()/h)))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), small, small.Bounds(), draw.Src, nil)
	return dst
}

// coverCrop returns the largest centred rectangle of b with aspect w:h, so
// the photo fills the box and the excess is cut equally from both sides.
func coverCrop(b image.Rectangle, w, h int) image.Rectangle {
	bw, bh := b.Dx(), b.Dy()
	if bw*h > bh*w { // too wide
		cw := bh * w / h
		if cw < 1 {
			cw = 1
		}
		x := b.Min.X + (bw-cw)/2
		return image.Rect(x, b.Min.Y, x+cw, b.Max.Y)
	}
	ch := bw * h / w
	if ch < 1 {
		ch = 1
	}
	// Faces sit in the upper part of a portrait: cut more from the bottom.
	y := b.Min.Y + (bh-ch)/3
	return image.Rect(b.Min.X, y, b.Max.X, y+ch)
}

// boxShrink returns the crop r of src reduced by factor f, each output pixel
// the mean of an f×f block (a remainder at the right and bottom edges is
// dropped), flattened onto white so a transparent PNG prints on white, not
// black. It converts f rows at a time into a small RGBA strip, so a large
// upload is never held twice, decoded and converted.
func boxShrink(src image.Image, r image.Rectangle, f int) *image.RGBA {
	w, h := r.Dx()/f, r.Dy()/f
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	strip := image.NewRGBA(image.Rect(0, 0, w*f, f))
	sums := make([]uint32, 4*w)
	n := uint32(f * f)
	for y := 0; y < h; y++ {
		draw.Draw(strip, strip.Bounds(), image.White, image.Point{}, draw.Src)
		draw.Draw(strip, strip.Bounds(), src, image.Pt(r.Min.X, r.Min.Y+y*f), draw.Over)
		clear(sums)
		for sy := 0; sy < f; sy++ {
			row := strip.Pix[sy*strip.Stride:]
			for x := 0; x < w; x++ {
				s := sums[4*x : 4*x+4]
				for p := row[4*x*f : 4*(x+1)*f]; len(p) >= 4; p = p[4:] {
					s[0] += uint32(p[0])
					s[1] += uint32(p[1])
					s[2] += uint32(p[2])
					s[3] += uint32(p[3])
				}
			}
		}
		out := dst.Pix[y*dst.Stride:]
		for i, v := range sums {
			out[i] = uint8((v + n/2) / n)
		}
	}
	return dst
}
