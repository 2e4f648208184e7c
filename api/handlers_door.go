package api

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/badges"
	"github.com/osce/accredit/domain"
)

// Door devices (api/openapi.yaml): enrolments, the enrolment exchange, the roster
// and photo thumbnails.

type enrolmentIn struct {
	Name             string `json:"name" validate:"required,max=100"`
	Checkpoint       string `json:"checkpoint" validate:"max=32"`
	Direction        string `json:"direction" validate:"omitempty,scan_direction"`
	ExpiresInMinutes *int   `json:"expires_in_minutes" validate:"omitempty,min=1,max=1440"`
}

func (in *enrolmentIn) clean() {
	in.Name, in.Checkpoint = domain.CleanText(in.Name), strings.TrimSpace(in.Checkpoint)
}

type enrolmentJSON struct {
	Code       string    `json:"code"`
	URL        string    `json:"url"`
	ExpiresAt  time.Time `json:"expires_at"`
	Name       string    `json:"name"`
	Checkpoint *string   `json:"checkpoint"`
	Direction  *string   `json:"direction"`
}

// enrolPath is where a device opens an enrolment: the code travels in the
// fragment, which browsers never send to a server or put in its logs.
func enrolPath(code string) string { return "/desk/#enrol=" + code }

func (s *Server) createEnrolment(c *gin.Context) {
	var in enrolmentIn
	if err := bindJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	minutes := domain.EnrolmentDefaultMinutes
	if in.ExpiresInMinutes != nil {
		minutes = *in.ExpiresInMinutes
	}
	e := &domain.Enrolment{Name: in.Name, Checkpoint: in.Checkpoint, Direction: in.Direction}
	if err := s.svc.CreateEnrolment(c.Request.Context(), eventOf(c), e, minutes); err != nil {
		problem(c, err)
		return
	}
	c.Header("Cache-Control", "no-store") // the code is a credential until used
	c.JSON(http.StatusCreated, enrolmentJSON{Code: e.Code, URL: enrolPath(e.Code), ExpiresAt: e.ExpiresAt,
		Name: e.Name, Checkpoint: strOrNil(e.Checkpoint), Direction: strOrNil(e.Direction)})
}

// enrolmentQR renders the enrolment's URL, made absolute with the host the
// secretariat reached this server by: the device must reach it the same way.
func (s *Server) enrolmentQR(c *gin.Context) {
	size, err := qrSize(c)
	if err != nil {
		problem(c, err)
		return
	}
	e, err := s.svc.EnrolmentForQR(c.Request.Context(), eventOf(c), c.Param("code"))
	if err != nil {
		problem(c, err)
		return
	}
	png, err := badges.QRPNG(s.absoluteURL(c, enrolPath(e.Code)), size)
	if err != nil {
		problem(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "image/png", png)
}

// absoluteURL puts the request's scheme and host before path. The scheme
// is https on a TLS connection; behind a proxy, X-Forwarded-Proto counts
// only when the proxy is trusted, else a client could choose what the QR
// says. A Host that is not a plain host[:port] is not put into a QR.
func (s *Server) absoluteURL(c *gin.Context, path string) string {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	if p := strings.ToLower(c.GetHeader("X-Forwarded-Proto")); (p == "https" || p == "http") && s.fromTrustedProxy(c) {
		scheme = p
	}
	host := c.Request.Host
	if !validHost(host) {
		host = "localhost"
	}
	return (&url.URL{Scheme: scheme, Host: host}).String() + path
}

func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	u, err := url.Parse("http://" + h + "/")
	return err == nil && u.Host == h && u.User == nil && u.Path == "/" &&
		!strings.ContainsFunc(h, func(r rune) bool { return r <= ' ' || r > '~' || strings.ContainsRune(`"<>\^`+"`{|}", r) })
}

// fromTrustedProxy reports whether the connection comes from one of
// Options.TrustedProxies.
func (s *Server) fromTrustedProxy(c *gin.Context) bool {
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	for _, p := range s.trustedProxies {
		if p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

// qrSize reads ?size= of a QR PNG (128–1024 px, default 512).
func qrSize(c *gin.Context) (int, error) {
	v := c.Query("size")
	if v == "" {
		return badges.QRDefaultSize, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < badges.QRMinSize || n > badges.QRMaxSize {
		return 0, domain.Invalid(domain.FieldError{Field: "size", Code: "range", Message: "must be a whole number of pixels from 128 to 1024"})
	}
	return n, nil
}

type enrolIn struct {
	Code string `json:"code" validate:"required,max=64"`
}

// enrol trades an enrolment code for a device's own token. It needs no
// token: the code is the credential, and a bad one is a bad credential.
func (s *Server) enrol(c *gin.Context) {
	var in enrolIn
	if err := bindJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	setActor(c, domain.Actor{Name: "enrolment"}) // carries the request id into the audit entry
	d, err := s.svc.Enrol(c.Request.Context(), in.Code)
	if domain.IsCode(err, domain.CodeUnauthorized) {
		s.badCredential(c, err) // counted like a bad token (README, Roles)
		return
	}
	if err != nil {
		problem(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, gin.H{"token": d.Secret, "token_id": d.Token.ID, "name": d.Token.Name,
		"event": d.Token.Event, "checkpoint": strOrNil(d.Enrolment.Checkpoint), "direction": strOrNil(d.Enrolment.Direction)})
}

type rosterJSON struct {
	BadgeID     string  `json:"badge_id"`
	Serial      int     `json:"serial"`
	DisplayName string  `json:"display_name"`
	Delegation  string  `json:"delegation"`
	Category    string  `json:"category"`
	PhotoURL    *string `json:"photo_url"`
}

// roster is the event's active badges for devices that judge offline; the
// event decides whether its devices may carry names and photos at all.
func (s *Server) roster(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		problem(c, err)
		return
	}
	ev := eventOf(c)
	items, next, err := s.svc.Roster(c.Request.Context(), ev, p)
	if err != nil {
		problem(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, newList(mapList(items, func(r *domain.RosterEntry) rosterJSON {
		out := rosterJSON{BadgeID: r.BadgeID, Serial: r.Serial, DisplayName: r.DisplayName, Delegation: r.Delegation, Category: r.Category}
		if r.HasPhoto {
			u := "/v1/events/" + ev.Code + "/nominations/" + r.NominationID + "/photo?size=thumb"
			out.PhotoURL = &u
		}
		return out
	}), next))
}

// thumbSlots bounds the thumbnails made at once to the cores: each decodes
// a stored photo (up to 1200 px, some 6 MB decoded), and on the morning of
// a meeting every device asks for every thumbnail.
var thumbSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

func makeThumb(photo []byte) ([]byte, error) {
	thumbSlots <- struct{}{}
	defer func() { <-thumbSlots }()
	return badges.Thumbnail(photo)
}

// photoThumb serves ?size=thumb of the photo route, to whoever may read
// the photo.
func (s *Server) photoThumb(c *gin.Context) {
	thumb, err := s.svc.PhotoThumb(c.Request.Context(), eventOf(c).Code, c.Param("id"), makeThumb)
	if err != nil {
		problem(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "image/jpeg", thumb)
}
