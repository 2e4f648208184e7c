// Package badges issues and checks the codes printed on delegate badges and
// renders the badges themselves (QR images and printable PDFs).
//
// A badge code is a signed, self-describing token: the security desk can
// verify it with nothing but the published public keys, so entrances keep
// working when the network does not. The byte layout is specified in
// docs/badge-code.md; independent scanners are written against that
// document, so any change here is a breaking change there.
package badges

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// Layout of a decoded badge code. Offsets are fixed rather than
// length-prefixed so a scanner can check a code with a handful of slice
// operations.
const (
	// FormatVersion is the first byte of every code this package issues.
	FormatVersion = 1

	offKeyID    = 1
	offEventTag = 5
	offBadgeID  = 13
	offSerial   = 29
	signedLen   = 33 // bytes 0..32 are covered by the signature

	// CodeBytes is the length of a decoded code: the 33 signed bytes and a
	// 64-byte Ed25519 signature.
	CodeBytes = signedLen + ed25519.SignatureSize

	// CodeLength is the length of an encoded code in characters: 97 bytes in
	// unpadded base32. It stays under the 160 characters docs/badge-code.md allows and, being
	// only A–Z and 2–7, lets the QR use alphanumeric mode (version 7 at
	// level M).
	CodeLength = (CodeBytes*8 + 4) / 5
)

// eventTagPrefix separates event tags from any other SHA-256 use of an event
// code, so a tag can never be mistaken for some other hash of the same text.
const eventTagPrefix = "accredit-event:"

// codeEncoding is RFC 4648 base32 without padding: padding would add '='
// characters, which QR alphanumeric mode cannot carry.
var codeEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// ErrInvalidCode is wrapped by every error Parse and Verify return, whatever
// the cause, so callers map all of them to the single scan reason
// invalid_code.
var ErrInvalidCode = errors.New("invalid badge code")

// Pre-built errors keep the rejection path allocation-free: a door scanner
// fed garbage must not cost more than one fed valid codes.
var (
	errLength       = fmt.Errorf("%w: not %d characters", ErrInvalidCode, CodeLength)
	errAlphabet     = fmt.Errorf("%w: character outside A-Z2-7", ErrInvalidCode)
	errNonCanonical = fmt.Errorf("%w: non-canonical base32 (trailing bits set)", ErrInvalidCode)
	errVersion      = fmt.Errorf("%w: unsupported format version", ErrInvalidCode)
	errUnknownKey   = fmt.Errorf("%w: unknown key id", ErrInvalidCode)
	errSignature    = fmt.Errorf("%w: bad signature", ErrInvalidCode)
)

// Payload is the signed content of a badge code. It carries no personal
// data: whoever photographs a badge learns only identifiers.
type Payload struct {
	KeyID    uint32
	EventTag [8]byte
	BadgeID  uuid.UUID
	Serial   uint32
}

// EventTag returns the 8-byte tag that binds a code to one event: the first
// 8 bytes of SHA-256("accredit-event:" + eventCode).
func EventTag(eventCode string) [8]byte {
	// A stack buffer fits every valid event code (at most 32 characters), so
	// the per-scan event check does not allocate.
	var buf [64]byte
	b := append(buf[:0], eventTagPrefix...)
	b = append(b, eventCode...)
	sum := sha256.Sum256(b)
	var tag [8]byte
	copy(tag[:], sum[:8])
	return tag
}

// KeyID returns the identifier of a public key: the first 4 bytes of
// SHA-256 of the raw 32-byte key, big-endian. Codes carry it so a scanner
// holding several keys (after a rotation) knows which one to try.
func KeyID(pub ed25519.PublicKey) uint32 {
	sum := sha256.Sum256(pub)
	return binary.BigEndian.Uint32(sum[:4])
}

// KeyIDString formats a key id as published in JSON ("kid"): 8 lower-case
// hex digits.
func KeyIDString(id uint32) string {
	return fmt.Sprintf("%08x", id)
}

// Signer issues badge codes with one private key.
type Signer struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
	kid  uint32
}

// NewSigner returns a Signer for priv. Like crypto/ed25519 itself it panics
// if priv is not a 64-byte Ed25519 private key: that is a programming or
// configuration error caught at start-up, never a per-request condition
// (LoadKey validates keys read from disk).
func NewSigner(priv ed25519.PrivateKey) *Signer {
	if len(priv) != ed25519.PrivateKeySize {
		panic(fmt.Sprintf("badges: Ed25519 private key must be %d bytes, got %d", ed25519.PrivateKeySize, len(priv)))
	}
	// Copy so a caller reusing its slice cannot change the key under us.
	p := make(ed25519.PrivateKey, len(priv))
	copy(p, priv)
	pub := p.Public().(ed25519.PublicKey)
	return &Signer{priv: p, pub: pub, kid: KeyID(pub)}
}

// KeyID returns the id of the signer's key.
func (s *Signer) KeyID() uint32 { return s.kid }

// Public returns the signer's public key (a copy).
func (s *Signer) Public() ed25519.PublicKey {
	out := make(ed25519.PublicKey, len(s.pub))
	copy(out, s.pub)
	return out
}

// Sign returns the code for serial number serial of badge badgeID at the
// event eventCode. Ed25519 is deterministic, so signing the same input twice
// yields the same code.
func (s *Signer) Sign(eventCode string, badgeID uuid.UUID, serial uint32) string {
	return s.sign(EventTag(eventCode), badgeID, serial)
}

func (s *Signer) sign(tag [8]byte, badgeID uuid.UUID, serial uint32) string {
	var raw [CodeBytes]byte
	raw[0] = FormatVersion
	binary.BigEndian.PutUint32(raw[offKeyID:], s.kid)
	copy(raw[offEventTag:offBadgeID], tag[:])
	copy(raw[offBadgeID:offSerial], badgeID[:])
	binary.BigEndian.PutUint32(raw[offSerial:], serial)
	copy(raw[signedLen:], ed25519.Sign(s.priv, raw[:signedLen]))
	return codeEncoding.EncodeToString(raw[:])
}

// Parse checks the structure of a code (alphabet, length, version) and
// splits it without checking the signature. sig and signed are the
// signature and the bytes it covers. Surrounding white space is tolerated
// (scanners often append a newline); anything else, lower case included, is
// rejected so that one badge has exactly one valid spelling.
func Parse(code string) (p Payload, sig []byte, signed []byte, err error) {
	raw := new([CodeBytes]byte)
	if err := decode(code, raw); err != nil {
		return Payload{}, nil, nil, err
	}
	return payloadOf(raw), raw[signedLen:], raw[:signedLen], nil
}

// decode is a strict base32 decoder writing into a caller-owned array, so
// Verify can keep the whole code on the stack. encoding/base32 would also
// accept a non-zero final bit, giving one badge two spellings.
func decode(code string, dst *[CodeBytes]byte) error {
	code = strings.TrimSpace(code)
	if len(code) != CodeLength {
		return errLength
	}
	var acc uint64
	bits, n := 0, 0
	for i := 0; i < len(code); i++ {
		v := decodeMap[code[i]]
		if v == invalidSym {
			return errAlphabet
		}
		acc = acc<<5 | uint64(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			dst[n] = byte(acc >> bits)
			n++
		}
	}
	if acc&(1<<bits-1) != 0 {
		return errNonCanonical
	}
	if dst[0] != FormatVersion {
		return errVersion
	}
	return nil
}

const invalidSym = 0xff

var decodeMap = func() (m [256]byte) {
	for i := range m {
		m[i] = invalidSym
	}
	for i, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" {
		m[c] = byte(i)
	}
	return m
}()

func payloadOf(raw *[CodeBytes]byte) Payload {
	var p Payload
	p.KeyID = binary.BigEndian.Uint32(raw[offKeyID:])
	copy(p.EventTag[:], raw[offEventTag:offBadgeID])
	copy(p.BadgeID[:], raw[offBadgeID:offSerial])
	p.Serial = binary.BigEndian.Uint32(raw[offSerial:])
	return p
}
