package domain

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// AdoptSigningKey makes sure this process can verify every badge code the
// database's processes may have handed out, then records the key it signs
// with. Codes are signed whenever a badge is shown or printed, by the
// process that answers, so every recorded key may be on a printed badge.
// While active badges are still valid, a recorded key this process does
// not hold (in Codes.Keys: its signing key or a retired one) means those
// badges could be invalid_code at its doors: it refuses, naming the key.
func (s *Service) AdoptSigningKey(ctx context.Context) error {
	held := map[string]bool{}
	for _, k := range s.Codes.Keys() {
		held[k.KID] = true
	}
	recorded, err := s.Store.SigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("read the recorded signing keys: %w", err)
	}
	missing := slices.DeleteFunc(recorded, func(kid string) bool { return held[kid] })
	if len(missing) > 0 {
		n, err := s.Store.CountValidBadges(ctx, s.now())
		if err != nil {
			return fmt.Errorf("count valid badges: %w", err)
		}
		if n > 0 {
			return &MissingKeyError{Missing: missing, Own: s.Codes.SigningKey(), ValidBadges: n}
		}
	}
	return s.Store.RecordSigningKey(ctx, s.Codes.SigningKey(), s.now())
}

// MissingKeyError says which recorded badge-signing keys a process lacks.
type MissingKeyError struct {
	Missing     []string // key ids
	Own         string   // the key id this process signs with
	ValidBadges int
}

func (e *MissingKeyError) Error() string {
	keys := "key " + e.Missing[0]
	if len(e.Missing) > 1 {
		keys = "keys " + strings.Join(e.Missing, ", ")
	}
	badges := fmt.Sprintf("%d active badges are", e.ValidBadges)
	if e.ValidBadges == 1 {
		badges = "1 active badge is"
	}
	return fmt.Sprintf("refusing to start: badge codes of this database were signed with %s, which this process "+
		"does not hold (it signs with %s), and %s still valid; a badge carrying such a code would be invalid_code at "+
		"this process's doors. Every serve process of one database must sign with the same key: copy the key file "+
		"from the host that has %s and point ACCREDIT_SIGNING_KEY at it, or, after a key rotation, list the old key "+
		"file in ACCREDIT_RETIRED_SIGNING_KEYS (see docs/deploy.md)", keys, e.Own, badges, strings.TrimPrefix(strings.TrimPrefix(keys, "keys "), "key "))
}
