//go:build long

package api

import (
	"bytes"
	"image"
	"testing"
	"time"
)

// TestLargestPhotoBounded: the largest photos allowed cost at most 400 MiB
// above the start (docs/security.md, Photos), measured by the runtime's
// own accounting, and at most 3 s of one core (asserted with a margin for
// slow or instrumented builds; the figure is logged). A long test (README,
// Tests): it builds and decodes photos of 36 and 40 megapixels, 7 s of CPU.
func TestLargestPhotoBounded(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's own allocations are not the server's")
	}
	for _, p := range largestPhotos(t) {
		t.Run(p.name, func(t *testing.T) {
			if len(p.data) > maxUpload {
				t.Fatalf("the test photo is %d bytes, over the upload limit", len(p.data))
			}
			var err error
			var out []byte
			co := measure(func() { _, out, err = reencode(p.data) })
			t.Logf("%d KB in, %d KB out: %v", len(p.data)>>10, len(out)>>10, co)
			if err != nil {
				t.Fatal(err)
			}
			if co.peak > 400<<20 {
				t.Errorf("heap peak %d MiB, over 400 MiB", co.peak>>20)
			}
			if limit := 3 * time.Second * cpuMargin; co.cpu > limit {
				t.Errorf("CPU %v, over %v", co.cpu, limit)
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(out))
			if err != nil || max(cfg.Width, cfg.Height) != photoLongSide {
				t.Errorf("re-encoded as %v (%v), want a long side of %d", cfg, err, photoLongSide)
			}
		})
	}
}
