package reports

import "github.com/osce/accredit/domain"

// ParticipantsHeader is the header of the flat List of Participants table.
var ParticipantsHeader = []string{
	"group", "delegation_code", "delegation", "honorific", "given_name",
	"family_name", "function", "organization", "category",
}

// ParticipantsRows flattens the List of Participants into the table the
// CSV and XLSX exports write (sheets.WriteCSV, sheets.WriteXLSX): one row
// per participant, in list order, group being the group's title (its kind
// when it has none). Names are as entered, not capitalised.
func ParticipantsRows(list domain.ParticipantList) (header []string, rows [][]string) {
	header = append([]string(nil), ParticipantsHeader...)
	n := 0
	for _, g := range list.Groups {
		for _, d := range g.Delegations {
			n += len(d.Participants)
		}
	}
	rows = make([][]string, 0, n)
	for _, g := range list.Groups {
		group := g.Title
		if group == "" {
			group = g.Kind
		}
		for _, d := range g.Delegations {
			for _, p := range d.Participants {
				rows = append(rows, []string{group, d.Code, d.Name, p.Honorific, p.GivenName,
					p.FamilyName, p.Function, p.Organization, p.Category})
			}
		}
	}
	return header, rows
}
