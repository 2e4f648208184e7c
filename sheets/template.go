package sheets

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// TemplateExample is the example row of the templates: an in-person
// delegate of Austria, every column filled in as the import expects it.
// Its remarks ask the user to replace it, so that an untouched template
// is easy to spot.
var TemplateExample = map[string]string{
	"delegation":          "AUT",
	"honorific":           "Ms.",
	"given_name":          "Katharina",
	"family_name":         "Gruber-Schönberger",
	"gender":              "female",
	"function":            "Deputy Head of Mission",
	"organization":        "Permanent Mission of Austria to the OSCE",
	"nationality":         "AUT",
	"email":               "katharina.gruber@example.org",
	"phone":               "+43 1 531 15 0",
	"date_of_birth":       "1981-06-14",
	"document_type":       "diplomatic_passport",
	"document_number":     "D1234567",
	"document_expires_on": "2031-05-31",
	"category":            "delegate",
	"mode":                "in_person",
	"sessions":            "",
	"remarks":             "Example row: replace it with your delegates",
}

// Drop-down lists of the XLSX template (api/openapi.yaml).
var templateLists = map[string][]string{
	"gender":        {"female", "male", "other", "undisclosed"},
	"category":      {"head_of_delegation", "delegate", "adviser", "speaker", "observer", "media", "secretariat", "technical"},
	"mode":          {"in_person", "online"},
	"document_type": {"passport", "diplomatic_passport", "national_id", "laissez_passer"},
}

// templateRows is how many data rows of the XLSX template carry the
// drop-down lists and column formats: the import maximum.
const templateRows = MaxRows

func exampleRow() []string {
	r := make([]string, len(NominationColumns))
	for i, c := range NominationColumns {
		r[i] = TemplateExample[c]
	}
	return r
}

// TemplateCSV writes the CSV import template: the header row and the
// example row, UTF-8 with BOM, comma separated.
func TemplateCSV(w io.Writer) error {
	return WriteCSV(w, NominationColumns, [][]string{exampleRow()})
}

// TemplateXLSX writes the XLSX import template: a bold frozen header, the
// example row, drop-down lists for gender, category, mode and
// document_type, dates formatted YYYY-MM-DD (the example's are real Excel
// dates), and text format for the columns where Excel would otherwise
// mangle what is typed (phone, document number: leading zeros, long
// numbers), over the first 5,000 data rows.
func TemplateXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Nominations"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	last := templateRows + 1 // spreadsheet row of the last data row

	bold, err := f.NewStyle(headerStyle())
	if err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	isoDate := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &isoDate})
	if err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@"
	if err != nil {
		return fmt.Errorf("sheets: %w", err)
	}

	example := exampleRow()
	for i, c := range NominationColumns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(sheet, col+"1", c); err != nil {
			return fmt.Errorf("sheets: %w", err)
		}
		width := 16.0
		switch c {
		case "function", "organization", "email", "remarks":
			width = 30
		case "delegation", "honorific", "gender", "mode":
			width = 11
		case "category", "document_type", "document_expires_on":
			width = 20
		}
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return fmt.Errorf("sheets: %w", err)
		}
		style := 0
		switch {
		case dateColumns[c]:
			style = dateStyle
		case c == "phone" || c == "document_number" || c == "sessions":
			style = textStyle
		}
		if style != 0 {
			if err := f.SetColStyle(sheet, col, style); err != nil {
				return fmt.Errorf("sheets: %w", err)
			}
		}
		if dateColumns[c] {
			if d, err := time.Parse(time.DateOnly, example[i]); err == nil {
				err = f.SetCellValue(sheet, col+"2", d)
				if err == nil {
					err = f.SetCellStyle(sheet, col+"2", col+"2", dateStyle)
				}
				if err != nil {
					return fmt.Errorf("sheets: %w", err)
				}
				continue
			}
		}
		if err := f.SetCellStr(sheet, col+"2", example[i]); err != nil {
			return fmt.Errorf("sheets: %w", err)
		}
		if list, ok := templateLists[c]; ok {
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, last))
			if err := dv.SetDropList(list); err != nil {
				return fmt.Errorf("sheets: %w", err)
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, c, "Choose a value from the list.")
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return fmt.Errorf("sheets: %w", err)
			}
		}
	}
	lastCol, _ := excelize.ColumnNumberToName(len(NominationColumns))
	if err := f.SetCellStyle(sheet, "A1", lastCol+"1", bold); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	return nil
}
