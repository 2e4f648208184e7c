package domain

import (
	"context"
	"time"
)

// Scan results and the reasons of a rejection, in the order they are
// checked (api/openapi.yaml, POST …/scans).
const (
	ScanAccepted = "accepted"
	ScanRejected = "rejected"

	ReasonInvalidCode      = "invalid_code"
	ReasonWrongEvent       = "wrong_event"
	ReasonRevoked          = "revoked"
	ReasonOutsideValidity  = "outside_validity"
	ReasonCheckpointDenied = "checkpoint_denied"
	ReasonAlreadyInside    = "already_inside"

	DirectionIn  = "in"
	DirectionOut = "out"
)

// CodeClaim is what a verified badge code says: which badge, which serial,
// and an opaque tag of the event it was issued for.
type CodeClaim struct {
	BadgeID  string
	Serial   int
	EventTag string
}

// PublicKey is a badge-signing key as published to offline scanners.
type PublicKey struct {
	KID       string `json:"kid"`
	Algorithm string `json:"algorithm"`
	PublicKey string `json:"public_key"`
}

// Codes signs and verifies the codes that badges' QR symbols carry.
// Package badges implements it with Ed25519.
type Codes interface {
	Sign(event, badgeID string, serial int) (string, error)
	// SigningKey is the key id (kid) Sign signs with.
	SigningKey() string
	// Verify checks a code offline; any fault is an error.
	Verify(code string) (CodeClaim, error)
	EventTag(event string) string
	Keys() []PublicKey
}

// ScanRequest is one scan as a device sends it.
type ScanRequest struct {
	ScanID       string
	Code         string
	Checkpoint   string
	Direction    string
	ScannedAt    *time.Time // batch replays only: when the device made it
	Device       string
	DeviceResult string // batch replays: what the offline device decided
	// ClockAhead says the device's time was too far ahead of the server's
	// to be believed: the scan is judged at its arrival and marked conflict.
	ClockAhead bool
	// Token is the hash of a token taken from a view: the scan is recorded
	// only if that token is still active when it is written.
	Token string
}

// ScanBadge is a badge with what the door needs to know about its holder.
type ScanBadge struct {
	Badge
	DisplayName string
	Delegation  string
	HasPhoto    bool
	Inside      bool
}

// Delegate is what a security officer sees of a scanned badge: nothing
// beyond name, delegation, category and photo.
type Delegate struct {
	DisplayName string  `json:"display_name"`
	Delegation  string  `json:"delegation"`
	Category    string  `json:"category"`
	PhotoURL    *string `json:"photo_url"`
}

// ScanBadgeRef is the badge part of a scan result.
type ScanBadgeRef struct {
	ID       string `json:"id"`
	Serial   int    `json:"serial"`
	Category string `json:"category"`
}

// ScanResult is the answer to a scan. A replay of the same scan_id
// answers exactly the first result: it is rebuilt from the record
// (ScanRecord.Answer), which keeps what the answer said of the holder.
type ScanResult struct {
	ScanID    string        `json:"scan_id"`
	Result    string        `json:"result"`
	Reason    *string       `json:"reason"`
	Badge     *ScanBadgeRef `json:"badge"`
	Delegate  *Delegate     `json:"delegate"`
	Repeat    bool          `json:"repeat"`
	ScannedAt time.Time     `json:"scanned_at"`
	Conflict  *bool         `json:"conflict,omitempty"`
}

// ScanRecord is a scan as recorded.
type ScanRecord struct {
	Seq          int64
	ScanID       string
	Event        string
	BadgeID      string
	NominationID string
	Serial       int
	Checkpoint   string
	Direction    string
	Result       string
	Reason       string
	Repeat       bool
	Conflict     bool
	DeviceResult string
	Device       string
	ScannedAt    time.Time
	ReceivedAt   time.Time
	Holder       *ScanHolder // nil when the answer named no badge
	Response     ScanResult
	Token        string // see ScanRequest.Token
}

// ScanHolder is what a scan's answer said of the badge's holder. It is
// recorded with the scan, because the nomination may say otherwise (a
// name corrected, a photo added) by the time a scanner resends the
// scan_id, and the resent answer must be the first one.
type ScanHolder struct {
	DisplayName string
	Delegation  string
	Category    string
	Photo       bool
}

// Answer is what the officer's scanner shows for this record: the same
// for the first answer and for every replay of its scan_id.
func (r *ScanRecord) Answer() ScanResult {
	a := ScanResult{ScanID: r.ScanID, Result: r.Result, Repeat: r.Repeat, ScannedAt: r.ScannedAt}
	if r.Reason != "" {
		reason := r.Reason
		a.Reason = &reason
	}
	if h := r.Holder; h != nil {
		a.Badge = &ScanBadgeRef{ID: r.BadgeID, Serial: r.Serial, Category: h.Category}
		a.Delegate = &Delegate{DisplayName: h.DisplayName, Delegation: h.Delegation, Category: h.Category}
		if h.Photo {
			url := "/v1/events/" + r.Event + "/nominations/" + r.NominationID + "/photo"
			a.Delegate.PhotoURL = &url
		}
	}
	return a
}

// ScanFilter narrows the scan log.
type ScanFilter struct {
	Event      string
	Badge      string
	Checkpoint string
	Result     string
	Page       Page
}

// Presence is one person inside now.
type Presence struct {
	NominationID string    `json:"nomination_id"`
	BadgeID      string    `json:"badge_id"`
	DisplayName  string    `json:"display_name"`
	Delegation   string    `json:"delegation"`
	Category     string    `json:"category"`
	Since        time.Time `json:"since"`
	Checkpoint   string    `json:"checkpoint"`
}

// Attendance is one delegate's day: first accepted entry, last exit.
type Attendance struct {
	NominationID string     `json:"nomination_id"`
	DisplayName  string     `json:"display_name"`
	Delegation   string     `json:"delegation"`
	Category     string     `json:"category"`
	FirstIn      *time.Time `json:"first_in"`
	LastOut      *time.Time `json:"last_out"`
}

// BadgeFilter narrows badge lists.
type BadgeFilter struct {
	Event      string
	Delegation string
	IDs        []string
	ActiveOnly bool
	Page       Page
}

// BadgeView is a badge with its holder, for listing and printing.
type BadgeView struct {
	Badge
	Nomination Nomination
}

// ScanStore keeps scans and the presence state of badges.
type ScanStore interface {
	ScanBadge(ctx context.Context, badgeID string) (*ScanBadge, error)
	// ScanByID returns the event's scan with that id; a scan_id used at
	// another event is a conflict, never that event's answer.
	ScanByID(ctx context.Context, event, scanID string) (*ScanRecord, error)
	// InsertScan records a rejected scan unless its scan_id is known; false
	// then.
	InsertScan(ctx context.Context, r *ScanRecord) (bool, error)
	// RecordAccepted records an accepted scan and its presence change at
	// once, if the badge is still active at the record's serial, valid at
	// its time, not inside when exclusive and the scan_id is new; it
	// reports whether it wrote, and whether the entry was a repeat.
	RecordAccepted(ctx context.Context, r *ScanRecord, exclusive bool) (ok, repeat bool, err error)
	ListScans(ctx context.Context, f ScanFilter) ([]ScanRecord, string, error)
	Presence(ctx context.Context, event string) ([]Presence, error)
	Attendance(ctx context.Context, event string, from, until time.Time) ([]Attendance, error)
}
