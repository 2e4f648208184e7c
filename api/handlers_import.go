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
	a := actor(c)
	var fe []domain.FieldError
	in := make([]domain.ImportRow, 0, len(rows))
	for _, r := range rows {
		n, errs := importRow(a, r)
		fe = append(fe, errs...)
		in = append(in, domain.ImportRow{Line: r.Line, Nomination: n})
	}
	if len(fe) > 0 {
		problem(c, domain.Invalid(fe...))
		return
	}
	created, err := s.svc.Import(c.Request.Context(), eventOf(c), in, dryRun)
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

// importRow checks one row exactly as a JSON submission is checked and
// names problems by row and column.
func importRow(a domain.Actor, r sheets.Row) (domain.Nomination, []domain.FieldError) {
	v := r.Values
	in := nominationIn{Delegation: v["delegation"], Honorific: v["honorific"], GivenName: v["given_name"],
		FamilyName: v["family_name"], Gender: v["gender"], Function: v["function"], Organization: v["organization"],
		Nationality: v["nationality"], Email: v["email"], Phone: v["phone"], DateOfBirth: v["date_of_birth"],
		Category: v["category"], Mode: v["mode"], Remarks: v["remarks"]}
	if v["document_type"] != "" || v["document_number"] != "" || v["document_expires_on"] != "" {
		in.Document = &documentIn{Type: v["document_type"], Number: v["document_number"], ExpiresOn: v["document_expires_on"]}
	}
	if s := strings.TrimSpace(v["sessions"]); s != "" {
		in.Sessions = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '|' })
	}
	in.clean()
	var fe []domain.FieldError
	if err := check(&in); err != nil {
		var de *domain.Error
		if asDomain(err, &de) {
			for _, f := range de.Fields {
				f.Row, f.Field = r.Line, columnOf(f.Field)
				fe = append(fe, f)
			}
		}
	}
	// The service judges it again; judged here too, a file's every
	// problem comes back at once.
	deleg, err := domain.NominatesFor(a, in.Delegation)
	var de *domain.Error
	switch {
	case asDomain(err, &de) && len(de.Fields) > 0:
		for _, f := range de.Fields {
			f.Row = r.Line
			fe = append(fe, f)
		}
	case err != nil:
		fe = append(fe, domain.FieldError{Row: r.Line, Field: "delegation", Code: domain.ErrorCode(err), Message: domain.ErrorMessage(err)})
	}
	return domain.Nomination{Delegation: deleg, Fields: in.fields()}, fe
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
	case "text/csv", "application/csv", "text/plain", mimeXLSX, "application/octet-stream":
		b, err := readBody(c, maxUpload)
		return mt, b, err
	}
	return "", nil, domain.Errorf(domain.CodeUnsupportedMediaType,
		"send the file as text/csv, %s, or multipart/form-data with field %q", mimeXLSX, "file")
}

func (s *Server) templateCSV(c *gin.Context) {
	var buf bytes.Buffer
	s.attachment(c, &buf, sheets.TemplateCSV(&buf), mimeCSV, "nominations-template.csv")
}

func (s *Server) templateXLSX(c *gin.Context) {
	var buf bytes.Buffer
	s.attachment(c, &buf, sheets.TemplateXLSX(&buf), mimeXLSX, "nominations-template.xlsx")
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
	header := append([]string{"id", "status"}, sheets.NominationColumns...)
	var rows [][]string
	for {
		items, next, err := s.svc.Nominations(c.Request.Context(), f)
		if err != nil {
			problem(c, err)
			return
		}
		for i := range items {
			rows = append(rows, exportRow(&items[i]))
		}
		if f.Page.Cursor = next; next == "" {
			break
		}
	}
	s.table(c, format, fmt.Sprintf("nominations-%s", ev.Code), "Nominations", header, rows)
}

func exportRow(n *domain.Nomination) []string {
	d := domain.Document{}
	if n.Document != nil {
		d = *n.Document
	}
	return []string{n.ID, string(n.Status), n.Delegation, n.Honorific, n.GivenName, n.FamilyName, n.Gender, n.Function,
		n.Organization, n.Nationality, n.Email, n.Phone, n.DateOfBirth, d.Type, d.Number, d.ExpiresOn, n.Category,
		n.Mode, strings.Join(n.Sessions, " "), n.Remarks}
}
