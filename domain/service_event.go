package domain

import "context"

// Events lists the events the actor may see (EventsFor).
func (s *Service) Events(ctx context.Context, p Page) ([]Event, string, error) {
	return s.Store.ListEvents(ctx, EventsFor(ActorFrom(ctx), EventFilter{Page: p}))
}

// Sessions lists an event's sessions: whoever may see the event may see
// its programme.
func (s *Service) Sessions(ctx context.Context, event string, p Page) ([]Session, string, error) {
	return s.Store.ListSessions(ctx, event, p)
}

// Checkpoints lists an event's checkpoints, which anyone admitted to the
// event may see.
func (s *Service) Checkpoints(ctx context.Context, event string, p Page) ([]Checkpoint, string, error) {
	return s.Store.ListCheckpoints(ctx, event, p)
}
