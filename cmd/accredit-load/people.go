package main

import (
	"bytes"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"sync"
)

// nomination is the body of POST …/nominations. Names carry diacritics
// because real delegations' do, and the server must keep them.
type nomination struct {
	Delegation   string    `json:"delegation,omitempty"`
	Honorific    string    `json:"honorific,omitempty"`
	GivenName    string    `json:"given_name"`
	FamilyName   string    `json:"family_name"`
	Gender       string    `json:"gender"`
	Function     string    `json:"function,omitempty"`
	Organization string    `json:"organization,omitempty"`
	Nationality  string    `json:"nationality,omitempty"`
	Email        string    `json:"email"`
	DateOfBirth  string    `json:"date_of_birth,omitempty"`
	Document     *document `json:"document,omitempty"`
	Category     string    `json:"category"`
	Mode         string    `json:"mode"`
}

type document struct {
	Type      string `json:"type"`
	Number    string `json:"number"`
	ExpiresOn string `json:"expires_on"`
}

type name struct{ given, gender string }

var givenNames = []name{
	{"Anna", "female"}, {"Łukasz", "male"}, {"Zoë", "female"}, {"Jürgen", "male"}, {"Sofía", "female"},
	{"Mehmet", "male"}, {"Oksana", "female"}, {"François", "male"}, {"Aigerim", "female"}, {"Dragan", "male"},
	{"Ingrid", "female"}, {"Nikolaos", "male"}, {"Tamar", "female"}, {"Björn", "male"}, {"Milena", "female"},
	{"Ahmed", "male"}, {"Yuki", "female"}, {"Seo-jun", "male"}, {"Saule", "female"}, {"Alex", "undisclosed"},
}

var familyNames = []string{"Novák", "Müller", "Kowalska", "García", "Rossi", "Johansson", "Petrović", "Dubois",
	"O'Connor", "Yılmaz", "Ivanova", "Horvat", "Andersen", "Kim", "Tanaka", "Haddad", "Smith", "Papadopoulos",
	"Gashi", "Nazarbayeva", "Ó Súilleabháin", "Þórsdóttir"}

var functions = []string{"Ambassador, Permanent Representative", "Counsellor", "First Secretary",
	"Police Adviser", "Head of Unit, Ministry of Interior", "Legal Adviser", "Expert"}

// seedCategory makes every other delegation's first nomination its head
// (at most one head per delegation is allowed) and the rest delegates or
// advisers, so that the VIP checkpoint has both heads and others to judge.
func seedCategory(i, delegations int) string {
	switch {
	case i < delegations && i%2 == 0:
		return "head_of_delegation"
	case i%3 == 0:
		return "adviser"
	}
	return "delegate"
}

// inPerson is the i-th seeded delegate: all fields an in-person
// nomination needs, a passport valid well beyond the event, and an email
// and passport number unique within the event.
func inPerson(i int, tag, delegation, category, docExpires string) nomination {
	n := givenNames[i%len(givenNames)]
	honorific := "Mr."
	switch {
	case category == "head_of_delegation":
		honorific = "H.E."
	case n.gender == "female":
		honorific = "Ms."
	case n.gender == "undisclosed":
		honorific = ""
	}
	return nomination{
		Delegation: delegation, Honorific: honorific, GivenName: n.given,
		FamilyName: familyNames[(i/len(givenNames)+i)%len(familyNames)], Gender: n.gender,
		Function: functions[i%len(functions)], Organization: "Ministry of Foreign Affairs",
		Nationality: delegation, Email: fmt.Sprintf("delegate.%06d@%s.load.example.org", i, tag),
		DateOfBirth: fmt.Sprintf("%04d-%02d-%02d", 1950+i%50, 1+i%12, 1+i%28),
		Document:    &document{Type: "passport", Number: fmt.Sprintf("P%s%07d", strings.ToUpper(tag), i), ExpiresOn: docExpires},
		Category:    category, Mode: "in_person",
	}
}

// onlinePerson is a distinct online participant: tag makes the email
// unique across runs against the same event.
func onlinePerson(seq uint64, tag, delegation string) nomination {
	n := givenNames[seq%uint64(len(givenNames))]
	return nomination{Delegation: delegation, GivenName: n.given,
		FamilyName: familyNames[seq%uint64(len(familyNames))], Gender: n.gender, Function: "Observer (online)",
		Email: fmt.Sprintf("online.%d@%s.load.example.org", seq, tag), Category: "observer", Mode: "online"}
}

// importColumns are the CSV columns of an import (api/openapi.yaml) the seed uses.
var importColumns = []string{"delegation", "honorific", "given_name", "family_name", "gender", "function",
	"organization", "nationality", "email", "date_of_birth", "document_type", "document_number",
	"document_expires_on", "category", "mode"}

// importCSV renders nominations as an import file (header = row 1).
func importCSV(ns []nomination) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(importColumns)
	for _, n := range ns {
		d := n.Document
		if d == nil {
			d = &document{}
		}
		_ = w.Write([]string{n.Delegation, n.Honorific, n.GivenName, n.FamilyName, n.Gender, n.Function,
			n.Organization, n.Nationality, n.Email, n.DateOfBirth, d.Type, d.Number, d.ExpiresOn, n.Category, n.Mode})
	}
	w.Flush()
	return b.Bytes()
}

// photoJPEG is a synthetic 200×250 passport-style photo, made once: a
// plain background, a head and shoulders. Real photos vary; the server
// re-encodes either way.
var photoJPEG = sync.OnceValue(func() []byte {
	const w, h = 200, 250
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{R: 210, G: 220, B: uint8(230 - y/10), A: 255} // light background
			dx, dy := float64(x-100)/48, float64(y-100)/62
			switch {
			case dx*dx+dy*dy <= 1: // face
				c = color.RGBA{R: 224, G: 180, B: 150, A: 255}
			case y > 170 && (x-100)*(x-100) < (y-150)*(y-150)*3: // shoulders
				c = color.RGBA{R: 40, G: 50, B: 80, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return b.Bytes()
})

// randomTag is six hex digits that make one run's emails distinct from
// another run's on the same event.
func randomTag() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
