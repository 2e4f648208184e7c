package badges

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/google/uuid"
)

// The worked example of docs/badge-code.md; independent_test.go repeats
// these values on its own.
const (
	exampleSeedHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	exampleEvent   = "OSCE-MC-2026"
	exampleBadgeID = "3f2a9c4e-7b1d-4e8a-9c6f-2d5b8e1a0c47"
	exampleSerial  = 2
	exampleCode    = "AFLEOWVHY3JNQWP3P5QZ6PZKTRHHWHKORKOG6LK3RYNAYRYAAAAAEGNOUD7CX7BW4OLA6JQXD6LWI5VWSLWOQSLGXKHR5NZLP6H7IB3IDQMZA7POH3RSKXD25H23YPUSMWBTFQL5QPGWQGK2CNQD4J6TUIAQ"
)

func exampleKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	seed, err := hex.DecodeString(exampleSeedHex)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(seed)
}

func exampleSigner(t testing.TB) *Signer { return NewSigner(exampleKey(t)) }

func exampleCodeFor(t testing.TB, serial uint32) string {
	return exampleSigner(t).Sign(exampleEvent, uuid.MustParse(exampleBadgeID), serial)
}

// portrait draws a synthetic head-and-shoulders photo so tests need no
// binary fixtures.
func portrait(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fw, fh := float64(w), float64(h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/fw, float64(y)/fh
			c := color.RGBA{uint8(170 + 40*fy), uint8(190 + 30*fy), uint8(215 + 20*fy), 255}
			// head
			if dx, dy := (fx-0.5)/0.2, (fy-0.38)/0.2*fh/fw*0.85; dx*dx+dy*dy < 1 {
				c = color.RGBA{224, 180, 150, 255}
				if dy < -0.35 {
					c = color.RGBA{70, 50, 40, 255} // hair
				}
			}
			// shoulders
			if dx, dy := (fx-0.5)/0.42, (fy-1.05)/0.36; dx*dx+dy*dy < 1 {
				c = color.RGBA{40, 50, 80, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func jpegPhoto(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, portrait(w, h), &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngPhoto(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, portrait(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sampleCard(t testing.TB) Card {
	return Card{
		BadgeID:    exampleBadgeID,
		Serial:     exampleSerial,
		Code:       exampleCodeFor(t, exampleSerial),
		Honorific:  "H.E. Ambassador",
		GivenName:  "Zoë",
		FamilyName: "Müller-Łukasiewicz",
		Function:   "Permanent Representative",
		Delegation: "Republic of Poland",
		Category:   "head_of_delegation",
		EventTitle: "32nd OSCE Ministerial Council",
		Venue:      "Hofburg, Heldenplatz 1, 1010 Vienna",
		Dates:      "14–15 December 2026",
		Photo:      jpegPhoto(t, 420, 540),
	}
}
