package domain

// Groups of the List of Participants, in print order (README, How it works: Reports).
var ReportGroups = []struct{ Kind, Title string }{
	{KindParticipatingState, "Participating States"},
	{KindPartner, "Partners for Co-operation"},
	{KindInternationalOrganization, "International Organizations"},
	{KindOSCE, "OSCE"},
	{reportGroupOther, "Other participants"},
}

// reportGroupOther gathers the kinds without a group of their own.
const reportGroupOther = "other"

// ReportGroup maps a delegation kind to its List of Participants group.
func ReportGroup(kind string) string {
	switch kind {
	case KindParticipatingState, KindPartner, KindInternationalOrganization, KindOSCE:
		return kind
	}
	return reportGroupOther
}

// ParticipantList is the List of Participants published after a meeting.
// It holds no personal data beyond name, function and organization.
type ParticipantList struct {
	Event  string             `json:"event"`
	Groups []ParticipantGroup `json:"groups"`
}

// ParticipantGroup is one group of delegations (States, Partners, …).
type ParticipantGroup struct {
	Kind        string                  `json:"kind"`
	Title       string                  `json:"title"`
	Delegations []ParticipantDelegation `json:"delegations"`
}

// ParticipantDelegation is one delegation's participants, head first.
type ParticipantDelegation struct {
	Code         string        `json:"code"`
	Name         string        `json:"name"`
	Participants []Participant `json:"participants"`
}

// Participant is one line of the list.
type Participant struct {
	Honorific    string `json:"honorific"`
	GivenName    string `json:"given_name"`
	FamilyName   string `json:"family_name"`
	Function     string `json:"function"`
	Organization string `json:"organization"`
	Category     string `json:"category"`
}

// Summary is the secretariat's overview of an event (api/openapi.yaml, Reports): by_status
// counts every nomination, the other counts approved ones only.
type Summary struct {
	ByStatus        map[string]int `json:"by_status"`
	ByMode          map[string]int `json:"by_mode"`
	ByKind          map[string]int `json:"by_kind"`
	ByCategory      map[string]int `json:"by_category"`
	ByGender        map[string]int `json:"by_gender"`
	WomenShare      WomenShare     `json:"women_share"`
	AttendanceByDay []DayCount     `json:"attendance_by_day"`
}

// WomenShare is the fraction (0–1) of women, nil when there is nobody.
type WomenShare struct {
	Approved          *float64 `json:"approved"`
	HeadsOfDelegation *float64 `json:"heads_of_delegation"`
}

// DayCount is how many delegates entered on a day.
type DayCount struct {
	Day     string `json:"day"`
	Present int    `json:"present"`
}
