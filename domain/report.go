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
	Event  string
	Groups []ParticipantGroup
}

// ParticipantGroup is one group of delegations (States, Partners, …).
type ParticipantGroup struct {
	Kind        string
	Title       string
	Delegations []ParticipantDelegation
}

// ParticipantDelegation is one delegation's participants, head first.
type ParticipantDelegation struct {
	Code         string
	Name         string
	Participants []Participant
}

// Participant is one line of the list.
type Participant struct {
	Honorific    string
	GivenName    string
	FamilyName   string
	Function     string
	Organization string
	Category     string
}

// Summary is the secretariat's overview of an event (api/openapi.yaml, Reports): by_status
// counts every nomination, the other counts approved ones only.
type Summary struct {
	ByStatus        map[string]int
	ByMode          map[string]int
	ByKind          map[string]int
	ByCategory      map[string]int
	ByGender        map[string]int
	WomenShare      WomenShare
	AttendanceByDay []DayCount
}

// WomenShare is the fraction (0–1) of women, nil when there is nobody.
type WomenShare struct {
	Approved          *float64
	HeadsOfDelegation *float64
}

// DayCount is how many delegates entered on a day.
type DayCount struct {
	Day     string
	Present int
}
