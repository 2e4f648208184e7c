package domain

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// MaxBatchScans is the most scans one batch may carry (api/openapi.yaml, POST …/scans/batch).
const MaxBatchScans = 1000

// MaxClockAhead is how far ahead of the server's clock a replayed scan's
// device time may be (api/openapi.yaml, POST …/scans/batch): clocks drift a little, but a device whose
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

// scan judges a scan and records it. It judges from the views first, for
// the queue at the door must not wait on the database; a rejection that a
// stale view could cause is confirmed from the database, and the write
// re-checks whatever else may have changed (see record).
func (s *Service) scan(ctx context.Context, ev *Event, cp *Checkpoint, req ScanRequest) (*ScanResult, error) {
	received := s.now()
	at := scannedAt(req, received)
	j, err := s.judge(ctx, ev, cp, req, at, false)
	if err == nil && j.mayBeStale() {
		j, err = s.judge(ctx, ev, cp, req, at, true)
	}
	if err != nil {
		return nil, err
	}
	return s.record(ctx, ev, cp, req, received, j)
}

// judgement is a judged scan: the badge its code named (nil when it named
// none that exists), the serial the code carries, the reason of a
// rejection ("" for an acceptance), and whether the badge was read from
// the database rather than from a view.
type judgement struct {
	badge  *ScanBadge
	serial int
	reason string
	fresh  bool
}

// mayBeStale says the rejection rests on a view of the badge that may be
// out of date: a rejection is recorded for good, so a reissue or a moved
// window in another process must not cause one. "revoked" needs no
// confirmation (a revoked badge never returns and serials only grow), nor
// "checkpoint_denied" (a badge's category never changes); an acceptance
// is re-checked by the write itself.
func (j judgement) mayBeStale() bool {
	return !j.fresh && j.badge != nil && (j.reason == ReasonInvalidCode || j.reason == ReasonOutsideValidity)
}

// namesHolder says the answer may name the badge's holder: only once the
// code is known to be the badge's own, for this event.
func (j judgement) namesHolder() bool {
	return j.badge != nil && j.reason != ReasonWrongEvent && j.reason != ReasonInvalidCode
}

// judge runs the scan rule in the documented order (api/openapi.yaml, POST …/scans): the code, its event, then
// the badge's own checks (ScanBadge.Check). fresh reads the badge from the
// database; a view never says a badge is inside (see scanBadge), so from a
// view anti-passback is left to the write.
func (s *Service) judge(ctx context.Context, ev *Event, cp *Checkpoint, req ScanRequest, at time.Time, fresh bool) (judgement, error) {
	claim, err := s.verify(req.Code)
	if err != nil {
		return judgement{reason: ReasonInvalidCode}, nil
	}
	if claim.EventTag != s.Codes.EventTag(ev.Code) {
		return judgement{reason: ReasonWrongEvent}, nil
	}
	b, fresh, err := s.scanBadge(ctx, claim.BadgeID, fresh)
	if IsCode(err, CodeNotFound) {
		return judgement{reason: ReasonInvalidCode}, nil
	} else if err != nil {
		return judgement{}, err
	}
	exclusive := ev.AntiPassback && req.Direction == DirectionIn
	return judgement{badge: b, serial: claim.Serial, fresh: fresh,
		reason: b.Check(ev.Code, claim.Serial, at, cp, exclusive)}, nil
}

// record writes a judged scan and answers it. The write refuses when the
// scan_id was recorded before (the first answer is the answer), when the
// token that sent it was revoked meanwhile (401), or, for an acceptance,
// when the badge is no longer as judged: another door or process moved,
// revoked, reissued or re-dated it since it was read. The scan is then
// judged afresh from the database and written again; a badge that changes
// under each of three writes is a conflict for the device to resend.
func (s *Service) record(ctx context.Context, ev *Event, cp *Checkpoint, req ScanRequest, received time.Time, j judgement) (*ScanResult, error) {
	for writes := 1; ; writes++ {
		rec := newScanRecord(ev, cp, req, received, j)
		ok, repeat, err := s.Store.RecordScan(ctx, rec, ev.AntiPassback && rec.Direction == DirectionIn)
		if err != nil {
			return nil, err
		}
		if ok {
			rec.Repeat = repeat
			answer := rec.Answer()
			return &answer, nil
		}
		if prior, err := s.priorAnswer(ctx, rec); prior != nil || err != nil {
			return prior, err
		}
		if writes == 3 {
			return nil, Errorf(CodeConflict, "the badge changed while it was being scanned; scan it again")
		}
		if j, err = s.judge(ctx, ev, cp, req, rec.ScannedAt, true); err != nil {
			return nil, err
		}
	}
}

// priorAnswer tells why a write was refused when it was not for the badge:
// the scan_id was recorded before (its first answer), or the token that
// sent it is no longer active (401). Neither: nil.
func (s *Service) priorAnswer(ctx context.Context, rec *ScanRecord) (*ScanResult, error) {
	prior, err := s.Store.ScanByID(ctx, rec.Event, rec.ScanID)
	if err == nil {
		answer := prior.Answer()
		return &answer, nil
	} else if !IsCode(err, CodeNotFound) {
		return nil, err
	}
	return nil, s.tokenStillActive(ctx, rec.Token)
}

// newScanRecord is the record of a judged scan, as it is written; its
// Answer is the scan's answer.
func newScanRecord(ev *Event, cp *Checkpoint, req ScanRequest, received time.Time, j judgement) *ScanRecord {
	rec := &ScanRecord{ScanID: req.ScanID, Event: ev.Code, Checkpoint: cp.Code, Direction: req.Direction,
		Result: ScanAccepted, Reason: j.reason, Device: req.Device, DeviceResult: req.DeviceResult,
		ScannedAt: scannedAt(req, received), ReceivedAt: received, Token: req.Token}
	if j.reason != "" {
		rec.Result = ScanRejected
	}
	rec.Conflict = req.ClockAhead || (req.DeviceResult != "" && req.DeviceResult != rec.Result)
	if b := j.badge; b != nil {
		rec.BadgeID, rec.NominationID, rec.Serial = b.ID, b.NominationID, j.serial
	}
	if b := j.badge; j.namesHolder() {
		rec.Holder = &ScanHolder{DisplayName: b.DisplayName, Delegation: b.Delegation, Category: b.Category, Photo: b.HasPhoto}
	}
	return rec
}

// scannedAt is when a scan is judged to have been made: when it was
// received, or a batch replay's device time (see ScanBatch).
func scannedAt(req ScanRequest, received time.Time) time.Time {
	if req.ScannedAt != nil {
		return req.ScannedAt.UTC().Truncate(time.Microsecond)
	}
	return received
}

// scanBadge reads a badge's view, from the database when fresh or when the
// view has none; it says whether it read the database. The view keeps the
// badge as not inside: where a badge is changes with every scan, so only
// the write (or a fresh read) may decide anti-passback.
func (s *Service) scanBadge(ctx context.Context, id string, fresh bool) (*ScanBadge, bool, error) {
	c := s.views()
	if !fresh {
		if b, ok := c.badges.Get(id); ok {
			return b, false, nil
		}
	}
	b, err := s.Store.ScanBadge(ctx, id)
	if err != nil {
		return nil, true, err
	}
	view := *b
	view.Inside = false
	c.badges.Put(id, &view)
	return b, true, nil
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
