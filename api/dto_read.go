package api

import (
	"time"

	"github.com/osce/accredit/domain"
)

// The wire shapes of what the domain reports: the domain's types carry
// no JSON names. Where a shape has the domain type's very fields, it is
// made by a conversion, which stops compiling when the domain type
// gains or loses a field: a field cannot go unsent without a failing
// build.

type fieldErrorJSON struct {
	Row     int    `json:"row,omitempty"`
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// each maps a slice, nil to nil (which encoding/json writes as null, as
// it did the domain's slice).
func each[A, B any](in []A, f func(A) B) []B {
	if in == nil {
		return nil
	}
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = f(a)
	}
	return out
}

func fieldErrorsOut(fe []domain.FieldError) []fieldErrorJSON {
	return each(fe, func(f domain.FieldError) fieldErrorJSON { return fieldErrorJSON(f) })
}

type delegationJSON struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Group string `json:"group"`
}

func delegationOut(d *domain.Delegation) delegationJSON { return delegationJSON(*d) }

type limitsJSON struct {
	InPerson *int `json:"in_person"`
	Online   *int `json:"online"`
}

type usageJSON struct {
	Limit     *int `json:"limit"`
	Used      int  `json:"used"`
	Remaining *int `json:"remaining"`
}

type quotaUsageJSON struct {
	Delegation string    `json:"delegation"`
	InPerson   usageJSON `json:"in_person"`
	Online     usageJSON `json:"online"`
}

func quotaUsageOut(q *domain.QuotaUsage) quotaUsageJSON {
	return quotaUsageJSON{Delegation: q.Delegation, InPerson: usageJSON(q.InPerson), Online: usageJSON(q.Online)}
}

type badgeRefJSON struct {
	ID     string `json:"id"`
	Serial int    `json:"serial"`
	Status string `json:"status"`
}

type publicKeyJSON struct {
	KID       string `json:"kid"`
	Algorithm string `json:"algorithm"`
	PublicKey string `json:"public_key"`
}

func publicKeyOut(k *domain.PublicKey) publicKeyJSON { return publicKeyJSON(*k) }

type presenceJSON struct {
	NominationID string    `json:"nomination_id"`
	BadgeID      string    `json:"badge_id"`
	DisplayName  string    `json:"display_name"`
	Delegation   string    `json:"delegation"`
	Category     string    `json:"category"`
	Since        time.Time `json:"since"`
	Checkpoint   string    `json:"checkpoint"`
}

func presenceOut(p *domain.Presence) presenceJSON { return presenceJSON(*p) }

type attendanceJSON struct {
	NominationID string     `json:"nomination_id"`
	DisplayName  string     `json:"display_name"`
	Delegation   string     `json:"delegation"`
	Category     string     `json:"category"`
	FirstIn      *time.Time `json:"first_in"`
	LastOut      *time.Time `json:"last_out"`
}

func attendanceOut(a *domain.Attendance) attendanceJSON { return attendanceJSON(*a) }

// scanResultJSON is the answer to a scan as encoding/json writes it; the
// single scan's answer is written by appendScanResult, held to this
// shape by FuzzScanAnswer.
type scanResultJSON struct {
	ScanID    string            `json:"scan_id"`
	Result    string            `json:"result"`
	Reason    *string           `json:"reason"`
	Badge     *scanBadgeRefJSON `json:"badge"`
	Delegate  *delegateJSON     `json:"delegate"`
	Repeat    bool              `json:"repeat"`
	ScannedAt time.Time         `json:"scanned_at"`
	Conflict  *bool             `json:"conflict,omitempty"`
}

type scanBadgeRefJSON struct {
	ID       string `json:"id"`
	Serial   int    `json:"serial"`
	Category string `json:"category"`
}

type delegateJSON struct {
	DisplayName string  `json:"display_name"`
	Delegation  string  `json:"delegation"`
	Category    string  `json:"category"`
	PhotoURL    *string `json:"photo_url"`
}

func scanResultOut(r *domain.ScanResult) scanResultJSON {
	out := scanResultJSON{ScanID: r.ScanID, Result: r.Result, Reason: r.Reason, Repeat: r.Repeat,
		ScannedAt: r.ScannedAt, Conflict: r.Conflict}
	if b := r.Badge; b != nil {
		out.Badge = (*scanBadgeRefJSON)(b)
	}
	if d := r.Delegate; d != nil {
		out.Delegate = (*delegateJSON)(d)
	}
	return out
}

type summaryJSON struct {
	ByStatus        map[string]int `json:"by_status"`
	ByMode          map[string]int `json:"by_mode"`
	ByKind          map[string]int `json:"by_kind"`
	ByCategory      map[string]int `json:"by_category"`
	ByGender        map[string]int `json:"by_gender"`
	WomenShare      womenShareJSON `json:"women_share"`
	AttendanceByDay []dayCountJSON `json:"attendance_by_day"`
}

type womenShareJSON struct {
	Approved          *float64 `json:"approved"`
	HeadsOfDelegation *float64 `json:"heads_of_delegation"`
}

type dayCountJSON struct {
	Day     string `json:"day"`
	Present int    `json:"present"`
}

func summaryOut(s *domain.Summary) summaryJSON {
	return summaryJSON{ByStatus: s.ByStatus, ByMode: s.ByMode, ByKind: s.ByKind, ByCategory: s.ByCategory,
		ByGender: s.ByGender, WomenShare: womenShareJSON(s.WomenShare),
		AttendanceByDay: each(s.AttendanceByDay, func(d domain.DayCount) dayCountJSON { return dayCountJSON(d) })}
}

type participantListJSON struct {
	Event  string                 `json:"event"`
	Groups []participantGroupJSON `json:"groups"`
}

type participantGroupJSON struct {
	Kind        string                      `json:"kind"`
	Title       string                      `json:"title"`
	Delegations []participantDelegationJSON `json:"delegations"`
}

type participantDelegationJSON struct {
	Code         string            `json:"code"`
	Name         string            `json:"name"`
	Participants []participantJSON `json:"participants"`
}

type participantJSON struct {
	Honorific    string `json:"honorific"`
	GivenName    string `json:"given_name"`
	FamilyName   string `json:"family_name"`
	Function     string `json:"function"`
	Organization string `json:"organization"`
	Category     string `json:"category"`
}

func participantListOut(l *domain.ParticipantList) participantListJSON {
	person := func(p domain.Participant) participantJSON { return participantJSON(p) }
	delegation := func(d domain.ParticipantDelegation) participantDelegationJSON {
		return participantDelegationJSON{Code: d.Code, Name: d.Name, Participants: each(d.Participants, person)}
	}
	group := func(g domain.ParticipantGroup) participantGroupJSON {
		return participantGroupJSON{Kind: g.Kind, Title: g.Title, Delegations: each(g.Delegations, delegation)}
	}
	return participantListJSON{Event: l.Event, Groups: each(l.Groups, group)}
}
