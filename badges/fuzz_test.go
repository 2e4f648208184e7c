package badges

import (
	"errors"
	"strings"
	"testing"
)

// FuzzVerify: whatever a scanner hands over, Verify must not panic, must
// report every failure as ErrInvalidCode, and must accept only codes our
// signer would have produced byte for byte (no second spelling of a badge).
func FuzzVerify(f *testing.F) {
	s := exampleSigner(f)
	k := NewKeyring(s.Public())
	f.Add(exampleCode)
	f.Add(" " + exampleCode + "\n")
	f.Add("")
	f.Add(strings.ToLower(exampleCode))
	f.Add(exampleCode + "A")
	f.Add(exampleCode[:len(exampleCode)-1])
	f.Add(strings.Repeat("A", CodeLength))
	f.Fuzz(func(t *testing.T, code string) {
		p, err := k.Verify(code)
		_, _, _, perr := Parse(code)
		if err != nil {
			if !errors.Is(err, ErrInvalidCode) {
				t.Fatalf("error %v does not wrap ErrInvalidCode", err)
			}
			if p != (Payload{}) {
				t.Fatalf("payload returned with error")
			}
			if perr != nil && !errors.Is(perr, ErrInvalidCode) {
				t.Fatalf("Parse error %v does not wrap ErrInvalidCode", perr)
			}
			return
		}
		if perr != nil {
			t.Fatalf("Verify accepts what Parse rejects: %v", perr)
		}
		if resigned := s.sign(p.EventTag, p.BadgeID, p.Serial); resigned != strings.TrimSpace(code) {
			t.Fatalf("accepted %q, but the canonical code is %q", code, resigned)
		}
	})
}
