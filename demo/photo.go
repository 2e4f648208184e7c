package demo

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// PhotoWidth and PhotoHeight are the size of the generated portraits: the
// 3:4 of a passport photo, as large as a delegation would upload.
const (
	PhotoWidth  = 600
	PhotoHeight = 800
)

// Portrait is who a generated photo shows: the same person always gets the
// same picture.
type Portrait struct {
	GivenName  string
	FamilyName string
	Gender     string // female, male, other, undisclosed
}

// Palettes of the drawing. Backgrounds are soft so that the face stands out,
// as in a photo taken against a plain wall.
var (
	backgrounds = []color.RGBA{
		{0xBF, 0xDC, 0xE6, 0xFF}, {0xD6, 0xCF, 0xEA, 0xFF}, {0xF2, 0xD9, 0xC7, 0xFF},
		{0xCB, 0xE3, 0xC9, 0xFF}, {0xE9, 0xE1, 0xC4, 0xFF}, {0xC9, 0xD6, 0xEE, 0xFF},
		{0xEB, 0xCF, 0xD8, 0xFF}, {0xC6, 0xE4, 0xDD, 0xFF},
	}
	skins = []color.RGBA{
		{0xF6, 0xD5, 0xBD, 0xFF}, {0xEC, 0xC0, 0x9C, 0xFF}, {0xD9, 0xA5, 0x7E, 0xFF},
		{0xBC, 0x86, 0x5E, 0xFF}, {0x98, 0x66, 0x45, 0xFF}, {0x6E, 0x48, 0x31, 0xFF},
	}
	hairs = []color.RGBA{
		{0x1F, 0x1A, 0x17, 0xFF}, {0x2B, 0x24, 0x22, 0xFF}, {0x3B, 0x2A, 0x20, 0xFF},
		{0x62, 0x42, 0x2B, 0xFF}, {0x7A, 0x52, 0x33, 0xFF}, {0x8E, 0x4B, 0x2A, 0xFF},
		{0xC9, 0xA2, 0x62, 0xFF}, {0xE0, 0xC0, 0x7E, 0xFF}, {0x9C, 0x9A, 0x96, 0xFF},
		{0xD9, 0xD6, 0xD0, 0xFF},
	}
	jackets = []color.RGBA{
		{0x23, 0x33, 0x52, 0xFF}, {0x3A, 0x3F, 0x47, 0xFF}, {0x6B, 0x26, 0x36, 0xFF},
		{0x2D, 0x4F, 0x3E, 0xFF}, {0x4A, 0x5B, 0x7C, 0xFF}, {0x5B, 0x3C, 0x6E, 0xFF},
		{0x7A, 0x5C, 0x3E, 0xFF},
	}
	accents = []color.RGBA{
		{0xB8, 0x3B, 0x3B, 0xFF}, {0x2F, 0x6F, 0xB3, 0xFF}, {0xD4, 0x9A, 0x2A, 0xFF},
		{0x3E, 0x8E, 0x6A, 0xFF}, {0x8E, 0x4F, 0xA8, 0xFF},
	}
	shirt = color.RGBA{0xF7, 0xF7, 0xF4, 0xFF}
	eyeC  = color.RGBA{0x2A, 0x22, 0x1E, 0xFF}
)

// Photo draws p's portrait: a head and shoulders in flat colours on a soft
// background, with the initials on the jacket, so that nobody could take it
// for a photograph of a real person. It is a 600×800 JPEG, the same bytes
// for the same person on every run.
func Photo(p Portrait) []byte {
	img := draw1(p)
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}) // cannot fail on an in-memory RGBA
	return buf.Bytes()
}

// features are the random choices of one portrait.
type features struct {
	bg, skin, hair, jacket, accent color.RGBA
	long, bun, bald, tie, glasses  bool
}

func choose(p Portrait) features {
	h := fnv.New64a()
	h.Write([]byte(p.GivenName + "\x00" + p.FamilyName))
	r := rand.New(rand.NewPCG(h.Sum64(), 0x5eed))
	pick := func(cs []color.RGBA) color.RGBA { return cs[r.IntN(len(cs))] }
	f := features{bg: pick(backgrounds), skin: pick(skins), jacket: pick(jackets), accent: pick(accents)}
	// Hair that is as light or as dark as the face would swallow it: the
	// drawing has no shading to tell them apart.
	for f.hair = pick(hairs); abs(luma(f.hair)-luma(f.skin)) < 50; f.hair = pick(hairs) {
	}
	female := p.Gender == "female" || (p.Gender != "male" && r.IntN(2) == 0)
	if female {
		f.long = r.IntN(3) > 0
		f.bun = !f.long
	} else {
		f.bald = r.IntN(5) == 0
		f.tie = r.IntN(3) > 0
	}
	f.glasses = r.IntN(4) == 0
	return f
}

// draw1 paints the portrait. Coordinates are for 600×800.
func draw1(p Portrait) *image.RGBA {
	f := choose(p)
	img := image.NewRGBA(image.Rect(0, 0, PhotoWidth, PhotoHeight))
	gradient(img, lighten(f.bg, 0.35), f.bg)
	c := &canvas{img: img, z: vector.NewRasterizer(PhotoWidth, PhotoHeight)}

	c.ellipse(300, 360, 250, 250, lighten(f.bg, 0.5)) // a halo, as of a studio light
	if f.long {
		c.roundRect(170, 250, 430, 640, 110, f.hair)
	}
	c.body(f.jacket)
	c.collar(f)
	c.roundRect(262, 450, 338, 610, 34, darken(f.skin, 0.08)) // neck
	c.ellipse(190, 392, 22, 34, darken(f.skin, 0.04))         // ears
	c.ellipse(410, 392, 22, 34, darken(f.skin, 0.04))
	c.ellipse(300, 370, 112, 138, f.skin) // head
	c.hair(f)
	c.face(f)
	c.initials(initials(p), lighten(f.jacket, 0.75))
	return img
}

type canvas struct {
	img *image.RGBA
	z   *vector.Rasterizer
}

// The figure is drawn in a 600×800 frame and then enlarged about the
// bottom centre, so that the head fills the photo as a passport photo's
// does.
const (
	zoom         = 1.2
	zoomX, zoomY = 300, 800
)

// pen traces paths in the figure's coordinates. A pen without a
// rasterizer only measures: it grows box to hold every point, and the
// shape, inside its control points, inside the box.
type pen struct {
	z      *vector.Rasterizer
	ox, oy float32 // the rasterizer's origin on the canvas
	box    *image.Rectangle
}

func at(x, y float32) (float32, float32) { return zoomX + (x-zoomX)*zoom, zoomY + (y-zoomY)*zoom }

func (p pen) point(x, y float32) (float32, float32) {
	x, y = at(x, y)
	if p.z == nil {
		pt := image.Rect(int(x)-1, int(y)-1, int(x)+2, int(y)+2)
		*p.box = p.box.Union(pt)
	}
	return x - p.ox, y - p.oy
}

func (p pen) MoveTo(x, y float32) {
	if x, y = p.point(x, y); p.z != nil {
		p.z.MoveTo(x, y)
	}
}

func (p pen) LineTo(x, y float32) {
	if x, y = p.point(x, y); p.z != nil {
		p.z.LineTo(x, y)
	}
}

func (p pen) CubeTo(x1, y1, x2, y2, x3, y3 float32) {
	x1, y1 = p.point(x1, y1)
	x2, y2 = p.point(x2, y2)
	x3, y3 = p.point(x3, y3)
	if p.z != nil {
		p.z.CubeTo(x1, y1, x2, y2, x3, y3)
	}
}

func (p pen) ClosePath() {
	if p.z != nil {
		p.z.ClosePath()
	}
}

// fill draws the path that build traces, in colour col. The path is
// rasterized within its bounds only: a shape costs its own area, not the
// whole picture's.
func (c *canvas) fill(col color.RGBA, build func(z pen)) {
	var box image.Rectangle
	build(pen{box: &box})
	box = box.Intersect(c.img.Bounds())
	if box.Empty() {
		return
	}
	c.z.Reset(box.Dx(), box.Dy())
	c.z.DrawOp = draw.Over
	build(pen{z: c.z, ox: float32(box.Min.X), oy: float32(box.Min.Y)})
	c.z.Draw(c.img, box, image.NewUniform(col), image.Point{})
}

// kappa places the control points of a cubic Bézier quarter ellipse.
const kappa = 0.5522848

func ellipsePath(z pen, cx, cy, rx, ry float32, reverse bool) {
	kx, ky := rx*kappa, ry*kappa
	s := float32(1)
	if reverse {
		s = -1
	}
	z.MoveTo(cx+rx, cy)
	z.CubeTo(cx+rx, cy+s*ky, cx+kx, cy+s*ry, cx, cy+s*ry)
	z.CubeTo(cx-kx, cy+s*ry, cx-rx, cy+s*ky, cx-rx, cy)
	z.CubeTo(cx-rx, cy-s*ky, cx-kx, cy-s*ry, cx, cy-s*ry)
	z.CubeTo(cx+kx, cy-s*ry, cx+rx, cy-s*ky, cx+rx, cy)
	z.ClosePath()
}

func (c *canvas) ellipse(cx, cy, rx, ry float32, col color.RGBA) {
	c.fill(col, func(z pen) { ellipsePath(z, cx, cy, rx, ry, false) })
}

// ring is an ellipse outline of width w (the inner path winds the other way
// and cuts the hole).
func (c *canvas) ring(cx, cy, rx, ry, w float32, col color.RGBA) {
	c.fill(col, func(z pen) {
		ellipsePath(z, cx, cy, rx, ry, false)
		ellipsePath(z, cx, cy, rx-w, ry-w, true)
	})
}

func (c *canvas) roundRect(x0, y0, x1, y1, r float32, col color.RGBA) {
	k := r * (1 - kappa)
	c.fill(col, func(z pen) {
		z.MoveTo(x0+r, y0)
		z.LineTo(x1-r, y0)
		z.CubeTo(x1-k, y0, x1, y0+k, x1, y0+r)
		z.LineTo(x1, y1-r)
		z.CubeTo(x1, y1-k, x1-k, y1, x1-r, y1)
		z.LineTo(x0+r, y1)
		z.CubeTo(x0+k, y1, x0, y1-k, x0, y1-r)
		z.LineTo(x0, y0+r)
		z.CubeTo(x0, y0+k, x0+k, y0, x0+r, y0)
		z.ClosePath()
	})
}

// body is the shoulders and jacket, running off the bottom of the picture.
func (c *canvas) body(col color.RGBA) {
	c.fill(col, func(z pen) {
		z.MoveTo(30, 800)
		z.CubeTo(30, 690, 70, 630, 180, 605)
		z.CubeTo(230, 594, 260, 585, 300, 585)
		z.CubeTo(340, 585, 370, 594, 420, 605)
		z.CubeTo(530, 630, 570, 690, 570, 800)
		z.ClosePath()
	})
}

// collar is the shirt's V, with a tie or a scarf's accent colour.
func (c *canvas) collar(f features) {
	c.fill(shirt, func(z pen) {
		z.MoveTo(244, 590)
		z.LineTo(356, 590)
		z.LineTo(300, 720)
		z.ClosePath()
	})
	if f.tie {
		c.fill(f.accent, func(z pen) {
			z.MoveTo(288, 608)
			z.LineTo(312, 608)
			z.LineTo(322, 700)
			z.LineTo(300, 726)
			z.LineTo(278, 700)
			z.ClosePath()
		})
		return
	}
	c.ellipse(300, 640, 16, 16, f.accent) // a brooch
}

// hair covers the top of the head; long hair was drawn behind it already.
func (c *canvas) hair(f features) {
	if f.bald {
		c.fill(f.hair, func(z pen) { // a close crop at the sides
			z.MoveTo(188, 390)
			z.CubeTo(188, 330, 200, 300, 214, 290)
			z.LineTo(214, 380)
			z.ClosePath()
			z.MoveTo(412, 390)
			z.CubeTo(412, 330, 400, 300, 386, 290)
			z.LineTo(386, 380)
			z.ClosePath()
		})
		return
	}
	if f.bun {
		c.ellipse(300, 218, 62, 54, f.hair)
	}
	c.fill(f.hair, func(z pen) {
		z.MoveTo(184, 400)
		z.CubeTo(170, 280, 220, 218, 300, 216)
		z.CubeTo(380, 218, 430, 280, 416, 400)
		z.CubeTo(406, 340, 390, 318, 370, 308)
		z.CubeTo(330, 320, 250, 312, 214, 296)
		z.CubeTo(200, 320, 192, 350, 184, 400)
		z.ClosePath()
	})
}

// face is two eyes, a smile and, for some, glasses: enough to look
// friendly, too little to look like anyone.
func (c *canvas) face(f features) {
	c.ellipse(258, 385, 10, 12, eyeC)
	c.ellipse(342, 385, 10, 12, eyeC)
	cheek := lighten(color.RGBA{0xE8, 0x8A, 0x8A, 0xFF}, 0.2)
	cheek.A = 0x50
	c.ellipse(238, 430, 20, 13, premul(cheek))
	c.ellipse(362, 430, 20, 13, premul(cheek))
	c.fill(darken(f.skin, 0.45), func(z pen) { // the smile: a crescent
		z.MoveTo(268, 446)
		z.CubeTo(280, 470, 320, 470, 332, 446)
		z.CubeTo(318, 462, 282, 462, 268, 446)
		z.ClosePath()
	})
	if f.glasses {
		frame := color.RGBA{0x33, 0x33, 0x38, 0xFF}
		c.ring(258, 385, 30, 26, 5, frame)
		c.ring(342, 385, 30, 26, 5, frame)
		c.roundRect(286, 380, 314, 386, 3, frame)
	}
}

// goBold is the parsed Go Bold font. A parsed font may be shared; a face
// may not (it keeps its own buffers), so each portrait makes its own.
var goBold = sync.OnceValue(func() *opentype.Font {
	f, err := opentype.Parse(gobold.TTF)
	if err != nil {
		panic("demo: the embedded Go Bold font: " + err.Error()) // compiled in: cannot happen
	}
	return f
})

// initials writes the person's initials across the jacket.
func (c *canvas) initials(text string, col color.RGBA) {
	face, err := opentype.NewFace(goBold(), &opentype.FaceOptions{Size: 64, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("demo: a face of Go Bold: " + err.Error()) // fixed options: cannot happen
	}
	defer face.Close()
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: face}
	w := d.MeasureString(text)
	d.Dot = fixed.Point26_6{X: fixed.I(300) - w/2, Y: fixed.I(778)}
	d.DrawString(text)
}

// initials are the first letters of the given name and of the family name
// (Łukasiewicz gives Ł).
func initials(p Portrait) string {
	var b strings.Builder
	for _, n := range []string{p.GivenName, p.FamilyName} {
		for _, r := range n {
			if unicode.IsLetter(r) {
				b.WriteRune(unicode.ToUpper(r))
				break
			}
		}
	}
	return b.String()
}

// gradient fills img from top to bottom.
func gradient(img *image.RGBA, top, bottom color.RGBA) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		t := float64(y-b.Min.Y) / float64(b.Dy()-1)
		col := mix(top, bottom, t)
		row := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			row[i], row[i+1], row[i+2], row[i+3] = col.R, col.G, col.B, 0xFF
		}
	}
}

// luma is a colour's brightness, 0 to 255.
func luma(c color.RGBA) int { return (299*int(c.R) + 587*int(c.G) + 114*int(c.B)) / 1000 }

func abs(v int) int { return max(v, -v) }

func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xFF}
}

func lighten(c color.RGBA, t float64) color.RGBA {
	return mix(c, color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}, t)
}
func darken(c color.RGBA, t float64) color.RGBA { return mix(c, color.RGBA{0, 0, 0, 0xFF}, t) }

// premul turns a straight-alpha colour into the premultiplied one that
// color.RGBA is.
func premul(c color.RGBA) color.RGBA {
	a := uint16(c.A)
	return color.RGBA{uint8(uint16(c.R) * a / 0xFF), uint8(uint16(c.G) * a / 0xFF), uint8(uint16(c.B) * a / 0xFF), c.A}
}
