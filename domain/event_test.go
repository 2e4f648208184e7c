package domain

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func validEvent() *Event {
	return &Event{Code: "OSCE-PC-2030", Timezone: "Europe/Vienna", StartsOn: "2030-03-01", EndsOn: "2030-03-03",
		Format: FormatHybrid, Status: EventOpen, InvitedKinds: []string{"participating_state"},
		Quotas: map[string]Limits{"participating_state": {InPerson: Ptr(3)}}}
}

// TestEventValidate: each rule that spans fields, and the field each
// refusal names.
func TestEventValidate(t *testing.T) {
	at := func(h int) *time.Time { v := time.Date(2030, 1, 1, h, 0, 0, 0, time.UTC); return &v }
	cases := []struct {
		name   string
		change func(e *Event)
		fields []string // "field/code"; none: valid
	}{
		{name: "valid"},
		{name: "one-day event", change: func(e *Event) { e.EndsOn = e.StartsOn }},
		{name: "lower-case code", change: func(e *Event) { e.Code = "osce-pc" }, fields: []string{"code/pattern"}},
		{name: "one-character code", change: func(e *Event) { e.Code = "A" }, fields: []string{"code/pattern"}},
		{name: "33-character code", change: func(e *Event) { e.Code = "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABC" }, fields: []string{"code/pattern"}},
		{name: "no time zone", change: func(e *Event) { e.Timezone = "" }, fields: []string{"timezone/timezone"}},
		{name: "unknown time zone", change: func(e *Event) { e.Timezone = "Europe/Atlantis" }, fields: []string{"timezone/timezone"}},
		{name: "bad dates", change: func(e *Event) { e.StartsOn, e.EndsOn = "1 March", "2030-13-01" },
			fields: []string{"starts_on/date", "ends_on/date"}},
		{name: "ends before it starts", change: func(e *Event) { e.EndsOn = "2030-02-28" }, fields: []string{"ends_on/before_start"}},
		{name: "window closes before it opens", change: func(e *Event) { e.RegistrationOpensAt, e.RegistrationClosesAt = at(10), at(9) },
			fields: []string{"registration_closes_at/before_open"}},
		{name: "window closes as it opens", change: func(e *Event) { e.RegistrationOpensAt, e.RegistrationClosesAt = at(10), at(10) },
			fields: []string{"registration_closes_at/before_open"}},
		{name: "only an opening", change: func(e *Event) { e.RegistrationOpensAt = at(10) }},
		{name: "badge validity reversed", change: func(e *Event) { e.BadgesValidFrom, e.BadgesValidUntil = at(10), at(9) },
			fields: []string{"badges_valid_until/before_start"}},
		{name: "quota for an unknown kind", change: func(e *Event) { e.Quotas["martians"] = Limits{} }, fields: []string{"quotas.martians/oneof"}},
		{name: "unknown invited kind", change: func(e *Event) { e.InvitedKinds = append(e.InvitedKinds, "martians") },
			fields: []string{"invited_kinds[1]/oneof"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := validEvent()
			if c.change != nil {
				c.change(e)
			}
			err := e.Validate()
			var got []string
			var de *Error
			if errors.As(err, &de) {
				if de.Code != CodeValidationFailed {
					t.Fatalf("code %s", de.Code)
				}
				for _, f := range de.Fields {
					got = append(got, f.Field+"/"+f.Code)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.fields) {
				t.Fatalf("fields %v, want %v", got, c.fields)
			}
		})
	}
}

// TestCheckRegistration: submitting needs an open event and the time
// inside the window; the secretariat is exempt from the window only.
func TestCheckRegistration(t *testing.T) {
	opens, closes := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		status      string
		now         time.Time
		secretariat bool
		open        bool
	}{
		{EventOpen, opens, false, true},
		{EventOpen, closes.Add(-time.Microsecond), false, true},
		{EventOpen, opens.Add(-time.Microsecond), false, false},
		{EventOpen, closes, false, false},
		{EventOpen, closes, true, true},
		{EventOpen, opens.Add(-time.Hour), true, true},
		{EventDraft, opens, false, false},
		{EventDraft, opens, true, false},
		{EventClosed, opens, true, false},
	} {
		e := validEvent()
		e.Status, e.RegistrationOpensAt, e.RegistrationClosesAt = c.status, &opens, &closes
		err := e.CheckRegistration(c.now, c.secretariat)
		if c.open != (err == nil) || (err != nil && !IsCode(err, CodeRegistrationClosed)) {
			t.Errorf("%s at %s (secretariat %v): %v", c.status, c.now, c.secretariat, err)
		}
	}
}

// TestBadgeValidity: from starts_on 00:00 to the end of ends_on in the
// event's time zone, unless the event sets its own bounds.
func TestBadgeValidity(t *testing.T) {
	e := validEvent()
	from, until := e.BadgeValidity()
	if want := time.Date(2030, 2, 28, 23, 0, 0, 0, time.UTC); !from.Equal(want) {
		t.Errorf("from %s, want %s (Vienna midnight)", from, want)
	}
	if want := time.Date(2030, 3, 3, 23, 0, 0, 0, time.UTC); !until.Equal(want) {
		t.Errorf("until %s, want %s", until, want)
	}
	own := time.Date(2030, 2, 20, 8, 0, 0, 0, time.UTC)
	e.BadgesValidFrom = &own
	if from, _ := e.BadgeValidity(); !from.Equal(own) {
		t.Errorf("own bound ignored: %s", from)
	}
	if e.Ended(until.Add(-time.Microsecond)) || !e.Ended(until) {
		t.Error("Ended does not turn at the end of the last day")
	}
}
