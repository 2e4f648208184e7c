package reports

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/internal/testenv"
)

var sampleHeading = Heading{
	Title: "Annual Security Review Conference 2026",
	Venue: "Vienna, Hofburg, Neuer Saal",
	Dates: "24–26 June 2026",
}

// smallList has the diacritics the tests look for, in list order.
func smallList() domain.ParticipantList {
	return domain.ParticipantList{
		Event: "ASRC-2026",
		Groups: []domain.ParticipantGroup{
			{Kind: "participating_state", Title: "Participating States", Delegations: []domain.ParticipantDelegation{
				{Code: "AUT", Name: "Austria", Participants: []domain.Participant{
					{Honorific: "Ms.", GivenName: "Zoë", FamilyName: "Gruber-Schönberger", Function: "Ambassador, Permanent Representative", Organization: "Permanent Mission of Austria to the OSCE", Category: "head_of_delegation"},
					{Honorific: "Mr.", GivenName: "Lukas", FamilyName: "Weiß", Function: "Counsellor", Organization: "Federal Ministry for European and International Affairs", Category: "delegate"},
				}},
				{Code: "MDA", Name: "Moldova", Participants: []domain.Participant{
					{Honorific: "Mr.", GivenName: "Dragoș", FamilyName: "Țurcanu", Function: "Deputy Head of Mission", Organization: "Ministry of Foreign Affairs", Category: "head_of_delegation"},
				}},
				{Code: "POL", Name: "Poland", Participants: []domain.Participant{
					{Honorific: "Ms.", GivenName: "Małgorzata", FamilyName: "Łukasiewicz", Function: "Minister Plenipotentiary", Category: "head_of_delegation"},
				}},
				{Code: "TUR", Name: "Türkiye", Participants: []domain.Participant{
					{Honorific: "Mr.", GivenName: "Şükrü", FamilyName: "Doğan", Function: "First Secretary", Organization: "Dışişleri Bakanlığı", Category: "delegate"},
				}},
			}},
			{Kind: "partner", Title: "Partners for Co-operation", Delegations: []domain.ParticipantDelegation{
				{Code: "JPN", Name: "Japan", Participants: []domain.Participant{
					{Honorific: "Mr.", GivenName: "Haruto", FamilyName: "Satō", Function: "Minister", Category: "head_of_delegation"},
				}},
			}},
			{Kind: "international_organization", Title: "International Organizations", Delegations: []domain.ParticipantDelegation{
				{Code: "UN", Name: "United Nations", Participants: []domain.Participant{
					{GivenName: "Αλέξανδρος", FamilyName: "Παπαδόπουλος", Function: "Senior Political Affairs Officer", Organization: "UNOV"},
				}},
			}},
			{Kind: "osce", Title: "OSCE", Delegations: nil},
			{Kind: "other", Title: "Other participants", Delegations: []domain.ParticipantDelegation{
				{Code: "NGO-1", Name: "Civil Society Platform", Participants: []domain.Participant{
					{Honorific: "Dr.", GivenName: "Ілля", FamilyName: "Коваленко", Function: "Director"},
				}},
			}},
		},
	}
}

// longList has delegations × perDelegation participants in four groups.
func longList(delegations, perDelegation int) domain.ParticipantList {
	given := []string{"Anna", "Jean-Baptiste", "Zoë", "Dragoș", "Şükrü", "Małgorzata", "Ivan", "Søren", "Ágnes", "Nikolaos", "Maximilian Alexander", "Eleni"}
	family := []string{"Müller", "Țurcanu", "Doğan", "Łukasiewicz", "Petrović", "Kovačević", "Ó Súilleabháin", "van der Berg", "Nieminen", "Papadopoulou", "Fernández García", "Jørgensen"}
	functions := []string{"Ambassador, Permanent Representative", "Deputy Head of Mission", "Counsellor", "First Secretary",
		"Senior Adviser on Arms Control, Disarmament and Confidence- and Security-Building Measures", "Military Adviser", "Attaché"}
	orgs := []string{"Permanent Mission to the OSCE", "Ministry of Foreign Affairs", "Ministry of Defence",
		"Federal Ministry for European and International Affairs, Directorate-General for Security Policy", ""}
	groups := []domain.ParticipantGroup{
		{Kind: "participating_state", Title: "Participating States"},
		{Kind: "partner", Title: "Partners for Co-operation"},
		{Kind: "international_organization", Title: "International Organizations"},
		{Kind: "osce", Title: "OSCE"},
	}
	n := 0
	for i := 0; i < delegations; i++ {
		g := &groups[min(i*len(groups)/delegations, len(groups)-1)]
		d := domain.ParticipantDelegation{Code: fmt.Sprintf("D%02d", i), Name: fmt.Sprintf("Delegation %02d", i)}
		for j := 0; j < perDelegation; j++ {
			cat := "delegate"
			if j == 0 {
				cat = "head_of_delegation"
			}
			d.Participants = append(d.Participants, domain.Participant{
				Honorific:    []string{"Mr.", "Ms.", "Dr.", "H.E. Mr.", "H.E. Ms."}[n%5],
				GivenName:    given[n%len(given)],
				FamilyName:   family[(n/3)%len(family)],
				Function:     functions[n%len(functions)],
				Organization: orgs[n%len(orgs)],
				Category:     cat,
			})
			n++
		}
		g.Delegations = append(g.Delegations, d)
	}
	return domain.ParticipantList{Event: "LONG", Groups: groups}
}

func render(t testing.TB, h Heading, list domain.ParticipantList) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ParticipantsPDF(&buf, h, list); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	return buf.Bytes()
}

// poppler runs a poppler-utils tool on pdf; it skips the test when the
// tool is missing, except in CI.
func poppler(t *testing.T, tool string, pdf []byte, args ...string) string {
	t.Helper()
	path := testenv.Tool(t, tool)
	f := t.TempDir() + "/in.pdf"
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, append(args, f, "-")...).CombinedOutput()
	if tool == "pdfinfo" {
		out, err = exec.Command(path, append(args, f)...).CombinedOutput()
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
	return string(out)
}

// inOrder asserts that the needles occur in text in the given order.
func inOrder(t *testing.T, text string, needles ...string) {
	t.Helper()
	pos := 0
	for _, n := range needles {
		i := strings.Index(text[pos:], n)
		if i < 0 {
			if strings.Contains(text, n) {
				t.Fatalf("%q is out of order", n)
			}
			t.Fatalf("%q not found in:\n%s", n, text)
		}
		pos += i + len(n)
	}
}

func TestParticipantsPDFText(t *testing.T) {
	pdf := render(t, sampleHeading, smallList())
	text := poppler(t, "pdftotext", pdf, "-layout", "-enc", "UTF-8")
	inOrder(t, text,
		"List of Participants",
		"Annual Security Review Conference 2026",
		"Vienna, Hofburg, Neuer Saal", "24–26 June 2026",
		"PARTICIPATING STATES",
		"Austria",
		"Ms. Zoë GRUBER-SCHÖNBERGER", "Ambassador, Permanent Representative",
		"Mr. Lukas WEISS", "Counsellor",
		"Moldova", "Mr. Dragoș ȚURCANU", "Deputy Head of Mission",
		"Poland", "Ms. Małgorzata ŁUKASIEWICZ",
		"Türkiye", "Mr. Şükrü DOĞAN", "Dışişleri Bakanlığı",
		"PARTNERS FOR CO-OPERATION", "Japan", "Mr. Haruto SATŌ",
		"INTERNATIONAL ORGANIZATIONS", "United Nations", "Αλέξανδρος ΠΑΠΑΔΌΠΟΥΛΟΣ",
		"OTHER PARTICIPANTS", "Civil Society Platform", "Dr. Ілля КОВАЛЕНКО",
		"Page 1 of 1",
	)
	if strings.Contains(text, "\nOSCE\n") || strings.Count(text, "OSCE") != strings.Count(text, "to the OSCE") {
		t.Errorf("the empty OSCE group was printed")
	}
	info := poppler(t, "pdfinfo", pdf)
	if !regexp.MustCompile(`Page size:\s+595\.\d* x 841\.\d* pts \(A4\)`).MatchString(info) {
		t.Errorf("not A4:\n%s", info)
	}
	if !strings.Contains(info, "Title:           List of Participants – Annual Security Review Conference 2026") {
		t.Errorf("title metadata:\n%s", info)
	}
}

func TestParticipantsPDFLong(t *testing.T) {
	list := longList(60, 10)
	pdf := render(t, sampleHeading, list)
	info := poppler(t, "pdfinfo", pdf)
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("no page count:\n%s", info)
	}
	pages, _ := strconv.Atoi(m[1])
	if pages < 8 || pages > 40 {
		t.Errorf("%d pages for 600 participants", pages)
	}
	if !strings.Contains(info, "(A4)") {
		t.Errorf("not A4:\n%s", info)
	}
	text := poppler(t, "pdftotext", pdf, "-enc", "UTF-8")
	for i := 1; i <= pages; i++ {
		if !strings.Contains(text, fmt.Sprintf("Page %d of %d", i, pages)) {
			t.Errorf("no \"Page %d of %d\"", i, pages)
		}
	}
	inOrder(t, text, "PARTICIPATING STATES", "Delegation 00", "Delegation 14", "PARTNERS FOR CO-OPERATION",
		"Delegation 15", "INTERNATIONAL ORGANIZATIONS", "Delegation 30", "OSCE", "Delegation 45", "Delegation 59")
	if !strings.Contains(text, "(continued)") {
		t.Error("no delegation was continued over a page")
	}
	t.Logf("%d participants: %d pages, %d KiB", 600, pages, len(pdf)>>10)

	// No page ends with a heading: per page, the last delegation or
	// group heading is followed by at least one participant.
	for i, page := range strings.Split(text, "\f") {
		lines := strings.Split(strings.TrimSpace(page), "\n")
		for j := len(lines) - 1; j >= 0; j-- {
			s := strings.TrimSpace(lines[j])
			if s == "" || strings.HasPrefix(s, "Page ") {
				continue
			}
			if strings.HasPrefix(s, "Delegation ") || strings.ToUpper(s) == s && !strings.Contains(s, ".") {
				t.Errorf("page %d ends with the heading %q", i+1, s)
			}
			break
		}
	}
}

func TestParticipantsPDFEdgeCases(t *testing.T) {
	long := strings.Repeat("Extraordinarily-long-unbroken-organization-name-", 6)
	list := domain.ParticipantList{Event: "EDGE", Groups: []domain.ParticipantGroup{
		{Kind: "other", Delegations: []domain.ParticipantDelegation{
			{Code: "X", Participants: []domain.Participant{
				{GivenName: "Maximilian Alexander Theodor Wolfgang Friedrich", FamilyName: "von und zu Hohenberg-Łukasiewicz-Schönborn",
					Function: long, Organization: long},
				{GivenName: "\x00Bad\xffbytes\u200b", FamilyName: "𐀀 \U0001F600 Məmmədov ằ", Function: "\t\n"},
				{},
			}},
		}},
	}}
	pdf := render(t, Heading{}, list)
	text := poppler(t, "pdftotext", pdf, "-enc", "UTF-8")
	inOrder(t, text, "EDGE", "OTHER", "X", "Maximilian", "MÄMMÄDOV", "Page 1 of 1")

	// No participants at all.
	pdf = render(t, sampleHeading, domain.ParticipantList{Event: "NONE"})
	inOrder(t, poppler(t, "pdftotext", pdf, "-enc", "UTF-8"), "List of Participants", "No participants.", "Page 1 of 1")
}

func TestParticipantsRows(t *testing.T) {
	header, rows := ParticipantsRows(smallList())
	if !reflect.DeepEqual(header, []string{"group", "delegation_code", "delegation", "honorific", "given_name", "family_name", "function", "organization", "category"}) {
		t.Errorf("header %q", header)
	}
	if len(rows) != 8 {
		t.Fatalf("%d rows", len(rows))
	}
	want0 := []string{"Participating States", "AUT", "Austria", "Ms.", "Zoë", "Gruber-Schönberger", "Ambassador, Permanent Representative", "Permanent Mission of Austria to the OSCE", "head_of_delegation"}
	if !reflect.DeepEqual(rows[0], want0) {
		t.Errorf("row 0 %q", rows[0])
	}
	var order []string
	for _, r := range rows {
		if len(r) != len(header) {
			t.Errorf("row %q has %d cells", r, len(r))
		}
		order = append(order, r[1])
	}
	if want := []string{"AUT", "AUT", "MDA", "POL", "TUR", "JPN", "UN", "NGO-1"}; !reflect.DeepEqual(order, want) {
		t.Errorf("order %v", order)
	}
	// A group without a title is named by its kind.
	_, rows = ParticipantsRows(domain.ParticipantList{Groups: []domain.ParticipantGroup{{Kind: "other",
		Delegations: []domain.ParticipantDelegation{{Code: "X", Participants: []domain.Participant{{GivenName: "A"}}}}}}})
	if rows[0][0] != "other" {
		t.Errorf("group %q", rows[0][0])
	}
	if _, rows := ParticipantsRows(domain.ParticipantList{}); rows == nil || len(rows) != 0 {
		t.Errorf("empty list: %v", rows)
	}
}

func TestUpper(t *testing.T) {
	if got := upper("Weiß"); got != "WEISS" {
		t.Errorf("upper: %q", got)
	}
}

// TestRenderSample writes /tmp/lop-sample.pdf for looking at (set
// LOP_SAMPLE=1).
func TestRenderSample(t *testing.T) {
	if os.Getenv("LOP_SAMPLE") == "" {
		t.Skip("set LOP_SAMPLE=1 to write /tmp/lop-sample.pdf")
	}
	list := smallList()
	long := longList(60, 10)
	list.Groups[0].Delegations = append(list.Groups[0].Delegations, long.Groups[0].Delegations...)
	if err := os.WriteFile("/tmp/lop-sample.pdf", render(t, sampleHeading, list), 0o644); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkParticipantsPDF1000(b *testing.B) {
	list := longList(100, 10)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := ParticipantsPDF(&buf, sampleHeading, list); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(buf.Len()))
	}
}
