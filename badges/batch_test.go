package badges

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func cardSource(t testing.TB, n int, mod func(i int, c *Card)) func() (Card, bool, error) {
	base := sampleCard(t)
	i := 0
	return func() (Card, bool, error) {
		if i == n {
			return Card{}, false, nil
		}
		c := base
		c.GivenName = fmt.Sprintf("Delegate%02d", i)
		c.Serial = i + 1
		if mod != nil {
			mod(i, &c)
		}
		i++
		return c, true, nil
	}
}

func TestRenderBatch(t *testing.T) {
	var buf bytes.Buffer
	n, err := RenderBatch(&buf, cardSource(t, 9, nil))
	if err != nil || n != 9 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	info := pdfinfo(t, buf.Bytes())
	if !regexp.MustCompile(`Pages:\s+3\n`).MatchString(info) {
		t.Errorf("9 badges at 4 per page should make 3 pages:\n%s", info)
	}
	if w, h := pageSize(t, info); !near(w, 595.28) || !near(h, 841.89) {
		t.Errorf("page size %.2f x %.2f, want A4", w, h)
	}
	text := pdftotext(t, buf.Bytes())
	for i := 0; i < 9; i++ {
		if want := fmt.Sprintf("Delegate%02d Müller-Łukasiewicz", i); !strings.Contains(text, want) {
			t.Errorf("batch lacks %q", want)
		}
	}
}

func TestRenderBatchErrors(t *testing.T) {
	var buf bytes.Buffer
	boom := errors.New("database gone")
	i := 0
	n, err := RenderBatch(&buf, func() (Card, bool, error) {
		if i == 3 {
			return Card{}, false, boom
		}
		i++
		return sampleCard(t), true, nil
	})
	if !errors.Is(err, boom) || n > 3 || buf.Len() != 0 {
		t.Fatalf("source error: n=%d err=%v written=%d", n, err, buf.Len())
	}

	n, err = RenderBatch(&buf, cardSource(t, 5, func(i int, c *Card) {
		if i == 2 {
			c.Photo = []byte{0xff, 0xd8, 0xff, 0x00}
		}
	}))
	if !errors.Is(err, errPhoto) || n != 2 || buf.Len() != 0 {
		t.Fatalf("bad photo: n=%d err=%v written=%d", n, err, buf.Len())
	}

	n, err = RenderBatch(&buf, cardSource(t, 0, nil))
	if !errors.Is(err, ErrEmptyBatch) || n != 0 || buf.Len() != 0 {
		t.Fatalf("empty: n=%d err=%v", n, err)
	}

	b := NewBatchWriter(&buf)
	if err := b.Add(sampleCard(t)); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(sampleCard(t)); err == nil {
		t.Fatal("Add after Close succeeded")
	}
	if err := b.Close(); err == nil {
		t.Fatal("second Close succeeded")
	}
}
