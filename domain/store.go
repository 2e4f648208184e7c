package domain

import (
	"context"
	"time"
)

// Store is the persistence accredit needs; package storage implements it for
// PostgreSQL and SQLite. Every method of Tx works on its own (autocommit) or
// inside InTx, where all writes of fn land together or not at all.
type Store interface {
	Tx
	SigningKeyStore
	InTx(ctx context.Context, fn func(tx Tx) error) error
	Ping(ctx context.Context) error
	Close() error
}

// Tx is the set of operations on the database. Invariants that must hold
// across processes live in these primitives: seat-taking methods are
// conditional updates that report whether a seat was free, and inserts map
// unique-index violations to duplicate_head, duplicate_person or conflict.
type Tx interface {
	TokenStore
	DelegationStore
	EventStore
	NominationStore
	BadgeStore
	AuditStore
	IdempotencyStore
	ScanStore
	ReportStore
	EnrolmentStore
}

// SigningKeyStore remembers which badge-signing keys have signed codes for
// this database, so that a process without one of them refuses to start.
type SigningKeyStore interface {
	// SigningKeys lists the recorded key ids.
	SigningKeys(ctx context.Context) ([]string, error)
	// RecordSigningKey records a key id; recording it again is harmless.
	RecordSigningKey(ctx context.Context, kid string, at time.Time) error
	// CountValidBadges counts active badges valid until after at.
	CountValidBadges(ctx context.Context, at time.Time) (int, error)
}

// TokenStore keeps API tokens by the hash of their secret.
type TokenStore interface {
	CreateToken(ctx context.Context, t *Token, hash string) error
	// EnsureToken creates the token unless one with that hash exists.
	EnsureToken(ctx context.Context, t *Token, hash string) (created bool, err error)
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	// Access is TokenByHash, EventStore.Event and, when badge is not
	// empty, ScanStore.ScanBadge of that event in one read; the event and
	// the badge are nil when there is none.
	Access(ctx context.Context, hash, event, badge string) (*Token, *Event, *ScanBadge, error)
	ListTokens(ctx context.Context, p Page) ([]Token, string, error)
	RevokeToken(ctx context.Context, id string, at time.Time) (*Token, error)
	// TouchTokens sets last_seen_at to at for those of ids whose value is
	// unset or older than every, in one conditional update.
	TouchTokens(ctx context.Context, ids []string, at time.Time, every time.Duration) error
	// RevokeTokensNamed revokes the active tokens of role with one of
	// names, except the one with hash keep, and returns their ids.
	RevokeTokensNamed(ctx context.Context, role Role, names []string, keep string, at time.Time) ([]string, error)
	RenameToken(ctx context.Context, id, name string) error
	// HasActiveToken reports whether a token of role is neither revoked
	// nor expired at at.
	HasActiveToken(ctx context.Context, role Role, at time.Time) (bool, error)
}

// DelegationStore keeps the nominating bodies.
type DelegationStore interface {
	ListDelegations(ctx context.Context, p Page) ([]Delegation, string, error)
	Delegation(ctx context.Context, code string) (*Delegation, error)
	CreateDelegation(ctx context.Context, d *Delegation) error
	UpdateDelegation(ctx context.Context, d *Delegation) error
}

// EventFilter narrows event lists to what a caller may see.
type EventFilter struct {
	Kind         string // only events inviting this delegation kind
	ExcludeDraft bool
	Code         string // only this event (security token bound to one)
	Page         Page
}

// EventStore keeps events, their sessions, checkpoints and quota counters.
type EventStore interface {
	CreateEvent(ctx context.Context, e *Event) error
	Event(ctx context.Context, code string) (*Event, error)
	ListEvents(ctx context.Context, f EventFilter) ([]Event, string, error)
	UpdateEvent(ctx context.Context, e *Event) error

	CreateSession(ctx context.Context, s *Session) error
	ListSessions(ctx context.Context, event string, p Page) ([]Session, string, error)
	// MissingSessions returns those of ids that are not sessions of event.
	MissingSessions(ctx context.Context, event string, ids []string) ([]string, error)
	CreateCheckpoint(ctx context.Context, c *Checkpoint) error
	ListCheckpoints(ctx context.Context, event string, p Page) ([]Checkpoint, string, error)
	Checkpoint(ctx context.Context, event, code string) (*Checkpoint, error)

	// QuotaOverride returns the delegation's override, nil if none is set.
	QuotaOverride(ctx context.Context, event, delegation string) (*Limits, error)
	SetQuotaOverride(ctx context.Context, event, delegation string, o Limits) error
	// QuotaUse returns per delegation the seats used in each mode, for the
	// given delegation or all when delegation is "".
	QuotaUse(ctx context.Context, event, delegation string) (map[string][2]int, error)
	// Overrides returns all overrides of an event by delegation code.
	Overrides(ctx context.Context, event string) (map[string]Limits, error)

	// TakeSeat counts one more active nomination of a delegation in a mode
	// if the count is below its limit: the delegation's override for the
	// mode when one is set, else defaultLimit (nil: unlimited). False when
	// full.
	TakeSeat(ctx context.Context, event, delegation, mode string, defaultLimit *int) (bool, error)
	ReleaseSeat(ctx context.Context, event, delegation, mode string) error
	// TakeCapacity counts one more approval in a mode against the event's
	// capacity, read from the event row itself.
	TakeCapacity(ctx context.Context, event, mode string) (bool, error)
	ReleaseCapacity(ctx context.Context, event, mode string) error
	TakeSessionSeat(ctx context.Context, sessionID string) (bool, error)
	ReleaseSessionSeat(ctx context.Context, sessionID string) error
}

// NominationFilter narrows nomination lists.
type NominationFilter struct {
	Event      string
	Delegation string
	Status     string
	Mode       string
	Q          string
	Page       Page
}

// NominationStore keeps nominations and their photos.
type NominationStore interface {
	InsertNomination(ctx context.Context, n *Nomination) error
	Nomination(ctx context.Context, event, id string) (*Nomination, error)
	// LockNomination reads a nomination and holds it until the transaction
	// ends, so that a decision is taken on its latest state.
	LockNomination(ctx context.Context, event, id string) (*Nomination, error)
	ListNominations(ctx context.Context, f NominationFilter) ([]Nomination, string, error)
	// UpdateNomination writes n's fields if its status is still n.Status;
	// invalid_transition otherwise.
	UpdateNomination(ctx context.Context, n *Nomination) error
	// SetStatus moves a nomination from one of from to to; invalid_transition
	// when it is no longer in one of from (someone else acted first).
	SetStatus(ctx context.Context, c StatusChange) error
	SetReplacedBy(ctx context.Context, id, replacedBy string) error
	// OldestWaitlisted returns the first waitlisted nomination of a
	// delegation and mode that is not in skip, nil if none.
	OldestWaitlisted(ctx context.Context, event, delegation, mode string, skip []string) (*Nomination, error)
	// WaitlistedGroups lists (delegation, mode) pairs with waitlisted nominations.
	WaitlistedGroups(ctx context.Context, event string) ([][2]string, error)
	PutPhoto(ctx context.Context, nominationID, contentType string, data []byte) error
	Photo(ctx context.Context, nominationID string) (contentType string, data []byte, err error)
	// PhotoThumb returns the stored thumbnail of a nomination's photo, nil
	// when none is made yet; not_found when there is no photo.
	PhotoThumb(ctx context.Context, nominationID string) ([]byte, error)
	// PhotoStamped is Photo with the time the photo was stored, which
	// SetPhotoThumb checks so that a thumbnail of a replaced photo is
	// never kept.
	PhotoStamped(ctx context.Context, nominationID string) (data []byte, stamp time.Time, err error)
	SetPhotoThumb(ctx context.Context, nominationID string, stamp time.Time, thumb []byte) error
	CountByStatus(ctx context.Context) (map[string]int, error)
}

// StatusChange is one move of the status machine.
type StatusChange struct {
	ID        string
	From      []Status
	To        Status
	Reason    string
	DecidedBy string
	At        time.Time
	Decided   bool // sets decided_at/decided_by
}

// BadgeStore keeps badges and the revocation feed.
type BadgeStore interface {
	InsertBadge(ctx context.Context, b *Badge) error
	// RevokeBadge revokes the active badge of a nomination, if any, and adds
	// its serial to the revocation feed.
	RevokeBadge(ctx context.Context, nominationID, reason string, at time.Time) error
	Badge(ctx context.Context, event, id string) (*BadgeView, error)
	ListBadges(ctx context.Context, f BadgeFilter) ([]BadgeView, string, error)
	// BumpSerial makes serial n+1 of an active badge and puts serial n in
	// the revocation feed: a lost badge stops opening doors.
	BumpSerial(ctx context.Context, badgeID string, at time.Time) (*Badge, error)
	Revocations(ctx context.Context, event string, since int64, limit int) ([]Revocation, error)
	// SetBadgeValidity moves every badge of an event to a new window.
	SetBadgeValidity(ctx context.Context, event string, from, until time.Time) error
	// Roster pages through an event's active badges with their holders,
	// by badge id.
	Roster(ctx context.Context, event string, p Page) ([]RosterEntry, string, error)
}

// AuditStore records changes.
type AuditStore interface {
	// Audit records entries in the order given (an import records one a
	// row, in one statement per few hundred).
	Audit(ctx context.Context, entries ...AuditEntry) error
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, string, error)
}

// IdempotentResponse is the stored answer to a request with an
// Idempotency-Key.
type IdempotentResponse struct {
	RequestHash string
	Status      int
	Body        []byte
}

// IdempotencyStore remembers the answers to requests sent with an
// Idempotency-Key. An answer is stored in the transaction that makes the
// request's change, so both commit or neither does: a request that failed,
// for any reason and at any moment, leaves nothing behind, and its retry
// is judged afresh. "In flight" is a lock that dies with the request that
// holds it, never a row.
type IdempotencyStore interface {
	// IdempotentAnswer returns the answer recorded for the key at or
	// after since; nil when there is none.
	IdempotentAnswer(ctx context.Context, scope, key string, since time.Time) (*IdempotentResponse, error)
	// HoldIdempotencyKey marks the key in flight in this process until
	// release is called: conflict when another request holds it. Where the
	// database serialises writers (SQLite, one process per file), this is
	// what tells a duplicate at once that the first is still running.
	HoldIdempotencyKey(ctx context.Context, scope, key string) (release func(), err error)
	// ClaimIdempotencyKey runs first in the transaction of a change: it
	// holds the key for every process until the transaction ends (on
	// PostgreSQL a transaction-scoped advisory lock, which dies with its
	// connection), conflict when another transaction holds it, and returns
	// the answer recorded at or after since, if any (erasing an older one).
	ClaimIdempotencyKey(ctx context.Context, scope, key string, since time.Time) (*IdempotentResponse, error)
	// RecordIdempotentAnswer stores the answer, last in that transaction.
	RecordIdempotentAnswer(ctx context.Context, scope, key string, r IdempotentResponse, at time.Time) error
	// DeleteIdempotencyKeys erases the answers recorded before before and
	// returns how many.
	DeleteIdempotencyKeys(ctx context.Context, before time.Time) (int64, error)
}
