package badges

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/osce/accredit/internal/testenv"
)

func TestQRVersionAtMostSeven(t *testing.T) {
	s := exampleSigner(t)
	for i := 0; i < 20; i++ {
		code := s.Sign("OSCE-MC-2026", uuid.New(), uint32(i))
		v, err := QRVersion(code)
		if err != nil {
			t.Fatal(err)
		}
		if v > 7 {
			t.Fatalf("QR version %d > 7 at level M for %s", v, code)
		}
	}
}

func TestQRPNG(t *testing.T) {
	for _, size := range []int{QRMinSize, 300, QRDefaultSize, QRMaxSize} {
		b, err := QRPNG(exampleCode, size)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds() != image.Rect(0, 0, size, size) {
			t.Fatalf("size %d: bounds %v", size, img.Bounds())
		}
		// The quiet zone: the outer rows and columns stay white.
		for i := 0; i < size; i++ {
			for _, p := range [][2]int{{i, 0}, {0, i}, {i, size - 1}, {size - 1, i}} {
				if r, _, _, _ := img.At(p[0], p[1]).RGBA(); r != 0xffff {
					t.Fatalf("size %d: dark pixel at the edge %v", size, p)
				}
			}
		}
	}
	for _, size := range []int{0, QRMinSize - 1, QRMaxSize + 1, -512} {
		if _, err := QRPNG(exampleCode, size); err == nil {
			t.Errorf("size %d accepted", size)
		}
	}
	if _, err := QRPNG("", 512); err == nil {
		t.Error("empty code accepted")
	}
}

func TestQRPNGScans(t *testing.T) {
	zbar := testenv.Tool(t, "zbarimg")
	dir := t.TempDir()
	for _, size := range []int{QRMinSize, QRDefaultSize, QRMaxSize} {
		b, err := QRPNG(exampleCode, size)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "qr.png")
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(zbar, "--raw", "-q", file).Output()
		if err != nil {
			t.Fatalf("size %d: zbarimg found no code: %v", size, err)
		}
		if got := strings.TrimSpace(string(out)); got != exampleCode {
			t.Fatalf("size %d: scanned %q, want %q", size, got, exampleCode)
		}
	}
}
