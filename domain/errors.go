// Package domain holds accredit's entities, rules and the interfaces the
// outer packages implement. It imports neither Gin nor GORM: api and storage
// depend on it, never the other way round.
package domain

import (
	"errors"
	"fmt"
)

// Error codes are the machine-readable `code` values of api/openapi.yaml (Errors). They are the
// only vocabulary of failure that crosses package boundaries; api maps them
// to HTTP statuses in one table.
const (
	CodeMalformedBody        = "malformed_body"
	CodeUnauthorized         = "unauthorized"
	CodeForbidden            = "forbidden"
	CodeNotFound             = "not_found"
	CodeConflict             = "conflict"
	CodeQuotaExceeded        = "quota_exceeded"
	CodeCapacityReached      = "capacity_reached"
	CodeSessionFull          = "session_full"
	CodeDuplicateHead        = "duplicate_head"
	CodeDuplicatePerson      = "duplicate_person"
	CodeInvalidTransition    = "invalid_transition"
	CodeRegistrationClosed   = "registration_closed"
	CodePhotoRequired        = "photo_required"
	CodeTooLarge             = "too_large"
	CodeUnsupportedMediaType = "unsupported_media_type"
	CodeValidationFailed     = "validation_failed"
	CodeRateLimited          = "rate_limited"
	CodeUnavailable          = "unavailable"
	CodeInternal             = "internal"
)

// FieldError names one invalid input field by its JSON path
// (`document.number`), or by spreadsheet row and column for imports.
type FieldError struct {
	Row     int
	Field   string
	Code    string
	Message string
}

// Error is a failure the caller can act on. Anything that is not an *Error is
// internal: logged in full, shown to the caller only as "internal".
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// Cause is what went wrong underneath (a driver's error), for the log;
	// it is never shown to the caller.
	Cause error
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%d field errors)", e.Code, e.Message, len(e.Fields))
	}
	return e.Code + ": " + e.Message
}

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds a validation_failed error from field errors.
func Invalid(fields ...FieldError) *Error {
	msg := "the request has invalid fields"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: CodeValidationFailed, Message: msg, Fields: fields}
}

// ErrorCode returns the code of err, CodeInternal for anything unexpected and
// "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the caller-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code string) bool { return ErrorCode(err) == code }

// Unavailable says the database could not be reached, or went away before
// the outcome of a write was known (503 with Retry-After, api/openapi.yaml, Errors). A
// retry with the same scan_id or Idempotency-Key is told what happened.
func Unavailable(cause error) *Error {
	return &Error{Code: CodeUnavailable, Message: "the database is not available; retry shortly", Cause: cause}
}

// NotFound is the common "no such thing (or not visible to you)" error.
func NotFound(what string) *Error { return Errorf(CodeNotFound, "%s not found", what) }
