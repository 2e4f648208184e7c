package domain

import "time"

// AuditEntry records one change: who, what, to what, when, in which request.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    string
	ActorName  string
	ActorRole  string
	Action     string
	TargetType string
	TargetID   string
	Event      string
	RequestID  string
	Details    map[string]any
}

// AuditFilter narrows the audit log. Target is a target's id (a
// nomination's UUID, a badge's, an event's code): one thing's history.
type AuditFilter struct {
	Event  string
	Action string
	Target string
	Page   Page
}
