package domain

// Page is a keyset page request: items after Cursor, at most Limit.
type Page struct {
	Limit  int
	Cursor string
}

// Limits of list pages (SPEC §5).
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)
