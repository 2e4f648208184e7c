package badges

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/osce/accredit/domain"
)

// Codec is the domain's view of badge codes: it signs with the current key
// and verifies with every key in the ring, so badges printed before a key
// rotation keep opening doors.
type Codec struct {
	signer *Signer
	ring   *Keyring
}

var _ domain.Codes = (*Codec)(nil)

// NewCodec returns a codec signing with signer; the ring must hold the
// signer's public key and may hold older ones.
func NewCodec(signer *Signer, ring *Keyring) *Codec { return &Codec{signer: signer, ring: ring} }

func (c *Codec) Sign(event, badgeID string, serial int) (string, error) {
	id, err := uuid.Parse(badgeID)
	if err != nil {
		return "", fmt.Errorf("badge id %q: %w", badgeID, err)
	}
	if serial < 0 || int64(serial) > int64(^uint32(0)) {
		return "", fmt.Errorf("serial %d out of range", serial)
	}
	return c.signer.Sign(event, id, uint32(serial)), nil
}

// SigningKey is the key id of the key Sign signs with, as published.
func (c *Codec) SigningKey() string { return KeyIDString(c.signer.KeyID()) }

func (c *Codec) Verify(code string) (domain.CodeClaim, error) {
	p, err := c.ring.Verify(code)
	if err != nil {
		return domain.CodeClaim{}, err
	}
	return domain.CodeClaim{BadgeID: p.BadgeID.String(), Serial: int(p.Serial), EventTag: string(p.EventTag[:])}, nil
}

func (c *Codec) EventTag(event string) string {
	t := EventTag(event)
	return string(t[:])
}

func (c *Codec) Keys() []domain.PublicKey {
	keys := c.ring.Keys()
	out := make([]domain.PublicKey, len(keys))
	for i, k := range keys {
		out[i] = domain.PublicKey{KID: k.KID, Algorithm: k.Algorithm, PublicKey: k.PublicKey}
	}
	return out
}
