package badges

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func mustFail(t *testing.T, k *Keyring, code, what string) {
	t.Helper()
	p, err := k.Verify(code)
	if !errors.Is(err, ErrInvalidCode) {
		t.Errorf("%s: err = %v, want ErrInvalidCode", what, err)
	}
	if p != (Payload{}) {
		t.Errorf("%s: non-zero payload %+v returned with an error", what, p)
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	s := exampleSigner(t)
	k := NewKeyring(s.Public())
	id := uuid.New()
	for _, serial := range []uint32{0, 1, 2, 1 << 31, ^uint32(0)} {
		code := s.Sign("OSCE-PC-2026", id, serial)
		if len(code) != CodeLength || len(code) > 160 {
			t.Fatalf("code length %d, want %d (≤ 160)", len(code), CodeLength)
		}
		for _, r := range code {
			if !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '7') {
				t.Fatalf("code has %q outside A-Z2-7: %s", r, code)
			}
		}
		p, err := k.Verify(code)
		if err != nil {
			t.Fatalf("serial %d: %v", serial, err)
		}
		want := Payload{KeyID: s.KeyID(), EventTag: EventTag("OSCE-PC-2026"), BadgeID: id, Serial: serial}
		if p != want {
			t.Fatalf("payload %+v, want %+v", p, want)
		}
		if p.EventTag != EventTag("OSCE-PC-2026") || p.EventTag == EventTag("OSCE-MC-2026") {
			t.Fatal("the event tag does not match the event signed for")
		}
		// Scanners append CR/LF; surrounding white space is tolerated.
		if _, err := k.Verify(" \t" + code + "\r\n"); err != nil {
			t.Fatalf("surrounding white space: %v", err)
		}
	}
	if a, b := s.Sign("X1", id, 1), s.Sign("X1", id, 1); a != b {
		t.Fatal("signing is not deterministic")
	}
	if a, b := s.Sign("X1", id, 1), s.Sign("X1", id, 2); a == b {
		t.Fatal("serials do not change the code")
	}
}

func TestExampleCode(t *testing.T) {
	if got := exampleCodeFor(t, exampleSerial); got != exampleCode {
		t.Fatalf("example code changed:\n got %s\nwant %s", got, exampleCode)
	}
}

func TestVerifyRejects(t *testing.T) {
	s := exampleSigner(t)
	k := NewKeyring(s.Public())
	code := exampleCode

	var raw [CodeBytes]byte
	if err := decode(code, &raw); err != nil {
		t.Fatal(err)
	}
	// Flipping any bit anywhere must be caught: by the version check, the
	// key id lookup, or the signature.
	for i := 0; i < CodeBytes; i++ {
		for bit := 0; bit < 8; bit++ {
			bad := raw
			bad[i] ^= 1 << bit
			mustFail(t, k, codeEncoding.EncodeToString(bad[:]), "flipped bit")
		}
	}
	// Same for every character replaced by another valid one.
	for i := 0; i < len(code); i++ {
		c := byte('A')
		if code[i] == 'A' {
			c = 'B'
		}
		mustFail(t, k, code[:i]+string(c)+code[i+1:], "changed character")
	}

	other, _, _ := ed25519.GenerateKey(nil)
	mustFail(t, NewKeyring(other), code, "unknown kid")
	mustFail(t, NewKeyring(), code, "empty keyring")
	var nilRing *Keyring
	mustFail(t, nilRing, code, "nil keyring")

	// A signature by the wrong key under the right key id.
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	forger := NewSigner(otherPriv)
	forger.kid = s.KeyID()
	forged := forger.Sign(exampleEvent, uuid.MustParse(exampleBadgeID), 3)
	_, err := k.Verify(forged)
	if !errors.Is(err, errSignature) {
		t.Fatalf("forged: err = %v, want bad signature", err)
	}

	// Version 2 with a valid signature is still refused.
	v2 := raw
	v2[0] = 2
	copy(v2[signedLen:], ed25519.Sign(exampleKey(t), v2[:signedLen]))
	if _, err := k.Verify(codeEncoding.EncodeToString(v2[:])); !errors.Is(err, errVersion) {
		t.Fatalf("version 2: err = %v", err)
	}

	// The last character carries one data bit and four zero bits; setting
	// those would give the same badge a second spelling.
	last := decodeMap[code[len(code)-1]]
	alt := "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[last|1]
	if alt != code[len(code)-1] {
		mustFail(t, k, code[:len(code)-1]+string(alt), "non-canonical")
	}

	for name, c := range map[string]string{
		"empty":           "",
		"spaces":          "   ",
		"truncated":       code[:len(code)-1],
		"half":            code[:78],
		"too long":        code + "A",
		"doubled":         code + code,
		"lower case":      strings.ToLower(code),
		"one lower":       code[:10] + strings.ToLower(code[10:11]) + code[11:],
		"padding":         code[:len(code)-1] + "=",
		"inner space":     code[:50] + " " + code[51:],
		"digit 0":         code[:5] + "0" + code[6:],
		"digit 1":         code[:5] + "1" + code[6:],
		"digit 8":         code[:5] + "8" + code[6:],
		"non-ASCII":       code[:5] + "É" + code[7:],
		"NUL":             code[:5] + "\x00" + code[6:],
		"garbage":         "hello, world",
		"url":             "https://example.org/?code=" + code,
		"base64":          base64.StdEncoding.EncodeToString(raw[:]),
		"all A":           strings.Repeat("A", CodeLength),
		"all 7":           strings.Repeat("7", CodeLength),
		"156 lower a":     strings.Repeat("a", CodeLength),
		"invalid UTF-8":   string([]byte{0xff, 0xfe}) + code[2:],
		"newline inside":  code[:70] + "\n" + code[71:],
		"only version ok": "AE" + strings.Repeat("A", CodeLength-2),
	} {
		mustFail(t, k, c, name)
		if _, _, _, err := Parse(c); name != "only version ok" && !errors.Is(err, ErrInvalidCode) {
			t.Errorf("Parse(%s): err = %v", name, err)
		}
	}
}

func TestParse(t *testing.T) {
	s := exampleSigner(t)
	p, sig, signed, err := Parse(exampleCode)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != ed25519.SignatureSize || len(signed) != 33 || signed[0] != FormatVersion {
		t.Fatalf("sig %d bytes, signed %d bytes", len(sig), len(signed))
	}
	if !ed25519.Verify(s.Public(), signed, sig) {
		t.Fatal("Parse's signed/sig do not verify")
	}
	if p.KeyID != s.KeyID() || p.BadgeID != uuid.MustParse(exampleBadgeID) || p.Serial != exampleSerial || p.EventTag != EventTag(exampleEvent) {
		t.Fatalf("payload %+v", p)
	}
}

func TestEventTagAndKeyID(t *testing.T) {
	sum := sha256.Sum256([]byte("accredit-event:OSCE-MC-2026"))
	if tag := EventTag("OSCE-MC-2026"); string(tag[:]) != string(sum[:8]) {
		t.Fatal("event tag is not SHA-256 prefix")
	}
	long := strings.Repeat("X", 200) // longer than the stack buffer
	sum = sha256.Sum256([]byte("accredit-event:" + long))
	if tag := EventTag(long); string(tag[:]) != string(sum[:8]) {
		t.Fatal("long event code")
	}
	if EventTag("A1") == EventTag("A2") {
		t.Fatal("distinct events share a tag")
	}
	pub := exampleKey(t).Public().(ed25519.PublicKey)
	sum = sha256.Sum256(pub)
	if got := KeyID(pub); got != uint32(sum[0])<<24|uint32(sum[1])<<16|uint32(sum[2])<<8|uint32(sum[3]) {
		t.Fatalf("kid %08x is not the SHA-256 prefix", got)
	}
	if got := KeyIDString(KeyID(pub)); got != "56475aa7" {
		t.Fatalf("kid %s", got)
	}
	if KeyIDString(0x0000abcd) != "0000abcd" {
		t.Fatal("kid not zero-padded")
	}
}

func TestKeyring(t *testing.T) {
	a := exampleKey(t).Public().(ed25519.PublicKey)
	b, _, _ := ed25519.GenerateKey(nil)
	k := NewKeyring(b, a, a)
	keys := k.Keys()
	if len(keys) != 2 || keys[0].KID > keys[1].KID {
		t.Fatalf("keys %+v", keys)
	}
	js, _ := json.Marshal(keys)
	for _, want := range []string{`"kid":"56475aa7"`, `"algorithm":"Ed25519"`, `"public_key":"A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("published keys %s lack %s", js, want)
		}
	}
	if pub, ok := k.PublicKey(KeyID(a)); !ok || !pub.Equal(a) {
		t.Fatal("lookup by kid")
	}
	// The keyring keeps its own copy.
	a2 := append(ed25519.PublicKey(nil), a...)
	k2 := NewKeyring(a2)
	a2[0] ^= 1
	if _, err := k2.Verify(exampleCode); err != nil {
		t.Fatal("keyring aliases the caller's key")
	}
	if (*Keyring)(nil).Keys() == nil {
		t.Fatal("nil keyring should publish an empty list, not null")
	}

	mustPanic(t, "short public key", func() { NewKeyring(a[:31]) })
	mustPanic(t, "short private key", func() { NewSigner(exampleKey(t)[:32]) })
}

func TestSignerCopiesKey(t *testing.T) {
	priv := exampleKey(t)
	s := NewSigner(priv)
	priv[0] ^= 1
	pub := s.Public()
	pub[0] ^= 1
	if s.Sign(exampleEvent, uuid.MustParse(exampleBadgeID), exampleSerial) != exampleCode {
		t.Fatal("signer aliases caller's slices")
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}

// Verification runs per scan; it must not allocate, valid code or not.
func TestVerifyDoesNotAllocate(t *testing.T) {
	k := NewKeyring(exampleSigner(t).Public())
	for _, code := range []string{exampleCode, "garbage", strings.ToLower(exampleCode)} {
		allocs := testing.AllocsPerRun(100, func() { _, _ = k.Verify(code) })
		if allocs != 0 {
			t.Errorf("Verify(%.10s…) allocates %.0f times", code, allocs)
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { _ = EventTag(exampleEvent) }); allocs != 0 {
		t.Errorf("EventTag allocates %.0f times", allocs)
	}
}
