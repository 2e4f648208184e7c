package demo

// fate is what happens to a nomination after it is submitted.
type fate int

const (
	submitted   fate = iota // left for the secretariat to review
	waitlisted              // submitted over a full quota
	approved                // approved (in person: a badge)
	reissued                // approved, then its badge reported lost and reissued
	rejected                // rejected with reason
	withdrawn               // withdrawn by the delegation with reason
	revoked                 // approved, then revoked with reason
	substituted             // approved, then replaced by the delegate in by
)

// door is what the delegate did at the entrances this morning.
type door int

const (
	away       door = iota // not arrived (or online)
	entered                // entered at Heldenplatz
	leftAgain              // entered, then went out again
	passedBack             // entered, then tried to enter again: already_inside
	deniedHall             // entered, then was refused at the Ratsaal: checkpoint_denied
	turnedAway             // scanned after the badge was revoked: revoked
)

// delegate is one nomination of the demo. The people are invented: names
// put together from several countries' name stock, with the diacritics a
// real list of participants is full of.
type delegate struct {
	delegation   string
	honorific    string
	given        string
	family       string
	gender       string
	function     string
	organization string
	nationality  string
	category     string
	mode         string
	born         string
	sessions     []int // indexes into the agenda; in person only
	fate         fate
	reason       string
	door         door
	by           *delegate // the substitute of a substituted delegate
}

const (
	head     = "head_of_delegation"
	member   = "delegate"
	adviser  = "adviser"
	speaker  = "speaker"
	observer = "observer"
	press    = "media"

	inPerson = "in_person"
	online   = "online"
)

// cast is the demo's nominations, in the order they are submitted. The
// first delegation is the one whose focal point's sign-in link is printed.
var cast = []delegate{
	{delegation: "AUT", honorific: "H.E. Ms", given: "Katharina", family: "Wöß-Pflügl", gender: "female",
		function: "Ambassador, Permanent Representative", organization: "Permanent Mission of Austria to the OSCE",
		nationality: "AUT", category: head, mode: inPerson, born: "1968-03-14", sessions: []int{0, 1, 2, 3},
		fate: approved, door: entered},
	{delegation: "AUT", honorific: "Mr", given: "Lukas", family: "Hörmann-Brückl", gender: "male",
		function: "Chief Inspector, Criminal Intelligence Service", organization: "Federal Ministry of the Interior",
		nationality: "AUT", category: member, mode: inPerson, born: "1981-11-02", sessions: []int{0, 1, 2},
		fate: approved, door: leftAgain},
	{delegation: "AUT", honorific: "Dr", given: "Theresa", family: "Ebenbichler", gender: "female",
		function: "Legal Adviser", organization: "Federal Ministry for European and International Affairs",
		nationality: "AUT", category: adviser, mode: inPerson, born: "1987-06-21", sessions: []int{1, 2},
		fate: submitted},
	{delegation: "AUT", honorific: "Ms", given: "Selin", family: "Öztürk-Haider", gender: "female",
		function: "Analyst, Cybercrime Competence Centre", organization: "Criminal Intelligence Service Austria",
		nationality: "AUT", category: member, mode: online, born: "1992-01-30",
		fate: approved},

	{delegation: "DEU", honorific: "Mr", given: "Friedrich", family: "Öhlschläger", gender: "male",
		function: "Director, International Police Cooperation", organization: "Federal Ministry of the Interior and Community",
		nationality: "DEU", category: head, mode: inPerson, born: "1965-09-08", sessions: []int{0, 1, 2, 3},
		fate: approved, door: entered},
	{delegation: "DEU", honorific: "Ms", given: "Änne", family: "Grüßhaber", gender: "female",
		function: "Detective Chief Superintendent", organization: "Federal Criminal Police Office",
		nationality: "DEU", category: member, mode: inPerson, born: "1979-04-17", sessions: []int{1, 2},
		fate: approved, door: entered},
	{delegation: "DEU", honorific: "Mr", given: "Malte", family: "Kießling-Jäckel", gender: "male",
		function: "Adviser, Border Police", organization: "Federal Police",
		nationality: "DEU", category: adviser, mode: inPerson, born: "1990-12-05", sessions: []int{2},
		fate: rejected, reason: "The photo does not meet the published standards (face not clearly visible); please nominate again with a new photo."},
	{delegation: "DEU", honorific: "Ms", given: "Rosalie", family: "Dünnwald", gender: "female",
		function: "Desk Officer, OSCE Affairs", organization: "Federal Foreign Office",
		nationality: "DEU", category: member, mode: inPerson, born: "1994-07-23", sessions: []int{0},
		fate: withdrawn, reason: "Travel cancelled at short notice"},

	{delegation: "POL", honorific: "Mr", given: "Bartłomiej", family: "Wróblewski-Sęk", gender: "male",
		function: "Deputy Commander-in-Chief", organization: "National Police Headquarters",
		nationality: "POL", category: head, mode: inPerson, born: "1970-02-11", sessions: []int{0, 1, 2, 3},
		fate: approved, door: entered},
	{delegation: "POL", honorific: "Ms", given: "Małgorzata", family: "Żółkiewska", gender: "female",
		function: "Head of Division, Trafficking in Human Beings", organization: "Central Bureau of Investigation",
		nationality: "POL", category: member, mode: inPerson, born: "1983-10-29", sessions: []int{1},
		fate: revoked, reason: "Accreditation withdrawn at the request of the Permanent Mission", door: turnedAway},
	{delegation: "POL", honorific: "Ms", given: "Agnieszka", family: "Chądzyńska", gender: "female",
		function: "Expert, Financial Investigations", organization: "General Inspector of Financial Information",
		nationality: "POL", category: adviser, mode: online, born: "1989-05-16",
		fate: submitted},

	{delegation: "FRA", honorific: "Ms", given: "Hélène", family: "Delacroix-Bénard", gender: "female",
		function: "Police Attaché", organization: "Permanent Representation of France to the OSCE",
		nationality: "FRA", category: head, mode: inPerson, born: "1974-08-03", sessions: []int{0, 1, 2, 3},
		fate: approved, door: entered},
	{delegation: "FRA", honorific: "Mr", given: "Grégoire", family: "Lefèvre-Tissot", gender: "male",
		function: "Commissaire divisionnaire, Anti-Trafficking Office", organization: "National Police",
		nationality: "FRA", category: member, mode: inPerson, born: "1977-01-19", sessions: []int{1, 2},
		fate: substituted, by: &delegate{delegation: "FRA", honorific: "Ms", given: "Noémie", family: "Château-Ruiz", gender: "female",
			function: "Commissaire de police, Anti-Trafficking Office", organization: "National Police",
			nationality: "FRA", category: member, mode: inPerson, born: "1988-09-27", sessions: []int{1, 2}}},

	{delegation: "ESP", honorific: "Mr", given: "Íñigo", family: "Ibáñez-Zubiría", gender: "male",
		function: "Chief Superintendent, International Cooperation Division", organization: "National Police",
		nationality: "ESP", category: head, mode: inPerson, born: "1969-12-12", sessions: []int{0, 1, 2, 3},
		fate: approved, door: entered},
	{delegation: "ESP", honorific: "Ms", given: "Begoña", family: "Núñez Peñalver", gender: "female",
		function: "Press Attaché", organization: "Permanent Mission of Spain to the OSCE",
		nationality: "ESP", category: press, mode: inPerson, born: "1985-03-08", sessions: []int{0, 3},
		fate: approved, door: deniedHall},

	{delegation: "CZE", honorific: "Mr", given: "Vojtěch", family: "Řezníček", gender: "male",
		function: "Police Vice-President", organization: "Police of the Czech Republic",
		nationality: "CZE", category: head, mode: inPerson, born: "1972-06-30", sessions: []int{0, 1, 2, 3},
		fate: approved, door: passedBack},
	{delegation: "CZE", honorific: "Dr", given: "Markéta", family: "Dvořáková-Šťastná", gender: "female",
		function: "Head of Unit, Cybercrime", organization: "National Centre against Organised Crime",
		nationality: "CZE", category: speaker, mode: inPerson, born: "1984-02-24", sessions: []int{2},
		fate: approved},

	{delegation: "SWE", honorific: "Ms", given: "Åsa", family: "Lindqvist-Öberg", gender: "female",
		function: "Senior Adviser, International Affairs", organization: "Swedish Police Authority",
		nationality: "SWE", category: head, mode: online, born: "1976-10-10",
		fate: approved},
	{delegation: "SWE", honorific: "Mr", given: "Björn", family: "Ståhlberg", gender: "male",
		function: "Detective Inspector", organization: "National Operations Department",
		nationality: "SWE", category: member, mode: online, born: "1991-04-04",
		fate: submitted},

	{delegation: "TUR", honorific: "Ms", given: "Ayşe Gül", family: "Karaağaç", gender: "female",
		function: "Head of Department, Anti-Smuggling and Organized Crime", organization: "General Directorate of Security",
		nationality: "TUR", category: head, mode: inPerson, born: "1978-11-21", sessions: []int{0, 1, 2, 3},
		fate: approved},

	{delegation: "SVN", honorific: "", given: "Alex", family: "Kovač", gender: "undisclosed",
		function: "Counsellor", organization: "Permanent Mission of Slovenia to the OSCE",
		nationality: "SVN", category: head, mode: online, born: "1986-05-05",
		fate: approved},

	{delegation: "JPN", honorific: "Mr", given: "Kenta", family: "Ōshima", gender: "male",
		function: "Superintendent, International Affairs Division", organization: "National Police Agency",
		nationality: "JPN", category: head, mode: inPerson, born: "1975-07-07", sessions: []int{0, 1, 2, 3},
		fate: approved, door: entered},
	{delegation: "JPN", honorific: "Ms", given: "Yūko", family: "Takahashi-Mori", gender: "female",
		function: "First Secretary", organization: "Permanent Mission of Japan to the International Organizations in Vienna",
		nationality: "JPN", category: member, mode: inPerson, born: "1990-02-18", sessions: []int{1, 2},
		fate: submitted},
	{delegation: "JPN", honorific: "Mr", given: "Ryō", family: "Sakaguchi", gender: "male",
		function: "Inspector, Cybercrime Division", organization: "National Police Agency",
		nationality: "JPN", category: adviser, mode: inPerson, born: "1993-09-01", sessions: []int{2},
		fate: waitlisted},

	{delegation: "TUN", honorific: "Ms", given: "Leïla", family: "Ben Ammar-Trabelsi", gender: "female",
		function: "Director, International Cooperation", organization: "Ministry of the Interior",
		nationality: "TUN", category: head, mode: online, born: "1973-03-25",
		fate: approved},
	{delegation: "TUN", honorific: "Mr", given: "Hédi", family: "Ben Slimane", gender: "male",
		function: "Police Colonel", organization: "National Guard",
		nationality: "TUN", category: member, mode: inPerson, born: "1980-08-14", sessions: []int{0, 1},
		fate: submitted},

	{delegation: "INTERPOL", honorific: "Dr", given: "Chiara", family: "Dell'Acqua-Ferré", gender: "female",
		function: "Director, Cybercrime Programme", organization: "INTERPOL General Secretariat",
		nationality: "ITA", category: head, mode: inPerson, born: "1971-05-29", sessions: []int{0, 2, 3},
		fate: approved, door: entered},
	{delegation: "UNODC", honorific: "Mr", given: "Dāvis", family: "Ozoliņš-Ørsted", gender: "male",
		function: "Programme Officer, Global Programme against Money Laundering", organization: "UNODC",
		nationality: "LVA", category: head, mode: inPerson, born: "1982-12-31", sessions: []int{2},
		fate: reissued},
	{delegation: "UNODC", honorific: "Ms", given: "Ingrid", family: "Þórsdóttir", gender: "female",
		function: "Associate Expert", organization: "UNODC",
		nationality: "ISL", category: observer, mode: online, born: "1995-06-12",
		fate: approved},
}
