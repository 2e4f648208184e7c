package domain

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// MaxBatchScans is the most scans one batch may carry (SPEC §5).
const MaxBatchScans = 1000

// MaxClockAhead is how far ahead of the server's clock a replayed scan's
// device time may be (SPEC §5): clocks drift a little, but a device whose
// clock runs further ahead could open a door today with tomorrow's date.
const MaxClockAhead = 5 * time.Minute

// Scan judges one scan at a checkpoint and records it, accepted or not,
// at the server's time: the door is online, and a device's clock must
// never open what the server's keeps shut, so a scanned_at sent with it
// is ignored. An unknown checkpoint is not_found and a direction the
// checkpoint does not take is validation_failed: those are the caller's
// mistakes, not scans, and are not recorded.
func (s *Service) Scan(ctx context.Context, ev *Event, req ScanRequest) (*ScanResult, error) {
	req.ScannedAt, req.ClockAhead = nil, false
	cp, err := s.scanPoint(ctx, ev, &req, "")
	if err != nil {
		return nil, err
	}
	return s.scan(ctx, ev, cp, req)
}

// ScanBatch replays scans an offline device stored, in order, each judged
// at its device time: the time it was made at the door. A device time
// more than MaxClockAhead after the batch arrived is not believed: that
// scan is judged and recorded at the moment of arrival instead, and marked
// conflict. The batch is checked whole first: one malformed scan refuses
// it and records nothing.
func (s *Service) ScanBatch(ctx context.Context, ev *Event, reqs []ScanRequest) ([]ScanResult, error) {
	if len(reqs) > MaxBatchScans {
		return nil, Invalid(FieldError{Field: "scans", Code: "max", Message: fmt.Sprintf("at most %d scans per batch", MaxBatchScans)})
	}
	received := s.now()
	for i := range reqs {
		reqs[i].ClockAhead = reqs[i].ScannedAt != nil && reqs[i].ScannedAt.After(received.Add(MaxClockAhead))
		if reqs[i].ClockAhead {
			reqs[i].ScannedAt = &received
		}
	}
	points := map[string]*Checkpoint{}
	var fe []FieldError
	for i := range reqs {
		cp, err := s.scanPoint(ctx, ev, &reqs[i], fmt.Sprintf("scans[%d].", i))
		var de *Error
		if errors.As(err, &de) && (de.Code == CodeNotFound || de.Code == CodeValidationFailed) {
			if de.Code == CodeNotFound {
				fe = append(fe, FieldError{Field: fmt.Sprintf("scans[%d].checkpoint", i), Code: "unknown", Message: de.Message})
			}
			fe = append(fe, de.Fields...)
			continue
		} else if err != nil {
			return nil, err
		}
		points[cp.Code] = cp
	}
	if len(fe) > 0 {
		return nil, Invalid(fe...)
	}
	out := make([]ScanResult, len(reqs))
	for i, r := range reqs {
		res, err := s.scan(ctx, ev, points[r.Checkpoint], r)
		if err != nil {
			return nil, err
		}
		conflict := r.ClockAhead || (r.DeviceResult != "" && r.DeviceResult != res.Result)
		res.Conflict = &conflict
		out[i] = *res
	}
	return out, nil
}

// scanPoint resolves the checkpoint and defaults the direction.
func (s *Service) scanPoint(ctx context.Context, ev *Event, req *ScanRequest, prefix string) (*Checkpoint, error) {
	c := s.views()
	key := ev.Code + "/" + req.Checkpoint
	cp, ok := c.checkpoints.Get(key)
	if !ok {
		var err error
		if cp, err = s.Store.Checkpoint(ctx, ev.Code, req.Checkpoint); err != nil {
			return nil, err
		}
		c.checkpoints.Put(key, cp)
	}
	if req.Direction == "" {
		req.Direction = DirectionIn
	}
	if !cp.Allows(req.Direction) {
		return nil, Invalid(FieldError{Field: prefix + "direction", Code: "not_allowed",
			Message: fmt.Sprintf("checkpoint %s takes %s scans only", cp.Code, cp.Direction)})
	}
	return cp, nil
}

// scan judges a scan from the cached view of its badge and writes it in
// one step that re-checks the badge in the database. When that write
// refuses (the badge changed in another process, or is inside under
// anti-passback, or the scan_id was recorded), the scan is judged again
// from the database.
func (s *Service) scan(ctx context.Context, ev *Event, cp *Checkpoint, req ScanRequest) (*ScanResult, error) {
	now := s.now()
	rec := &ScanRecord{ScanID: req.ScanID, Event: ev.Code, Checkpoint: cp.Code, Direction: req.Direction,
		Device: req.Device, DeviceResult: req.DeviceResult, ScannedAt: now, ReceivedAt: now, Token: req.Token}
	if req.ScannedAt != nil {
		rec.ScannedAt = req.ScannedAt.UTC().Truncate(time.Microsecond)
	}
	for attempt := 0; attempt < 3; attempt++ {
		fresh := attempt > 0
		b, reason, err := s.judge(ctx, ev, cp, req, rec, fresh)
		if err != nil {
			return nil, err
		}
		if !fresh && rec.BadgeID != "" && (reason == ReasonInvalidCode || reason == ReasonOutsideValidity) {
			// A rejection is recorded for good, so one that a stale view
			// could cause (a serial reissued, a window moved in another
			// process) is confirmed from the database first. "revoked" needs
			// no check: a revoked badge never returns and serials only grow;
			// nor does "checkpoint_denied": a badge's category never changes.
			continue
		}
		if reason == "" {
			s.settle(rec, b, ScanAccepted, "", req)
			ok, repeat, err := s.Store.RecordAccepted(ctx, rec, ev.AntiPassback)
			if err != nil {
				return nil, err
			}
			if ok {
				rec.Repeat, rec.Response.Repeat = repeat, repeat
				return &rec.Response, nil
			}
			if prior, err := s.Store.ScanByID(ctx, ev.Code, rec.ScanID); err == nil {
				return &prior.Response, nil
			} else if !IsCode(err, CodeNotFound) {
				return nil, err
			}
			if err := s.tokenStillActive(ctx, rec.Token); err != nil {
				return nil, err
			}
			if !fresh || !(ev.AntiPassback && rec.Direction == DirectionIn && b.Inside) {
				continue // the badge changed under us: judge it afresh
			}
			reason = ReasonAlreadyInside
		}
		s.settle(rec, b, ScanRejected, reason, req)
		inserted, err := s.Store.InsertScan(ctx, rec)
		if err != nil {
			return nil, err
		}
		if !inserted {
			prior, err := s.Store.ScanByID(ctx, ev.Code, rec.ScanID)
			if IsCode(err, CodeNotFound) {
				if err := s.tokenStillActive(ctx, rec.Token); err != nil {
					return nil, err
				}
				continue
			}
			if err != nil {
				return nil, err
			}
			return &prior.Response, nil
		}
		return &rec.Response, nil
	}
	return nil, Errorf(CodeConflict, "the badge changed while it was being scanned; scan it again")
}

// settle fills in the outcome and the answer of a judged scan.
func (s *Service) settle(rec *ScanRecord, b *ScanBadge, result, reason string, req ScanRequest) {
	rec.Result, rec.Reason, rec.Repeat = result, reason, false
	rec.Conflict = req.ClockAhead || (req.DeviceResult != "" && req.DeviceResult != result)
	rec.Holder = nil
	if b != nil {
		rec.Holder = &ScanHolder{DisplayName: b.DisplayName, Delegation: b.Delegation, Category: b.Category, Photo: b.HasPhoto}
	}
	rec.Response = rec.Answer()
}

// judge runs the checks in the spec's order: code, event, revocation and
// serial, validity window, checkpoint category. Anti-passback is the
// write's business. fresh reads the badge from the database.
func (s *Service) judge(ctx context.Context, ev *Event, cp *Checkpoint, req ScanRequest, rec *ScanRecord, fresh bool) (*ScanBadge, string, error) {
	claim, err := s.verify(req.Code)
	if err != nil {
		return nil, ReasonInvalidCode, nil
	}
	if claim.EventTag != s.Codes.EventTag(ev.Code) {
		return nil, ReasonWrongEvent, nil
	}
	b, err := s.scanBadge(ctx, claim.BadgeID, fresh)
	if IsCode(err, CodeNotFound) {
		return nil, ReasonInvalidCode, nil
	} else if err != nil {
		return nil, "", err
	}
	rec.BadgeID, rec.NominationID, rec.Serial = b.ID, b.NominationID, claim.Serial
	switch {
	case b.Event != ev.Code:
		return nil, ReasonWrongEvent, nil
	case claim.Serial > b.Serial:
		return nil, ReasonInvalidCode, nil
	case b.Status != BadgeActive || claim.Serial < b.Serial:
		return b, ReasonRevoked, nil
	case rec.ScannedAt.Before(b.ValidFrom) || !rec.ScannedAt.Before(b.ValidUntil):
		return b, ReasonOutsideValidity, nil
	case !cp.Admits(b.Category):
		return b, ReasonCheckpointDenied, nil
	}
	return b, "", nil
}

// scanBadge reads a badge's view, from the cache unless fresh.
func (s *Service) scanBadge(ctx context.Context, id string, fresh bool) (*ScanBadge, error) {
	c := s.views()
	if !fresh {
		if b, ok := c.badges.Get(id); ok {
			return b, nil
		}
	}
	b, err := s.Store.ScanBadge(ctx, id)
	if err == nil {
		c.badges.Put(id, b)
	}
	return b, err
}

// verify checks a code's signature once per process: the same code always
// verifies the same way, and badges are scanned again and again.
func (s *Service) verify(code string) (CodeClaim, error) {
	c := s.views()
	if claim, ok := c.codes.Get(code); ok {
		return claim, nil
	}
	claim, err := s.Codes.Verify(code)
	if err == nil {
		c.codes.Put(code, claim)
	}
	return claim, err
}

// tokenStillActive tells a write refused for its token from one refused
// for its badge.
func (s *Service) tokenStillActive(ctx context.Context, hash string) error {
	if hash == "" {
		return nil
	}
	t, err := s.Store.TokenByHash(ctx, hash)
	if IsCode(err, CodeNotFound) || (err == nil && !t.Active(s.now())) {
		return Errorf(CodeUnauthorized, "the token is unknown, expired or revoked")
	}
	return err
}
