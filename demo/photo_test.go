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
