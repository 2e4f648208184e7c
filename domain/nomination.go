package domain

import (
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Document is an identity document, required for in-person attendance.
type Document struct {
	Type      string
	Number    string
	ExpiresOn string
}

// Person is who is nominated. Email, phone, date of birth and document are
// personal data: shown to the secretariat and the owning delegation only,
// never logged, erased by purge.
type Person struct {
	Honorific    string
	GivenName    string
	FamilyName   string
	Gender       string
	Function     string
	Organization string
	Nationality  string
	Email        string
	Phone        string
	DateOfBirth  string
	Document     *Document
}

// Fields are what a delegation writes into a nomination.
type Fields struct {
	Person
	Category string
	Mode     string
	Sessions []string
	Remarks  string
}

// BadgeRef is the summary of a nomination's badge.
type BadgeRef struct {
	ID     string
	Serial int
	Status string
}

// Nomination is one person put forward by a delegation for one event.
type Nomination struct {
	Fields
	ID           string
	Event        string
	Delegation   string
	Status       Status
	StatusReason string
	Replaces     string
	ReplacedBy   string
	HasPhoto     bool
	Badge        *BadgeRef
	CreatedAt    time.Time
	UpdatedAt    time.Time
	DecidedAt    *time.Time
	DecidedBy    string
}

// DisplayName is the name as printed and shown at the door.
func (p *Person) DisplayName() string {
	return strings.TrimSpace(strings.TrimSpace(p.Honorific+" "+p.GivenName) + " " + p.FamilyName)
}

// CleanText trims and NFC-normalises free text so that "Zoë" typed with a
// combining diaeresis and with a precomposed ë are stored alike, and drops
// what would make a screen and a printed badge show different things
// (docs/security.md, Names): control characters (PostgreSQL refuses NUL in text; none
// belongs in a name or a remark line anyway, except tab and newline),
// bidirectional controls, which reorder what follows them ("Ali" + U+202E
// + "Alice" shows as "AliecilA" where they are honoured and "AliAlice"
// where not), and invisible characters.
func CleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f || hidden(r) {
			return -1
		}
		return r
	}, s)
	return norm.NFC.String(strings.TrimSpace(s))
}

// hidden reports the characters CleanText drops besides controls: the
// bidirectional embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069), the marks that act like them (U+200E, U+200F, U+061C),
// and the invisible zero-width space, word joiner and byte-order mark.
// Zero-width (non-)joiners stay: Persian and Indic names need them.
func hidden(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	switch r {
	case 0x200E, 0x200F, 0x061C, 0x200B, 0x2060, 0xFEFF:
		return true
	}
	return false
}

// Vet is the caller's check of a nomination once the domain has normalised
// its fields: the API's validation rules, and for a new nomination the
// choice of its delegation, which it may set. nil checks nothing.
type Vet func(*Nomination) error

// prepare normalises the fields and vets them: the one place where what a
// delegation wrote (submitted, edited, imported, substituted) is normalised.
func (n *Nomination) prepare(vet Vet) error {
	n.Normalize()
	if vet == nil {
		return nil
	}
	return vet(n)
}

// Normalize trims and normalises every free-text field in place: NFC text
// without controls (CleanText), nationality and document number in
// capitals (the number without spaces), sessions sorted and unique, no document when it is all empty.
func (f *Fields) Normalize() {
	for _, p := range []*string{&f.Honorific, &f.GivenName, &f.FamilyName, &f.Function,
		&f.Organization, &f.Phone, &f.Remarks, &f.Email, &f.Nationality} {
		*p = CleanText(*p)
	}
	f.Nationality = strings.ToUpper(f.Nationality)
	// Sorted and unique, so that session seats are always locked in the
	// same order and no two approvals can deadlock on them.
	slices.Sort(f.Sessions)
	f.Sessions = slices.Compact(f.Sessions)
	if d := f.Document; d != nil {
		d.Number = strings.ToUpper(strings.Join(strings.Fields(CleanText(d.Number)), ""))
		if d.Type == "" && d.Number == "" && d.ExpiresOn == "" {
			f.Document = nil
		}
	}
}

// EmailKey is the form in which emails are compared: case-insensitively.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Check applies the rules that depend on the event: the mode must be offered,
// in-person attendance needs nationality, date of birth and a document valid
// through the event's last day. The shape of each field was checked already.
func (f *Fields) Check(ev *Event) error {
	var fe []FieldError
	add := func(field, code, msg string) { fe = append(fe, FieldError{Field: field, Code: code, Message: msg}) }
	if !ev.OffersMode(f.Mode) {
		add("mode", "not_offered", "event "+ev.Code+" ("+ev.Format+") does not offer "+f.Mode+" participation")
	}
	if f.Mode == ModeInPerson {
		if f.Nationality == "" {
			add("nationality", "required", "is required for in-person participation")
		}
		if f.DateOfBirth == "" {
			add("date_of_birth", "required", "is required for in-person participation")
		}
		switch d := f.Document; {
		case d == nil:
			add("document", "required", "is required for in-person participation")
		default:
			if d.Type == "" {
				add("document.type", "required", "is required for in-person participation")
			}
			if d.Number == "" {
				add("document.number", "required", "is required for in-person participation")
			}
			if d.ExpiresOn == "" {
				add("document.expires_on", "required", "is required for in-person participation")
			} else if d.ExpiresOn < ev.EndsOn {
				add("document.expires_on", "expires_too_soon", "expires before the event's last day "+ev.EndsOn)
			}
		}
	}
	if dob := f.DateOfBirth; dob != "" && dob >= ev.StartsOn {
		add("date_of_birth", "in_future", "must be before the event")
	}
	if len(fe) > 0 {
		return Invalid(fe...)
	}
	return nil
}
