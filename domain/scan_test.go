package domain

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	t0      = time.Date(2030, 5, 6, 9, 0, 0, 0, time.UTC)
	gate    = &Checkpoint{Code: "MAIN", Direction: "both"}
	vipGate = &Checkpoint{Code: "VIP", Direction: "in", Categories: []string{"head_of_delegation"}}
)

func activeBadge() *ScanBadge {
	return &ScanBadge{Badge: Badge{ID: "b1", NominationID: "n1", Event: "EV", Serial: 2, Status: BadgeActive,
		Category: "delegate", ValidFrom: t0.Add(-time.Hour), ValidUntil: t0.Add(time.Hour)},
		DisplayName: "Anna Gruber", Delegation: "AUT", HasPhoto: true}
}

// TestScanBadgeCheck pins the badge's part of the scan rule (api/openapi.yaml,
// POST …/scans): every reason, and that when several apply the earlier check in
// the documented order decides.
func TestScanBadgeCheck(t *testing.T) {
	cases := []struct {
		name      string
		change    func(b *ScanBadge)
		serial    int
		at        time.Time
		cp        *Checkpoint
		exclusive bool
		want      string
	}{
		{name: "accepted", want: ""},
		{name: "accepted at the first instant", at: t0.Add(-time.Hour), want: ""},
		{name: "inside, no anti-passback: accepted", change: func(b *ScanBadge) { b.Inside = true }, want: ""},
		{name: "outside, anti-passback: accepted", exclusive: true, want: ""},
		{name: "another event's badge", change: func(b *ScanBadge) { b.Event = "OTHER" }, want: ReasonWrongEvent},
		{name: "a serial never issued", serial: 3, want: ReasonInvalidCode},
		{name: "revoked", change: func(b *ScanBadge) { b.Status = BadgeRevoked }, want: ReasonRevoked},
		{name: "an older serial", serial: 1, want: ReasonRevoked},
		{name: "before its window", at: t0.Add(-time.Hour - time.Microsecond), want: ReasonOutsideValidity},
		{name: "at the end of its window", at: t0.Add(time.Hour), want: ReasonOutsideValidity},
		{name: "category not admitted", cp: vipGate, want: ReasonCheckpointDenied},
		{name: "inside under anti-passback", change: func(b *ScanBadge) { b.Inside = true }, exclusive: true, want: ReasonAlreadyInside},
		// The order: each earlier check wins over every later one.
		{name: "wrong event before all", change: func(b *ScanBadge) { b.Event, b.Status, b.Inside = "OTHER", BadgeRevoked, true },
			serial: 3, at: t0.Add(2 * time.Hour), cp: vipGate, exclusive: true, want: ReasonWrongEvent},
		{name: "unknown serial before revocation", change: func(b *ScanBadge) { b.Status = BadgeRevoked }, serial: 3, want: ReasonInvalidCode},
		{name: "revoked before validity", change: func(b *ScanBadge) { b.Status, b.Inside = BadgeRevoked, true },
			at: t0.Add(2 * time.Hour), cp: vipGate, exclusive: true, want: ReasonRevoked},
		{name: "validity before checkpoint", change: func(b *ScanBadge) { b.Inside = true }, at: t0.Add(2 * time.Hour),
			cp: vipGate, exclusive: true, want: ReasonOutsideValidity},
		{name: "checkpoint before anti-passback", change: func(b *ScanBadge) { b.Inside = true }, cp: vipGate, exclusive: true,
			want: ReasonCheckpointDenied},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := activeBadge()
			if c.change != nil {
				c.change(b)
			}
			serial, at, cp := c.serial, c.at, c.cp
			if serial == 0 {
				serial = 2
			}
			if at.IsZero() {
				at = t0
			}
			if cp == nil {
				cp = gate
			}
			if got := b.Check("EV", serial, at, cp, c.exclusive); got != c.want {
				t.Fatalf("Check = %q, want %q", got, c.want)
			}
		})
	}
}

// TestWriteRecheckedReasons: what the write re-checks is a part of the
// rule, every reason of which is one the spec names.
func TestWriteRecheckedReasons(t *testing.T) {
	for _, r := range WriteRechecked {
		found := false
		for _, s := range ScanReasons {
			found = found || s == r
		}
		if !found {
			t.Errorf("%q is not a scan reason", r)
		}
	}
}

// fakeCodes reads codes of the form "badge/serial/event"; anything else
// does not verify.
type fakeCodes struct{ Codes }

func (fakeCodes) Verify(code string) (CodeClaim, error) {
	parts := strings.Split(code, "/")
	if len(parts) != 3 {
		return CodeClaim{}, errors.New("bad code")
	}
	n, err := strconv.Atoi(parts[1])
	return CodeClaim{BadgeID: parts[0], Serial: n, EventTag: "tag:" + parts[2]}, err
}

func (fakeCodes) EventTag(event string) string { return "tag:" + event }

// scanStore is a Store with one badge row and a scan log, whose write
// re-checks the rule as the real stores do. refuse makes the next writes
// of acceptances fail as if the badge changed under them.
type scanStore struct {
	Store
	row     ScanBadge
	reads   int
	refuse  int
	log     map[string]*ScanRecord
	revoked bool // the sending token
}

func (s *scanStore) ScanBadge(_ context.Context, id string) (*ScanBadge, error) {
	if id != s.row.ID {
		return nil, NotFound("badge")
	}
	s.reads++
	b := s.row
	return &b, nil
}

func (s *scanStore) ScanByID(_ context.Context, event, id string) (*ScanRecord, error) {
	if r, ok := s.log[id]; ok {
		return r, nil
	}
	return nil, NotFound("scan")
}

func (s *scanStore) TokenByHash(_ context.Context, hash string) (*Token, error) {
	t := &Token{ID: "t1"}
	if s.revoked {
		t.RevokedAt = &t0
	}
	return t, nil
}

func (s *scanStore) RecordScan(_ context.Context, r *ScanRecord, exclusive bool) (bool, bool, error) {
	if _, known := s.log[r.ScanID]; known || (r.Token != "" && s.revoked) {
		return false, false, nil
	}
	repeat := false
	if r.Result == ScanAccepted {
		if s.refuse > 0 {
			s.refuse--
			return false, false, nil
		}
		if reason := s.row.Check(r.Event, r.Serial, r.ScannedAt, &Checkpoint{}, exclusive); reason != "" {
			return false, false, nil
		}
		repeat = r.Direction == DirectionIn && s.row.Inside
		s.row.Inside = r.Direction == DirectionIn
	}
	c := *r
	c.Repeat = repeat
	s.log[r.ScanID] = &c
	return true, repeat, nil
}

func newScanService(row *ScanBadge) (*Service, *scanStore) {
	st := &scanStore{row: *row, log: map[string]*ScanRecord{}}
	return &Service{Store: st, Codes: fakeCodes{}, Now: func() time.Time { return t0 }}, st
}

var scanSeq int

func scanReq(code, direction string) ScanRequest {
	scanSeq++
	return ScanRequest{ScanID: fmt.Sprintf("s%d", scanSeq), Code: code, Checkpoint: "MAIN", Direction: direction}
}

// TestScanCodeChecks: the code's own checks come first, before any badge
// is read: a code that does not verify, then one for another event, then
// one that names no badge.
func TestScanCodeChecks(t *testing.T) {
	ev := &Event{Code: "EV"}
	for code, want := range map[string]string{
		"garbage":       ReasonInvalidCode,
		"b1/2/OTHER":    ReasonWrongEvent,
		"nobody/1/EV":   ReasonInvalidCode,
		"b1/2/EV":       "",
		"b1/9/OTHER":    ReasonWrongEvent,
		"garbage/x/EV2": ReasonInvalidCode,
	} {
		s, st := newScanService(activeBadge())
		res, err := s.scan(context.Background(), ev, gate, scanReq(code, DirectionIn))
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if got := deref(res.Reason); got != want {
			t.Errorf("%s: reason %q, want %q", code, got, want)
		}
		if (want == "") != (res.Delegate != nil) {
			t.Errorf("%s: delegate %v", code, res.Delegate)
		}
		if len(st.log) != 1 {
			t.Errorf("%s: %d records, want 1: every scan is recorded", code, len(st.log))
		}
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// TestScanWriteRefusedThenJudgedAfresh: an acceptance judged from a view
// that the write refuses is judged again from the database; under
// anti-passback a badge found inside is then rejected already_inside, and
// the answer names the holder.
func TestScanWriteRefusedThenJudgedAfresh(t *testing.T) {
	s, st := newScanService(activeBadge())
	ev := &Event{Code: "EV", AntiPassback: true}
	ctx := context.Background()
	if res, _ := s.scan(ctx, ev, gate, scanReq("b1/2/EV", DirectionIn)); res.Result != ScanAccepted || res.Repeat {
		t.Fatalf("first entry: %+v", res)
	}
	// Another process let the badge out and in again: the view knows nothing.
	res, err := s.scan(ctx, ev, gate, scanReq("b1/2/EV", DirectionIn))
	if err != nil || deref(res.Reason) != ReasonAlreadyInside || res.Delegate == nil || res.Badge.Serial != 2 {
		t.Fatalf("second entry: %+v, %v", res, err)
	}
	if res, _ := s.scan(ctx, ev, gate, scanReq("b1/2/EV", DirectionOut)); res.Result != ScanAccepted {
		t.Fatalf("exit: %+v", res)
	}

	// Without anti-passback a second entry is a repeat.
	s, _ = newScanService(activeBadge())
	ev.AntiPassback = false
	for i, want := range []bool{false, true} {
		if res, _ := s.scan(ctx, ev, gate, scanReq("b1/2/EV", DirectionIn)); res.Result != ScanAccepted || res.Repeat != want {
			t.Fatalf("entry %d: %+v", i, res)
		}
	}

	// A badge that changes under every write is a conflict after three.
	s, st = newScanService(activeBadge())
	st.refuse = 3
	if _, err := s.scan(ctx, ev, gate, scanReq("b1/2/EV", DirectionIn)); !IsCode(err, CodeConflict) || len(st.log) != 0 {
		t.Fatalf("changing badge: %v, %d records", err, len(st.log))
	}
	st.refuse = 2
	if res, err := s.scan(ctx, ev, gate, scanReq("b1/2/EV", DirectionIn)); err != nil || res.Result != ScanAccepted {
		t.Fatalf("third write: %+v, %v", res, err)
	}
}

// TestScanStaleViewConfirmed: a rejection a stale view could cause (a
// reissue or a moved window in another process) is confirmed from the
// database before it is recorded; one no staleness can cause is not.
func TestScanStaleViewConfirmed(t *testing.T) {
	ctx := context.Background()
	ev := &Event{Code: "EV"}
	s, st := newScanService(activeBadge())
	if res, _ := s.scan(ctx, ev, gate, scanReq("b1/2/EV", DirectionIn)); res.Result != ScanAccepted {
		t.Fatalf("%+v", res)
	}
	st.row.Serial = 3 // reissued elsewhere: the view still says 2
	if res, _ := s.scan(ctx, ev, gate, scanReq("b1/3/EV", DirectionIn)); res.Result != ScanAccepted {
		t.Fatalf("the new serial, judged from a stale view: %+v", res)
	}
	st.row.ValidFrom = t0.Add(-2 * time.Hour) // the view is refreshed; now move it back under it
	reads := st.reads
	if res, _ := s.scan(ctx, ev, vipGate, scanReq("b1/3/EV", DirectionIn)); deref(res.Reason) != ReasonCheckpointDenied || st.reads != reads {
		t.Fatalf("checkpoint_denied: %+v, %d reads", res, st.reads-reads)
	}
	if res, _ := s.scan(ctx, ev, gate, scanReq("b1/2/EV", DirectionIn)); deref(res.Reason) != ReasonRevoked || st.reads != reads {
		t.Fatalf("an older serial: %+v, %d reads", res, st.reads-reads)
	}
}

// TestScanReplayAndToken: a resent scan_id answers the first answer and
// records nothing; a write refused because the sending token was revoked
// meanwhile is 401.
func TestScanReplayAndToken(t *testing.T) {
	ctx := context.Background()
	ev := &Event{Code: "EV"}
	s, st := newScanService(activeBadge())
	req := scanReq("b1/2/EV", DirectionIn)
	first, _ := s.scan(ctx, ev, gate, req)
	st.row.DisplayName = "Renamed"
	again, err := s.scan(ctx, ev, gate, req)
	if err != nil || !reflect.DeepEqual(again, first) || len(st.log) != 1 {
		t.Fatalf("replay: %+v (%v), first %+v, %d records", again, err, first, len(st.log))
	}
	st.revoked = true
	req = scanReq("b1/2/EV", DirectionOut)
	req.Token = "hash"
	if _, err := s.scan(ctx, ev, gate, req); !IsCode(err, CodeUnauthorized) {
		t.Fatalf("revoked token: %v", err)
	}
}
