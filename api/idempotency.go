package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/domain"
)

// idempotent runs handle at most once per Idempotency-Key and token
// (api/openapi.yaml, POST …/nominations): a replay answers the first status and body; the same key with
// another body, or while the first request is still running, is 409; a
// failed request stores nothing, so its retry is judged afresh. handle
// passes once (nil without a key) to the change it makes, which claims
// the key and stores the answer in its own transaction.
func (s *Server) idempotent(c *gin.Context, body []byte, handle func(once *domain.Once) (int, any, error)) {
	key := c.GetHeader("Idempotency-Key")
	if key == "" {
		s.respond(c, func() (int, any, error) { return handle(nil) })
		return
	}
	if len(key) > 200 || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		problem(c, domain.Invalid(domain.FieldError{Field: "Idempotency-Key", Code: "invalid", Message: "must be 1 to 200 visible ASCII characters"}))
		return
	}
	ctx := c.Request.Context()
	sum := sha256.Sum256(body)
	k := domain.IdempotencyKey{Scope: actor(c).TokenID + " " + c.Request.Method + " " + c.Request.URL.Path,
		Key: key, Hash: hex.EncodeToString(sum[:])}
	release, err := s.svc.HoldIdempotencyKey(ctx, k)
	if err != nil {
		problem(c, err)
		return
	}
	defer release()
	if prior, err := s.svc.IdempotentAnswer(ctx, k); err != nil || prior != nil {
		s.replay(c, k, prior, err)
		return
	}
	var stored []byte
	once := &domain.Once{Key: k, Answer: func(n *domain.Nomination) (int, []byte, error) {
		b, err := json.Marshal(nominationOut(n))
		stored = b
		return http.StatusCreated, b, err
	}}
	status, out, err := handle(once)
	var replayed *domain.Replayed
	switch {
	case errors.As(err, &replayed): // answered between our look-up and our transaction
		s.replay(c, k, &replayed.Response, nil)
	case err != nil:
		problem(c, err)
	case stored != nil:
		c.Data(status, "application/json; charset=utf-8", stored)
	default: // the change recorded no answer: nothing to replay later
		c.JSON(status, out)
	}
}

// replay answers a stored answer, or refuses it to a different body.
func (s *Server) replay(c *gin.Context, k domain.IdempotencyKey, prior *domain.IdempotentResponse, err error) {
	switch {
	case err != nil:
		problem(c, err)
	case prior.RequestHash != k.Hash:
		problem(c, domain.Errorf(domain.CodeConflict, "this Idempotency-Key was used with a different request body"))
	default:
		c.Header("Idempotent-Replayed", "true")
		c.Data(prior.Status, "application/json; charset=utf-8", prior.Body)
	}
}

func (s *Server) respond(c *gin.Context, handle func() (int, any, error)) {
	status, out, err := handle()
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(status, out)
}
