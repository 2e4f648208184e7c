package domain

import "time"

// Badge statuses.
const (
	BadgeActive  = "active"
	BadgeRevoked = "revoked"
)

// Badge is the physical credential of an approved in-person nomination.
// Its code is derived from (key, event, id, serial) and is not stored.
type Badge struct {
	ID           string
	NominationID string
	Event        string
	Serial       int
	Status       string
	Category     string
	ValidFrom    time.Time
	ValidUntil   time.Time
	IssuedAt     time.Time
	RevokedAt    *time.Time
	RevokeReason string
}

// Revocation is one entry of the feed offline scanners replay: a badge
// serial that must no longer open a door.
type Revocation struct {
	Seq       int64
	BadgeID   string
	Serial    int
	RevokedAt time.Time
}
