package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/domain"
)

func (s *Server) submitNomination(c *gin.Context) {
	body, err := readBody(c, maxJSON)
	if err != nil {
		problem(c, err)
		return
	}
	s.idempotent(c, body, func(once *domain.Once) (int, any, error) {
		var in nominationIn
		if err := decodeStrict(body, &in); err != nil {
			return 0, nil, err
		}
		// Whose nomination it is, the service decides (domain.NominatesFor).
		n, err := s.svc.Submit(c.Request.Context(), eventOf(c), &domain.Nomination{Delegation: in.Delegation, Fields: in.fields()}, once,
			func(n *domain.Nomination) error { return checkFields(n.Delegation, &n.Fields) })
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, nominationOut(n), nil
	})
}

func (s *Server) listNominations(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		problem(c, err)
		return
	}
	f := domain.NominationFilter{Event: eventOf(c).Code, Delegation: c.Query("delegation"), Status: c.Query("status"),
		Mode: c.Query("mode"), Q: c.Query("q"), Page: p}
	if f.Status != "" && !domain.ValidStatus(f.Status) {
		problem(c, domain.Invalid(domain.FieldError{Field: "status", Code: "oneof", Message: "is not a nomination status"}))
		return
	}
	if f.Mode != "" && f.Mode != domain.ModeInPerson && f.Mode != domain.ModeOnline {
		problem(c, domain.Invalid(domain.FieldError{Field: "mode", Code: "oneof", Message: "must be in_person or online"}))
		return
	}
	items, next, err := s.svc.Nominations(c.Request.Context(), f)
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(mapList(items, nominationOut), next))
}

func (s *Server) getNomination(c *gin.Context) {
	n, err := s.svc.Nomination(c.Request.Context(), eventOf(c).Code, c.Param("id"))
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, nominationOut(n))
}

func (s *Server) editNomination(c *gin.Context) {
	body, err := readBody(c, maxJSON)
	if err != nil {
		problem(c, err)
		return
	}
	var given string // the delegation as the body gives it
	n, err := s.svc.Edit(c.Request.Context(), eventOf(c).Code, c.Param("id"), func(n *domain.Nomination) error {
		in := nominationInFrom(n.Delegation, &n.Fields)
		if err := decodeStrict(body, &in); err != nil {
			return err
		}
		given, n.Fields = in.Delegation, in.fields()
		return nil
	}, func(n *domain.Nomination) error {
		if err := checkFields(given, &n.Fields); err != nil {
			return err
		}
		if given != n.Delegation {
			return domain.Invalid(domain.FieldError{Field: "delegation", Code: "immutable", Message: "a nomination cannot move to another delegation"})
		}
		return nil
	})
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, nominationOut(n))
}

// act runs one status-machine action and answers the nomination as it now
// stands.
func (s *Server) act(c *gin.Context, n *domain.Nomination, err error) {
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, nominationOut(n))
}

func (s *Server) approve(c *gin.Context) {
	if err := bindOptionalJSON(c, &emptyIn{}); err != nil {
		problem(c, err)
		return
	}
	n, err := s.svc.Approve(c.Request.Context(), eventOf(c).Code, c.Param("id"))
	s.act(c, n, err)
}

func (s *Server) reject(c *gin.Context) {
	var in requiredReasonIn
	if err := bindJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	n, err := s.svc.Reject(c.Request.Context(), eventOf(c).Code, c.Param("id"), domain.CleanText(in.Reason))
	s.act(c, n, err)
}

func (s *Server) revoke(c *gin.Context) {
	var in requiredReasonIn
	if err := bindJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	n, err := s.svc.Revoke(c.Request.Context(), eventOf(c).Code, c.Param("id"), domain.CleanText(in.Reason))
	s.act(c, n, err)
}

func (s *Server) withdraw(c *gin.Context) {
	var in reasonIn
	if err := bindOptionalJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	n, err := s.svc.Withdraw(c.Request.Context(), eventOf(c).Code, c.Param("id"), domain.CleanText(in.Reason))
	s.act(c, n, err)
}

// substitute takes the new person's fields; mode and sessions default to
// the old nomination's.
func (s *Server) substitute(c *gin.Context) {
	body, err := readBody(c, maxJSON)
	if err != nil {
		problem(c, err)
		return
	}
	ctx, event := c.Request.Context(), eventOf(c).Code
	old, err := s.svc.Nomination(ctx, event, c.Param("id"))
	if err != nil {
		problem(c, err)
		return
	}
	in := nominationIn{Mode: old.Mode, Sessions: old.Sessions}
	if err := decodeStrict(body, &in); err != nil {
		problem(c, err)
		return
	}
	n, err := s.svc.Substitute(ctx, event, old.ID, in.fields(), func(n *domain.Nomination) error {
		if err := checkFields(in.Delegation, &n.Fields); err != nil {
			return err
		}
		if in.Delegation != "" && in.Delegation != old.Delegation {
			return domain.Invalid(domain.FieldError{Field: "delegation", Code: "immutable", Message: "a substitute belongs to the same delegation"})
		}
		return nil
	})
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusCreated, nominationOut(n))
}
