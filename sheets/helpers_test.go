package sheets

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/osce/accredit/domain"
	"github.com/xuri/excelize/v2"
)

// fieldErrors asserts that err is a validation_failed *domain.Error and
// returns its field errors.
func fieldErrors(t *testing.T, err error) []domain.FieldError {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error, got nil")
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error is %T (%v), want *domain.Error", err, err)
	}
	if de.Code != domain.CodeValidationFailed {
		t.Fatalf("code %q, want %q (%v)", de.Code, domain.CodeValidationFailed, err)
	}
	if len(de.Fields) == 0 {
		t.Fatalf("no field errors in %v", err)
	}
	return de.Fields
}

// hasField asserts that one of errs has the row, field and code given
// (row -1 matches any row).
func hasField(t *testing.T, errs []domain.FieldError, row int, field, code string) {
	t.Helper()
	for _, e := range errs {
		if (row < 0 || e.Row == row) && e.Field == field && e.Code == code {
			if e.Message == "" {
				t.Errorf("field error %+v has no message", e)
			}
			return
		}
	}
	t.Fatalf("no field error {row %d, field %q, code %q} in %+v", row, field, code, errs)
}

// csvOf joins rows of cells with sep and CRLF.
func csvOf(sep string, rows ...[]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, sep))
		b.WriteString("\r\n")
	}
	return b.String()
}

// minimalHeader is the required columns plus a few.
var minimalHeader = []string{"delegation", "given_name", "family_name", "gender", "email", "category", "mode", "date_of_birth"}

func minimalRow(i int) []string {
	return []string{"AUT", fmt.Sprintf("Given%d", i), fmt.Sprintf("Family%d", i), "female",
		fmt.Sprintf("p%d@example.org", i), "delegate", "online", "1980-01-02"}
}

// xlsxOf builds a workbook whose first sheet holds rows (cells set as
// strings unless they are other Go values).
func xlsxOf(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func anyRow(ss []string) []any {
	r := make([]any, len(ss))
	for i, s := range ss {
		r[i] = s
	}
	return r
}
