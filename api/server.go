// Package api is accredit's HTTP interface: the Gin router, middleware,
// handlers and the JSON shapes of SPEC §5–§6. It talks to the domain only.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/osce/accredit/domain"
)

// Server holds what the handlers need.
type Server struct {
	svc     *domain.Service
	store   domain.Store
	log     *slog.Logger
	now     func() time.Time
	metrics *metrics
	engine  *gin.Engine
	qrCache qrCache
	// trustedProxies may say, in X-Forwarded-Proto, how a client reached
	// the server (the enrolment QR's scheme).
	trustedProxies []netip.Prefix
}

// Options configure a Server.
type Options struct {
	Logger *slog.Logger
	// Metrics turns /metrics on; the registry is the server's own so that
	// several servers can live in one test process.
	Metrics bool
	Now     func() time.Time
	// TrustedProxies are the proxies whose X-Forwarded-* headers count.
	TrustedProxies []netip.Prefix
}

// New builds the router on a service.
func New(svc *domain.Service, opts Options) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{svc: svc, store: svc.Store, log: opts.Logger, now: opts.Now, trustedProxies: opts.TrustedProxies}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = func() time.Time { return time.Now().UTC() }
	}
	s.metrics = newMetrics(prometheus.NewRegistry(), svc.Store, opts.Metrics)
	s.engine = s.routes()
	return s
}

// Handler is the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler { return s.engine }

func asDomain(err error, target **domain.Error) bool { return errors.As(err, target) }
