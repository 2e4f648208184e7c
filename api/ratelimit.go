package api

import (
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/domain"
)

// Bad credentials are limited per client (README, Roles): a client that has
// sent more than badLimit bad tokens or enrolment codes in badWindow gets
// 429 rate_limited, with Retry-After, for every further bad one until the
// window, which starts at its first bad attempt, has passed.
//
// Only bad credentials are refused: a good token from a throttled client
// still works. A conference venue puts every delegation's laptop and every
// door device behind one public address, and one device with a revoked
// token must not lock the door out. That a throttled client still learns
// whether a guess is good costs nothing real: a token has 256 bits of
// entropy and an enrolment code 50, used once within minutes.
//
// The counts live in this process: with n processes behind a load
// balancer a client gets up to n×badLimit bad attempts a window. Memory is
// bounded by maxClients entries; IPv6 clients are counted by /64, which
// is what one host or household is given.
const (
	badLimit   = 20
	badWindow  = time.Minute
	maxClients = 1 << 16
)

type strikes struct {
	since time.Time // first bad attempt of the window
	n     int
}

// limiter counts bad attempts per client key.
type limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	clients map[string]*strikes
	limit   int // bad attempts a window
	max     int // entries kept at most
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, clients: map[string]*strikes{}, limit: badLimit, max: maxClients}
}

// fail records a bad attempt of key; over the limit, it returns how long
// the client must wait.
func (l *limiter) fail(key string) (wait time.Duration, limited bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	s := l.clients[key]
	if s == nil || !now.Before(s.since.Add(badWindow)) {
		if s == nil {
			l.makeRoom(now)
			s = &strikes{}
			l.clients[key] = s
		}
		*s = strikes{since: now}
	}
	s.n++
	return l.waitOf(s, now)
}

// check reports, without recording anything, whether key is over the
// limit.
func (l *limiter) check(key string) (wait time.Duration, limited bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.clients[key]
	if s == nil {
		return 0, false
	}
	return l.waitOf(s, l.now())
}

func (l *limiter) waitOf(s *strikes, now time.Time) (time.Duration, bool) {
	end := s.since.Add(badWindow)
	if s.n <= l.limit || !now.Before(end) {
		return 0, false
	}
	return end.Sub(now), true
}

// makeRoom keeps the table within max entries: windows that are over go
// first; if every entry is current (addresses spread over more clients
// than max within a minute), arbitrary ones go, so memory stays bounded
// whatever the traffic. Called with mu held.
func (l *limiter) makeRoom(now time.Time) {
	if len(l.clients) < l.max {
		return
	}
	for k, s := range l.clients {
		if !now.Before(s.since.Add(badWindow)) {
			delete(l.clients, k)
		}
	}
	for k := range l.clients { // map order is random enough for this
		if len(l.clients) < l.max {
			break
		}
		delete(l.clients, k)
	}
}

// clientKey is the client's address as the rate limit counts it: the
// peer's address, or the one a trusted proxy (ACCREDIT_TRUSTED_PROXIES)
// forwarded; an IPv6 address by its /64.
func clientKey(c *gin.Context) string {
	ip := net.ParseIP(c.ClientIP())
	if ip == nil {
		return c.ClientIP()
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}

// The limiter's API for the handlers of credentials (bearer tokens here,
// enrolment codes in POST /v1/enrol):
//
//	if s.throttled(c) { return }      // optional: refuse before looking a code up
//	...look the credential up...
//	if bad { s.badCredential(c, err); return }
//
// badCredential answers err (a 401) or, past the limit, 429; throttled
// answers 429 for a client already past it, and reports whether it did.

// badCredential records a bad credential from c's client and answers err,
// or 429 rate_limited with Retry-After once the client is past the limit.
func (s *Server) badCredential(c *gin.Context, err error) {
	if s.limits == nil {
		problem(c, err)
		return
	}
	if wait, limited := s.limits.fail(clientKey(c)); limited {
		rateLimited(c, wait)
		return
	}
	problem(c, err)
}

// throttled answers 429 if c's client is past the limit, reporting
// whether it did; it records nothing.
func (s *Server) throttled(c *gin.Context) bool {
	if s.limits == nil {
		return false
	}
	wait, limited := s.limits.check(clientKey(c))
	if limited {
		rateLimited(c, wait)
	}
	return limited
}

func rateLimited(c *gin.Context, wait time.Duration) {
	secs := int((wait + time.Second - 1) / time.Second) // rounded up: retrying early would be refused
	c.Header("Retry-After", strconv.Itoa(max(secs, 1)))
	problem(c, domain.Errorf(domain.CodeRateLimited,
		"too many bad tokens or enrolment codes from this address; try again in %d seconds", max(secs, 1)))
}
