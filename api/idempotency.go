package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/domain"
)

// record stores a request's answer inside the transaction that makes its
// change, so that the answer and the change commit together; nil when the
// request carries no Idempotency-Key.
type record func(tx domain.Tx, status int, out any) error

// idempotent runs handle at most once per Idempotency-Key and token (SPEC
// §6): a replay answers the first status and body; the same key with
// another body, or while the first request is still running, is 409; a
// failed request stores nothing, so its retry is judged afresh.
func (s *Server) idempotent(c *gin.Context, body []byte, handle func(record) (int, any, error)) {
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
	scope := actor(c).TokenID + " " + c.Request.Method + " " + c.Request.URL.Path
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	prior, err := s.store.ReserveIdempotencyKey(ctx, scope, key, hash)
	switch {
	case err != nil:
		problem(c, err)
		return
	case prior != nil && prior.RequestHash != hash:
		problem(c, domain.Errorf(domain.CodeConflict, "this Idempotency-Key was used with a different request body"))
		return
	case prior != nil && !prior.Done:
		problem(c, domain.Errorf(domain.CodeConflict, "a request with this Idempotency-Key is still in progress; retry later"))
		return
	case prior != nil:
		c.Header("Idempotent-Replayed", "true")
		c.Data(prior.Status, "application/json; charset=utf-8", prior.Body)
		return
	}
	var stored []byte
	status, out, err := handle(func(tx domain.Tx, status int, out any) error {
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		stored = b
		return tx.CompleteIdempotencyKey(ctx, scope, key, status, b)
	})
	// The outcome is recorded even if the client went away meanwhile.
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err != nil {
		if rerr := s.store.ReleaseIdempotencyKey(bg, scope, key); rerr != nil {
			s.log.Error("release idempotency key", "err", rerr, "request_id", requestID(c))
		}
		problem(c, err)
		return
	}
	if stored == nil { // the handler had no transaction to record in
		if stored, err = json.Marshal(out); err == nil {
			err = s.store.CompleteIdempotencyKey(bg, scope, key, status, stored)
		}
		if err != nil {
			problem(c, err)
			return
		}
	}
	c.Data(status, "application/json; charset=utf-8", stored)
}

func (s *Server) respond(c *gin.Context, handle func() (int, any, error)) {
	status, out, err := handle()
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(status, out)
}
