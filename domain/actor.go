package domain

import (
	"context"
	"time"
)

// Role is what a token may do (README, Roles).
type Role string

const (
	RoleSecretariat Role = "secretariat"
	RoleDelegation  Role = "delegation"
	RoleSecurity    Role = "security"
)

// Token is an API credential. Only the hash of its secret is ever stored.
type Token struct {
	ID         string
	Name       string
	Role       Role
	Delegation string // delegation code, role delegation only
	// DelegationKind is read with the token, so that a request needs one
	// query to know who it is.
	DelegationKind string
	Event          string // event code, role security only (optional)
	ExpiresAt      *time.Time
	RevokedAt      *time.Time
	CreatedAt      time.Time
	LastSeenAt     *time.Time // written at most about once a minute (SeenEvery)
}

// Active reports whether the token may still authenticate at now.
func (t *Token) Active(now time.Time) bool {
	if t.RevokedAt != nil {
		return false
	}
	return t.ExpiresAt == nil || now.Before(*t.ExpiresAt)
}

// Actor is who performs a request; storage writes it into the audit log.
type Actor struct {
	TokenID    string
	Name       string
	Role       Role
	Delegation string
	// DelegationKind is the kind of the actor's delegation, which decides
	// the events it is invited to.
	DelegationKind string
	Event          string
	RequestID      string
}

// System is the actor of changes nobody asked for directly: waitlist
// promotions, scheduled purges, the bootstrap token.
var System = Actor{Name: "system", Role: RoleSecretariat}

type actorKey struct{}

// WithActor returns ctx carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or System when there is none.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return System
}

// IsSecretariat reports whether the actor has every right.
func (a Actor) IsSecretariat() bool { return a.Role == RoleSecretariat }
