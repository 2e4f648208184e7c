package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/domain"
)

// statusOf is the one place where domain error codes become HTTP statuses.
var statusOf = map[string]int{
	domain.CodeMalformedBody:        http.StatusBadRequest,
	domain.CodeUnauthorized:         http.StatusUnauthorized,
	domain.CodeForbidden:            http.StatusForbidden,
	domain.CodeNotFound:             http.StatusNotFound,
	domain.CodeConflict:             http.StatusConflict,
	domain.CodeQuotaExceeded:        http.StatusConflict,
	domain.CodeCapacityReached:      http.StatusConflict,
	domain.CodeSessionFull:          http.StatusConflict,
	domain.CodeDuplicateHead:        http.StatusConflict,
	domain.CodeDuplicatePerson:      http.StatusConflict,
	domain.CodeInvalidTransition:    http.StatusConflict,
	domain.CodeRegistrationClosed:   http.StatusConflict,
	domain.CodePhotoRequired:        http.StatusConflict,
	domain.CodeTooLarge:             http.StatusRequestEntityTooLarge,
	domain.CodeUnsupportedMediaType: http.StatusUnsupportedMediaType,
	domain.CodeValidationFailed:     http.StatusUnprocessableEntity,
	domain.CodeRateLimited:          http.StatusTooManyRequests,
	domain.CodeUnavailable:          http.StatusServiceUnavailable,
	domain.CodeInternal:             http.StatusInternalServerError,
}

// retryAfter is how long a client should wait after 503 unavailable, in
// seconds: a PostgreSQL restart or a failover's reconnect takes about that,
// and a door's retry sooner would only add to the queue.
const retryAfter = "1"

// problemJSON is RFC 9457 problem details with our code and field errors.
type problemJSON struct {
	Type   string           `json:"type"`
	Title  string           `json:"title"`
	Status int              `json:"status"`
	Detail string           `json:"detail"`
	Code   string           `json:"code"`
	Errors []fieldErrorJSON `json:"errors,omitempty"`
}

// problem answers err as problem+json and stops the handler chain.
// Internal errors are logged with the request id and shown as "internal".
func problem(c *gin.Context, err error) {
	code := domain.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status, code = http.StatusInternalServerError, domain.CodeInternal
	}
	p := problemJSON{Type: "urn:accredit:problem:" + code, Title: title(code), Status: status,
		Detail: domain.ErrorMessage(err), Code: code}
	var de *domain.Error
	if asDomain(err, &de) {
		p.Errors = fieldErrorsOut(de.Fields)
	}
	switch status {
	case http.StatusInternalServerError:
		logOf(c).ErrorContext(c.Request.Context(), "internal error", "err", err.Error(), "request_id", requestID(c),
			"route", c.FullPath())
	case http.StatusServiceUnavailable:
		logOf(c).WarnContext(c.Request.Context(), "database unavailable", "err", err.Error(), "request_id", requestID(c),
			"route", c.FullPath())
		c.Header("Retry-After", retryAfter)
	case http.StatusUnauthorized:
		c.Header("WWW-Authenticate", `Bearer realm="accredit"`)
	}
	writeProblem(c, p)
}

func writeProblem(c *gin.Context, p problemJSON) {
	body, _ := json.Marshal(p)
	c.Abort()
	c.Data(p.Status, "application/problem+json", body)
}

func title(code string) string {
	t := strings.ReplaceAll(code, "_", " ")
	return strings.ToUpper(t[:1]) + t[1:]
}
