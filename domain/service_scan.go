package domain

import (
	"context"
	"errors"
	"fmt"
)

// MaxBatchScans is the most scans one batch may carry (SPEC §5).
const MaxBatchScans = 1000

var errScanRecorded = errors.New("scan_id recorded meanwhile")

// Scan judges one scan at a checkpoint and records it, accepted or not.
// An unknown checkpoint is not_found and a direction the checkpoint does
// not take is validation_failed: those are the caller's mistakes, not
// scans, and are not recorded.
func (s *Service) Scan(ctx context.Context, ev *Event, req ScanRequest) (*ScanResult, error) {
	cp, err := s.scanPoint(ctx, ev, &req, "")
	if err != nil {
		return nil, err
	}
	return s.scan(ctx, ev, cp, req)
}

// ScanBatch replays scans an offline device stored, in order. The batch is
// checked whole first: one malformed scan refuses it and records nothing.
func (s *Service) ScanBatch(ctx context.Context, ev *Event, reqs []ScanRequest) ([]ScanResult, error) {
	if len(reqs) > MaxBatchScans {
		return nil, Invalid(FieldError{Field: "scans", Code: "max", Message: fmt.Sprintf("at most %d scans per batch", MaxBatchScans)})
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
		conflict := r.DeviceResult != "" && r.DeviceResult != res.Result
		res.Conflict = &conflict
		out[i] = *res
	}
	return out, nil
}

// scanPoint resolves the checkpoint and defaults the direction.
func (s *Service) scanPoint(ctx context.Context, ev *Event, req *ScanRequest, prefix string) (*Checkpoint, error) {
	cp, err := s.Store.Checkpoint(ctx, ev.Code, req.Checkpoint)
	if err != nil {
		return nil, err
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

func (s *Service) scan(ctx context.Context, ev *Event, cp *Checkpoint, req ScanRequest) (*ScanResult, error) {
	if prior, err := s.Store.ScanByID(ctx, req.ScanID); err == nil {
		return &prior.Response, nil
	} else if !IsCode(err, CodeNotFound) {
		return nil, err
	}
	now := s.now()
	rec := &ScanRecord{ScanID: req.ScanID, Event: ev.Code, Checkpoint: cp.Code, Direction: req.Direction,
		Device: req.Device, DeviceResult: req.DeviceResult, ScannedAt: now, ReceivedAt: now}
	if req.ScannedAt != nil {
		rec.ScannedAt = req.ScannedAt.UTC()
	}
	b, reason, err := s.judge(ctx, ev, cp, req, rec)
	if err != nil {
		return nil, err
	}
	err = s.Store.InTx(ctx, func(tx Tx) error {
		if reason == "" {
			if reason, err = s.move(ctx, tx, ev, cp, b, rec); err != nil {
				return err
			}
		}
		rec.Result, rec.Reason = ScanAccepted, reason
		if reason != "" {
			rec.Result = ScanRejected
		}
		rec.Conflict = req.DeviceResult != "" && req.DeviceResult != rec.Result
		rec.Response = s.result(ev, rec, b)
		inserted, err := tx.InsertScan(ctx, rec)
		if err == nil && !inserted {
			return errScanRecorded // the same scan_id won a race: undo, answer theirs
		}
		return err
	})
	if errors.Is(err, errScanRecorded) {
		prior, err := s.Store.ScanByID(ctx, req.ScanID)
		if err != nil {
			return nil, err
		}
		return &prior.Response, nil
	}
	if err != nil {
		return nil, err
	}
	return &rec.Response, nil
}

// judge runs the checks that need no write, in the spec's order: code,
// event, revocation and serial, validity window, checkpoint category.
func (s *Service) judge(ctx context.Context, ev *Event, cp *Checkpoint, req ScanRequest, rec *ScanRecord) (*ScanBadge, string, error) {
	claim, err := s.Codes.Verify(req.Code)
	if err != nil {
		return nil, ReasonInvalidCode, nil
	}
	if claim.EventTag != s.Codes.EventTag(ev.Code) {
		return nil, ReasonWrongEvent, nil
	}
	b, err := s.Store.ScanBadge(ctx, claim.BadgeID)
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

// move updates who is inside; with anti-passback an entry of a badge that
// is inside already is refused, atomically across processes.
func (s *Service) move(ctx context.Context, tx Tx, ev *Event, cp *Checkpoint, b *ScanBadge, rec *ScanRecord) (string, error) {
	if rec.Direction == DirectionOut {
		return "", tx.Leave(ctx, b.ID, cp.Code, rec.ScannedAt)
	}
	entered, err := tx.Enter(ctx, b.ID, cp.Code, rec.ScannedAt, ev.AntiPassback)
	if err != nil {
		return "", err
	}
	if !entered {
		return ReasonAlreadyInside, nil
	}
	rec.Repeat = b.Inside
	return "", nil
}

// result is what the officer's scanner shows.
func (s *Service) result(ev *Event, rec *ScanRecord, b *ScanBadge) ScanResult {
	r := ScanResult{ScanID: rec.ScanID, Result: rec.Result, Repeat: rec.Repeat, ScannedAt: rec.ScannedAt}
	if rec.Reason != "" {
		reason := rec.Reason
		r.Reason = &reason
	}
	if b != nil {
		r.Badge = &ScanBadgeRef{ID: b.ID, Serial: rec.Serial, Category: b.Category}
		r.Delegate = &Delegate{DisplayName: b.DisplayName, Delegation: b.Delegation, Category: b.Category}
		if b.HasPhoto {
			url := "/v1/events/" + ev.Code + "/nominations/" + b.NominationID + "/photo"
			r.Delegate.PhotoURL = &url
		}
	}
	return r
}
