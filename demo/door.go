package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/osce/accredit/domain"
)

// passage is one scan at a door.
type passage struct {
	at        float64 // when, as a fraction of the morning so far
	who       *delegate
	point     string
	direction string
	want      string // the reason expected, "" for accepted
}

// morning is what the door device saw so far today, in order.
func morning() []passage {
	var ps []passage
	k := 0
	for i := range cast {
		d := &cast[i]
		if d.door == away {
			continue
		}
		k++
		at := 0.05 + 0.04*float64(k)
		if d.door == turnedAway {
			ps = append(ps, passage{at, d, entrance, domain.DirectionIn, domain.ReasonRevoked})
			continue
		}
		ps = append(ps, passage{at, d, entrance, domain.DirectionIn, ""})
		switch d.door {
		case leftAgain:
			ps = append(ps, passage{0.8, d, entrance, domain.DirectionOut, ""})
		case passedBack:
			ps = append(ps, passage{0.85, d, entrance, domain.DirectionIn, domain.ReasonAlreadyInside})
		case deniedHall:
			ps = append(ps, passage{0.9, d, hall, domain.DirectionIn, domain.ReasonCheckpointDenied})
		}
	}
	slices.SortStableFunc(ps, func(a, b passage) int {
		switch {
		case a.at < b.at:
			return -1
		case a.at > b.at:
			return 1
		}
		return 0
	})
	return ps
}

// scan uploads the morning's scans as the door device would after a spell
// offline: one batch, each scan at its own time, all of them today and
// before now, judged by the server.
func (l *loader) scan(ctx context.Context) error {
	ctx = domain.WithActor(ctx, domain.Actor{Name: deskName, Role: domain.RoleSecurity, Event: EventCode})
	from := l.today().Add(time.Second)
	if early := l.now.Add(-2 * time.Hour); early.After(from) {
		from = early
	}
	span := l.now.Sub(from)
	ps := morning()
	reqs := make([]domain.ScanRequest, len(ps))
	for i, p := range ps {
		n, err := l.svc.Store.Nomination(ctx, EventCode, l.people[p.who].ID)
		if err != nil {
			return err
		}
		if n.Badge == nil {
			return fmt.Errorf("%s %s has no badge to scan", p.who.given, p.who.family)
		}
		code, err := l.svc.Codes.Sign(EventCode, n.Badge.ID, n.Badge.Serial)
		if err != nil {
			return err
		}
		at := from.Add(time.Duration(p.at * float64(span))).UTC()
		reqs[i] = domain.ScanRequest{ScanID: uuid.NewString(), Code: code, Checkpoint: p.point,
			Direction: p.direction, ScannedAt: &at, Device: deskName, Token: l.desk}
	}
	results, err := l.svc.ScanBatch(ctx, l.event, reqs)
	if err != nil {
		return err
	}
	for i, r := range results {
		if got := reason(r); got != ps[i].want {
			return fmt.Errorf("scan of %s %s at %s: %s %q, want %q", ps[i].who.given, ps[i].who.family, ps[i].point, r.Result, got, ps[i].want)
		}
	}
	return nil
}

func reason(r domain.ScanResult) string {
	if r.Reason == nil {
		return ""
	}
	return *r.Reason
}
