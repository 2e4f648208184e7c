package domain

import (
	"context"
	"time"
)

// SetPhoto stores a nomination's (already re-encoded) photo. A delegation
// may change it only while it may edit the nomination: before a decision,
// so that the face on an approved badge is the one the secretariat
// approved, and inside the registration window (docs/security.md, Photos). The secretariat
// may replace it while the nomination is active, late too.
func (s *Service) SetPhoto(ctx context.Context, event, id, contentType string, data []byte) (*Nomination, error) {
	err := s.Store.InTx(ctx, func(tx Tx) error {
		ev, n, err := load(ctx, tx, event, id)
		if err != nil {
			return err
		}
		secretariat := ActorFrom(ctx).IsSecretariat()
		if !(n.Status == StatusSubmitted || n.Status == StatusWaitlisted || (secretariat && n.Status == StatusApproved)) {
			return Errorf(CodeInvalidTransition, "cannot change the photo of a nomination that is %s", n.Status)
		}
		if !secretariat { // exempt even when the event is closed: a reprint may need a new photo
			if err := ev.CheckRegistration(s.now(), false); err != nil {
				return err
			}
		}
		if err := tx.PutPhoto(ctx, n.ID, contentType, data); err != nil {
			return err
		}
		return s.audit(ctx, tx, "nomination.photo", "nomination", n.ID, ev.Code, map[string]any{"bytes": len(data)})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Nomination(ctx, event, id)
}

// Photo returns a nomination's photo to those who may see it: the
// secretariat, the owning delegation, and security staff for badge holders.
func (s *Service) Photo(ctx context.Context, event, id string) (string, []byte, error) {
	n, err := s.photoOf(ctx, event, id)
	if err != nil {
		return "", nil, err
	}
	return s.Store.Photo(ctx, n.ID)
}

// photoOf is the nomination whose photo the actor asks for, if they may
// see it.
func (s *Service) photoOf(ctx context.Context, event, id string) (*Nomination, error) {
	n, err := s.Store.Nomination(ctx, event, id)
	if err != nil {
		return nil, err
	}
	return n, photoVisible(ActorFrom(ctx), n)
}

// Thumbnailer makes a door thumbnail from a stored photo.
type Thumbnailer func(photo []byte) ([]byte, error)

// PhotoThumb returns the thumbnail of a nomination's photo to those who
// may see the photo. It is made once, from the stored photo, and kept
// beside it: on the morning of a meeting every door device fetches every
// badge holder's thumbnail at about the same time. Requests in this
// process for one thumbnail not yet made wait for one making.
func (s *Service) PhotoThumb(ctx context.Context, event, id string, thumbnail Thumbnailer) ([]byte, error) {
	n, err := s.photoOf(ctx, event, id)
	if err != nil {
		return nil, err
	}
	if thumb, err := s.Store.PhotoThumb(ctx, n.ID); err != nil || thumb != nil {
		return thumb, err
	}
	v, err, _ := s.thumbs.Do(n.ID, func() (any, error) {
		// Shared by the requests waiting: the first one's going away must
		// not fail the others.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		data, stamp, err := s.Store.PhotoStamped(ctx, n.ID)
		if err != nil {
			return nil, err
		}
		thumb, err := thumbnail(data)
		if err != nil {
			return nil, err
		}
		// Kept only if the photo is still the one it was made from.
		return thumb, s.Store.SetPhotoThumb(ctx, n.ID, stamp, thumb)
	})
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}
