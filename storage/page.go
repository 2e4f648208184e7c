package storage

import (
	"encoding/base64"

	"gorm.io/gorm"

	"github.com/google/uuid"

	"github.com/osce/accredit/domain"
)

// Cursors are opaque to clients: the last key of the page, base64url.
func encodeCursor(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || len(b) > 200 {
		return "", domain.Invalid(domain.FieldError{Field: "cursor", Code: "invalid", Message: "is not a cursor this server issued"})
	}
	return string(b), nil
}

func limitOf(p domain.Page) int {
	switch {
	case p.Limit <= 0:
		return domain.DefaultPageSize
	case p.Limit > domain.MaxPageSize:
		return domain.MaxPageSize
	}
	return p.Limit
}

// pageOf trims one extra row fetched to learn whether a next page exists.
func pageOf[T any](rows []T, limit int, key func(T) string) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, encodeCursor(key(rows[len(rows)-1]))
}

// newID returns a time-ordered UUID (v7), so that keyset pages by id follow
// creation order.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

func validID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil && len(id) == 36
}

// afterKey continues a keyset page after key; the first page has none
// (and PostgreSQL would refuse ” as a uuid).
func afterKey(q *gorm.DB, column, key string) *gorm.DB {
	if key == "" {
		return q
	}
	return q.Where(column+" > ?", key)
}

// inEvent restricts a list to one event and orders it by key within the
// event. The event is a range, not an equality, on purpose: PostgreSQL
// drops a column compared for equality from the sort keys and then walks
// the primary key in id order, filtering, which for the newest event means
// passing every older event's rows first. As a range, only the
// (event_code, key) index gives the order, and each page is a short index
// scan however many events the database holds.
func inEvent(q *gorm.DB, event, key string) *gorm.DB {
	return q.Where("event_code >= ? AND event_code <= ?", event, event).Order("event_code, " + key)
}
