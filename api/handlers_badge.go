package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/badges"
	"github.com/osce/accredit/domain"
)

type badgeJSON struct {
	ID           string     `json:"id"`
	NominationID string     `json:"nomination_id"`
	Serial       int        `json:"serial"`
	Code         string     `json:"code"`
	Status       string     `json:"status"`
	Category     string     `json:"category"`
	ValidFrom    time.Time  `json:"valid_from"`
	ValidUntil   time.Time  `json:"valid_until"`
	IssuedAt     time.Time  `json:"issued_at"`
	RevokedAt    *time.Time `json:"revoked_at"`
	RevokeReason *string    `json:"revoke_reason"`
}

func (s *Server) badgeOut(b *domain.BadgeView) (badgeJSON, error) {
	code, err := s.svc.BadgeCode(&b.Badge)
	return badgeJSON{ID: b.ID, NominationID: b.NominationID, Serial: b.Serial, Code: code, Status: b.Status,
		Category: b.Category, ValidFrom: b.ValidFrom, ValidUntil: b.ValidUntil, IssuedAt: b.IssuedAt,
		RevokedAt: utc(b.RevokedAt), RevokeReason: strOrNil(b.RevokeReason)}, err
}

func (s *Server) listBadges(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		problem(c, err)
		return
	}
	f := domain.BadgeFilter{Event: eventOf(c).Code, Delegation: c.Query("delegation"), Page: p}
	items, next, err := s.svc.Badges(c.Request.Context(), f)
	if err != nil {
		problem(c, err)
		return
	}
	out := make([]badgeJSON, len(items))
	for i := range items {
		if out[i], err = s.badgeOut(&items[i]); err != nil {
			problem(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, newList(out, next))
}

func (s *Server) getBadge(c *gin.Context) {
	b, err := s.svc.Badge(c.Request.Context(), eventOf(c).Code, c.Param("id"))
	s.answerBadge(c, b, err)
}

// answerBadge answers a badge with its code, or the error.
func (s *Server) answerBadge(c *gin.Context, b *domain.BadgeView, err error) {
	var out badgeJSON
	if err == nil {
		out, err = s.badgeOut(b)
	}
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) reissueBadge(c *gin.Context) {
	if err := bindOptionalJSON(c, &emptyIn{}); err != nil {
		problem(c, err)
		return
	}
	b, err := s.svc.Reissue(c.Request.Context(), eventOf(c).Code, c.Param("id"))
	s.answerBadge(c, b, err)
}

// badgeQR serves the QR symbol of a badge's current code. Codes are
// deterministic, so the PNG is cached by badge, serial and size.
func (s *Server) badgeQR(c *gin.Context) {
	size, err := qrSize(c)
	if err != nil {
		problem(c, err)
		return
	}
	b, err := badgeOf(c)
	if err != nil {
		problem(c, err)
		return
	}
	key := b.ID + "/" + strconv.Itoa(b.Serial) + "/" + strconv.Itoa(size)
	png, ok := s.qrCache.Get(key)
	if !ok {
		code, err := s.svc.BadgeCode(b)
		if err == nil {
			png, err = badges.QRPNG(code, size)
		}
		if err != nil {
			problem(c, err)
			return
		}
		s.qrCache.Put(key, png)
	}
	// The one /v1 answer a browser may keep a minute: a QR holds no
	// personal data, and a portal shows one per badge of a delegation.
	c.Header("Cache-Control", "private, max-age=60")
	c.Data(http.StatusOK, "image/png", png)
}

func (s *Server) badgePDF(c *gin.Context) {
	ctx := c.Request.Context()
	ev := eventOf(c)
	b, err := s.svc.Badge(ctx, ev.Code, c.Param("id"))
	if err != nil {
		problem(c, err)
		return
	}
	cards := s.cardMaker(ev)
	card, err := cards(ctx, b)
	if err != nil {
		problem(c, err)
		return
	}
	var buf bytes.Buffer
	if err := badges.RenderPDF(&buf, card); err != nil {
		problem(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`inline; filename="badge-%s-%d.pdf"`, b.ID, b.Serial))
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

type printIn struct {
	BadgeIDs   []string `json:"badge_ids" validate:"max=5000,dive,uuid"`
	Delegation string   `json:"delegation" validate:"max=32"`
}

// printBadges renders many badges into one PDF, pulling them a page at a
// time so that a thousand photos are never in memory at once.
func (s *Server) printBadges(c *gin.Context) {
	var in printIn
	if err := bindOptionalJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	ctx, ev := c.Request.Context(), eventOf(c)
	f := domain.BadgeFilter{Event: ev.Code, Delegation: in.Delegation, ActiveOnly: true, IDs: in.BadgeIDs,
		Page: domain.Page{Limit: 100}}
	first, next, err := s.svc.Badges(ctx, f)
	if err != nil {
		problem(c, err)
		return
	}
	if len(first) == 0 {
		problem(c, domain.Invalid(domain.FieldError{Field: "badge_ids", Code: "none", Message: "no active badge matches; nothing to print"}))
		return
	}
	if in.BadgeIDs != nil && len(in.BadgeIDs) <= 100 && len(first) != len(in.BadgeIDs) {
		problem(c, domain.Invalid(domain.FieldError{Field: "badge_ids", Code: "inactive",
			Message: fmt.Sprintf("%d of the %d badges are unknown or not active", len(in.BadgeIDs)-len(first), len(in.BadgeIDs))}))
		return
	}
	cards := s.cardMaker(ev)
	batch, i := first, 0
	pull := func() (badges.Card, bool, error) {
		if i == len(batch) {
			if next == "" {
				return badges.Card{}, false, nil
			}
			f.Page.Cursor = next
			var err error
			if batch, next, err = s.svc.Badges(ctx, f); err != nil || len(batch) == 0 {
				return badges.Card{}, false, err
			}
			i = 0
		}
		card, err := cards(ctx, &batch[i])
		i++
		return card, true, err
	}
	// The batch writes nothing until it is complete, so headers go out with
	// the first byte and a failure before it is still a problem+json.
	out := &lazyDownload{c: c, mime: "application/pdf", filename: fmt.Sprintf("badges-%s.pdf", ev.Code)}
	if _, err := badges.RenderBatch(out, pull); err != nil {
		if !out.started {
			problem(c, err)
			return
		}
		s.log.Error("render badge batch", "err", err, "request_id", requestID(c))
	}
}

// lazyDownload sends the download headers with the first byte written.
type lazyDownload struct {
	c              *gin.Context
	mime, filename string
	started        bool
}

func (d *lazyDownload) Write(p []byte) (int, error) {
	if !d.started {
		d.started = true
		d.c.Header("Content-Type", d.mime)
		d.c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, d.filename))
		d.c.Status(http.StatusOK)
	}
	return d.c.Writer.Write(p)
}

// cardMaker fills badge cards for one event, looking each delegation's
// name up once.
func (s *Server) cardMaker(ev *domain.Event) func(ctx context.Context, b *domain.BadgeView) (badges.Card, error) {
	names := map[string]string{}
	dates := formatDates(ev.StartsOn, ev.EndsOn)
	return func(ctx context.Context, b *domain.BadgeView) (badges.Card, error) {
		n := &b.Nomination
		name, ok := names[n.Delegation]
		if !ok {
			d, err := s.svc.Delegation(ctx, n.Delegation)
			if err != nil {
				return badges.Card{}, err
			}
			name, names[n.Delegation] = d.Name, d.Name
		}
		code, err := s.svc.BadgeCode(&b.Badge)
		if err != nil {
			return badges.Card{}, err
		}
		card := badges.Card{BadgeID: b.ID, Serial: b.Serial, Code: code, Honorific: n.Honorific, GivenName: n.GivenName,
			FamilyName: n.FamilyName, Function: n.Function, Delegation: name, Category: b.Category,
			EventTitle: ev.Title, Venue: ev.Venue, Dates: dates}
		card.Photo, err = s.svc.BadgePhoto(ctx, b)
		return card, err
	}
}

// formatDates writes an event's dates as a badge shows them:
// "10–11 June 2030", "30 June – 1 July 2030", "30 December 2030 – 2 January 2031".
func formatDates(startsOn, endsOn string) string {
	a, err1 := time.Parse(domain.DateLayout, startsOn)
	b, err2 := time.Parse(domain.DateLayout, endsOn)
	switch {
	case err1 != nil || err2 != nil:
		return startsOn + " – " + endsOn
	case a.Equal(b):
		return a.Format("2 January 2006")
	case a.Year() != b.Year():
		return a.Format("2 January 2006") + " – " + b.Format("2 January 2006")
	case a.Month() != b.Month():
		return a.Format("2 January") + " – " + b.Format("2 January 2006")
	}
	return a.Format("2") + "–" + b.Format("2 January 2006")
}

func (s *Server) badgeKeys(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"items": mapList(s.svc.Codes.Keys(), publicKeyOut)})
}

// revocations is the feed offline scanners replay: pass the answer's
// cursor back as since to get only what was revoked after it.
func (s *Server) revocations(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		problem(c, err)
		return
	}
	var since int64
	if v := c.Query("since"); v != "" {
		if since, err = strconv.ParseInt(v, 10, 64); err != nil || since < 0 {
			problem(c, domain.Invalid(domain.FieldError{Field: "since", Code: "invalid", Message: "must be a cursor from an earlier answer"}))
			return
		}
	}
	items, err := s.svc.Revocations(c.Request.Context(), eventOf(c).Code, since, p.Limit)
	if err != nil {
		problem(c, err)
		return
	}
	type rev struct {
		BadgeID   string    `json:"badge_id"`
		Serial    int       `json:"serial"`
		RevokedAt time.Time `json:"revoked_at"`
	}
	out := make([]rev, len(items))
	cursor := since
	for i, r := range items {
		out[i] = rev{BadgeID: r.BadgeID, Serial: r.Serial, RevokedAt: r.RevokedAt}
		cursor = r.Seq
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "cursor": strconv.FormatInt(cursor, 10)})
}
