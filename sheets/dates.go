package sheets

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Excel serial day numbers taken as dates: 3000 is 1908-03-18 and 2958465
// is 9999-12-31. The lower bound keeps a year typed as a number ("1975")
// from turning into a date in 1905, and skips Excel's fictitious
// 1900-02-29.
const (
	minSerial = 3000
	maxSerial = 2958465
)

// excelEpoch is day 0 of Excel's 1900 date system, as seen from serial
// numbers after February 1900 (Excel counts a 29 February 1900 that never
// was).
var excelEpoch = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)

// normaliseDate turns what Excel users type or Excel stores for a date
// into YYYY-MM-DD: ISO dates (also with a time part, as XLSX date cells
// hold them), Excel serial numbers, and European DD.MM.YYYY or DD/MM/YYYY
// (day and month may have one digit). Anything else, including impossible
// dates such as 31.02.2030, is returned unchanged for the caller to
// report.
func normaliseDate(s string) string {
	if d, ok := parseDate(s); ok {
		return d.Format(time.DateOnly)
	}
	return s
}

func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		return time.Time{}, false
	}
	// An ISO date, possibly with a time ("1975-03-12T00:00:00Z").
	if len(s) >= 8 && len(s) <= 10 || len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		date := s
		if len(s) > 10 {
			if _, ok := parseClock(s[11:]); !ok {
				return time.Time{}, false
			}
			date = s[:10]
		}
		if y, m, d, ok := split3(date, '-'); ok && len(y) == 4 {
			return civil(y, m, d)
		}
	}
	// Excel serial number, possibly with a time fraction.
	if f, err := strconv.ParseFloat(s, 64); err == nil && isDecimal(s) {
		if f >= minSerial && f < maxSerial+1 {
			return excelEpoch.AddDate(0, 0, int(math.Floor(f))), true
		}
		return time.Time{}, false
	}
	// European day first.
	for _, sep := range []byte{'.', '/'} {
		if d, m, y, ok := split3(strings.TrimSuffix(s, "."), sep); ok && len(y) == 4 && len(d) <= 2 && len(m) <= 2 {
			return civil(y, m, d)
		}
	}
	return time.Time{}, false
}

// parseClock accepts the time part of an ISO date-time: HH:MM[:SS[.fff]]
// with an optional Z or numeric offset, which is ignored (a date of birth
// has no time zone).
func parseClock(s string) (time.Time, bool) {
	for _, layout := range []string{"15:04:05Z07:00", "15:04:05Z", "15:04:05", "15:04Z", "15:04"} {
		if t, err := time.Parse(layout, strings.Replace(s, ",", ".", 1)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// split3 splits s into three non-empty runs of ASCII digits around sep.
func split3(s string, sep byte) (a, b, c string, ok bool) {
	parts := strings.Split(s, string(sep))
	if len(parts) != 3 {
		return "", "", "", false
	}
	for _, p := range parts {
		if p == "" || !allDigits(p) {
			return "", "", "", false
		}
	}
	return parts[0], parts[1], parts[2], true
}

// civil builds a calendar date, refusing impossible ones.
func civil(ys, ms, ds string) (time.Time, bool) {
	y, _ := strconv.Atoi(ys)
	m, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	if len(ms) > 2 || len(ds) > 2 || m < 1 || m > 12 || d < 1 || d > 31 || y < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || t.Month() != time.Month(m) {
		return time.Time{}, false
	}
	return t, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isDecimal accepts plain decimal numbers ("27834", "27834.5"), not the
// other spellings ParseFloat knows ("1e4", "Inf", "0x1p-2").
func isDecimal(s string) bool {
	i, f, _ := strings.Cut(s, ".")
	return allDigits(i) && (f == "" || allDigits(f))
}
