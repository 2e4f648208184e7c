package domain

import "testing"

// TestDefaultQuota: the event's quota for a delegation's kind and mode; a
// kind without one, or a null mode, is unlimited (nil).
func TestDefaultQuota(t *testing.T) {
	e := &Event{Quotas: map[string]Limits{"participating_state": {InPerson: Ptr(3), Online: Ptr(5)}, "partner": {InPerson: Ptr(1)}}}
	for _, c := range []struct {
		kind, mode string
		want       *int
	}{
		{"participating_state", ModeInPerson, Ptr(3)},
		{"participating_state", ModeOnline, Ptr(5)},
		{"partner", ModeInPerson, Ptr(1)},
		{"partner", ModeOnline, nil},
		{"media", ModeInPerson, nil},
	} {
		got := e.DefaultQuota(c.kind, c.mode)
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("%s %s: %v, want %v", c.kind, c.mode, got, c.want)
		}
	}
}

// TestUsage: remaining is the limit less the use, never below zero (a
// quota lowered below its use evicts nobody); unlimited has neither.
func TestUsage(t *testing.T) {
	for _, c := range []struct {
		limit     *int
		used      int
		remaining *int
	}{
		{Ptr(3), 0, Ptr(3)},
		{Ptr(3), 2, Ptr(1)},
		{Ptr(3), 3, Ptr(0)},
		{Ptr(0), 0, Ptr(0)},
		{Ptr(2), 5, Ptr(0)},
		{nil, 7, nil},
	} {
		u := NewUsage(c.limit, c.used)
		if u.Used != c.used || u.Limit != c.limit || (u.Remaining == nil) != (c.remaining == nil) ||
			(u.Remaining != nil && *u.Remaining != *c.remaining) {
			t.Errorf("NewUsage(%v, %d) = %+v", c.limit, c.used, u)
		}
	}
}

// TestOffersMode: an event's format decides the modes one may be
// nominated in.
func TestOffersMode(t *testing.T) {
	for format, modes := range map[string][2]bool{
		FormatInPerson: {true, false}, FormatOnline: {false, true}, FormatHybrid: {true, true},
	} {
		e := &Event{Format: format}
		if e.OffersMode(ModeInPerson) != modes[0] || e.OffersMode(ModeOnline) != modes[1] || e.OffersMode("carrier_pigeon") {
			t.Errorf("%s offers the wrong modes", format)
		}
	}
}
