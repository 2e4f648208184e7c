package domain

import "regexp"

// Delegation is a nominating body: a State, a Partner, an organization.
type Delegation struct {
	Code  string
	Name  string
	Kind  string
	Group string
}

// CodePattern is the shape of event and delegation codes.
var CodePattern = regexp.MustCompile(`^[A-Z0-9-]{2,32}$`)

// Validate checks a delegation's fields.
func (d *Delegation) Validate() error {
	var fe []FieldError
	if !CodePattern.MatchString(d.Code) {
		fe = append(fe, FieldError{Field: "code", Code: "pattern", Message: "must match ^[A-Z0-9-]{2,32}$"})
	}
	if !ValidKind(d.Kind) {
		fe = append(fe, FieldError{Field: "kind", Code: "oneof", Message: "is not a delegation kind"})
	}
	if CleanText(d.Name) == "" {
		fe = append(fe, FieldError{Field: "name", Code: "required", Message: "is required"})
	}
	if len(fe) > 0 {
		return Invalid(fe...)
	}
	return nil
}
