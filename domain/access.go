package domain

import (
	"slices"
	"strings"
)

// Who may see what (README, Roles) is decided here, once per resource. A rule
// turns the actor and the filter it asked for into the filter it gets, or
// refuses. A single read is the list with one id: the item is shown only
// when it passes the filter the actor gets by asking for nothing, and is
// otherwise not found, so that a delegation is not told what exists.
//
// The route table (api) refuses a role early; these rules hold whoever
// calls the service.

// forbidden refuses a role that may not read a resource at all.
func forbidden(a Actor) error { return Errorf(CodeForbidden, "role %s may not do this", a.Role) }

// require admits only the given roles.
func require(a Actor, roles ...Role) error {
	if slices.Contains(roles, a.Role) {
		return nil
	}
	return forbidden(a)
}

// ownDelegation is the delegation whose items an actor gets when it asks
// for requested ("": every delegation). The secretariat gets what it asks
// for. A delegation gets its own; naming another is forbidden, the same
// answer for a foreign code and an unknown one, so that it reveals
// nothing, and never silently another answer than the one asked for.
func ownDelegation(a Actor, requested string) (string, error) {
	switch a.Role {
	case RoleSecretariat:
		return requested, nil
	case RoleDelegation:
		if r := strings.TrimSpace(requested); r != "" && !strings.EqualFold(r, a.Delegation) {
			return "", Errorf(CodeForbidden, "a delegation token may name only its own delegation, %s", a.Delegation)
		}
		return a.Delegation, nil
	}
	return "", forbidden(a)
}

// within reports whether an item of owner passes a filter on delegation.
func within(delegation, owner string) bool { return delegation == "" || delegation == owner }

// NominationsFor is the nomination filter an actor gets for f: the
// secretariat all, a delegation its own, security none.
func NominationsFor(a Actor, f NominationFilter) (NominationFilter, error) {
	var err error
	f.Delegation, err = ownDelegation(a, f.Delegation)
	return f, err
}

// nominationVisible is NominationsFor for one nomination.
func nominationVisible(a Actor, n *Nomination) error {
	f, err := NominationsFor(a, NominationFilter{Event: n.Event})
	if err != nil {
		return err
	}
	if !within(f.Delegation, n.Delegation) {
		return NotFound("nomination")
	}
	return nil
}

// NominatesFor is whose new nomination an actor makes when it names given:
// a delegation its own (it may leave it empty; another is forbidden), the
// secretariat the one it must name. Security nominates for nobody.
func NominatesFor(a Actor, given string) (string, error) {
	given = strings.ToUpper(strings.TrimSpace(given))
	switch a.Role {
	case RoleDelegation:
		if given != "" && given != a.Delegation {
			return "", Errorf(CodeForbidden, "a %s token cannot nominate for delegation %s", a.Delegation, given)
		}
		return a.Delegation, nil
	case RoleSecretariat:
		if given == "" {
			return "", Invalid(FieldError{Field: "delegation", Code: "required", Message: "is required when the secretariat nominates"})
		}
		return given, nil
	}
	return "", forbidden(a)
}

// photoVisible: a nomination's photo is seen by those who see the
// nomination, and by security staff for badge holders only: the door
// shows the face on a badge, nobody else's.
func photoVisible(a Actor, n *Nomination) error {
	if a.Role != RoleSecurity {
		return nominationVisible(a, n)
	}
	if n.Badge == nil {
		return NotFound("photo")
	}
	return nil
}

// BadgesFor is the badge filter an actor gets for f: the secretariat all,
// a delegation its own, security none (a door reads badges by their code).
func BadgesFor(a Actor, f BadgeFilter) (BadgeFilter, error) {
	var err error
	f.Delegation, err = ownDelegation(a, f.Delegation)
	return f, err
}

// badgeVisible is BadgesFor for one badge, held by a delegate of owner.
func badgeVisible(a Actor, owner string) error {
	f, err := BadgesFor(a, BadgeFilter{})
	if err != nil {
		return err
	}
	if !within(f.Delegation, owner) {
		return NotFound("badge")
	}
	return nil
}

// QuotasFor is the delegation whose quotas an actor gets when it asks for
// delegation ("": all): the secretariat any, a delegation its own.
func QuotasFor(a Actor, delegation string) (string, error) { return ownDelegation(a, delegation) }

// EventsFor is the event filter an actor gets: a delegation the events
// inviting its kind, never a draft; a security token bound to an event
// that one; the secretariat and unbound security all.
func EventsFor(a Actor, f EventFilter) EventFilter {
	switch a.Role {
	case RoleDelegation:
		f.Kind, f.ExcludeDraft = a.DelegationKind, true
	case RoleSecurity:
		f.Code = a.Event
	}
	return f
}

// EventVisible is EventsFor for one event, with the answers of README, Roles:
// a draft does not exist for a delegation, an event it is not invited to
// is forbidden, and so is another event to a security token bound to one.
func EventVisible(a Actor, ev *Event) error {
	f := EventsFor(a, EventFilter{})
	switch {
	case f.ExcludeDraft && ev.Status == EventDraft:
		return NotFound("event " + ev.Code)
	case a.Role == RoleDelegation && !ev.Invites(f.Kind):
		return Errorf(CodeForbidden, "delegation %s is not invited to %s", a.Delegation, ev.Code)
	case f.Code != "" && f.Code != ev.Code:
		return Errorf(CodeForbidden, "this security token is bound to event %s", f.Code)
	}
	return nil
}
