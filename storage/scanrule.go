package storage

import (
	"strings"

	"github.com/osce/accredit/domain"
)

// writeRecheck is the part of the scan rule that a write re-checks
// (domain.WriteRechecked, judged first by domain.ScanBadge.Check): one
// condition per reason, in the rule's order, over the badge's row b and
// the judged scan a (its serial, scanned_at and exclusive). An acceptance
// moves its badge only where all hold; where one fails, nothing is written
// and the domain judges the scan afresh. Both group writers, groupSQL on
// PostgreSQL and liteMoveSQL on SQLite, use this one text, and
// TestScanWriteRule runs the same cases through both.
var writeRecheck = []struct{ reason, holds string }{
	{domain.ReasonRevoked, `b.status = '` + domain.BadgeActive + `' AND b.serial = a.serial`},
	{domain.ReasonOutsideValidity, `b.valid_from <= a.scanned_at AND b.valid_until > a.scanned_at`},
	{domain.ReasonAlreadyInside, `NOT (a.exclusive AND b.inside)`},
}

// stillAsJudged is writeRecheck as one SQL condition.
var stillAsJudged = func() string {
	conds := make([]string, len(writeRecheck))
	for i, c := range writeRecheck {
		conds[i] = "(" + c.holds + ")"
	}
	return strings.Join(conds, " AND ")
}()
