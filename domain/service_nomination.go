package domain

import (
	"context"
	"fmt"
	"slices"
)

// Submit creates a nomination: submitted when a seat in the delegation's
// quota is free, waitlisted when the event keeps a waitlist, otherwise
// quota_exceeded. n carries Delegation and Fields.
//
// ev is the event as read for this request: no lock would be taken on it
// inside the transaction either, and the seat itself is taken atomically.
// once, if not nil, ties the submission to an Idempotency-Key: the key is
// claimed first in the transaction (Replayed when it was answered before)
// and the answer recorded last, so that it commits with the nomination or
// not at all. vet runs once the fields are normalised and may set the
// delegation.
func (s *Service) Submit(ctx context.Context, ev *Event, n *Nomination, once *Once, vet Vet) (*Nomination, error) {
	if err := n.prepare(vet); err != nil {
		return nil, err
	}
	err := s.Store.InTx(ctx, func(tx Tx) error {
		if err := once.claim(ctx, s, tx); err != nil {
			return err
		}
		d, err := s.nominationContext(ctx, tx, ev, n.Delegation)
		if err != nil {
			return err
		}
		n.Delegation = d.Code
		if err := s.checkFields(ctx, tx, ev, &n.Fields); err != nil {
			return err
		}
		n.Event, n.Status = ev.Code, StatusSubmitted
		if err := s.takeSeat(ctx, tx, ev, d, n.Mode); err != nil {
			if !ev.Waitlist || !IsCode(err, CodeQuotaExceeded) {
				return err
			}
			n.Status = StatusWaitlisted
		}
		if err := tx.InsertNomination(ctx, n); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, "nomination.submit", "nomination", n.ID, ev.Code,
			map[string]any{"delegation": n.Delegation, "status": n.Status, "mode": n.Mode, "category": n.Category}); err != nil {
			return err
		}
		return once.record(ctx, s, tx, n)
	})
	if err != nil {
		return nil, err
	}
	// Freshly inserted: no photo, no badge, nothing to read back.
	return n, nil
}

// nominationContext loads the delegation a new nomination is for (given,
// as NominatesFor decides) and checks that it is invited and that
// registration is open to the actor. A delegation token's own delegation
// was read with the token.
func (s *Service) nominationContext(ctx context.Context, tx Tx, ev *Event, given string) (*Delegation, error) {
	a := ActorFrom(ctx)
	delegation, err := NominatesFor(a, given)
	if err != nil {
		return nil, err
	}
	d := &Delegation{Code: a.Delegation, Kind: a.DelegationKind}
	if a.Role != RoleDelegation || a.DelegationKind == "" {
		d, err = tx.Delegation(ctx, delegation)
		if IsCode(err, CodeNotFound) {
			return nil, Invalid(FieldError{Field: "delegation", Code: "unknown", Message: "no delegation " + delegation})
		} else if err != nil {
			return nil, err
		}
	}
	if !ev.Invites(d.Kind) {
		return nil, Errorf(CodeForbidden, "delegation %s (%s) is not invited to %s", d.Code, d.Kind, ev.Code)
	}
	if err := ev.CheckRegistration(s.now(), a.IsSecretariat()); err != nil {
		return nil, err
	}
	return d, nil
}

// checkFields applies the event's rules and checks the chosen sessions.
func (s *Service) checkFields(ctx context.Context, tx Tx, ev *Event, f *Fields) error {
	if err := f.Check(ev); err != nil {
		return err
	}
	if len(f.Sessions) == 0 {
		return nil
	}
	missing, err := tx.MissingSessions(ctx, ev.Code, f.Sessions)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		var fe []FieldError
		for _, id := range missing {
			i := slices.Index(f.Sessions, id)
			fe = append(fe, FieldError{Field: fmt.Sprintf("sessions[%d]", i), Code: "unknown", Message: "no session " + id + " in " + ev.Code})
		}
		return Invalid(fe...)
	}
	return nil
}

// takeSeat claims one seat of the delegation's quota for mode.
func (s *Service) takeSeat(ctx context.Context, tx Tx, ev *Event, d *Delegation, mode string) error {
	ok, err := tx.TakeSeat(ctx, ev.Code, d.Code, mode, ev.DefaultQuota(d.Kind, mode))
	if err != nil || ok {
		return err
	}
	limit, err := quotaLimit(ctx, tx, ev, d, mode)
	if err != nil {
		return err
	}
	if limit == nil {
		// The quota was lifted between the two reads: take the seat now.
		if ok, err := tx.TakeSeat(ctx, ev.Code, d.Code, mode, ev.DefaultQuota(d.Kind, mode)); err != nil || ok {
			return err
		}
		return Errorf(CodeConflict, "the %s quota of %s changed during the request; retry", mode, d.Code)
	}
	use, err := tx.QuotaUse(ctx, ev.Code, d.Code)
	if err != nil {
		return err
	}
	used := use[d.Code][modeIndex(mode)]
	return Errorf(CodeQuotaExceeded, "the %s quota of %s in %s is %d and %d are used", mode, d.Code, ev.Code, *limit, used)
}

func modeIndex(mode string) int {
	if mode == ModeOnline {
		return 1
	}
	return 0
}

// promote moves waitlisted nominations of a delegation and mode to
// submitted, first come first served, while seats are free.
func (s *Service) promote(ctx context.Context, tx Tx, ev *Event, delegation, mode string) error {
	if !ev.Waitlist {
		return nil
	}
	d, err := tx.Delegation(ctx, delegation)
	if err != nil {
		return err
	}
	var skip []string
	for {
		w, err := tx.OldestWaitlisted(ctx, ev.Code, delegation, mode, skip)
		if err != nil || w == nil {
			return err
		}
		if err := s.takeSeat(ctx, tx, ev, d, mode); IsCode(err, CodeQuotaExceeded) {
			return nil
		} else if err != nil {
			return err
		}
		err = tx.SetStatus(ctx, StatusChange{ID: w.ID, From: []Status{StatusWaitlisted}, To: StatusSubmitted, At: s.now()})
		if IsCode(err, CodeInvalidTransition) {
			// Withdrawn meanwhile by someone else: give the seat back and
			// offer it to the next in line.
			if err := tx.ReleaseSeat(ctx, ev.Code, delegation, mode); err != nil {
				return err
			}
			skip = append(skip, w.ID)
			continue
		}
		if err != nil {
			return err
		}
		if err := tx.Audit(ctx, AuditEntry{At: s.now(), ActorName: System.Name, ActorRole: string(System.Role),
			Action: "nomination.promote", TargetType: "nomination", TargetID: w.ID, Event: ev.Code,
			RequestID: ActorFrom(ctx).RequestID, Details: map[string]any{"delegation": delegation, "mode": mode}}); err != nil {
			return err
		}
	}
}

// promoteAll promotes every waitlist of an event, after its quotas changed.
func (s *Service) promoteAll(ctx context.Context, tx Tx, ev *Event) error {
	groups, err := tx.WaitlistedGroups(ctx, ev.Code)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := s.promote(ctx, tx, ev, g[0], g[1]); err != nil {
			return err
		}
	}
	return nil
}

// load reads and locks a nomination the actor may see, in a transaction:
// what is decided next is decided on its latest state.
func load(ctx context.Context, tx Tx, event, id string) (*Event, *Nomination, error) {
	ev, err := tx.Event(ctx, event)
	if err != nil {
		return nil, nil, err
	}
	n, err := tx.LockNomination(ctx, event, id)
	if err != nil {
		return nil, nil, err
	}
	return ev, n, nominationVisible(ActorFrom(ctx), n)
}

// Nomination reads one nomination the actor may see.
func (s *Service) Nomination(ctx context.Context, event, id string) (*Nomination, error) {
	n, err := s.Store.Nomination(ctx, event, id)
	if err != nil {
		return nil, err
	}
	return n, nominationVisible(ActorFrom(ctx), n)
}

// Nominations lists the nominations the actor may see of those f asks for.
func (s *Service) Nominations(ctx context.Context, f NominationFilter) ([]Nomination, string, error) {
	f, err := NominationsFor(ActorFrom(ctx), f)
	if err != nil {
		return nil, "", err
	}
	return s.Store.ListNominations(ctx, f)
}

// Edit changes a submitted or waitlisted nomination. apply gets the current
// nomination and writes the new fields into it, which are then normalised
// and vetted; a change of mode moves the seat between the two quotas.
func (s *Service) Edit(ctx context.Context, event, id string, apply func(*Nomination) error, vet Vet) (*Nomination, error) {
	err := s.Store.InTx(ctx, func(tx Tx) error {
		ev, n, err := load(ctx, tx, event, id)
		if err != nil {
			return err
		}
		if _, err := Transition(n.Status, ActionEdit); err != nil {
			return err
		}
		if err := ev.CheckRegistration(s.now(), ActorFrom(ctx).IsSecretariat()); err != nil {
			return err
		}
		oldMode := n.Mode
		if err := apply(n); err != nil {
			return err
		}
		if err := n.prepare(vet); err != nil {
			return err
		}
		if err := s.checkFields(ctx, tx, ev, &n.Fields); err != nil {
			return err
		}
		if n.Status == StatusSubmitted && n.Mode != oldMode {
			if err := s.moveSeat(ctx, tx, ev, n.Delegation, oldMode, n.Mode); err != nil {
				return err
			}
		}
		if err := tx.UpdateNomination(ctx, n); err != nil {
			return err
		}
		return s.audit(ctx, tx, "nomination.edit", "nomination", n.ID, ev.Code, map[string]any{"delegation": n.Delegation})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Nomination(ctx, event, id)
}

// moveSeat takes a seat in mode to and gives back the one in from.
func (s *Service) moveSeat(ctx context.Context, tx Tx, ev *Event, delegation, from, to string) error {
	d, err := tx.Delegation(ctx, delegation)
	if err != nil {
		return err
	}
	if err := s.takeSeat(ctx, tx, ev, d, to); err != nil {
		return err
	}
	if err := tx.ReleaseSeat(ctx, ev.Code, delegation, from); err != nil {
		return err
	}
	return s.promote(ctx, tx, ev, delegation, from)
}

// Approve grants access: capacity and session seats are taken, and an
// in-person participant is issued a badge.
func (s *Service) Approve(ctx context.Context, event, id string) (*Nomination, error) {
	return s.decide(ctx, event, id, ActionApprove, "", func(tx Tx, ev *Event, n *Nomination) error {
		if n.Mode == ModeInPerson && !n.HasPhoto {
			return Errorf(CodePhotoRequired, "an in-person participant needs a photo before approval")
		}
		if ok, err := tx.TakeCapacity(ctx, ev.Code, n.Mode); err != nil {
			return err
		} else if !ok {
			return Errorf(CodeCapacityReached, "the %s capacity of %s (%d) is reached", n.Mode, ev.Code, derefInt(ev.Capacity.For(n.Mode)))
		}
		if n.Mode != ModeInPerson {
			return nil
		}
		for _, sid := range n.Sessions {
			if ok, err := tx.TakeSessionSeat(ctx, sid); err != nil {
				return err
			} else if !ok {
				return Errorf(CodeSessionFull, "session %s is full", sid)
			}
		}
		return s.issueBadge(ctx, tx, ev, n)
	})
}

// issueBadge is where approval hands over to badges: serial 1, valid for
// the event's badge window.
func (s *Service) issueBadge(ctx context.Context, tx Tx, ev *Event, n *Nomination) error {
	from, until := ev.BadgeValidity()
	return tx.InsertBadge(ctx, &Badge{
		NominationID: n.ID, Event: ev.Code, Serial: 1, Status: BadgeActive,
		Category: n.Category, ValidFrom: from, ValidUntil: until, IssuedAt: s.now(),
	})
}

// Reject refuses a submitted nomination; its seat goes to the waitlist.
func (s *Service) Reject(ctx context.Context, event, id, reason string) (*Nomination, error) {
	return s.decide(ctx, event, id, ActionReject, reason, func(tx Tx, ev *Event, n *Nomination) error {
		return s.freeSeat(ctx, tx, ev, n)
	})
}

// Revoke withdraws access after approval; the badge stops opening doors.
func (s *Service) Revoke(ctx context.Context, event, id, reason string) (*Nomination, error) {
	defer s.views().forget()
	return s.decide(ctx, event, id, ActionRevoke, reason, func(tx Tx, ev *Event, n *Nomination) error {
		return s.release(ctx, tx, ev, n, "revoked: "+reason)
	})
}

// Withdraw takes a nomination back, at the delegation's or the
// secretariat's wish.
func (s *Service) Withdraw(ctx context.Context, event, id, reason string) (*Nomination, error) {
	defer s.views().forget()
	return s.decide(ctx, event, id, ActionWithdraw, reason, func(tx Tx, ev *Event, n *Nomination) error {
		return s.release(ctx, tx, ev, n, "withdrawn")
	})
}

// release gives back everything an active nomination holds.
func (s *Service) release(ctx context.Context, tx Tx, ev *Event, n *Nomination, badgeReason string) error {
	if n.Status == StatusApproved {
		if err := s.releaseApproval(ctx, tx, ev, n, badgeReason); err != nil {
			return err
		}
	}
	if n.Status.Active() {
		return s.freeSeat(ctx, tx, ev, n)
	}
	return nil
}

// freeSeat gives a quota seat back and lets the waitlist move up.
func (s *Service) freeSeat(ctx context.Context, tx Tx, ev *Event, n *Nomination) error {
	if err := tx.ReleaseSeat(ctx, ev.Code, n.Delegation, n.Mode); err != nil {
		return err
	}
	return s.promote(ctx, tx, ev, n.Delegation, n.Mode)
}

// decide runs one action of the status machine: check the transition, run
// the action's effects (on the nomination as it was), move the status
// conditionally and record it.
func (s *Service) decide(ctx context.Context, event, id string, action Action, reason string,
	effects func(tx Tx, ev *Event, n *Nomination) error) (*Nomination, error) {
	err := s.Store.InTx(ctx, func(tx Tx) error {
		ev, n, err := load(ctx, tx, event, id)
		if err != nil {
			return err
		}
		to, err := Transition(n.Status, action)
		if err != nil {
			return err
		}
		a := ActorFrom(ctx)
		err = tx.SetStatus(ctx, StatusChange{ID: n.ID, From: []Status{n.Status}, To: to, Reason: reason,
			DecidedBy: a.Name, At: s.now(), Decided: action == ActionApprove || action == ActionReject || action == ActionRevoke})
		if err != nil {
			return err
		}
		if err := effects(tx, ev, n); err != nil {
			return err
		}
		details := map[string]any{"from": n.Status, "to": to, "delegation": n.Delegation}
		if reason != "" {
			details["reason"] = reason
		}
		return s.audit(ctx, tx, "nomination."+string(action), "nomination", n.ID, ev.Code, details)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Nomination(ctx, event, id)
}

// Substitute replaces the person of a submitted or approved nomination: the
// old one is withdrawn (reason "substituted") and the new one submitted in
// the same transaction, so the seat passes over and nobody can take it in
// between. vet runs once the new fields are normalised.
func (s *Service) Substitute(ctx context.Context, event, id string, fields Fields, vet Vet) (*Nomination, error) {
	defer s.views().forget()
	fresh := &Nomination{Fields: fields}
	if err := fresh.prepare(vet); err != nil {
		return nil, err
	}
	err := s.Store.InTx(ctx, func(tx Tx) error {
		_, old, err := load(ctx, tx, event, id)
		if err != nil {
			return err
		}
		if _, err := Transition(old.Status, ActionSubstitute); err != nil {
			return err
		}
		ev, err := tx.Event(ctx, event)
		if err != nil {
			return err
		}
		d, err := s.nominationContext(ctx, tx, ev, old.Delegation)
		if err != nil {
			return err
		}
		if err := s.checkFields(ctx, tx, ev, &fresh.Fields); err != nil {
			return err
		}
		err = tx.SetStatus(ctx, StatusChange{ID: old.ID, From: []Status{old.Status}, To: StatusWithdrawn,
			Reason: "substituted", At: s.now()})
		if err != nil {
			return err
		}
		if old.Status == StatusApproved {
			// Capacity and sessions were the old person's; the new one is
			// judged afresh at approval.
			if err := s.releaseApproval(ctx, tx, ev, old, "substituted"); err != nil {
				return err
			}
		}
		if fresh.Mode != old.Mode {
			if err := s.takeSeat(ctx, tx, ev, d, fresh.Mode); err != nil {
				return err
			}
			if err := s.freeSeat(ctx, tx, ev, old); err != nil {
				return err
			}
		}
		fresh.Event, fresh.Delegation, fresh.Status, fresh.Replaces = ev.Code, old.Delegation, StatusSubmitted, old.ID
		if err := tx.InsertNomination(ctx, fresh); err != nil {
			return err
		}
		if err := tx.SetReplacedBy(ctx, old.ID, fresh.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, "nomination.substitute", "nomination", old.ID, ev.Code,
			map[string]any{"replaced_by": fresh.ID, "delegation": old.Delegation, "from": old.Status})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Nomination(ctx, event, fresh.ID)
}

// releaseApproval gives back the capacity, session seats and badge of an
// approved nomination, keeping its quota seat.
func (s *Service) releaseApproval(ctx context.Context, tx Tx, ev *Event, n *Nomination, badgeReason string) error {
	if err := tx.ReleaseCapacity(ctx, ev.Code, n.Mode); err != nil {
		return err
	}
	if n.Mode != ModeInPerson {
		return nil
	}
	for _, sid := range n.Sessions {
		if err := tx.ReleaseSessionSeat(ctx, sid); err != nil {
			return err
		}
	}
	return tx.RevokeBadge(ctx, n.ID, badgeReason, s.now())
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
