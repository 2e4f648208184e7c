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

// ScanReasons lists every rejection reason, in the order the scan rule
// checks them (ScanBadge.Check); the desk and the document name the same.
var ScanReasons = []string{ReasonInvalidCode, ReasonWrongEvent, ReasonRevoked, ReasonOutsideValidity,
	ReasonCheckpointDenied, ReasonAlreadyInside}

// WriteRechecked are the reasons of the scan rule (ScanBadge.Check) whose
// facts may change between reading a badge and writing its scan: a
// revocation or reissue, a moved validity window, an entry through another
// door. The store writes an acceptance only if none of them applies to
// the badge's row as it is then (ScanStore.RecordScan); its SQL names each
// condition after the reason here, and a storage test holds the two
// together. The other checks rest on facts that never change: a code's
// signature, a badge's event, its category.
var WriteRechecked = []string{ReasonRevoked, ReasonOutsideValidity, ReasonAlreadyInside}

// CodeClaim is what a verified badge code says: which badge, which serial,
// and an opaque tag of the event it was issued for.
type CodeClaim struct {
	BadgeID  string
	Serial   int
	EventTag string
}

// PublicKey is a badge-signing key as published to offline scanners.
type PublicKey struct {
	KID       string
	Algorithm string
	PublicKey string
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

// Check is the scan rule once a code is verified and bound to the event
// (api/openapi.yaml, POST …/scans): the checks the badge's row decides, in the documented
// order, for a code of this serial scanned at the event's checkpoint at
// that time; exclusive is anti-passback on an entry. It answers the reason
// of a rejection, or "" for an acceptance. The store re-checks the
// WriteRechecked part of it when it writes.
func (b *ScanBadge) Check(event string, serial int, at time.Time, cp *Checkpoint, exclusive bool) string {
	switch {
	case b.Event != event:
		return ReasonWrongEvent
	case serial > b.Serial:
		return ReasonInvalidCode // a serial never issued: a forgery with a stolen key
	case b.Status != BadgeActive || serial < b.Serial:
		return ReasonRevoked
	case at.Before(b.ValidFrom) || !at.Before(b.ValidUntil):
		return ReasonOutsideValidity
	case !cp.Admits(b.Category):
		return ReasonCheckpointDenied
	case exclusive && b.Inside:
		return ReasonAlreadyInside
	}
	return ""
}

// Delegate is what a security officer sees of a scanned badge: nothing
// beyond name, delegation, category and photo.
type Delegate struct {
	DisplayName string
	Delegation  string
	Category    string
	PhotoURL    *string
}

// ScanBadgeRef is the badge part of a scan result.
type ScanBadgeRef struct {
	ID       string
	Serial   int
	Category string
}

// ScanResult is the answer to a scan. It is computed in one place,
// ScanRecord.Answer, for the first answer and for every replay of the
// scan_id alike: the record keeps what the answer said of the holder.
type ScanResult struct {
	ScanID    string
	Result    string
	Reason    *string
	Badge     *ScanBadgeRef
	Delegate  *Delegate
	Repeat    bool
	ScannedAt time.Time
	Conflict  *bool
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
	Token        string      // see ScanRequest.Token
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
	NominationID string
	BadgeID      string
	DisplayName  string
	Delegation   string
	Category     string
	Since        time.Time
	Checkpoint   string
}

// Attendance is one delegate's day: first accepted entry, last exit.
type Attendance struct {
	NominationID string
	DisplayName  string
	Delegation   string
	Category     string
	FirstIn      *time.Time
	LastOut      *time.Time
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
	// RecordScan records a judged scan if its scan_id is new and the token
	// that sent it (r.Token, when given) is still active. An acceptance
	// also moves the badge in or out, at once, and is written only if the
	// badge's row still passes the WriteRechecked checks (exclusive is
	// anti-passback); repeat says the entry found the badge inside. ok
	// false means nothing was written: the caller finds out why.
	RecordScan(ctx context.Context, r *ScanRecord, exclusive bool) (ok, repeat bool, err error)
	ListScans(ctx context.Context, f ScanFilter) ([]ScanRecord, string, error)
	Presence(ctx context.Context, event string) ([]Presence, error)
	Attendance(ctx context.Context, event string, from, until time.Time) ([]Attendance, error)
}
