package api

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/domain"
)

func (s *Server) createEvent(c *gin.Context) {
	var in eventIn
	if err := bindJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	e := &domain.Event{}
	in.applyTo(e)
	e, err := s.svc.CreateEvent(c.Request.Context(), e)
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusCreated, eventOut(e))
}

func (s *Server) listEvents(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		problem(c, err)
		return
	}
	items, next, err := s.svc.Events(c.Request.Context(), p)
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(mapList(items, eventOut), next))
}

func (s *Server) getEvent(c *gin.Context) { c.JSON(http.StatusOK, eventOut(eventOf(c))) }

func (s *Server) updateEvent(c *gin.Context) {
	body, err := readBody(c, maxJSON)
	if err != nil {
		problem(c, err)
		return
	}
	e, err := s.svc.UpdateEvent(c.Request.Context(), eventOf(c).Code, func(e *domain.Event) error {
		in := eventInFrom(e)
		if err := decodeStrict(body, &in); err != nil {
			return err
		}
		if err := check(&in); err != nil {
			return err
		}
		in.applyTo(e)
		return nil
	})
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, eventOut(e))
}

func (s *Server) listQuotas(c *gin.Context) {
	items, err := s.svc.Quotas(c.Request.Context(), eventOf(c), c.Query("delegation"))
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": mapList(items, quotaUsageOut)})
}

// setQuota takes both modes explicitly: null is "unlimited", so a missing
// key must not silently mean it.
func (s *Server) setQuota(c *gin.Context) {
	var in struct {
		InPerson json.RawMessage `json:"in_person"`
		Online   json.RawMessage `json:"online"`
	}
	if err := bindJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	var limits domain.Limits
	var fe []domain.FieldError
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  **int
	}{{"in_person", in.InPerson, &limits.InPerson}, {"online", in.Online, &limits.Online}} {
		if f.raw == nil {
			fe = append(fe, domain.FieldError{Field: f.name, Code: "required", Message: "is required (a number, or null for unlimited)"})
			continue
		}
		if err := json.Unmarshal(f.raw, f.dst); err != nil {
			problem(c, domain.Errorf(domain.CodeMalformedBody, "%s must be a whole number or null", f.name))
			return
		}
		if *f.dst != nil && **f.dst < 0 {
			fe = append(fe, domain.FieldError{Field: f.name, Code: "min", Message: "must be at least 0, or null"})
		}
	}
	if len(fe) > 0 {
		problem(c, domain.Invalid(fe...))
		return
	}
	u, err := s.svc.SetQuota(c.Request.Context(), eventOf(c), c.Param("delegation"), limits)
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, quotaUsageOut(u))
}

func (s *Server) createSession(c *gin.Context) {
	var in sessionIn
	if err := bindJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	ss := &domain.Session{Event: eventOf(c).Code, Title: domain.CleanText(in.Title), StartsAt: in.StartsAt.UTC(),
		EndsAt: in.EndsAt.UTC(), Room: domain.CleanText(in.Room), Capacity: in.Capacity}
	if err := s.svc.CreateSession(c.Request.Context(), ss); err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusCreated, sessionOut(ss))
}

func (s *Server) listSessions(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		problem(c, err)
		return
	}
	items, next, err := s.svc.Sessions(c.Request.Context(), eventOf(c).Code, p)
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(mapList(items, sessionOut), next))
}

func (s *Server) createCheckpoint(c *gin.Context) {
	var in checkpointIn
	if err := bindJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	if !domain.CodePattern.MatchString(in.Code) {
		problem(c, domain.Invalid(domain.FieldError{Field: "code", Code: "pattern", Message: "must match ^[A-Z0-9-]{2,32}$"}))
		return
	}
	cp := &domain.Checkpoint{Event: eventOf(c).Code, Code: in.Code, Name: domain.CleanText(in.Name), Direction: in.Direction, Categories: in.Categories}
	if err := s.svc.CreateCheckpoint(c.Request.Context(), cp); err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusCreated, checkpointOut(cp))
}

func (s *Server) listCheckpoints(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		problem(c, err)
		return
	}
	items, next, err := s.svc.Checkpoints(c.Request.Context(), eventOf(c).Code, p)
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(mapList(items, checkpointOut), next))
}
