package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/domain"
)

const (
	keyRequestID = "request_id"
	keyEvent     = "event"
	keyTokenHash = "token_hash"
	keyBadge     = "badge"
	keyLog       = "log"
)

// withRequestID takes the caller's X-Request-ID when it is sane, or makes
// one, and echoes it so that a delegation's support request can name it.
func withRequestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if len(id) == 0 || len(id) > 128 || strings.ContainsFunc(id, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Set(keyRequestID, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

func requestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// knownMethods are the methods of RFC 9110 (and PATCH): anything else a
// client invents is logged and counted as "OTHER", so that a request line
// cannot choose a label value or a log field (docs/security.md, Headers, methods, metrics).
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true,
	http.MethodDelete: true, http.MethodConnect: true, http.MethodOptions: true, http.MethodTrace: true,
}

// methodLabel is the request's method as logs and metrics may show it.
func methodLabel(c *gin.Context) string {
	if m := c.Request.Method; knownMethods[m] {
		return m
	}
	return "OTHER"
}

// secureHeaders marks every answer as not to be sniffed, and every /v1
// answer as not to be stored: most of them carry personal data, and a
// shared or browser cache is no place for it (api/openapi.yaml, Authentication and roles). A route with a
// reason to differ sets its own Cache-Control after this.
func secureHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	if strings.HasPrefix(c.Request.URL.Path, "/v1/") {
		h.Set("Cache-Control", "no-store")
	}
	c.Next()
}

// logRequests writes one JSON line per request. It logs the route pattern
// and never the query string or bodies, which may hold personal data.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Set(keyLog, s.log)
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	level := slog.LevelInfo
	if c.Writer.Status() >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(c.Request.Context(), level, "request",
		slog.String("request_id", requestID(c)), slog.String("method", methodLabel(c)), slog.String("route", route),
		slog.Int("status", c.Writer.Status()), slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("token_id", domain.ActorFrom(c.Request.Context()).TokenID), slog.Int("bytes", c.Writer.Size()))
}

// logOf is the logger of the Server answering c, for code without the
// Server at hand (problem): each Server logs to its own logger, so that
// several in one process (the tests) keep their logs apart.
func logOf(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(keyLog); ok {
		return l.(*slog.Logger)
	}
	return slog.Default() // not reached: logRequests runs first on every route
}

// recoverPanics turns a panic into a logged 500 problem instead of a
// dropped connection.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			problem(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}

// noteSeen records, after a request that succeeded, that its token was
// used (tokens' last_seen_at); the domain throttles and writes it off the
// request's path.
func (s *Server) noteSeen(c *gin.Context) {
	c.Next()
	if c.Writer.Status() < http.StatusBadRequest {
		s.svc.Seen(domain.ActorFrom(c.Request.Context()).TokenID)
	}
}

// authenticate resolves the bearer token to an actor (README, Roles): no token, or
// a bad, expired or revoked one, is 401.
func (s *Server) authenticate(c *gin.Context) {
	secret, ok := s.bearer(c)
	if !ok {
		return
	}
	a, err := s.svc.Authenticate(c.Request.Context(), secret)
	s.admit(c, a, err)
}

// authenticateView is authenticate for the scan route: the token comes
// from a view at most two seconds old and the scan is written only if the
// token is still active then (see domain.Service.AuthenticateView).
func (s *Server) authenticateView(c *gin.Context) {
	secret, ok := s.bearer(c)
	if !ok {
		return
	}
	a, hash, err := s.svc.AuthenticateView(c.Request.Context(), secret)
	c.Set(keyTokenHash, hash)
	s.admit(c, a, err)
}

func (s *Server) admit(c *gin.Context, a domain.Actor, err error) {
	if err != nil {
		s.refuse(c, err)
		return
	}
	setActor(c, a)
	c.Next()
}

func setActor(c *gin.Context, a domain.Actor) {
	a.RequestID = requestID(c)
	c.Request = c.Request.WithContext(domain.WithActor(c.Request.Context(), a))
}

// refuse answers an authentication failure: a bad token counts against
// the client's rate limit (ratelimit.go), anything else is answered as it
// is.
func (s *Server) refuse(c *gin.Context, err error) {
	if domain.IsCode(err, domain.CodeUnauthorized) {
		s.badCredential(c, err)
		return
	}
	problem(c, err)
}

// bearer reads the token; the scheme is case-insensitive (RFC 7235), the
// token is not. No token is not a bad token; one too long to be ours is.
func (s *Server) bearer(c *gin.Context) (string, bool) {
	h := c.GetHeader("Authorization")
	secret := ""
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		secret = strings.TrimSpace(h[7:])
	}
	if secret == "" {
		problem(c, domain.Errorf(domain.CodeUnauthorized, "an Authorization: Bearer <token> header is required"))
		return "", false
	}
	if len(secret) > 256 {
		s.badCredential(c, domain.Errorf(domain.CodeUnauthorized, "the token is unknown, expired or revoked"))
		return "", false
	}
	return secret, true
}

func actor(c *gin.Context) domain.Actor { return domain.ActorFrom(c.Request.Context()) }

// allow lets only the given roles through: a valid token without the right
// is 403.
func allow(roles ...domain.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !slices.Contains(roles, actor(c).Role) {
			problem(c, domain.Errorf(domain.CodeForbidden, "role %s may not do this", actor(c).Role))
			return
		}
		c.Next()
	}
}

var (
	secretariat = allow(domain.RoleSecretariat)
	nominators  = allow(domain.RoleSecretariat, domain.RoleDelegation)
	guards      = allow(domain.RoleSecretariat, domain.RoleSecurity)
	anyone      = allow(domain.RoleSecretariat, domain.RoleDelegation, domain.RoleSecurity)
)

// authenticateEvent is authenticate for the routes of {event}, and
// resolves the event with the token in one read; admitToEvent then applies
// the event-level rules.
func (s *Server) authenticateEvent(c *gin.Context) { s.authenticateAt(c, "") }

// authenticateBadge is authenticateEvent that also reads the head of the
// badge {id} in the same round trip, for qr.png; the badge's refusal comes
// after the event's.
func (s *Server) authenticateBadge(c *gin.Context) { s.authenticateAt(c, c.Param("id")) }

func (s *Server) authenticateAt(c *gin.Context, badge string) {
	secret, ok := s.bearer(c)
	if !ok {
		return
	}
	acc, err := s.svc.AuthenticateEvent(c.Request.Context(), secret, c.Param("event"), badge)
	if err != nil {
		s.refuse(c, err)
		return
	}
	setActor(c, acc.Actor)
	if badge != "" {
		c.Set(keyBadge, acc)
	}
	s.admitToEvent(c, acc.Event, acc.EventErr)
}

// badgeOf is the badge authenticateBadge read, or why there is none.
func badgeOf(c *gin.Context) (*domain.Badge, error) {
	acc := c.MustGet(keyBadge).(domain.EventAccess)
	return acc.Badge, acc.BadgeErr
}

// loadScanEvent resolves {event} for the door: the event comes from a view
// at most a second old, since a queue must not wait on it.
func (s *Server) loadScanEvent(c *gin.Context) {
	ev, err := s.svc.ScanEvent(c.Request.Context(), c.Param("event"))
	s.admitToEvent(c, ev, err)
}

// admitToEvent lets the request into the event it names if the actor may
// see that event (domain.EventVisible).
func (s *Server) admitToEvent(c *gin.Context, ev *domain.Event, err error) {
	if err == nil {
		err = domain.EventVisible(actor(c), ev)
	}
	if err != nil {
		problem(c, err)
		return
	}
	c.Set(keyEvent, ev)
	c.Next()
}

func eventOf(c *gin.Context) *domain.Event { return c.MustGet(keyEvent).(*domain.Event) }
