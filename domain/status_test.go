package domain

import "testing"

// TestTransition pins the status machine (README, How it works): every status ×
// action, allowed moves and their targets; everything else refused.
func TestTransition(t *testing.T) {
	allowed := map[Status]map[Action]Status{
		StatusSubmitted:  {ActionEdit: StatusSubmitted, ActionApprove: StatusApproved, ActionReject: StatusRejected, ActionWithdraw: StatusWithdrawn, ActionSubstitute: StatusWithdrawn},
		StatusWaitlisted: {ActionEdit: StatusWaitlisted, ActionWithdraw: StatusWithdrawn, ActionPromote: StatusSubmitted},
		StatusApproved:   {ActionWithdraw: StatusWithdrawn, ActionRevoke: StatusRevoked, ActionSubstitute: StatusWithdrawn},
		StatusRejected:   {},
		StatusWithdrawn:  {},
		StatusRevoked:    {},
	}
	actions := []Action{ActionEdit, ActionApprove, ActionReject, ActionWithdraw, ActionRevoke, ActionSubstitute, ActionPromote}
	for _, from := range Statuses {
		for _, a := range actions {
			to, err := Transition(from, a)
			want, ok := allowed[from][a]
			switch {
			case ok && (err != nil || to != want):
				t.Errorf("%s %s: got %q, %v; want %s", a, from, to, err, want)
			case !ok && !IsCode(err, CodeInvalidTransition):
				t.Errorf("%s %s: got %q, %v; want invalid_transition", a, from, to, err)
			}
		}
	}
}

// TestSearchKey folds case and accents the same way for stored names and
// typed queries.
func TestSearchKey(t *testing.T) {
	for _, q := range []string{"turcanu", "Țurcanu", "ȚURCANU", "țurcanu"} {
		if got := SearchKey(q); got != "turcanu" {
			t.Errorf("SearchKey(%q) = %q", q, got)
		}
	}
	if got := SearchKey("Zoë", "Müller-Łukasiewicz"); got != "zoe muller-łukasiewicz" {
		t.Errorf("got %q", got)
	}
}
