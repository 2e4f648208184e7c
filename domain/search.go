package domain

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// SearchKey folds text for searching: lower case, accents removed, so that
// "turcanu", "Țurcanu" and "ȚURCANU" find each other in any database.
func SearchKey(parts ...string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	s, _, err := transform.String(t, strings.ToLower(strings.Join(parts, " ")))
	if err != nil {
		return strings.ToLower(strings.Join(parts, " "))
	}
	return s
}
