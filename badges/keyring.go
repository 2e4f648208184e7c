package badges

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"sort"
)

// Keyring holds the public keys codes may be signed with, by key id. Old
// keys stay in the ring after a rotation so badges already printed keep
// working. A Keyring is immutable once built and safe for concurrent use.
type Keyring struct {
	keys map[uint32]ed25519.PublicKey
}

// PublishedKey is one entry of GET /v1/events/{event}/badge-keys; its JSON
// form is exactly what docs/badge-code.md tells scanners to expect.
type PublishedKey struct {
	KID       string `json:"kid"`
	Algorithm string `json:"algorithm"`
	PublicKey string `json:"public_key"` // standard base64 of the 32 raw bytes
}

// NewKeyring builds a keyring from public keys; repeating a key is harmless.
// It panics on a key that is not 32 bytes, or on two different keys sharing
// a key id (odds about 2^-32 per pair): both are configuration errors that
// must stop start-up, since ed25519.Verify would itself panic on the first
// and the second would make verification ambiguous.
func NewKeyring(pubs ...ed25519.PublicKey) *Keyring {
	k := &Keyring{keys: make(map[uint32]ed25519.PublicKey, len(pubs))}
	for _, pub := range pubs {
		if len(pub) != ed25519.PublicKeySize {
			panic(fmt.Sprintf("badges: Ed25519 public key must be %d bytes, got %d", ed25519.PublicKeySize, len(pub)))
		}
		id := KeyID(pub)
		if old, ok := k.keys[id]; ok {
			if !old.Equal(pub) {
				panic("badges: two keys share key id " + KeyIDString(id) + "; generate a new key")
			}
			continue
		}
		c := make(ed25519.PublicKey, len(pub))
		copy(c, pub)
		k.keys[id] = c
	}
	return k
}

// PublicKey returns the key with id kid.
func (k *Keyring) PublicKey(kid uint32) (ed25519.PublicKey, bool) {
	if k == nil {
		return nil, false
	}
	pub, ok := k.keys[kid]
	return pub, ok
}

// Keys lists the keyring for publishing, sorted by kid so the answer is
// stable between calls.
func (k *Keyring) Keys() []PublishedKey {
	if k == nil {
		return []PublishedKey{}
	}
	out := make([]PublishedKey, 0, len(k.keys))
	for id, pub := range k.keys {
		out = append(out, PublishedKey{
			KID:       KeyIDString(id),
			Algorithm: "Ed25519",
			PublicKey: base64.StdEncoding.EncodeToString(pub),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].KID < out[j].KID })
	return out
}

// Verify checks a code's structure and signature and returns its payload.
// Every failure wraps ErrInvalidCode and returns a zero Payload: nothing
// from an unverified code should reach a decision. It does not check the
// event (a Payload.EventTag other than EventTag of the scanning event is
// wrong_event, not a forgery), revocation or validity; those are separate
// scan reasons.
//
// It runs once per scan at the door, so it decodes into a stack buffer and
// does not allocate; the cost is one Ed25519 verification.
func (k *Keyring) Verify(code string) (Payload, error) {
	var raw [CodeBytes]byte
	if err := decode(code, &raw); err != nil {
		return Payload{}, err
	}
	p := payloadOf(&raw)
	pub, ok := k.PublicKey(p.KeyID)
	if !ok {
		return Payload{}, errUnknownKey
	}
	if !ed25519.Verify(pub, raw[:signedLen], raw[signedLen:]) {
		return Payload{}, errSignature
	}
	return p, nil
}
