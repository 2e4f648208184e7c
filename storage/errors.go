package storage

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/osce/accredit/domain"
)

// translate turns driver errors into the domain's vocabulary so that no
// caller ever sees a driver type. Domain errors pass through.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if unavailable(err) {
		return domain.Unavailable(err)
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Errorf(domain.CodeNotFound, "not found")
	}
	if constraint, ok := uniqueViolation(err); ok {
		switch {
		case strings.Contains(constraint, "one_head") || strings.Contains(constraint, "nominations.event_code, nominations.delegation_code"):
			return domain.Errorf(domain.CodeDuplicateHead, "the delegation already has an active head of delegation in this event")
		case strings.Contains(constraint, "one_person") || strings.Contains(constraint, "email_key") || strings.Contains(constraint, "document_number"):
			return domain.Errorf(domain.CodeDuplicatePerson, "this person (same email or document) is already nominated for this event")
		}
		return domain.Errorf(domain.CodeConflict, "already exists")
	}
	if foreignKeyViolation(err) {
		return domain.Errorf(domain.CodeValidationFailed, "refers to something that does not exist")
	}
	return err
}

// uniqueViolation reports a unique-index violation and names the index
// (PostgreSQL) or its columns (SQLite).
func uniqueViolation(err error) (string, bool) {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.ConstraintName, pg.Code == "23505"
	}
	msg := err.Error()
	if i := strings.Index(msg, "UNIQUE constraint failed: "); i >= 0 {
		return msg[i:], true
	}
	return "", false
}

func foreignKeyViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23503"
	}
	return strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}
