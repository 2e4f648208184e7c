package sheets

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// templateRows is how many data rows of the XLSX template carry the
// drop-down lists and column formats: the import maximum.
const templateRows = MaxRows

func exampleRow() []string {
	r := make([]string, len(importColumns))
	for i, c := range importColumns {
		r[i] = c.Example
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

	for i, c := range importColumns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(sheet, col+"1", c.Name); err != nil {
			return fmt.Errorf("sheets: %w", err)
		}
		if err := f.SetColWidth(sheet, col, col, c.Width); err != nil {
			return fmt.Errorf("sheets: %w", err)
		}
		style := map[Format]int{Date: dateStyle, Text: textStyle}[c.Format]
		if style != 0 {
			if err := f.SetColStyle(sheet, col, style); err != nil {
				return fmt.Errorf("sheets: %w", err)
			}
		}
		if c.Format == Date {
			if d, err := time.Parse(time.DateOnly, c.Example); err == nil {
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
		if err := f.SetCellStr(sheet, col+"2", c.Example); err != nil {
			return fmt.Errorf("sheets: %w", err)
		}
		if list := c.List; list != nil {
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, last))
			if err := dv.SetDropList(list); err != nil {
				return fmt.Errorf("sheets: %w", err)
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, c.Name, "Choose a value from the list.")
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return fmt.Errorf("sheets: %w", err)
			}
		}
	}
	lastCol, _ := excelize.ColumnNumberToName(len(importColumns))
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
