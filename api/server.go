// Package api is accredit's HTTP interface: the Gin router, middleware,
// handlers and the JSON shapes of api/openapi.yaml. It talks to the domain only.
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
	"github.com/osce/accredit/internal/cache"
)

// Server holds what the handlers need.
type Server struct {
	svc     *domain.Service
	log     *slog.Logger
	now     func() time.Time
	metrics *metrics
	engine  *gin.Engine
	// qrCache keeps rendered QR PNGs: a code never changes for a (badge,
	// serial), so an entry never goes stale.
	qrCache *cache.Bounded[string, []byte]
	limits  *limiter
	proxies []string
	// trustedProxies are proxies parsed: they may also say, in
	// X-Forwarded-Proto, how a client reached the server (the enrolment
	// QR's scheme).
	trustedProxies []netip.Prefix
	decodes        decodeSem
}

// qrCacheMax bounds the rendered QR PNGs kept (at most ~2 KB each at the
// default size).
const qrCacheMax = 20000

// Options configure a Server.
type Options struct {
	Logger *slog.Logger
	// Metrics turns /metrics on; the registry is the server's own so that
	// several servers can live in one test process.
	Metrics bool
	Now     func() time.Time
	// TrustedProxies are the addresses or CIDR ranges of the reverse
	// proxies whose X-Forwarded-For names the client
	// (ACCREDIT_TRUSTED_PROXIES); none by default, so a client cannot
	// choose the address the rate limit counts it by.
	TrustedProxies []string
	// BadCredentialLimit is how many bad tokens or enrolment codes a
	// client may send a minute before it is answered 429: 0 means the
	// README's 20 (Roles); below 0, no limit (for test suites that send bad tokens
	// by the hundred from one address).
	BadCredentialLimit int
}

// New builds the router on a service. Gin's mode (debug prints every
// route) is the caller's to set: gin.SetMode is process-wide.
func New(svc *domain.Service, opts Options) *Server {
	s := &Server{svc: svc, log: opts.Logger, now: opts.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = func() time.Time { return time.Now().UTC() }
	}
	s.limits = newLimiter(s.now)
	s.decodes = newDecodeSem()
	s.qrCache = cache.New[string, []byte](qrCacheMax, 0)
	switch n := opts.BadCredentialLimit; {
	case n < 0:
		s.limits = nil
	case n > 0:
		s.limits.limit = n
	}
	s.proxies = opts.TrustedProxies
	s.trustedProxies = parsePrefixes(opts.TrustedProxies)
	s.metrics = newMetrics(prometheus.NewRegistry(), svc, opts.Metrics)
	s.engine = s.routes()
	return s
}

// Handler is the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler { return s.engine }

func asDomain(err error, target **domain.Error) bool { return errors.As(err, target) }

// parsePrefixes reads addresses and CIDR ranges, skipping what does not
// parse (cmd/accredit refuses those before it gets here).
func parsePrefixes(list []string) []netip.Prefix {
	var out []netip.Prefix
	for _, v := range list {
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(v); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out
}
