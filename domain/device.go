package domain

import (
	"context"
	"crypto/rand"
	"strings"
	"time"
)

// Enrolments (api/openapi.yaml, Door devices): a one-time code by which a door device obtains its
// own security token, bound to the event.
const (
	EnrolmentCodeLen        = 10
	EnrolmentDefaultMinutes = 15
	EnrolmentMaxMinutes     = 1440
)

// Enrolment is a code the secretariat handed to a device. Only the code's
// hash is stored; the code itself is known at creation only.
type Enrolment struct {
	ID         string
	Code       string // set at creation only
	Event      string
	Name       string // the device's name, given to its token
	Checkpoint string // optional: the lane the device starts at
	Direction  string // optional: in or out
	ExpiresAt  time.Time
	UsedAt     *time.Time
	TokenID    string // the token the code was traded for
	CreatedBy  string // token id of the secretariat that made it
	CreatedAt  time.Time
}

// Usable reports whether the code may still be traded for a token at now.
func (e *Enrolment) Usable(now time.Time) bool { return e.UsedAt == nil && now.Before(e.ExpiresAt) }

// EnrolmentStore keeps enrolments by the hash of their code.
type EnrolmentStore interface {
	CreateEnrolment(ctx context.Context, e *Enrolment, hash string) error
	// Enrolment returns the enrolment with that code hash; not_found if none.
	Enrolment(ctx context.Context, hash string) (*Enrolment, error)
	// UseEnrolment marks the enrolment used by tokenID, if it is still
	// unused and unexpired at now, in one conditional update; false when it
	// is not (another device was first, or it expired).
	UseEnrolment(ctx context.Context, hash, tokenID string, now time.Time) (bool, error)
}

// NewEnrolmentCode returns 10 characters of upper-case base32 (50 bits)
// from crypto/rand: short enough to type from a screen if a camera fails.
func NewEnrolmentCode() string { return rand.Text()[:EnrolmentCodeLen] }

// CleanEnrolmentCode is a code as a device or a URL may carry it: any case,
// surrounding spaces.
func CleanEnrolmentCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// CreateEnrolment stores a new enrolment of ev for e.Name, valid for the
// given minutes, and sets e.Code. A checkpoint must be one of the event's;
// a direction must be one the checkpoint takes; a checkpoint without a
// direction starts the device on the checkpoint's own (in for both).
func (s *Service) CreateEnrolment(ctx context.Context, ev *Event, e *Enrolment, minutes int) error {
	if minutes < 1 || minutes > EnrolmentMaxMinutes {
		return Invalid(FieldError{Field: "expires_in_minutes", Code: "range", Message: "must be from 1 to 1440"})
	}
	now := s.now()
	e.Event, e.CreatedAt, e.ExpiresAt = ev.Code, now, now.Add(time.Duration(minutes)*time.Minute)
	e.CreatedBy, e.Code = ActorFrom(ctx).TokenID, NewEnrolmentCode()
	return s.Store.InTx(ctx, func(tx Tx) error {
		if err := enrolmentLane(ctx, tx, e); err != nil {
			return err
		}
		if err := tx.CreateEnrolment(ctx, e, HashToken(e.Code)); err != nil {
			return err
		}
		return s.audit(ctx, tx, "enrolment.create", "enrolment", e.ID, e.Event, map[string]any{"name": e.Name,
			"checkpoint": e.Checkpoint, "direction": e.Direction, "expires_at": e.ExpiresAt.Format(time.RFC3339)})
	})
}

func enrolmentLane(ctx context.Context, tx Tx, e *Enrolment) error {
	if e.Checkpoint == "" {
		return nil
	}
	cp, err := tx.Checkpoint(ctx, e.Event, e.Checkpoint)
	if IsCode(err, CodeNotFound) {
		return Invalid(FieldError{Field: "checkpoint", Code: "unknown", Message: "no checkpoint " + e.Checkpoint + " in event " + e.Event})
	} else if err != nil {
		return err
	}
	switch {
	case e.Direction == "" && cp.Direction == DirectionOut:
		e.Direction = DirectionOut
	case e.Direction == "":
		e.Direction = DirectionIn
	case !cp.Allows(e.Direction):
		return Invalid(FieldError{Field: "direction", Code: "not_allowed",
			Message: "checkpoint " + cp.Code + " takes " + cp.Direction + " scans only"})
	}
	return nil
}

// EnrolmentForQR returns the usable enrolment of ev with that code, for
// showing its QR; a used or expired one is not found, since its QR would
// only lead a guard to a refusal.
func (s *Service) EnrolmentForQR(ctx context.Context, ev *Event, code string) (*Enrolment, error) {
	code = CleanEnrolmentCode(code)
	if len(code) != EnrolmentCodeLen {
		return nil, NotFound("enrolment")
	}
	e, err := s.Store.Enrolment(ctx, HashToken(code))
	if err != nil {
		return nil, err
	}
	switch {
	case e.Event != ev.Code:
		return nil, NotFound("enrolment")
	case e.UsedAt != nil:
		return nil, Errorf(CodeNotFound, "the enrolment %s has been used", code)
	case !e.Usable(s.now()):
		return nil, Errorf(CodeNotFound, "the enrolment %s has expired", code)
	}
	e.Code = code
	return e, nil
}

// Enrolled is what a device receives for its enrolment code.
type Enrolled struct {
	Secret    string
	Token     *Token
	Enrolment *Enrolment
}

// Enrol trades an enrolment code for a new security token bound to the
// enrolment's event and named after the device. An unknown, used or
// expired code is unauthorized, like a bad token. The token is created
// first and the code then claimed by one conditional update: when two
// devices race one code, the loser's transaction rolls its token back.
func (s *Service) Enrol(ctx context.Context, code string) (*Enrolled, error) {
	bad := Errorf(CodeUnauthorized, "the enrolment code is unknown, used or expired")
	code = CleanEnrolmentCode(code)
	if len(code) != EnrolmentCodeLen {
		return nil, bad
	}
	hash, now, secret := HashToken(code), s.now(), NewTokenSecret()
	out := &Enrolled{Secret: secret}
	err := s.Store.InTx(ctx, func(tx Tx) error {
		e, err := tx.Enrolment(ctx, hash)
		if IsCode(err, CodeNotFound) || (err == nil && !e.Usable(now)) {
			return bad
		} else if err != nil {
			return err
		}
		t := &Token{Name: e.Name, Role: RoleSecurity, Event: e.Event, CreatedAt: now}
		if err := tx.CreateToken(ctx, t, HashToken(secret)); err != nil {
			return err
		}
		if ok, err := tx.UseEnrolment(ctx, hash, t.ID, now); err != nil {
			return err
		} else if !ok {
			return bad
		}
		out.Token, out.Enrolment = t, e
		// The device itself is the actor: no token asked for this.
		device := Actor{TokenID: t.ID, Name: t.Name, Role: t.Role, Event: t.Event, RequestID: ActorFrom(ctx).RequestID}
		return s.audit(WithActor(ctx, device), tx, "token.create", "token", t.ID, t.Event,
			map[string]any{"name": t.Name, "role": t.Role, "enrolment": e.ID, "enrolment_created_by": e.CreatedBy})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RosterEntry is one active badge as a door device may hold it offline.
type RosterEntry struct {
	BadgeID      string
	Serial       int
	NominationID string
	DisplayName  string
	Delegation   string
	Category     string
	HasPhoto     bool
}

// Roster pages through the event's active badges with their holders, for
// devices to judge and show offline; only when the event allows it.
func (s *Service) Roster(ctx context.Context, ev *Event, p Page) ([]RosterEntry, string, error) {
	if err := require(ActorFrom(ctx), RoleSecretariat, RoleSecurity); err != nil {
		return nil, "", err
	}
	if !ev.OfflineRoster {
		return nil, "", Errorf(CodeForbidden, "event %s does not let devices carry a roster (offline_roster is false)", ev.Code)
	}
	return s.Store.Roster(ctx, ev.Code, p)
}
