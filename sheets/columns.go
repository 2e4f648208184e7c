package sheets

import (
	"strings"

	"github.com/osce/accredit/domain"
)

// Column is one column of the nomination spreadsheets. Columns, the one
// table of them, drives the import (known, required and date columns, and
// how a cell becomes part of a nomination), both templates (order, example
// row, drop-down lists, widths and formats) and the export (header and
// cells). A new nomination field is one more entry here.
type Column struct {
	// Name is the header text: the nomination's JSON field name (api/openapi.yaml,
	// Nomination), document_* for the document's.
	Name string
	// Required columns must be in the header of every import (their cells
	// may still be empty; the caller validates the values).
	Required bool
	Format   Format
	// Width is the column's width in the XLSX template, in characters.
	Width float64
	// List is the drop-down list of the XLSX template: a domain vocabulary.
	List []string
	// Example is the column's cell in the templates' example row.
	Example string
	// Get reads the cell of the export from a nomination.
	Get func(*domain.Nomination) string
	// Set writes an import cell into a nomination; nil for the columns
	// the export has and an import does not take (id, status).
	Set func(*domain.Nomination, string)
}

// Format is how a column's cells are read and formatted.
type Format int

const (
	// General cells are taken as they are.
	General Format = iota
	// Text is formatted as text in the XLSX template, where Excel would
	// otherwise mangle what is typed (leading zeros, long numbers).
	Text
	// Date cells hold dates: formatted YYYY-MM-DD in the XLSX template, and
	// normalised to YYYY-MM-DD on import where recognisable.
	Date
)

// Columns are the nomination spreadsheets' columns in order: the export's
// first, then the import's, which are the templates'.
var Columns = []Column{
	{Name: "id", Get: func(n *domain.Nomination) string { return n.ID }},
	{Name: "status", Get: func(n *domain.Nomination) string { return string(n.Status) }},
	text("delegation", func(n *domain.Nomination) *string { return &n.Delegation }).
		with(Column{Width: 11, Example: "AUT"}),
	text("honorific", func(n *domain.Nomination) *string { return &n.Honorific }).
		with(Column{Width: 11, Example: "Ms."}),
	text("given_name", func(n *domain.Nomination) *string { return &n.GivenName }).
		with(Column{Required: true, Example: "Katharina"}),
	text("family_name", func(n *domain.Nomination) *string { return &n.FamilyName }).
		with(Column{Required: true, Example: "Gruber-Schönberger"}),
	text("gender", func(n *domain.Nomination) *string { return &n.Gender }).
		with(Column{Required: true, Width: 11, List: domain.Genders, Example: domain.GenderFemale}),
	text("function", func(n *domain.Nomination) *string { return &n.Function }).
		with(Column{Width: 30, Example: "Deputy Head of Mission"}),
	text("organization", func(n *domain.Nomination) *string { return &n.Organization }).
		with(Column{Width: 30, Example: "Permanent Mission of Austria to the OSCE"}),
	text("nationality", func(n *domain.Nomination) *string { return &n.Nationality }).
		with(Column{Example: "AUT"}),
	text("email", func(n *domain.Nomination) *string { return &n.Email }).
		with(Column{Required: true, Width: 30, Example: "katharina.gruber@example.org"}),
	text("phone", func(n *domain.Nomination) *string { return &n.Phone }).
		with(Column{Format: Text, Example: "+43 1 531 15 0"}),
	text("date_of_birth", func(n *domain.Nomination) *string { return &n.DateOfBirth }).
		with(Column{Format: Date, Example: "1981-06-14"}),
	document("document_type", func(d *domain.Document) *string { return &d.Type }).
		with(Column{Width: 20, List: domain.DocumentTypes, Example: domain.DocumentDiplomaticPassport}),
	document("document_number", func(d *domain.Document) *string { return &d.Number }).
		with(Column{Format: Text, Example: "D1234567"}),
	document("document_expires_on", func(d *domain.Document) *string { return &d.ExpiresOn }).
		with(Column{Format: Date, Width: 20, Example: "2031-05-31"}),
	text("category", func(n *domain.Nomination) *string { return &n.Category }).
		with(Column{Required: true, Width: 20, List: domain.Categories, Example: domain.CategoryDelegate}),
	text("mode", func(n *domain.Nomination) *string { return &n.Mode }).
		with(Column{Required: true, Width: 11, List: domain.Modes, Example: domain.ModeInPerson}),
	{Name: "sessions", Format: Text, Width: 16,
		Get: func(n *domain.Nomination) string { return strings.Join(n.Sessions, " ") },
		Set: func(n *domain.Nomination, v string) {
			if v == "" {
				return
			}
			n.Sessions = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '|' })
		}},
	text("remarks", func(n *domain.Nomination) *string { return &n.Remarks }).
		with(Column{Width: 30, Example: "Example row: replace it with your delegates"}),
}

// text is a column of one text field of the nomination.
func text(name string, field func(*domain.Nomination) *string) Column {
	return Column{Name: name,
		Get: func(n *domain.Nomination) string { return *field(n) },
		Set: func(n *domain.Nomination, v string) { *field(n) = v }}
}

// document is a column of one field of the nomination's document, which
// exists once any of its cells has a value.
func document(name string, field func(*domain.Document) *string) Column {
	return Column{Name: name,
		Get: func(n *domain.Nomination) string {
			if n.Document == nil {
				return ""
			}
			return *field(n.Document)
		},
		Set: func(n *domain.Nomination, v string) {
			if v == "" {
				return
			}
			if n.Document == nil {
				n.Document = &domain.Document{}
			}
			*field(n.Document) = v
		}}
}

// with adds the layout and rules of o to a column's name and accessors.
func (c Column) with(o Column) Column {
	o.Name, o.Get, o.Set = c.Name, c.Get, c.Set
	if o.Width == 0 {
		o.Width = 16
	}
	return o
}

// importColumns are the Columns an import takes, in template order.
var importColumns = func() []Column {
	var out []Column
	for _, c := range Columns {
		if c.Set != nil {
			out = append(out, c)
		}
	}
	return out
}()

// NominationColumns are the names of the columns of nomination imports and
// templates, in template order.
var NominationColumns = names(importColumns, func(Column) bool { return true })

// RequiredColumns must be present in the header of every import.
var RequiredColumns = names(importColumns, func(c Column) bool { return c.Required })

// TemplateExample is the example row of the templates by column: an
// in-person delegate of Austria, every column filled in as the import
// expects it. Its remarks ask the user to replace it, so that an untouched
// template is easy to spot.
var TemplateExample = func() map[string]string {
	m := make(map[string]string, len(importColumns))
	for _, c := range importColumns {
		m[c.Name] = c.Example
	}
	return m
}()

// dateColumns hold dates, normalised to YYYY-MM-DD where recognisable.
var dateColumns = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range importColumns {
		m[c.Name] = c.Format == Date
	}
	return m
}()

// templateLists are the drop-down lists of the XLSX template by column.
var templateLists = func() map[string][]string {
	m := map[string][]string{}
	for _, c := range importColumns {
		if c.List != nil {
			m[c.Name] = c.List
		}
	}
	return m
}()

func names(cols []Column, keep func(Column) bool) []string {
	var out []string
	for _, c := range cols {
		if keep(c) {
			out = append(out, c.Name)
		}
	}
	return out
}

// Nomination makes the nomination a row describes, its cells as they are:
// normalising and checking them is the caller's.
func (r Row) Nomination() domain.Nomination {
	var n domain.Nomination
	for _, c := range importColumns {
		if v, ok := r.Values[c.Name]; ok {
			c.Set(&n, v)
		}
	}
	return n
}

// ExportHeader is the header of the nomination export.
func ExportHeader() []string { return names(Columns, func(Column) bool { return true }) }

// ExportRow is a nomination's row of the export, under ExportHeader.
func ExportRow(n *domain.Nomination) []string {
	row := make([]string, len(Columns))
	for i, c := range Columns {
		row[i] = c.Get(n)
	}
	return row
}
