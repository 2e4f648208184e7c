package domain

import "context"

// Ping reports whether the database answers, for readiness.
func (s *Service) Ping(ctx context.Context) error { return s.Store.Ping(ctx) }

// NominationCounts counts nominations by status across events, for the
// metrics scrape (no personal data, no actor).
func (s *Service) NominationCounts(ctx context.Context) (map[string]int, error) {
	return s.Store.CountByStatus(ctx)
}
