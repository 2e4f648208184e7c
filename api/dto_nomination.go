package api

import (
	"slices"
	"time"

	"github.com/osce/accredit/domain"
)

type documentIn struct {
	Type      string `json:"type" validate:"omitempty,document_type"`
	Number    string `json:"number" validate:"max=40"`
	ExpiresOn string `json:"expires_on" validate:"omitempty,datetime=2006-01-02"`
}

// nominationIn is what a delegation writes. PATCH decodes onto the
// current values, so an absent field keeps its value and null clears it.
type nominationIn struct {
	Delegation   string      `json:"delegation" validate:"max=32"`
	Honorific    string      `json:"honorific" validate:"max=40"`
	GivenName    string      `json:"given_name" validate:"required,max=100"`
	FamilyName   string      `json:"family_name" validate:"required,max=100"`
	Gender       string      `json:"gender" validate:"required,gender"`
	Function     string      `json:"function" validate:"max=200"`
	Organization string      `json:"organization" validate:"max=200"`
	Nationality  string      `json:"nationality" validate:"omitempty,iso3166_1_alpha3"`
	Email        string      `json:"email" validate:"required,max=254,email"`
	Phone        string      `json:"phone" validate:"max=40"`
	DateOfBirth  string      `json:"date_of_birth" validate:"omitempty,datetime=2006-01-02"`
	Document     *documentIn `json:"document"`
	Category     string      `json:"category" validate:"required,category"`
	Mode         string      `json:"mode" validate:"required,mode"`
	Sessions     []string    `json:"sessions" validate:"max=50,dive,uuid"`
	Remarks      string      `json:"remarks" validate:"max=2000"`
}

// checkFields applies the validate tags to fields the domain has
// normalised (so that "  " is missing and "aut" is AUT), with the
// delegation as written.
func checkFields(delegation string, f *domain.Fields) error {
	in := nominationInFrom(delegation, f)
	return check(&in)
}

func (in *nominationIn) fields() domain.Fields {
	f := domain.Fields{Category: in.Category, Mode: in.Mode, Sessions: in.Sessions, Remarks: in.Remarks,
		Person: domain.Person{Honorific: in.Honorific, GivenName: in.GivenName, FamilyName: in.FamilyName,
			Gender: in.Gender, Function: in.Function, Organization: in.Organization, Nationality: in.Nationality,
			Email: in.Email, Phone: in.Phone, DateOfBirth: in.DateOfBirth}}
	if d := in.Document; d != nil {
		f.Document = &domain.Document{Type: d.Type, Number: d.Number, ExpiresOn: d.ExpiresOn}
	}
	return f
}

func nominationInFrom(delegation string, f *domain.Fields) nominationIn {
	in := nominationIn{Delegation: delegation, Honorific: f.Honorific, GivenName: f.GivenName, FamilyName: f.FamilyName,
		Gender: f.Gender, Function: f.Function, Organization: f.Organization, Nationality: f.Nationality, Email: f.Email,
		Phone: f.Phone, DateOfBirth: f.DateOfBirth, Category: f.Category, Mode: f.Mode, Sessions: f.Sessions, Remarks: f.Remarks}
	if d := f.Document; d != nil {
		in.Document = &documentIn{Type: d.Type, Number: d.Number, ExpiresOn: d.ExpiresOn}
	}
	in.Sessions = slices.Clone(f.Sessions)
	return in
}

type documentJSON struct {
	Type      string  `json:"type"`
	Number    string  `json:"number"`
	ExpiresOn *string `json:"expires_on"`
}

type nominationJSON struct {
	ID           string        `json:"id"`
	Event        string        `json:"event"`
	Delegation   string        `json:"delegation"`
	Status       string        `json:"status"`
	StatusReason *string       `json:"status_reason"`
	Replaces     *string       `json:"replaces"`
	ReplacedBy   *string       `json:"replaced_by"`
	Honorific    string        `json:"honorific"`
	GivenName    string        `json:"given_name"`
	FamilyName   string        `json:"family_name"`
	Gender       string        `json:"gender"`
	Function     string        `json:"function"`
	Organization string        `json:"organization"`
	Nationality  *string       `json:"nationality"`
	Email        string        `json:"email"`
	Phone        *string       `json:"phone"`
	DateOfBirth  *string       `json:"date_of_birth"`
	Document     *documentJSON `json:"document"`
	Category     string        `json:"category"`
	Mode         string        `json:"mode"`
	Sessions     []string      `json:"sessions"`
	Remarks      string        `json:"remarks"`
	HasPhoto     bool          `json:"has_photo"`
	Badge        *badgeRefJSON `json:"badge"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	DecidedAt    *time.Time    `json:"decided_at"`
	DecidedBy    *string       `json:"decided_by"`
}

// nominationOut renders a nomination with its personal data; only the
// secretariat and the owning delegation ever reach the routes that use it.
func nominationOut(n *domain.Nomination) nominationJSON {
	out := nominationJSON{ID: n.ID, Event: n.Event, Delegation: n.Delegation, Status: string(n.Status),
		StatusReason: strOrNil(n.StatusReason), Replaces: strOrNil(n.Replaces), ReplacedBy: strOrNil(n.ReplacedBy),
		Honorific: n.Honorific, GivenName: n.GivenName, FamilyName: n.FamilyName, Gender: n.Gender, Function: n.Function,
		Organization: n.Organization, Nationality: strOrNil(n.Nationality), Email: n.Email, Phone: strOrNil(n.Phone),
		DateOfBirth: strOrNil(n.DateOfBirth), Category: n.Category, Mode: n.Mode, Sessions: n.Sessions, Remarks: n.Remarks,
		HasPhoto: n.HasPhoto, Badge: (*badgeRefJSON)(n.Badge), CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt, DecidedAt: utc(n.DecidedAt),
		DecidedBy: strOrNil(n.DecidedBy)}
	if out.Sessions == nil {
		out.Sessions = []string{}
	}
	if d := n.Document; d != nil {
		out.Document = &documentJSON{Type: d.Type, Number: d.Number, ExpiresOn: strOrNil(d.ExpiresOn)}
	}
	return out
}

type reasonIn struct {
	Reason string `json:"reason" validate:"max=1000"`
}

type requiredReasonIn struct {
	Reason string `json:"reason" validate:"required,max=1000"`
}

type emptyIn struct{}

func (in *reasonIn) clean() { in.Reason = domain.CleanText(in.Reason) }

func (in *requiredReasonIn) clean() { in.Reason = domain.CleanText(in.Reason) }
