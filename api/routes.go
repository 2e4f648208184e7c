package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/web"
)

// routes is the whole API surface with each route's roles (api/openapi.yaml).
func (s *Server) routes() *gin.Engine {
	r := gin.New()
	// The client's address decides its rate limit: only the configured
	// proxies may name it; nil (or a list cmd/accredit did not check)
	// trusts no header.
	if err := r.SetTrustedProxies(s.proxies); err != nil {
		s.log.Error("trusted proxies refused; trusting none", "err", err.Error())
		_ = r.SetTrustedProxies(nil)
	}
	r.HandleMethodNotAllowed = true
	r.Use(secureHeaders, withRequestID, s.logRequests, s.recoverPanics, s.noteSeen)
	if s.metrics.enabled {
		r.Use(s.metrics.observe)
		r.GET("/metrics", s.metrics.handler())
	}
	r.NoRoute(func(c *gin.Context) {
		if methodLabel(c) == "OTHER" { // a method no route could have
			methodNotAllowed(c)
			return
		}
		problem(c, domain.Errorf(domain.CodeNotFound, "no such path"))
	})
	r.NoMethod(methodNotAllowed)
	s.webRoutes(r)
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/openapi.json", s.openapi)

	// A door device trades its enrolment code for a token: no token yet.
	r.POST("/v1/enrol", s.enrol)
	v1 := r.Group("/v1", s.authenticate)
	v1.GET("/me", s.me)
	v1.GET("/delegations", anyone, s.listDelegations)
	v1.POST("/delegations", secretariat, s.createDelegation)
	v1.PATCH("/delegations/:code", secretariat, s.updateDelegation)
	v1.POST("/tokens", secretariat, s.createToken)
	v1.GET("/tokens", secretariat, s.listTokens)
	v1.DELETE("/tokens/:id", secretariat, s.revokeToken)
	v1.GET("/audit", secretariat, s.listAudit)
	v1.POST("/events", secretariat, s.createEvent)
	v1.GET("/events", anyone, s.listEvents)

	// An event's routes read the token and the event in one round trip.
	ev := r.Group("/v1/events/:event", s.authenticateEvent)
	ev.GET("", anyone, s.getEvent)
	ev.PATCH("", secretariat, s.updateEvent)
	ev.GET("/quotas", nominators, s.listQuotas)
	ev.PUT("/quotas/:delegation", secretariat, s.setQuota)
	ev.POST("/sessions", secretariat, s.createSession)
	ev.GET("/sessions", anyone, s.listSessions)
	ev.POST("/checkpoints", secretariat, s.createCheckpoint)
	ev.GET("/checkpoints", anyone, s.listCheckpoints)

	ev.POST("/nominations", nominators, s.submitNomination)
	s.reportRoutes(ev)
	ev.GET("/nominations", nominators, s.listNominations)
	nom := ev.Group("/nominations/:id")
	nom.GET("", nominators, s.getNomination)
	nom.PATCH("", nominators, s.editNomination)
	nom.POST("/approve", secretariat, s.approve)
	nom.POST("/reject", secretariat, s.reject)
	nom.POST("/revoke", secretariat, s.revoke)
	nom.POST("/withdraw", nominators, s.withdraw)
	nom.POST("/substitute", nominators, s.substitute)
	nom.PUT("/photo", nominators, s.putPhoto)
	nom.GET("/photo", anyone, s.getPhoto)

	ev.GET("/badges", nominators, s.listBadges)
	ev.POST("/badges/print", secretariat, s.printBadges)
	bdg := ev.Group("/badges/:id")
	bdg.GET("", nominators, s.getBadge)
	bdg.GET("/badge.pdf", nominators, s.badgePDF)
	bdg.POST("/reissue", secretariat, s.reissueBadge)
	ev.GET("/badge-keys", guards, s.badgeKeys)
	ev.GET("/revocations", guards, s.revocations)
	// A badge's QR is fetched for every badge a delegation's portal or a
	// printer shows: it reads token, event and badge in one round trip.
	r.GET("/v1/events/:event/badges/:id/qr.png", s.authenticateBadge, nominators, s.badgeQR)
	// The door: the one route a queue waits on reads views and lets the
	// write re-check them.
	door := r.Group("/v1/events/:event", s.authenticateView, s.loadScanEvent)
	door.POST("/scans", guards, s.scan)
	ev.POST("/scans/batch", guards, s.scanBatch)
	ev.GET("/scans", secretariat, s.listScans)
	ev.GET("/attendance", secretariat, s.attendance)
	ev.GET("/presence", guards, s.presence)
	ev.POST("/enrolments", secretariat, s.createEnrolment)
	ev.GET("/enrolments/:code/qr.png", secretariat, s.enrolmentQR)
	ev.GET("/roster", guards, s.roster) // and only when the event has offline_roster
	return r
}

// webRoutes mounts the landing page and the three web applications of
// README; they need no token (the apps ask for one and keep it).
func (s *Server) webRoutes(r *gin.Engine) {
	site := gin.WrapH(web.Embedded)
	paths := web.Embedded.RootFiles()
	for _, app := range web.Apps {
		paths = append(paths, "/"+app, "/"+app+"/*file")
	}
	for _, dir := range web.Shared {
		paths = append(paths, "/"+dir+"/*file")
	}
	for _, p := range paths {
		r.GET(p, site)
		r.HEAD(p, site)
	}
}

// methodNotAllowed answers 405, naming the method only when it is one of
// the known ones: an invented method is not echoed.
func methodNotAllowed(c *gin.Context) {
	writeProblem(c, problemJSON{Type: "urn:accredit:problem:method_not_allowed", Title: "Method not allowed",
		Status: http.StatusMethodNotAllowed, Detail: methodLabel(c) + " is not allowed here", Code: "method_not_allowed"})
}
