package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// This file proves the status machine (README, How it works) and the
// rules of "Quotas and capacities" that its moves touch, through the API.
// Helpers here are prefixed sm to stay apart from other test files.

var (
	smStatuses = []string{"submitted", "waitlisted", "approved", "rejected", "withdrawn", "revoked"}
	smActions  = []string{"edit", "approve", "reject", "revoke", "withdraw", "substitute"}
	// smMachine is the README's table (How it works): from status, action → status the
	// nomination acted upon ends in. Every pair not listed is
	// 409 invalid_transition.
	smMachine = map[string]map[string]string{
		"submitted":  {"edit": "submitted", "approve": "approved", "reject": "rejected", "withdraw": "withdrawn", "substitute": "withdrawn"},
		"waitlisted": {"edit": "waitlisted", "withdraw": "withdrawn"},
		"approved":   {"withdraw": "withdrawn", "revoke": "revoked", "substitute": "withdrawn"},
	}
)

// smEvent creates an open hybrid event keeping a waitlist.
func smEvent(e *env, code string, change ...func(map[string]any)) {
	e.t.Helper()
	e.event(code, append([]func(map[string]any){func(b map[string]any) { b["waitlist"] = true }}, change...)...)
}

// smGet reads a nomination as the secretariat.
func smGet(e *env, event, id string) map[string]any {
	e.t.Helper()
	return e.call("GET", nomPath(event, id), e.admin, nil).want(200).json()
}

// smStatus is a nomination's status as the secretariat sees it.
func smStatus(e *env, event, id string) string {
	e.t.Helper()
	s, _ := smGet(e, event, id)["status"].(string)
	return s
}

// smQuota returns the quota item of a delegation, for mode in_person or
// online: {limit, used, remaining}.
func smQuota(e *env, event, delegation, mode string) map[string]any {
	e.t.Helper()
	q := e.call("GET", "/v1/events/"+event+"/quotas", e.admin, nil).want(200).json()
	for _, it := range q["items"].([]any) {
		m := it.(map[string]any)
		if m["delegation"] == delegation {
			return m[mode].(map[string]any)
		}
	}
	e.t.Fatalf("no quota item for %s in %s: %v", delegation, event, q)
	return nil
}

// smUsed is the used count of a delegation's quota.
func smUsed(e *env, event, delegation, mode string) int {
	e.t.Helper()
	u, ok := smQuota(e, event, delegation, mode)["used"].(float64)
	if !ok {
		e.t.Fatalf("quota of %s has no used count", delegation)
	}
	return int(u)
}

// smSetQuota overrides a delegation's quota; nil is unlimited.
func smSetQuota(e *env, event, delegation string, inPerson, online any) map[string]any {
	e.t.Helper()
	return e.call("PUT", "/v1/events/"+event+"/quotas/"+delegation, e.admin,
		map[string]any{"in_person": inPerson, "online": online}).want(200).json()
}

// smBadge is the badge summary of a nomination, or nil.
func smBadge(n map[string]any) map[string]any {
	b, _ := n["badge"].(map[string]any)
	return b
}

// smSession creates a session and returns its id.
func smSession(e *env, event string, capacity any) string {
	e.t.Helper()
	return e.call("POST", "/v1/events/"+event+"/sessions", e.admin, map[string]any{
		"title": "Panel on border management", "starts_at": "2030-06-10T09:00:00Z", "ends_at": "2030-06-10T11:00:00Z",
		"room": "Neuer Saal", "capacity": capacity,
	}).want(201).str("id")
}

// smBuild brings a new AUT nomination (in person, with photo) to status.
// The event must keep a waitlist; building "waitlisted" closes AUT's quota.
func smBuild(e *env, event, aut, status string) string {
	e.t.Helper()
	if status == "waitlisted" {
		smSetQuota(e, event, "AUT", 0, 0)
	}
	r := e.call("POST", "/v1/events/"+event+"/nominations", aut, person()).want(201)
	id := r.str("id")
	want := "submitted"
	if status == "waitlisted" {
		want = "waitlisted"
	}
	if got := r.str("status"); got != want {
		e.t.Fatalf("new nomination is %s, want %s: %s", got, want, r.Body)
	}
	e.photo(event, aut, id)
	switch status {
	case "approved":
		e.call("POST", nomPath(event, id, "approve"), e.admin, nil).want(200)
	case "rejected":
		e.call("POST", nomPath(event, id, "reject"), e.admin, map[string]any{"reason": "incomplete"}).want(200)
	case "withdrawn":
		e.call("POST", nomPath(event, id, "withdraw"), aut, map[string]any{"reason": "ill"}).want(200)
	case "revoked":
		e.call("POST", nomPath(event, id, "approve"), e.admin, nil).want(200)
		e.call("POST", nomPath(event, id, "revoke"), e.admin, map[string]any{"reason": "misconduct"}).want(200)
	}
	if got := smStatus(e, event, id); got != status {
		e.t.Fatalf("built %s, want %s", got, status)
	}
	return id
}

// smAct runs one action of the table on a nomination.
func smAct(e *env, event, aut, id, action string) *resp {
	e.t.Helper()
	switch action {
	case "edit":
		return e.call("PATCH", nomPath(event, id), aut, map[string]any{"function": "Head of Unit"})
	case "approve":
		return e.call("POST", nomPath(event, id, "approve"), e.admin, nil)
	case "reject", "revoke":
		return e.call("POST", nomPath(event, id, action), e.admin, map[string]any{"reason": "test " + action})
	case "withdraw":
		return e.call("POST", nomPath(event, id, "withdraw"), aut, map[string]any{"reason": "test withdraw"})
	case "substitute":
		return e.call("POST", nomPath(event, id, "substitute"), aut, person())
	}
	e.t.Fatalf("unknown action %s", action)
	return nil
}

// TestStatusMachine tries every action of the status machine from every status: the
// allowed moves land where the table says, every other one is
// 409 invalid_transition and changes nothing.
func TestStatusMachine(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		aut := e.token("delegation", "AUT", "")
		n := 0
		for _, from := range smStatuses {
			for _, action := range smActions {
				n++
				name := from + "/" + action
				event := fmt.Sprintf("SM-%02d", n)
				smEvent(e, event)
				id := smBuild(e, event, aut, from)
				r := smAct(e, event, aut, id, action)
				to, allowed := smMachine[from][action]
				if !allowed {
					if r.Status != 409 || r.json()["code"] != "invalid_transition" {
						t.Errorf("%s: got %d %s, want 409 invalid_transition", name, r.Status, r.Body)
					}
					if got := smStatus(e, event, id); got != from {
						t.Errorf("%s: refused action moved the status to %s", name, got)
					}
					continue
				}
				wantStatus := 200
				if action == "substitute" {
					wantStatus = 201
				}
				if r.Status != wantStatus {
					t.Errorf("%s: got %d %s, want %d", name, r.Status, r.Body, wantStatus)
					continue
				}
				body := r.json()
				if action == "substitute" {
					if body["id"] == id || body["status"] != "submitted" || body["replaces"] != id {
						t.Errorf("%s: the answer is not the new submitted nomination replacing %s: %s", name, id, r.Body)
					}
				} else if body["id"] != id || body["status"] != to {
					t.Errorf("%s: answer has status %v, want %s: %s", name, body["status"], to, r.Body)
				}
				if action == "edit" && body["function"] != "Head of Unit" {
					t.Errorf("%s: edit not applied: %s", name, r.Body)
				}
				if got := smStatus(e, event, id); got != to {
					t.Errorf("%s: stored status %s, want %s", name, got, to)
				}
			}
		}
	})
}

// TestStatusActionRoles checks the "by" column: approve, reject and revoke
// are the secretariat's; a delegation withdraws and substitutes its own
// only, and another delegation's nomination does not exist for it.
func TestStatusActionRoles(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		smEvent(e, "SM-ROLES")
		aut := e.token("delegation", "AUT", "")
		deu := e.token("delegation", "DEU", "")
		id := e.submit("SM-ROLES", aut, person())
		e.photo("SM-ROLES", aut, id)
		e.call("POST", nomPath("SM-ROLES", id, "approve"), aut, nil).problem(403, "forbidden")
		e.call("POST", nomPath("SM-ROLES", id, "reject"), aut, map[string]any{"reason": "x"}).problem(403, "forbidden")
		e.call("POST", nomPath("SM-ROLES", id, "withdraw"), deu, map[string]any{"reason": "x"}).problem(404, "not_found")
		e.call("POST", nomPath("SM-ROLES", id, "substitute"), deu, person()).problem(404, "not_found")
		e.call("PATCH", nomPath("SM-ROLES", id), deu, map[string]any{"function": "x"}).problem(404, "not_found")
		e.call("POST", nomPath("SM-ROLES", id, "approve"), e.admin, nil).want(200)
		e.call("POST", nomPath("SM-ROLES", id, "revoke"), aut, map[string]any{"reason": "x"}).problem(403, "forbidden")
		if got := smStatus(e, "SM-ROLES", id); got != "approved" {
			t.Fatalf("refused actions changed the status to %s", got)
		}
		e.call("POST", nomPath("SM-ROLES", id, "withdraw"), aut, nil).want(200)
	})
}

// TestStatusReasonRequired: reject and revoke without a reason are 422 and
// change nothing; the reason given is kept as status_reason.
func TestStatusReasonRequired(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		smEvent(e, "SM-REASON")
		aut := e.token("delegation", "AUT", "")
		sub := smBuild(e, "SM-REASON", aut, "submitted")
		app := smBuild(e, "SM-REASON", aut, "approved")
		for _, c := range []struct {
			id, action string
			body       any
		}{
			{sub, "reject", map[string]any{}},
			{sub, "reject", map[string]any{"reason": ""}},
			{app, "revoke", map[string]any{}},
			{app, "revoke", map[string]any{"reason": ""}},
		} {
			r := e.call("POST", nomPath("SM-REASON", c.id, c.action), e.admin, c.body)
			r.problem(422, "validation_failed")
			if f := r.fields(); len(f) != 1 || f[0] != "reason" {
				t.Errorf("%s %v: field errors %v, want [reason]", c.action, c.body, f)
			}
		}
		if smStatus(e, "SM-REASON", sub) != "submitted" || smStatus(e, "SM-REASON", app) != "approved" {
			t.Fatal("a refused reject/revoke changed the status")
		}
		if b := smBadge(smGet(e, "SM-REASON", app)); b["status"] != "active" {
			t.Fatalf("a refused revoke touched the badge: %v", b)
		}
		got := e.call("POST", nomPath("SM-REASON", sub, "reject"), e.admin, map[string]any{"reason": "  documents incomplete "}).want(200).json()
		if got["status"] != "rejected" || got["status_reason"] != "documents incomplete" || got["decided_by"] == nil || got["decided_at"] == nil {
			t.Fatalf("after reject: %v", got)
		}
		got = e.call("POST", nomPath("SM-REASON", app, "revoke"), e.admin, map[string]any{"reason": "misconduct"}).want(200).json()
		if got["status"] != "revoked" || got["status_reason"] != "misconduct" {
			t.Fatalf("after revoke: %v", got)
		}
	})
}

// TestStatusBlankReasonRefused: a reason of only spaces is no reason.
func TestStatusBlankReasonRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		smEvent(e, "SM-BLANK")
		aut := e.token("delegation", "AUT", "")
		sub := smBuild(e, "SM-BLANK", aut, "submitted")
		app := smBuild(e, "SM-BLANK", aut, "approved")
		r := e.call("POST", nomPath("SM-BLANK", sub, "reject"), e.admin, map[string]any{"reason": "   "})
		if r.Status != 422 {
			t.Errorf("reject with a blank reason: %d %s, want 422 validation_failed", r.Status, r.Body)
		}
		r = e.call("POST", nomPath("SM-BLANK", app, "revoke"), e.admin, map[string]any{"reason": " \t "})
		if r.Status != 422 {
			t.Errorf("revoke with a blank reason: %d %s, want 422 validation_failed", r.Status, r.Body)
		}
	})
}

// TestStatusBadges: approval issues serial 1 to in-person participants and
// nothing to online ones; withdraw and revoke revoke the badge.
func TestStatusBadges(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		smEvent(e, "SM-BADGE")
		aut := e.token("delegation", "AUT", "")

		inPerson := e.approved("SM-BADGE", aut, person())
		b := smBadge(smGet(e, "SM-BADGE", inPerson))
		if b == nil || b["serial"] != float64(1) || b["status"] != "active" || b["id"] == "" {
			t.Fatalf("in-person approval: badge %v, want serial 1 active", b)
		}

		on := e.submit("SM-BADGE", aut, person(online))
		got := e.call("POST", nomPath("SM-BADGE", on, "approve"), e.admin, nil).want(200).json()
		if got["status"] != "approved" || got["badge"] != nil {
			t.Fatalf("online approval (no photo needed, no badge): %v", got)
		}

		got = e.call("POST", nomPath("SM-BADGE", inPerson, "withdraw"), aut, map[string]any{"reason": "ill"}).want(200).json()
		if b := smBadge(got); got["status"] != "withdrawn" || b == nil || b["status"] != "revoked" {
			t.Fatalf("after withdraw: %v", got)
		}

		rev := e.approved("SM-BADGE", aut, person())
		got = e.call("POST", nomPath("SM-BADGE", rev, "revoke"), e.admin, map[string]any{"reason": "misconduct"}).want(200).json()
		if b := smBadge(got); got["status"] != "revoked" || b == nil || b["status"] != "revoked" || b["serial"] != float64(1) {
			t.Fatalf("after revoke: %v", got)
		}
		// Revoking gave the quota seat back: AUT holds only the online one.
		if u := smUsed(e, "SM-BADGE", "AUT", "in_person"); u != 0 {
			t.Fatalf("in-person quota used %d after withdraw and revoke, want 0", u)
		}
		if u := smUsed(e, "SM-BADGE", "AUT", "online"); u != 1 {
			t.Fatalf("online quota used %d, want 1", u)
		}
	})
}

// TestStatusReleaseFreesSeats: withdraw and revoke of an approved
// nomination give back the event capacity and session seats; reject of a
// submitted one holds none to give.
func TestStatusReleaseFreesSeats(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("SM-FREE", func(b map[string]any) { b["capacity"] = map[string]any{"in_person": 1, "online": 1} })
		aut := e.token("delegation", "AUT", "")
		sid := smSession(e, "SM-FREE", 1)
		inSession := func(b map[string]any) { b["sessions"] = []string{sid} }
		a := e.approved("SM-FREE", aut, person(inSession))
		b := e.submit("SM-FREE", aut, person(inSession))
		e.photo("SM-FREE", aut, b)
		e.call("POST", nomPath("SM-FREE", b, "approve"), e.admin, nil).problem(409, "capacity_reached")
		e.call("POST", nomPath("SM-FREE", a, "withdraw"), aut, nil).want(200)
		e.call("POST", nomPath("SM-FREE", b, "approve"), e.admin, nil).want(200)
		c := e.submit("SM-FREE", aut, person(inSession))
		e.photo("SM-FREE", aut, c)
		e.call("PATCH", "/v1/events/SM-FREE", e.admin, map[string]any{"capacity": map[string]any{"in_person": 5, "online": 1}}).want(200)
		e.call("POST", nomPath("SM-FREE", c, "approve"), e.admin, nil).problem(409, "session_full")
		e.call("POST", nomPath("SM-FREE", b, "revoke"), e.admin, map[string]any{"reason": "left early"}).want(200)
		e.call("POST", nomPath("SM-FREE", c, "approve"), e.admin, nil).want(200)
		sessions := ntList(e, e.admin, "/v1/events/SM-FREE/sessions")
		if len(sessions) != 1 || sessions[0]["approved"] != float64(1) {
			t.Fatalf("session count after withdraw, revoke and approve: %v", sessions)
		}
		// Online capacity: one approved online, withdrawn, the next fits.
		o1 := e.submit("SM-FREE", aut, person(online))
		o2 := e.submit("SM-FREE", aut, person(online))
		e.call("POST", nomPath("SM-FREE", o1, "approve"), e.admin, nil).want(200)
		e.call("POST", nomPath("SM-FREE", o2, "approve"), e.admin, nil).problem(409, "capacity_reached")
		e.call("POST", nomPath("SM-FREE", o1, "withdraw"), aut, nil).want(200)
		e.call("POST", nomPath("SM-FREE", o2, "approve"), e.admin, nil).want(200)
	})
}

// TestStatusSubstitute: the new person takes the old one's seat in one
// step; mode and sessions default to the old ones.
func TestStatusSubstitute(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("SM-SUBST", func(b map[string]any) { b["capacity"] = map[string]any{"in_person": 1} })
		aut := e.token("delegation", "AUT", "")
		sid := smSession(e, "SM-SUBST", 1)

		// A submitted one, with a session, replaced by someone whose body
		// gives neither mode nor sessions.
		old := e.submit("SM-SUBST", aut, person(func(b map[string]any) { b["sessions"] = []string{sid} }))
		before := smUsed(e, "SM-SUBST", "AUT", "in_person")
		r := e.call("POST", nomPath("SM-SUBST", old, "substitute"), aut, person(func(b map[string]any) {
			delete(b, "mode")
			b["given_name"] = "Lukas"
		})).want(201)
		fresh := r.json()
		if fresh["id"] == old || fresh["replaces"] != old || fresh["status"] != "submitted" || fresh["replaced_by"] != nil {
			t.Fatalf("substitute answer: %s", r.Body)
		}
		if fresh["mode"] != "in_person" || fmt.Sprint(fresh["sessions"]) != fmt.Sprint([]any{sid}) {
			t.Fatalf("mode and sessions do not default to the old ones: %s", r.Body)
		}
		if fresh["given_name"] != "Lukas" || fresh["delegation"] != "AUT" {
			t.Fatalf("new person: %s", r.Body)
		}
		o := smGet(e, "SM-SUBST", old)
		if o["status"] != "withdrawn" || o["status_reason"] != "substituted" || o["replaced_by"] != fresh["id"] {
			t.Fatalf("old nomination after substitute: %v", o)
		}
		if u := smUsed(e, "SM-SUBST", "AUT", "in_person"); u != before {
			t.Fatalf("quota used %d after substitute, want %d (the seat passes over)", u, before)
		}
		// The replaced one is done with: no second substitute.
		e.call("POST", nomPath("SM-SUBST", old, "substitute"), aut, person()).problem(409, "invalid_transition")

		// An approved one with the quota full: the seat passes over, the
		// old badge is revoked and capacity and session seat are freed for
		// the new person's own approval.
		smSetQuota(e, "SM-SUBST", "AUT", 2, 5)
		newID := fresh["id"].(string)
		e.photo("SM-SUBST", aut, newID)
		e.call("POST", nomPath("SM-SUBST", newID, "approve"), e.admin, nil).want(200)
		e.submit("SM-SUBST", aut, person())
		if q := smQuota(e, "SM-SUBST", "AUT", "in_person"); q["used"] != float64(2) || q["remaining"] != float64(0) {
			t.Fatalf("quota should be full: %v", q)
		}
		e.call("POST", "/v1/events/SM-SUBST/nominations", aut, person()).problem(409, "quota_exceeded")
		r = e.call("POST", nomPath("SM-SUBST", newID, "substitute"), aut, person()).want(201)
		third := r.json()
		if third["replaces"] != newID || third["status"] != "submitted" || third["mode"] != "in_person" ||
			fmt.Sprint(third["sessions"]) != fmt.Sprint([]any{sid}) {
			t.Fatalf("substitute of an approved nomination: %s", r.Body)
		}
		o = smGet(e, "SM-SUBST", newID)
		if o["status"] != "withdrawn" || o["status_reason"] != "substituted" || o["replaced_by"] != third["id"] {
			t.Fatalf("approved nomination after substitute: %v", o)
		}
		if b := smBadge(o); b == nil || b["status"] != "revoked" {
			t.Fatalf("the substituted person's badge is still valid: %v", o)
		}
		if u := smUsed(e, "SM-SUBST", "AUT", "in_person"); u != 2 {
			t.Fatalf("quota used %d after substitute with a full quota, want 2", u)
		}
		// Capacity 1 and session capacity 1 were the old person's: the new
		// one can be approved.
		e.photo("SM-SUBST", aut, third["id"].(string))
		got := e.call("POST", nomPath("SM-SUBST", third["id"].(string), "approve"), e.admin, nil).want(200).json()
		if b := smBadge(got); b == nil || b["status"] != "active" || b["serial"] != float64(1) {
			t.Fatalf("the substitute's own badge: %v", got)
		}
	})
}

// TestStatusSubstituteOtherModeFull: a substitute in another mode needs a
// seat there; without one it is quota_exceeded and nothing changes.
func TestStatusSubstituteOtherModeFull(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		smEvent(e, "SM-SUBMODE")
		aut := e.token("delegation", "AUT", "")
		old := e.submit("SM-SUBMODE", aut, person())
		smSetQuota(e, "SM-SUBMODE", "AUT", 3, 0)
		e.call("POST", nomPath("SM-SUBMODE", old, "substitute"), aut, person(online)).problem(409, "quota_exceeded")
		o := smGet(e, "SM-SUBMODE", old)
		if o["status"] != "submitted" || o["replaced_by"] != nil {
			t.Fatalf("a failed substitute changed the old nomination: %v", o)
		}
		if ip, on := smUsed(e, "SM-SUBMODE", "AUT", "in_person"), smUsed(e, "SM-SUBMODE", "AUT", "online"); ip != 1 || on != 0 {
			t.Fatalf("quota use after a failed substitute: in_person %d online %d, want 1 and 0", ip, on)
		}
		list := e.call("GET", "/v1/events/SM-SUBMODE/nominations", e.admin, nil).want(200).json()
		if n := len(list["items"].([]any)); n != 1 {
			t.Fatalf("%d nominations after a failed substitute, want 1", n)
		}
		// With room online the substitute moves the seat across.
		smSetQuota(e, "SM-SUBMODE", "AUT", 3, 1)
		fresh := e.call("POST", nomPath("SM-SUBMODE", old, "substitute"), aut, person(online)).want(201).json()
		if fresh["mode"] != "online" {
			t.Fatalf("substitute mode: %v", fresh)
		}
		if ip, on := smUsed(e, "SM-SUBMODE", "AUT", "in_person"), smUsed(e, "SM-SUBMODE", "AUT", "online"); ip != 0 || on != 1 {
			t.Fatalf("quota use after a cross-mode substitute: in_person %d online %d, want 0 and 1", ip, on)
		}
	})
}

// TestStatusWaitlist: with a waitlist a full quota queues new nominations;
// a freed seat or a raised quota promotes the oldest first.
func TestStatusWaitlist(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		smEvent(e, "SM-WAIT")
		aut := e.token("delegation", "AUT", "")
		smSetQuota(e, "SM-WAIT", "AUT", 2, 5)
		submit := func() (string, string) {
			r := e.call("POST", "/v1/events/SM-WAIT/nominations", aut, person()).want(201)
			return r.str("id"), r.str("status")
		}
		a, sa := submit()
		b, sb := submit()
		c, sc := submit()
		d, sd := submit()
		x, sx := submit()
		if sa != "submitted" || sb != "submitted" || sc != "waitlisted" || sd != "waitlisted" || sx != "waitlisted" {
			t.Fatalf("statuses %s %s %s %s %s, want submitted ×2 then waitlisted ×3", sa, sb, sc, sd, sx)
		}
		if u := smUsed(e, "SM-WAIT", "AUT", "in_person"); u != 2 {
			t.Fatalf("waitlisted nominations take no seat: used %d, want 2", u)
		}
		// Waitlisted nominations can be edited and keep their place.
		e.call("PATCH", nomPath("SM-WAIT", d), aut, map[string]any{"remarks": "vegetarian"}).want(200)

		// Withdrawing a submitted one promotes the oldest waitlisted.
		e.call("POST", nomPath("SM-WAIT", a, "withdraw"), aut, map[string]any{"reason": "ill"}).want(200)
		if s := smStatus(e, "SM-WAIT", c); s != "submitted" {
			t.Fatalf("oldest waitlisted is %s after a withdrawal, want submitted", s)
		}
		if s := smStatus(e, "SM-WAIT", d); s != "waitlisted" {
			t.Fatalf("second waitlisted is %s, want still waitlisted", s)
		}
		if u := smUsed(e, "SM-WAIT", "AUT", "in_person"); u != 2 {
			t.Fatalf("used %d after promotion, want 2", u)
		}

		// Rejecting frees a seat too.
		e.call("POST", nomPath("SM-WAIT", b, "reject"), e.admin, map[string]any{"reason": "late"}).want(200)
		if s := smStatus(e, "SM-WAIT", d); s != "submitted" {
			t.Fatalf("waitlisted is %s after a rejection, want submitted", s)
		}

		// Withdrawing a waitlisted one frees no seat and promotes nobody else.
		y, sy := submit()
		if sy != "waitlisted" {
			t.Fatalf("new nomination is %s, want waitlisted", sy)
		}
		e.call("POST", nomPath("SM-WAIT", x, "withdraw"), aut, nil).want(200)
		if s := smStatus(e, "SM-WAIT", y); s != "waitlisted" {
			t.Fatalf("withdrawing a waitlisted one promoted another: %s", s)
		}
		if u := smUsed(e, "SM-WAIT", "AUT", "in_person"); u != 2 {
			t.Fatalf("used %d, want 2", u)
		}

		// Raising the quota promotes.
		q := smSetQuota(e, "SM-WAIT", "AUT", 3, 5)
		if s := smStatus(e, "SM-WAIT", y); s != "submitted" {
			t.Fatalf("waitlisted is %s after the quota was raised, want submitted", s)
		}
		if ip := q["in_person"].(map[string]any); ip["used"] != float64(3) || ip["limit"] != float64(3) || ip["remaining"] != float64(0) {
			t.Fatalf("quota answer after raise: %v", q)
		}
		if u := smUsed(e, "SM-WAIT", "AUT", "in_person"); u != 3 {
			t.Fatalf("used %d after raise, want 3", u)
		}
	})
}

// TestStatusWaitlistOrder: several seats freed at once go to the waitlist
// in submission order.
func TestStatusWaitlistOrder(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		smEvent(e, "SM-FCFS")
		aut := e.token("delegation", "AUT", "")
		smSetQuota(e, "SM-FCFS", "AUT", 0, 5)
		var ids []string
		for i := 0; i < 5; i++ {
			r := e.call("POST", "/v1/events/SM-FCFS/nominations", aut, person()).want(201)
			if r.str("status") != "waitlisted" {
				t.Fatalf("nomination %d is %s, want waitlisted", i, r.str("status"))
			}
			ids = append(ids, r.str("id"))
		}
		smSetQuota(e, "SM-FCFS", "AUT", 3, 5)
		for i, id := range ids {
			want := "submitted"
			if i >= 3 {
				want = "waitlisted"
			}
			if s := smStatus(e, "SM-FCFS", id); s != want {
				t.Fatalf("nomination %d (by submission order) is %s, want %s", i, s, want)
			}
		}
	})
}

// TestStatusQuotaLowered: lowering a quota below its use blocks new
// submissions and evicts nobody; remaining never goes below 0.
func TestStatusQuotaLowered(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("SM-LOWER") // no waitlist
		aut := e.token("delegation", "AUT", "")
		var ids []string
		for i := 0; i < 3; i++ {
			ids = append(ids, e.submit("SM-LOWER", aut, person()))
		}
		e.call("POST", "/v1/events/SM-LOWER/nominations", aut, person()).problem(409, "quota_exceeded")
		q := smSetQuota(e, "SM-LOWER", "AUT", 1, 5)
		if ip := q["in_person"].(map[string]any); ip["limit"] != float64(1) || ip["used"] != float64(3) || ip["remaining"] != float64(0) {
			t.Fatalf("quota after lowering: %v", q)
		}
		if ip := smQuota(e, "SM-LOWER", "AUT", "in_person"); ip["remaining"] != float64(0) {
			t.Fatalf("remaining below 0 or missing: %v", ip)
		}
		for _, id := range ids {
			if s := smStatus(e, "SM-LOWER", id); s != "submitted" {
				t.Fatalf("lowering the quota evicted a nomination: %s", s)
			}
		}
		p := e.call("POST", "/v1/events/SM-LOWER/nominations", aut, person()).problem(409, "quota_exceeded")
		if d, _ := p["detail"].(string); !strings.Contains(d, "1") || !strings.Contains(d, "3") {
			t.Fatalf("quota_exceeded detail should give the limit (1) and the count (3): %q", d)
		}
		// One leaves: 2 used of 1, still blocked.
		e.call("POST", nomPath("SM-LOWER", ids[0], "withdraw"), aut, nil).want(200)
		e.call("POST", "/v1/events/SM-LOWER/nominations", aut, person()).problem(409, "quota_exceeded")
		if ip := smQuota(e, "SM-LOWER", "AUT", "in_person"); ip["used"] != float64(2) || ip["remaining"] != float64(0) {
			t.Fatalf("quota after one withdrawal: %v", ip)
		}
		// Editing those already in does not need a new seat.
		e.call("PATCH", nomPath("SM-LOWER", ids[1]), aut, map[string]any{"function": "Adviser"}).want(200)
		// Online is untouched.
		e.submit("SM-LOWER", aut, person(online))
		// Unlimited is null limit and null remaining; negative is refused.
		q = smSetQuota(e, "SM-LOWER", "AUT", nil, nil)
		if ip := q["in_person"].(map[string]any); ip["limit"] != nil || ip["remaining"] != nil || ip["used"] != float64(2) {
			t.Fatalf("unlimited quota: %v", q)
		}
		e.call("PUT", "/v1/events/SM-LOWER/quotas/AUT", e.admin, map[string]any{"in_person": -1, "online": nil}).problem(422, "validation_failed")
		e.call("PUT", "/v1/events/SM-LOWER/quotas/AUT", e.admin, map[string]any{"in_person": 1}).problem(422, "validation_failed")
		smSetQuota(e, "SM-LOWER", "AUT", 1, 5)
		// The secretariat is bound by quotas too.
		e.call("POST", "/v1/events/SM-LOWER/nominations", e.admin, person(func(b map[string]any) { b["delegation"] = "AUT" })).
			problem(409, "quota_exceeded")
	})
}

// TestStatusEditMode: changing mode by PATCH moves the seat between the two
// quotas, or is quota_exceeded and changes nothing.
func TestStatusEditMode(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("SM-EDIT")
		aut := e.token("delegation", "AUT", "")
		id := e.submit("SM-EDIT", aut, person())
		got := e.call("PATCH", nomPath("SM-EDIT", id), aut, map[string]any{"mode": "online"}).want(200).json()
		if got["mode"] != "online" || got["status"] != "submitted" {
			t.Fatalf("after mode change: %v", got)
		}
		if ip, on := smUsed(e, "SM-EDIT", "AUT", "in_person"), smUsed(e, "SM-EDIT", "AUT", "online"); ip != 0 || on != 1 {
			t.Fatalf("seat did not move: in_person %d online %d", ip, on)
		}
		// Back again, then fill online and try to move.
		e.call("PATCH", nomPath("SM-EDIT", id), aut, map[string]any{"mode": "in_person"}).want(200)
		smSetQuota(e, "SM-EDIT", "AUT", 3, 0)
		e.call("PATCH", nomPath("SM-EDIT", id), aut, map[string]any{"mode": "online", "function": "Changed"}).problem(409, "quota_exceeded")
		got = smGet(e, "SM-EDIT", id)
		if got["mode"] != "in_person" || got["function"] == "Changed" {
			t.Fatalf("a refused edit changed the nomination: %v", got)
		}
		if ip, on := smUsed(e, "SM-EDIT", "AUT", "in_person"), smUsed(e, "SM-EDIT", "AUT", "online"); ip != 1 || on != 0 {
			t.Fatalf("a refused edit moved the seat: in_person %d online %d", ip, on)
		}
		// The head and person rules hold for edits too.
		e.submit("SM-EDIT", aut, person(head))
		other := e.submit("SM-EDIT", aut, person())
		e.call("PATCH", nomPath("SM-EDIT", other), aut, map[string]any{"category": "head_of_delegation"}).problem(409, "duplicate_head")
		e.call("PATCH", nomPath("SM-EDIT", other), aut, map[string]any{"email": strings.ToUpper(got["email"].(string))}).problem(409, "duplicate_person")
		if o := smGet(e, "SM-EDIT", other); o["category"] != "delegate" {
			t.Fatalf("a refused edit changed the category: %v", o)
		}
		// Switching to in person needs the in-person fields.
		on := e.submit("SM-EDIT", e.admin, person(online, func(b map[string]any) { b["delegation"] = "DEU" }))
		r := e.call("PATCH", nomPath("SM-EDIT", on), e.admin, map[string]any{"mode": "in_person"})
		r.problem(422, "validation_failed")
		if smGet(e, "SM-EDIT", on)["mode"] != "online" {
			t.Fatal("an invalid edit changed the mode")
		}
	})
}

// TestStatusEditNames: names are trimmed and NFC-normalised with their
// diacritics kept, at submission and at edit.
func TestStatusEditNames(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("SM-NAMES")
		aut := e.token("delegation", "AUT", "")
		// Decomposed: s + U+0326 COMBINING COMMA BELOW, T + U+0326.
		given, family := "  Drago\u0073\u0326 ", "\tT\u0326urcanu  "
		r := e.call("POST", "/v1/events/SM-NAMES/nominations", aut, person(func(b map[string]any) {
			b["given_name"], b["family_name"] = given, family
		})).want(201)
		if g, f := r.str("given_name"), r.str("family_name"); g != "Dragoș" || f != "Țurcanu" {
			t.Fatalf("submitted names %q %q, want %q %q", g, f, "Dragoș", "Țurcanu")
		}
		id := r.str("id")
		got := e.call("PATCH", nomPath("SM-NAMES", id), aut, map[string]any{
			"given_name": " Zoe\u0308 ", "family_name": "  Ştefănescu-Țurcanu ", "function": "  Counsellor  ",
		}).want(200).json()
		if got["given_name"] != "Zoë" || got["family_name"] != "Ştefănescu-Țurcanu" || got["function"] != "Counsellor" {
			t.Fatalf("edited names %q %q %q", got["given_name"], got["family_name"], got["function"])
		}
		got = smGet(e, "SM-NAMES", id)
		if got["given_name"] != "Zoë" || got["family_name"] != "Ştefănescu-Țurcanu" {
			t.Fatalf("stored names %q %q", got["given_name"], got["family_name"])
		}
		// A name of spaces only is missing.
		e.call("PATCH", nomPath("SM-NAMES", id), aut, map[string]any{"given_name": "   "}).problem(422, "validation_failed")
	})
}
