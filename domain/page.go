package domain

// Page is a keyset page request: items after Cursor, at most Limit.
type Page struct {
	Limit  int
	Cursor string
}

// Limits of list pages (api/openapi.yaml, Conventions).
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)
