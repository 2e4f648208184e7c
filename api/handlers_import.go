package api

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/sheets"
)

// importNominations takes a CSV or XLSX of nominations, all or nothing
// (api/openapi.yaml, POST …/nominations/import): rows are checked like single submissions, errors come back by
// spreadsheet row and column, and nothing is saved unless every row is good.
func (s *Server) importNominations(c *gin.Context) {
	dryRun, err := boolQuery(c, "dry_run")
	if err != nil {
		problem(c, err)
		return
	}
	ct, body, err := readSheet(c)
	if err != nil {
		problem(c, err)
		return
	}
	rows, err := sheets.Parse(ct, body)
	if err != nil {
		problem(c, err)
		return
	}
	in := make([]domain.ImportRow, len(rows))
	for i, r := range rows {
		in[i] = domain.ImportRow{Line: r.Line, Nomination: r.Nomination()}
	}
	created, err := s.svc.Import(c.Request.Context(), eventOf(c), in, dryRun, importVet(actor(c)))
	var de *domain.Error
	if asDomain(err, &de) {
		for i := range de.Fields {
			de.Fields[i].Field = columnOf(de.Fields[i].Field)
		}
	}
	if err != nil {
		problem(c, err)
		return
	}
	if dryRun {
		c.JSON(http.StatusOK, gin.H{"created": 0, "valid": len(created)})
		return
	}
	c.JSON(http.StatusCreated, gin.H{"created": len(created), "items": mapList(created, nominationOut)})
}

// importVet checks each row exactly as a JSON submission is checked and
// gathers all of a row's problems; Import gives them the row's line, and
// importNominations names their columns.
func importVet(a domain.Actor) domain.Vet {
	return func(n *domain.Nomination) error {
		var fe []domain.FieldError
		var de *domain.Error
		if err := checkFields(n.Delegation, &n.Fields); asDomain(err, &de) {
			fe = append(fe, de.Fields...)
		} else if err != nil {
			return err
		}
		deleg, err := domain.NominatesFor(a, n.Delegation)
		switch {
		case asDomain(err, &de) && len(de.Fields) > 0:
			fe = append(fe, de.Fields...)
		case err != nil:
			fe = append(fe, domain.FieldError{Field: "delegation", Code: domain.ErrorCode(err), Message: domain.ErrorMessage(err)})
		}
		n.Delegation = deleg
		if len(fe) > 0 {
			return domain.Invalid(fe...)
		}
		return nil
	}
}

// columnOf turns a JSON path into the spreadsheet column it came from.
func columnOf(field string) string {
	if strings.HasPrefix(field, "document.") {
		return "document_" + strings.TrimPrefix(field, "document.")
	}
	if strings.HasPrefix(field, "sessions[") {
		return "sessions"
	}
	return field
}

// readSheet takes the file as the raw body or as the multipart field
// "file", within the upload limit.
func readSheet(c *gin.Context) (string, []byte, error) {
	mt, params, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mt == "multipart/form-data" {
		mr := multipartReader(http.MaxBytesReader(c.Writer, c.Request.Body, maxUpload+multipartSlack), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				if err == io.EOF {
					return "", nil, domain.Invalid(domain.FieldError{Field: "file", Code: "required", Message: "the multipart body has no field file"})
				}
				return "", nil, uploadError(err)
			}
			if part.FormName() != "file" {
				continue
			}
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(limitReader(part, maxUpload+1)); err != nil {
				return "", nil, uploadError(err)
			}
			if buf.Len() > maxUpload {
				return "", nil, domain.Errorf(domain.CodeTooLarge, "the file is larger than 10 MiB")
			}
			return part.Header.Get("Content-Type"), buf.Bytes(), nil
		}
	}
	switch mt {
	case "text/csv", "application/csv", "text/plain", sheets.MediaTypeXLSX, "application/octet-stream":
		b, err := readBody(c, maxUpload)
		return mt, b, err
	}
	return "", nil, domain.Errorf(domain.CodeUnsupportedMediaType,
		"send the file as text/csv, %s, or multipart/form-data with field %q", sheets.MediaTypeXLSX, "file")
}

func (s *Server) templateCSV(c *gin.Context) {
	var buf bytes.Buffer
	s.attachment(c, &buf, sheets.TemplateCSV(&buf), mimeCSV, "nominations-template.csv")
}

func (s *Server) templateXLSX(c *gin.Context) {
	var buf bytes.Buffer
	s.attachment(c, &buf, sheets.TemplateXLSX(&buf), sheets.MediaTypeXLSX, "nominations-template.xlsx")
}

// exportNominations is the nomination list, with the list's filters, as a
// spreadsheet for the secretariat.
func (s *Server) exportNominations(c *gin.Context, format string) {
	ev := eventOf(c)
	f := domain.NominationFilter{Event: ev.Code, Delegation: c.Query("delegation"), Status: c.Query("status"),
		Mode: c.Query("mode"), Q: c.Query("q"), Page: domain.Page{Limit: domain.MaxPageSize}}
	if f.Status != "" && !domain.ValidStatus(f.Status) {
		problem(c, domain.Invalid(domain.FieldError{Field: "status", Code: "oneof", Message: "is not a nomination status"}))
		return
	}
	var rows [][]string
	for {
		items, next, err := s.svc.Nominations(c.Request.Context(), f)
		if err != nil {
			problem(c, err)
			return
		}
		for i := range items {
			rows = append(rows, sheets.ExportRow(&items[i]))
		}
		if f.Page.Cursor = next; next == "" {
			break
		}
	}
	s.table(c, format, fmt.Sprintf("nominations-%s", ev.Code), "Nominations", sheets.ExportHeader(), rows)
}
