package badges_test

// An independent verifier written only from docs/badge-code.md, with the
// standard library: if the package and the document ever disagree, a third
// party's scanner would too, and this test fails first. It must not call
// the package's parsing, hashing or verification code.

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/osce/accredit/badges"
)

// The worked example, as printed in docs/badge-code.md.
const (
	docSeed      = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	docPublicHex = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
	docPublicB64 = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="
	docKID       = "56475aa7"
	docEvent     = "OSCE-MC-2026"
	docEventTag  = "c6d2d859fb7f619f"
	docBadgeID   = "3f2a9c4e-7b1d-4e8a-9c6f-2d5b8e1a0c47"
	docSerial    = 2
	docSigned    = "01 56475aa7 c6d2d859fb7f619f 3f2a9c4e7b1d4e8a9c6f2d5b8e1a0c47 00000002"
	docSignature = "19aea0fe2bfc36e3960f26171f976476b692ece84966ba8f1eb72b7f8ff407681c19907dee3ee3255c7ae9f5bc3e92658332c17d83cd68195a13603e27d3a201"
	docCode      = "AFLEOWVHY3JNQWP3P5QZ6PZKTRHHWHKORKOG6LK3RYNAYRYAAAAAEGNOUD7CX7BW4OLA6JQXD6LWI5VWSLWOQSLGXKHR5NZLP6H7IB3IDQMZA7POH3RSKXD25H23YPUSMWBTFQL5QPGWQGK2CNQD4J6TUIAQ"
)

// publishedKey is one item of GET …/badge-keys, as the document shows it.
type publishedKey struct {
	KID       string `json:"kid"`
	Algorithm string `json:"algorithm"`
	PublicKey string `json:"public_key"`
}

type scanned struct {
	badgeID uuid.UUID
	serial  uint32
}

var (
	errInvalid    = errors.New("invalid_code")
	errWrongEvent = errors.New("wrong_event")
)

// verify follows "Verifying a code offline", steps 1–6.
func verify(t *testing.T, keysJSON []byte, eventCode, text string) (scanned, error) {
	t.Helper()
	var keys struct{ Items []publishedKey }
	if err := json.Unmarshal(keysJSON, &keys); err != nil {
		t.Fatal(err)
	}
	// 1. strip surrounding white space only.
	text = strings.TrimSpace(text)
	// 2. 156 characters of A–Z2–7, unpadded base32 → 97 bytes, canonical.
	if len(text) != 156 {
		return scanned{}, errInvalid
	}
	for _, c := range text {
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return scanned{}, errInvalid
		}
	}
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	raw, err := enc.DecodeString(text)
	if err != nil || len(raw) != 97 || enc.EncodeToString(raw) != text {
		return scanned{}, errInvalid
	}
	// 3. version.
	if raw[0] != 1 {
		return scanned{}, errInvalid
	}
	// 4. key by kid, checking the published kid against the key itself.
	var pub ed25519.PublicKey
	for _, k := range keys.Items {
		b, err := base64.StdEncoding.DecodeString(k.PublicKey)
		if err != nil || len(b) != 32 || k.Algorithm != "Ed25519" {
			continue
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:4]) != k.KID {
			t.Errorf("published kid %s does not match its key", k.KID)
			continue
		}
		if bytes.Equal(sum[:4], raw[1:5]) {
			pub = b
		}
	}
	if pub == nil {
		return scanned{}, errInvalid
	}
	// 5. signature over bytes 0–32.
	if !ed25519.Verify(pub, raw[:33], raw[33:]) {
		return scanned{}, errInvalid
	}
	// 6. event tag.
	tag := sha256.Sum256([]byte("accredit-event:" + eventCode))
	if !bytes.Equal(tag[:8], raw[5:13]) {
		return scanned{}, errWrongEvent
	}
	var s scanned
	copy(s.badgeID[:], raw[13:29])
	s.serial = binary.BigEndian.Uint32(raw[29:33])
	return s, nil
}

func TestIndependentVerifier(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	signer := badges.NewSigner(priv)
	keysJSON, err := json.Marshal(map[string]any{"items": badges.NewKeyring(signer.Public()).Keys()})
	if err != nil {
		t.Fatal(err)
	}

	id := uuid.New()
	code := signer.Sign("OSCE-PC-2026", id, 7)
	got, err := verify(t, keysJSON, "OSCE-PC-2026", code+"\r\n")
	if err != nil {
		t.Fatalf("independent verifier rejects a Signer code: %v", err)
	}
	if got.badgeID != id || got.serial != 7 {
		t.Fatalf("independent verifier reads %+v", got)
	}
	if _, err := verify(t, keysJSON, "OSCE-MC-2026", code); !errors.Is(err, errWrongEvent) {
		t.Fatalf("other event: %v", err)
	}

	// Both verifiers agree on corrupted codes.
	ring := badges.NewKeyring(signer.Public())
	for i := 0; i < len(code); i++ {
		c := byte('A')
		if code[i] == 'A' {
			c = '7'
		}
		bad := code[:i] + string(c) + code[i+1:]
		_, errInd := verify(t, keysJSON, "OSCE-PC-2026", bad)
		_, errPkg := ring.Verify(bad)
		if (errInd == nil) != (errPkg == nil) {
			t.Fatalf("verifiers disagree on %s: independent %v, package %v", bad, errInd, errPkg)
		}
	}
	for _, bad := range []string{"", strings.ToLower(code), code[:155], code + "A", code[:155] + "R"} {
		_, errInd := verify(t, keysJSON, "OSCE-PC-2026", bad)
		_, errPkg := ring.Verify(bad)
		if errInd == nil || !errors.Is(errPkg, badges.ErrInvalidCode) {
			t.Fatalf("%q: independent %v, package %v", bad, errInd, errPkg)
		}
	}
}

func TestWorkedExample(t *testing.T) {
	seed, _ := hex.DecodeString(docSeed)
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	if hex.EncodeToString(pub) != docPublicHex || base64.StdEncoding.EncodeToString(pub) != docPublicB64 {
		t.Fatal("public key differs from the document")
	}
	sum := sha256.Sum256(pub)
	if hex.EncodeToString(sum[:4]) != docKID {
		t.Fatal("kid differs from the document")
	}
	tag := sha256.Sum256([]byte("accredit-event:" + docEvent))
	if hex.EncodeToString(tag[:8]) != docEventTag {
		t.Fatal("event tag differs from the document")
	}

	// Build the code from the document's description alone.
	signed, _ := hex.DecodeString(strings.ReplaceAll(docSigned, " ", ""))
	id := uuid.MustParse(docBadgeID)
	want := append([]byte{1}, sum[:4]...)
	want = append(want, tag[:8]...)
	want = append(want, id[:]...)
	want = binary.BigEndian.AppendUint32(want, docSerial)
	if !bytes.Equal(signed, want) {
		t.Fatalf("signed part: document %x, built %x", signed, want)
	}
	sig := ed25519.Sign(priv, signed)
	if hex.EncodeToString(sig) != docSignature {
		t.Fatal("signature differs from the document")
	}
	code := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(append(signed, sig...))
	if code != docCode {
		t.Fatalf("code built from the document:\n%s\ndocument says:\n%s", code, docCode)
	}

	// The package produces and accepts the same code.
	if got := badges.NewSigner(priv).Sign(docEvent, id, docSerial); got != docCode {
		t.Fatalf("Signer: %s", got)
	}
	p, err := badges.NewKeyring(pub).Verify(docCode)
	if err != nil || p.BadgeID != id || p.Serial != docSerial || p.EventTag != badges.EventTag(docEvent) || p.EventTag == badges.EventTag("OSCE-PC-2026") {
		t.Fatalf("Keyring.Verify: %+v %v", p, err)
	}

	// And the document really shows these values.
	doc, err := os.ReadFile("../docs/badge-code.md")
	if err != nil {
		t.Fatalf("read the document: %v", err)
	}
	for _, v := range []string{docSeed, docPublicHex, docPublicB64, docKID, docEvent, docEventTag, docBadgeID, docSigned, docSignature, docCode} {
		if !bytes.Contains(doc, []byte(v)) {
			t.Errorf("docs/badge-code.md does not show %s", v)
		}
	}
}
