package domain

import (
	"context"
	"errors"
	"slices"
)

// MaxImportRows is the most rows one import may carry (README, Import); the
// spreadsheet reader stops at it too.
const MaxImportRows = 5000

// ImportRow is one spreadsheet row turned into a nomination.
type ImportRow struct {
	Line       int
	Nomination Nomination
}

var errDryRun = errors.New("dry run")

// Import submits many nominations at once, all or nothing: the rows are
// judged in file order as if submitted one by one (quotas, duplicates, the
// waitlist), in one transaction. Any bad row refuses the whole file with
// every row's problems; dryRun judges and saves nothing. Each row is
// normalised and vetted first (vet's field errors get the row's line); the
// store is asked only when every row passed.
func (s *Service) Import(ctx context.Context, ev *Event, rows []ImportRow, dryRun bool, vet Vet) ([]Nomination, error) {
	if len(rows) > MaxImportRows {
		return nil, Invalid(FieldError{Row: 0, Field: "file", Code: "too_many_rows", Message: "at most " + itoa(MaxImportRows) + " rows per import"})
	}
	rows = slices.Clone(rows)
	var vetted []FieldError
	for i := range rows {
		err := rows[i].Nomination.prepare(vet)
		var de *Error
		switch {
		case errors.As(err, &de) && len(de.Fields) > 0:
			for _, f := range de.Fields {
				f.Row = rows[i].Line
				vetted = append(vetted, f)
			}
		case err != nil:
			return nil, err
		}
	}
	if len(vetted) > 0 {
		return nil, Invalid(vetted...)
	}
	var created []Nomination
	err := s.Store.InTx(ctx, func(tx Tx) error {
		created = created[:0]
		// The rows' audit entries are written together at the end: one
		// INSERT per few hundred rows instead of one a row.
		var audits []AuditEntry
		type deleg struct {
			ev  *Event
			d   *Delegation
			err error
		}
		cache := map[string]deleg{}
		var fe []FieldError
		rowErr := func(line int, err error, field string) error {
			var de *Error
			if !errors.As(err, &de) {
				return err
			}
			if len(de.Fields) > 0 {
				for _, f := range de.Fields {
					f.Row = line
					fe = append(fe, f)
				}
				return nil
			}
			fe = append(fe, FieldError{Row: line, Field: field, Code: de.Code, Message: de.Message})
			return nil
		}
		for _, r := range rows {
			n := r.Nomination
			c, ok := cache[n.Delegation]
			if !ok {
				c.ev = ev
				c.d, c.err = s.nominationContext(ctx, tx, ev, n.Delegation)
				cache[n.Delegation] = c
			}
			if c.err != nil {
				if err := rowErr(r.Line, c.err, "delegation"); err != nil {
					return err
				}
				continue
			}
			n.Delegation = c.d.Code
			if err := s.checkFields(ctx, tx, c.ev, &n.Fields); err != nil {
				if err := rowErr(r.Line, err, "mode"); err != nil {
					return err
				}
				continue
			}
			n.Event, n.Status = c.ev.Code, StatusSubmitted
			if err := s.takeSeat(ctx, tx, c.ev, c.d, n.Mode); err != nil {
				if !c.ev.Waitlist || !IsCode(err, CodeQuotaExceeded) {
					if err := rowErr(r.Line, err, "mode"); err != nil {
						return err
					}
					continue
				}
				n.Status = StatusWaitlisted
			}
			if err := tx.InsertNomination(ctx, &n); err != nil {
				// A unique violation ends the transaction on PostgreSQL:
				// report this row and stop judging.
				if err := rowErr(r.Line, err, "email"); err != nil {
					return err
				}
				break
			}
			audits = append(audits, s.auditEntry(ctx, "nomination.submit", "nomination", n.ID, c.ev.Code,
				map[string]any{"delegation": n.Delegation, "status": n.Status, "import": true, "row": r.Line}))
			created = append(created, n)
		}
		if len(fe) > 0 {
			return Invalid(fe...)
		}
		if dryRun {
			return errDryRun
		}
		return tx.Audit(ctx, audits...)
	})
	if errors.Is(err, errDryRun) {
		return created, nil
	}
	return created, err
}
