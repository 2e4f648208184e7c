package domain

import (
	"context"
	"time"
)

// Scans lists an event's scan log; the secretariat's.
func (s *Service) Scans(ctx context.Context, f ScanFilter) ([]ScanRecord, string, error) {
	if err := require(ActorFrom(ctx), RoleSecretariat); err != nil {
		return nil, "", err
	}
	return s.Store.ListScans(ctx, f)
}

// Presence is who is inside an event now: the secretariat's and the
// security staff's (the list a fire warden needs).
func (s *Service) Presence(ctx context.Context, event string) ([]Presence, error) {
	if err := require(ActorFrom(ctx), RoleSecretariat, RoleSecurity); err != nil {
		return nil, err
	}
	return s.Store.Presence(ctx, event)
}

// Attendance is each delegate's first entry and last exit between from and
// until; the secretariat's.
func (s *Service) Attendance(ctx context.Context, event string, from, until time.Time) ([]Attendance, error) {
	if err := require(ActorFrom(ctx), RoleSecretariat); err != nil {
		return nil, err
	}
	return s.Store.Attendance(ctx, event, from, until)
}
