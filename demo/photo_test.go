package demo

import (
	"bytes"
	"image/jpeg"
	"testing"
)

func TestPhoto(t *testing.T) {
	p := Portrait{GivenName: "Zoë", FamilyName: "Müller-Łukasiewicz", Gender: "female"}
	a, b := Photo(p), Photo(p)
	if !bytes.Equal(a, b) {
		t.Fatal("the same person's photo differs between two draws")
	}
	if bytes.Equal(a, Photo(Portrait{GivenName: "Zoë", FamilyName: "Müller", Gender: "female"})) {
		t.Fatal("two people share a photo")
	}
	img, err := jpeg.Decode(bytes.NewReader(a))
	if err != nil || img.Bounds().Dx() != PhotoWidth || img.Bounds().Dy() != PhotoHeight {
		t.Fatalf("photo: %v %v", img.Bounds(), err)
	}
	if got := initials(p); got != "ZM" {
		t.Errorf("initials %q", got)
	}
}

// BenchmarkPhoto is the cost of one portrait: the demo draws one per
// nomination.
func BenchmarkPhoto(b *testing.B) {
	p := Portrait{GivenName: "Zoë", FamilyName: "Müller-Łukasiewicz", Gender: "female"}
	for b.Loop() {
		Photo(p)
	}
}

// TestPhotoConcurrent: the demo draws on every core at once; each
// portrait comes out as it does alone.
func TestPhotoConcurrent(t *testing.T) {
	t.Parallel()
	want := map[*delegate][]byte{}
	for i := range cast {
		want[&cast[i]] = Photo(cast[i].portrait())
	}
	got := drawAll()
	for d, w := range want {
		if !bytes.Equal(got(d), w) {
			t.Fatalf("%s %s's photo differs when drawn concurrently", d.given, d.family)
		}
	}
}
