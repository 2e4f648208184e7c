package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/osce/accredit/domain"
)

// The door's scan route is the one hot path: decoding and validating its
// body by reflection, and encoding its answer the same way, was a large
// share of the server's CPU under the scan load (docs/performance.md, "The
// query styles"). What follows reads the plain case
// by hand and answers by hand. It never decides anything the general path
// would decide otherwise: a body it is unsure of (an escape, a null, an
// unknown or repeated key, anything invalid) goes to bindJSON, so every
// refusal is still bindJSON's own. FuzzScanDecode and FuzzScanAnswer hold
// both to that.

// decodeScan reads a scan body that is a flat object of plain strings and
// valid as it stands. ok false says: use bindJSON (into a fresh scanIn,
// as decodeScan then returns, not half of what it read).
func decodeScan(b []byte) (scanIn, bool) {
	if in, ok := readPlainScan(b); ok {
		return in, true
	}
	return scanIn{}, false
}

func readPlainScan(b []byte) (in scanIn, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return in, false
	}
	var seen [7]bool
	for first := true; ; first = false {
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == '}' && first {
			return in, false // {}: the general path names what is missing
		}
		key, j, ok := plainString(b, i)
		if !ok {
			return in, false
		}
		j = skipSpace(b, j)
		if j >= len(b) || b[j] != ':' {
			return in, false
		}
		j = skipSpace(b, j+1)
		start := j
		val, j, ok := plainString(b, j)
		if !ok {
			return in, false
		}
		var dst *string
		n := -1
		switch string(key) {
		case "code":
			n, dst = 0, &in.Code
		case "checkpoint":
			n, dst = 1, &in.Checkpoint
		case "direction":
			n, dst = 2, &in.Direction
		case "scan_id":
			n, dst = 3, &in.ScanID
		case "scanned_at":
			n = 4
			var t time.Time
			// The very parser encoding/json would call for *time.Time.
			if t.UnmarshalJSON(b[start:j]) != nil {
				return in, false
			}
			in.ScannedAt = &t
		case "device":
			n, dst = 5, &in.Device
		case "device_result":
			n, dst = 6, &in.DeviceResult
		}
		if n < 0 || seen[n] {
			return in, false
		}
		seen[n] = true
		if dst != nil {
			*dst = string(val)
		}
		i = skipSpace(b, j)
		if i >= len(b) {
			return in, false
		}
		if b[i] == '}' {
			break
		}
		if b[i] != ',' {
			return in, false
		}
	}
	if skipSpace(b, i+1) != len(b) {
		return in, false
	}
	return in, in.plainlyValid()
}

// plainlyValid is scanIn's validate tags, for the fast path only.
func (in *scanIn) plainlyValid() bool {
	runes := utf8.RuneCountInString
	return in.Code != "" && runes(in.Code) <= 512 &&
		in.Checkpoint != "" && runes(in.Checkpoint) <= 32 &&
		(in.Direction == "" || in.Direction == domain.DirectionIn || in.Direction == domain.DirectionOut) &&
		(in.ScanID == "" || isUUID(in.ScanID)) &&
		runes(in.Device) <= 200 &&
		(in.DeviceResult == "" || in.DeviceResult == domain.ScanAccepted || in.DeviceResult == domain.ScanRejected)
}

// isUUID is validator's "uuid": hex in 8-4-4-4-12, either case.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// plainString reads the JSON string at b[i]: no escapes, no control
// characters, valid UTF-8 (encoding/json would replace invalid bytes).
// It returns its text and the index after its closing quote.
func plainString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	end := bytes.IndexByte(b[i+1:], '"')
	if end < 0 {
		return nil, i, false
	}
	s := b[i+1 : i+1+end]
	for _, c := range s {
		if c < 0x20 || c == '\\' {
			return nil, i, false
		}
	}
	if !utf8.Valid(s) {
		return nil, i, false
	}
	return s, i + end + 2, true
}

// appendScanResult writes r as encoding/json would. ok false says a
// value needs its care (a year outside 0–9999, a zone a day or more
// away, which encoding/json refuses): use it instead.
func appendScanResult(b []byte, r *domain.ScanResult) ([]byte, bool) {
	_, off := r.ScannedAt.Zone()
	if y := r.ScannedAt.Year(); y < 0 || y > 9999 || off <= -86400 || off >= 86400 {
		return b, false
	}
	b = append(b, `{"scan_id":`...)
	b = appendJSONString(b, r.ScanID)
	b = append(b, `,"result":`...)
	b = appendJSONString(b, r.Result)
	b = append(b, `,"reason":`...)
	b = appendJSONStringOrNull(b, r.Reason)
	b = append(b, `,"badge":`...)
	if r.Badge == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"id":`...)
		b = appendJSONString(b, r.Badge.ID)
		b = append(b, `,"serial":`...)
		b = strconv.AppendInt(b, int64(r.Badge.Serial), 10)
		b = append(b, `,"category":`...)
		b = appendJSONString(b, r.Badge.Category)
		b = append(b, '}')
	}
	b = append(b, `,"delegate":`...)
	if d := r.Delegate; d == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"display_name":`...)
		b = appendJSONString(b, d.DisplayName)
		b = append(b, `,"delegation":`...)
		b = appendJSONString(b, d.Delegation)
		b = append(b, `,"category":`...)
		b = appendJSONString(b, d.Category)
		b = append(b, `,"photo_url":`...)
		b = appendJSONStringOrNull(b, d.PhotoURL)
		b = append(b, '}')
	}
	b = append(b, `,"repeat":`...)
	b = strconv.AppendBool(b, r.Repeat)
	b = append(b, `,"scanned_at":"`...)
	b = r.ScannedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if r.Conflict != nil {
		b = append(b, `,"conflict":`...)
		b = strconv.AppendBool(b, *r.Conflict)
	}
	return append(b, '}'), true
}

// appendJSONString quotes s as encoding/json does: text that needs no
// escaping is copied, anything else (quotes, controls, <, >, &, non-ASCII
// that json escapes) goes through json.Marshal.
// appendJSONStringOrNull is appendJSONString for an optional string.
func appendJSONStringOrNull(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *s)
}

func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
