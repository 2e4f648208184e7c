package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/osce/accredit/domain"
)

type scanIn struct {
	Code         string     `json:"code" validate:"required,max=512"`
	Checkpoint   string     `json:"checkpoint" validate:"required,max=32"`
	Direction    string     `json:"direction" validate:"omitempty,scan_direction"`
	ScanID       string     `json:"scan_id" validate:"omitempty,uuid"`
	ScannedAt    *time.Time `json:"scanned_at"`
	Device       string     `json:"device" validate:"max=200"`
	DeviceResult string     `json:"device_result" validate:"omitempty,scan_result"`
}

func (in *scanIn) request() domain.ScanRequest {
	// Canonical, lower case: PostgreSQL's uuid column answers a resent
	// scan_id in lower case, and SQLite would otherwise keep one UUID
	// twice in two spellings.
	id := strings.ToLower(in.ScanID)
	if id == "" {
		id = uuid.NewString()
	}
	return domain.ScanRequest{ScanID: id, Code: in.Code, Checkpoint: in.Checkpoint, Direction: in.Direction,
		ScannedAt: in.ScannedAt, Device: in.Device, DeviceResult: in.DeviceResult}
}

func (s *Server) scan(c *gin.Context) {
	start := time.Now()
	body, err := readBody(c, maxJSON)
	if err != nil {
		problem(c, err)
		return
	}
	in, plain := decodeScan(body)
	if !plain {
		if err := bindBytes(body, &in); err != nil {
			problem(c, err)
			return
		}
	}
	if in.DeviceResult != "" {
		// What an offline device decided belongs to replays in a batch.
		problem(c, domain.Errorf(domain.CodeMalformedBody, `unknown field "device_result": it belongs to scans/batch`))
		return
	}
	req := in.request()
	req.Token = c.GetString(keyTokenHash)
	res, err := s.svc.Scan(c.Request.Context(), eventOf(c), req)
	if err != nil {
		problem(c, err)
		return
	}
	s.metrics.scanned(res, time.Since(start))
	if out, ok := appendScanResult(make([]byte, 0, 512), res); ok {
		c.Data(http.StatusOK, "application/json; charset=utf-8", out)
		return
	}
	c.JSON(http.StatusOK, scanResultOut(res))
}

func (s *Server) scanBatch(c *gin.Context) {
	start := time.Now()
	var in struct {
		Scans []scanIn `json:"scans" validate:"required,max=1000,dive"`
	}
	if err := bindJSON(c, &in); err != nil {
		problem(c, err)
		return
	}
	reqs := make([]domain.ScanRequest, len(in.Scans))
	for i := range in.Scans {
		reqs[i] = in.Scans[i].request()
	}
	results, err := s.svc.ScanBatch(c.Request.Context(), eventOf(c), reqs)
	if err != nil {
		problem(c, err)
		return
	}
	per := time.Since(start) / time.Duration(max(len(results), 1))
	for i := range results {
		s.metrics.scanned(&results[i], per)
	}
	c.JSON(http.StatusOK, gin.H{"results": mapList(results, scanResultOut)})
}

type scanRecordJSON struct {
	ScanID     string    `json:"scan_id"`
	BadgeID    *string   `json:"badge_id"`
	Serial     *int      `json:"serial"`
	Checkpoint string    `json:"checkpoint"`
	Direction  string    `json:"direction"`
	Result     string    `json:"result"`
	Reason     *string   `json:"reason"`
	Repeat     bool      `json:"repeat"`
	Conflict   bool      `json:"conflict"`
	Device     string    `json:"device"`
	ScannedAt  time.Time `json:"scanned_at"`
	ReceivedAt time.Time `json:"received_at"`
}

func scanRecordOut(r *domain.ScanRecord) scanRecordJSON {
	out := scanRecordJSON{ScanID: r.ScanID, BadgeID: strOrNil(r.BadgeID), Checkpoint: r.Checkpoint, Direction: r.Direction,
		Result: r.Result, Reason: strOrNil(r.Reason), Repeat: r.Repeat, Conflict: r.Conflict, Device: r.Device,
		ScannedAt: r.ScannedAt, ReceivedAt: r.ReceivedAt}
	if r.BadgeID != "" {
		out.Serial = &r.Serial
	}
	return out
}

func (s *Server) listScans(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		problem(c, err)
		return
	}
	f := domain.ScanFilter{Event: eventOf(c).Code, Badge: c.Query("badge"), Checkpoint: c.Query("checkpoint"),
		Result: c.Query("result"), Page: p}
	if f.Result != "" && f.Result != domain.ScanAccepted && f.Result != domain.ScanRejected {
		problem(c, domain.Invalid(domain.FieldError{Field: "result", Code: "oneof", Message: "must be accepted or rejected"}))
		return
	}
	items, next, err := s.svc.Scans(c.Request.Context(), f)
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(mapList(items, scanRecordOut), next))
}

// presence is who is inside now: the list a fire warden needs.
func (s *Server) presence(c *gin.Context) {
	items, err := s.svc.Presence(c.Request.Context(), eventOf(c).Code)
	if err != nil {
		problem(c, err)
		return
	}
	by := map[string]int{}
	for _, p := range items {
		by[p.Delegation]++
	}
	c.JSON(http.StatusOK, gin.H{"total": len(items), "by_delegation": by, "items": mapList(items, presenceOut)})
}

// attendance is one day (in the event's time zone) of first entries and
// last exits per delegate.
func (s *Server) attendance(c *gin.Context) {
	ev := eventOf(c)
	loc := ev.Location()
	day := c.Query("day")
	if day == "" {
		day = s.now().In(loc).Format(domain.DateLayout)
	}
	from, err := time.ParseInLocation(domain.DateLayout, day, loc)
	if err != nil {
		problem(c, domain.Invalid(domain.FieldError{Field: "day", Code: "datetime", Message: "must be a date YYYY-MM-DD"}))
		return
	}
	items, err := s.svc.Attendance(c.Request.Context(), ev.Code, from.UTC(), from.AddDate(0, 0, 1).UTC())
	if err != nil {
		problem(c, err)
		return
	}
	present := 0
	for _, a := range items {
		if a.FirstIn != nil {
			present++
		}
	}
	c.JSON(http.StatusOK, gin.H{"day": day, "present": present, "items": mapList(items, attendanceOut)})
}
