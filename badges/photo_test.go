package badges

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func TestPreparePhoto(t *testing.T) {
	small := jpegPhoto(t, 420, 540)
	p, err := preparePhoto(small)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p.data, small) {
		t.Error("a small baseline JPEG should pass through untouched")
	}

	for name, photo := range map[string][]byte{
		"large jpeg": jpegPhoto(t, 1000, 1300),
		"wide jpeg":  jpegPhoto(t, 1500, 500),
		"large png":  pngPhoto(t, 800, 1000),
	} {
		p, err := preparePhoto(photo)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img, err := jpeg.Decode(bytes.NewReader(p.data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != photoPxW || b.Dy() != photoPxH || p.w != photoPxW || p.h != photoPxH {
			t.Errorf("%s: prepared to %v, want %d×%d", name, b, photoPxW, photoPxH)
		}
	}

	// A transparent PNG prints on white.
	clear := image.NewNRGBA(image.Rect(0, 0, 50, 60))
	var buf bytes.Buffer
	if err := png.Encode(&buf, clear); err != nil {
		t.Fatal(err)
	}
	p, err = preparePhoto(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	img, _ := jpeg.Decode(bytes.NewReader(p.data))
	if r, g, b, _ := img.At(img.Bounds().Dx()/2, img.Bounds().Dy()/2).RGBA(); r < 0xf000 || g < 0xf000 || b < 0xf000 {
		t.Errorf("transparent photo became %v, want white", img.At(0, 0))
	}

	for name, photo := range map[string][]byte{
		"empty":     nil,
		"text":      []byte("GIF89a not really"),
		"truncated": small[:len(small)/2],
	} {
		if _, err := preparePhoto(photo); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestBoxShrink(t *testing.T) {
	src := image.NewNRGBA(image.Rect(10, 20, 17, 25))
	for y := 20; y < 25; y++ {
		for x := 10; x < 17; x++ {
			c := color.NRGBA{0, 0, 0, 0} // transparent: must become white
			if (x+y)%2 == 0 {
				c = color.NRGBA{0, 0, 0, 255}
			}
			src.Set(x, y, c)
		}
	}
	dst := boxShrink(src, src.Bounds(), 2)
	if dst.Bounds() != image.Rect(0, 0, 3, 2) {
		t.Fatalf("bounds %v", dst.Bounds())
	}
	for i, p := range dst.Pix {
		if want := uint8(128); i%4 == 3 && p != 255 || i%4 != 3 && p != want {
			t.Fatalf("half black, half transparent averaged to %v", dst.Pix)
		}
	}
	one := boxShrink(src, image.Rect(11, 21, 13, 22), 1)
	if one.Bounds() != image.Rect(0, 0, 2, 1) || one.Pix[0] != 0 || one.Pix[4] != 255 {
		t.Fatalf("factor 1 crop: %v %v", one.Bounds(), one.Pix)
	}
}

func TestThumbnail(t *testing.T) {
	for name, c := range map[string]struct {
		photo []byte
		w, h  int
	}{
		"stored portrait":  {jpegPhoto(t, 900, 1200), 186, 240},
		"stored landscape": {jpegPhoto(t, 1200, 400), 186, 240},
		"stored png":       {pngPhoto(t, 800, 1000), 186, 240},
		"small":            {jpegPhoto(t, 150, 200), 150, 193}, // cropped, never enlarged
	} {
		thumb, err := Thumbnail(c.photo)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img, err := jpeg.Decode(bytes.NewReader(thumb))
		if err != nil {
			t.Fatalf("%s: not a JPEG: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h || b.Dy() > ThumbHeight {
			t.Errorf("%s: %v, want %d×%d", name, b, c.w, c.h)
		}
		if len(thumb) > 30<<10 {
			t.Errorf("%s: %d bytes, want a few kilobytes", name, len(thumb))
		}
	}
	if _, err := Thumbnail([]byte("GIF89a not really")); err == nil {
		t.Error("a file that is not a photo made a thumbnail")
	}
}

// BenchmarkThumbnail is the cost of one door thumbnail made from the
// largest photo an upload stores (1200 px on the long side).
func BenchmarkThumbnail(b *testing.B) {
	photo := jpegPhoto(b, 900, 1200)
	b.SetBytes(int64(len(photo)))
	for b.Loop() {
		if _, err := Thumbnail(photo); err != nil {
			b.Fatal(err)
		}
	}
}
