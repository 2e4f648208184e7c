package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/domain"
)

func (s *Server) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

func (s *Server) readyz(c *gin.Context) {
	if err := s.svc.Ping(c.Request.Context()); err != nil {
		problem(c, domain.Errorf(domain.CodeUnavailable, "the database does not answer"))
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

func (s *Server) me(c *gin.Context) {
	a := actor(c)
	c.JSON(http.StatusOK, gin.H{"token_id": a.TokenID, "name": a.Name, "role": a.Role,
		"delegation": strOrNil(a.Delegation), "event": strOrNil(a.Event)})
}

// page reads limit and cursor; a limit outside 1..500 is refused rather
// than silently changed.
func page(c *gin.Context) (domain.Page, error) {
	p := domain.Page{Limit: domain.DefaultPageSize, Cursor: c.Query("cursor")}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > domain.MaxPageSize {
			return p, domain.Invalid(domain.FieldError{Field: "limit", Code: "range", Message: "must be a whole number from 1 to 500"})
		}
		p.Limit = n
	}
	return p, nil
}

func (s *Server) listAudit(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		problem(c, err)
		return
	}
	items, next, err := s.svc.Audit(c.Request.Context(), domain.AuditFilter{Event: c.Query("event"), Action: c.Query("action"),
		Target: c.Query("target"), Page: p})
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(mapList(items, auditOut), next))
}

func (s *Server) createToken(c *gin.Context) {
	var in tokenIn
	if err := bindJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	t := &domain.Token{Name: domain.CleanText(in.Name), Role: domain.Role(in.Role), Delegation: in.Delegation,
		Event: in.Event, ExpiresAt: utc(in.ExpiresAt)}
	secret, err := s.svc.CreateToken(c.Request.Context(), t)
	if err != nil {
		problem(c, err)
		return
	}
	out := tokenOut(t)
	out.Token = secret
	c.JSON(http.StatusCreated, out)
}

func (s *Server) listTokens(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		problem(c, err)
		return
	}
	items, next, err := s.svc.Tokens(c.Request.Context(), p)
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(mapList(items, tokenOut), next))
}

func (s *Server) revokeToken(c *gin.Context) {
	if _, err := s.svc.RevokeToken(c.Request.Context(), c.Param("id")); err != nil {
		problem(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listDelegations(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		problem(c, err)
		return
	}
	items, next, err := s.svc.Delegations(c.Request.Context(), p)
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(mapList(items, delegationOut), next))
}

func (s *Server) createDelegation(c *gin.Context) {
	var in delegationIn
	if err := bindJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	d := &domain.Delegation{Code: in.Code, Name: domain.CleanText(in.Name), Kind: in.Kind, Group: domain.CleanText(in.Group)}
	if err := s.svc.CreateDelegation(c.Request.Context(), d); err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusCreated, delegationOut(d))
}

func (s *Server) updateDelegation(c *gin.Context) {
	body, err := readBody(c, maxJSON)
	if err != nil {
		problem(c, err)
		return
	}
	d, err := s.svc.UpdateDelegation(c.Request.Context(), c.Param("code"), func(d *domain.Delegation) error {
		in := delegationIn{Code: d.Code, Name: d.Name, Kind: d.Kind, Group: d.Group}
		if err := decodeStrict(body, &in); err != nil {
			return err
		}
		if err := check(&in); err != nil {
			return err
		}
		*d = domain.Delegation{Code: in.Code, Name: domain.CleanText(in.Name), Kind: in.Kind, Group: domain.CleanText(in.Group)}
		return nil
	})
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, delegationOut(d))
}
