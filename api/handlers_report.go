package api

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/reports"
	"github.com/osce/accredit/sheets"
)

// mimeCSV is what CSV downloads are sent as; XLSX ones are
// sheets.MediaTypeXLSX.
const mimeCSV = "text/csv; charset=utf-8"

// tableFormat is one way of serving a table: a header and rows.
type tableFormat struct {
	mime, ext string
	write     func(w io.Writer, sheet string, header []string, rows [][]string) error
}

// tableFormats are the formats every tabular report is served in. A new
// one is an entry here and in the format enums of api/openapi.yaml
// (docs/architecture.md, Recipes).
var tableFormats = map[string]tableFormat{
	"csv": {mimeCSV, ".csv", func(w io.Writer, _ string, header []string, rows [][]string) error {
		return sheets.WriteCSV(w, header, rows)
	}},
	"xlsx": {sheets.MediaTypeXLSX, ".xlsx", sheets.WriteXLSX},
}

// participantFormats are the List of Participants' formats: JSON, PDF and
// every table format.
var participantFormats = func() []string {
	f := []string{"json", "pdf"}
	for name := range tableFormats {
		f = append(f, name)
	}
	slices.Sort(f[2:])
	return f
}()

// badFormat refuses a format that is not one of formats.
func badFormat(formats []string) error {
	return domain.Invalid(domain.FieldError{Field: "format", Code: "oneof", Message: "must be one of: " + strings.Join(formats, ", ")})
}

func (s *Server) summary(c *gin.Context) {
	sum, err := s.svc.Summary(c.Request.Context(), eventOf(c))
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, summaryOut(sum))
}

// participants is the List of Participants in JSON, CSV, XLSX or PDF.
func (s *Server) participants(c *gin.Context) {
	ev := eventOf(c)
	attended, err := boolQuery(c, "attended_only")
	if err != nil {
		problem(c, err)
		return
	}
	format := c.DefaultQuery("format", "json")
	if !slices.Contains(participantFormats, format) {
		problem(c, badFormat(participantFormats))
		return
	}
	list, err := s.svc.ParticipantList(c.Request.Context(), ev, attended)
	if err != nil {
		problem(c, err)
		return
	}
	name := "list-of-participants-" + ev.Code
	var buf bytes.Buffer
	switch format {
	case "json":
		c.JSON(http.StatusOK, participantListOut(list))
		return
	case "pdf":
		err = reports.ParticipantsPDF(&buf, reports.Heading{Title: ev.Title, Venue: ev.Venue, Dates: formatDates(ev.StartsOn, ev.EndsOn)}, *list)
		s.attachment(c, &buf, err, "application/pdf", name+".pdf")
	default:
		header, rows := reports.ParticipantsRows(*list)
		s.table(c, format, name, "Participants", header, rows)
	}
}

// table answers a header and rows in one of tableFormats; any other
// format is refused, never served as CSV.
func (s *Server) table(c *gin.Context, format, name, sheet string, header []string, rows [][]string) {
	tf, ok := tableFormats[format]
	if !ok {
		problem(c, badFormat(slices.Sorted(maps.Keys(tableFormats))))
		return
	}
	var buf bytes.Buffer
	err := tf.write(&buf, sheet, header, rows)
	s.attachment(c, &buf, err, tf.mime, name+tf.ext)
}

// attachment sends a rendered file; rendering completes before the first
// byte so that a failure can still be a problem+json.
func (s *Server) attachment(c *gin.Context, buf *bytes.Buffer, err error, mime, filename string) {
	if err != nil {
		problem(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Data(http.StatusOK, mime, buf.Bytes())
}

func boolQuery(c *gin.Context, key string) (bool, error) {
	v := c.Query(key)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, domain.Invalid(domain.FieldError{Field: key, Code: "bool", Message: "must be true or false"})
	}
	return b, nil
}
