package domain_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage/storagetest"
)

// The quota, waitlist, duplicate and approval rules of the nomination
// service, on a real database (SQLite always, PostgreSQL too when
// ACCREDIT_TEST_DATABASE_URL is set) so that the seat counters, the
// unique indexes and the roll-back of a refused step are the real ones.
// Each row is a script: steps on one event, each with the status it should
// leave the nomination in or the error code it should fail with, and the
// statuses of every nomination at the end.

// qfix is one case's database and what its steps made.
type qfix struct {
	t   *testing.T
	ctx context.Context
	svc *domain.Service
	ids []string // nominations in the order the steps made them; "" for a refused one
}

// qstep is one call to the service: it answers the status of the
// nomination it touched, "ok" when it touched none, or the error's code.
type qstep struct {
	what string
	do   func(f *qfix) (*domain.Nomination, error)
	want string
}

type qcase struct {
	name  string
	event func(*domain.Event) // changes to qEvent
	steps []qstep
	final string // the statuses of f.ids, space-separated, "-" for a refused one
}

// qEvent is an open hybrid event inviting States and Partners: one seat per
// mode for a State by default, Partners unlimited, no waitlist, no capacity.
func qEvent() *domain.Event {
	return &domain.Event{
		Code: "EV", Title: "Quota rules", Venue: "Hofburg", Timezone: "Europe/Vienna",
		StartsOn: "2030-05-06", EndsOn: "2030-05-08", Format: domain.FormatHybrid, Status: domain.EventOpen,
		Quotas:       map[string]domain.Limits{domain.KindParticipatingState: {InPerson: domain.Ptr(1), Online: domain.Ptr(1)}},
		InvitedKinds: []string{domain.KindParticipatingState, domain.KindPartner},
	}
}

func runQuotaCases(t *testing.T, cases []qcase) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects() {
		for _, c := range cases {
			t.Run(dialect+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				f := newQfix(t, dialect, c.event)
				for i, s := range c.steps {
					n, err := s.do(f)
					got := "ok"
					switch {
					case err != nil:
						got = domain.ErrorCode(err)
					case n != nil:
						got = string(n.Status)
					}
					if got != s.want {
						t.Fatalf("step %d (%s): got %s, want %s (%v)", i, s.what, got, s.want, err)
					}
				}
				if got := f.statuses(); got != c.final {
					t.Errorf("statuses at the end: %s, want %s", got, c.final)
				}
			})
		}
	}
}

func newQfix(t *testing.T, dialect string, change func(*domain.Event)) *qfix {
	t.Helper()
	svc := domain.NewService(storagetest.New(t, dialect))
	ctx := domain.WithActor(context.Background(), domain.Actor{Name: "test secretariat", Role: domain.RoleSecretariat})
	for _, d := range []domain.Delegation{
		{Code: "AT", Name: "Austria", Kind: domain.KindParticipatingState},
		{Code: "BE", Name: "Belgium", Kind: domain.KindParticipatingState},
		{Code: "PX", Name: "Partner X", Kind: domain.KindPartner},
	} {
		if err := svc.CreateDelegation(ctx, &d); err != nil {
			t.Fatal(err)
		}
	}
	ev := qEvent()
	if change != nil {
		change(ev)
	}
	if _, err := svc.CreateEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	return &qfix{t: t, ctx: ctx, svc: svc}
}

func (f *qfix) event() *domain.Event {
	ev, err := f.svc.Store.Event(f.ctx, "EV")
	if err != nil {
		f.t.Fatal(err)
	}
	return ev
}

func (f *qfix) statuses() string {
	var out []string
	for _, id := range f.ids {
		if id == "" {
			out = append(out, "-")
			continue
		}
		n, err := f.svc.Nomination(f.ctx, "EV", id)
		if err != nil {
			f.t.Fatal(err)
		}
		out = append(out, string(n.Status))
	}
	return strings.Join(out, " ")
}

// record notes a new nomination (or a refused one) in f.ids.
func (f *qfix) record(n *domain.Nomination, err error) (*domain.Nomination, error) {
	id := ""
	if err == nil {
		id = n.ID
	}
	f.ids = append(f.ids, id)
	return n, err
}

// fields is person number i, complete enough for either mode.
func fields(i int, mode string) domain.Fields {
	return domain.Fields{Person: domain.Person{
		GivenName: "Person", FamilyName: fmt.Sprintf("Number%d", i), Gender: domain.GenderFemale, Nationality: "AT",
		Email: fmt.Sprintf("p%d@example.org", i), DateOfBirth: "1980-01-01",
		Document: &domain.Document{Type: domain.DocumentPassport, Number: fmt.Sprintf("P%07d", i), ExpiresOn: "2099-01-01"},
	}, Category: domain.CategoryDelegate, Mode: mode}
}

// The step builders. Nominations are named by their index in f.ids.

func submit(delegation, mode, want string, change ...func(f *qfix, fl *domain.Fields)) qstep {
	return qstep{what: "submit " + delegation + " " + mode, want: want, do: func(f *qfix) (*domain.Nomination, error) {
		fl := fields(len(f.ids), mode)
		for _, c := range change {
			c(f, &fl)
		}
		return f.record(f.svc.Submit(f.ctx, f.event(), &domain.Nomination{Delegation: delegation, Fields: fl}, nil, nil))
	}}
}

func asHead(_ *qfix, fl *domain.Fields) { fl.Category = domain.CategoryHead }

// sameEmail and sameDocument make the new person share an identifier with
// nomination i.
func sameEmail(i int) func(*qfix, *domain.Fields) {
	return func(_ *qfix, fl *domain.Fields) { fl.Email = strings.ToUpper(fields(i, "").Email) }
}

func sameDocument(i int, docType string) func(*qfix, *domain.Fields) {
	return func(_ *qfix, fl *domain.Fields) {
		fl.Document = &domain.Document{Type: docType, Number: strings.ToLower(fields(i, "").Document.Number), ExpiresOn: "2099-01-01"}
	}
}

func inSession(title string) func(*qfix, *domain.Fields) {
	return func(f *qfix, fl *domain.Fields) { fl.Sessions = append(fl.Sessions, f.session(title)) }
}

// session finds the event's session by title.
func (f *qfix) session(title string) string {
	ss, _, err := f.svc.Sessions(f.ctx, "EV", domain.Page{Limit: 100})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, s := range ss {
		if s.Title == title {
			return s.ID
		}
	}
	f.t.Fatalf("no session %s", title)
	return ""
}

func addSession(title string, capacity *int) qstep {
	return qstep{what: "session " + title, want: "ok", do: func(f *qfix) (*domain.Nomination, error) {
		ev := f.event()
		from, _ := ev.BadgeValidity()
		return nil, f.svc.CreateSession(f.ctx, &domain.Session{Event: "EV", Title: title,
			StartsAt: from.Add(10 * time.Hour), EndsAt: from.Add(11 * time.Hour), Capacity: capacity})
	}}
}

func approve(i int, want string) qstep {
	return qstep{what: fmt.Sprintf("approve %d", i), want: want, do: func(f *qfix) (*domain.Nomination, error) {
		if _, err := f.svc.SetPhoto(f.ctx, "EV", f.ids[i], "image/jpeg", []byte("a photo")); err != nil {
			return nil, err
		}
		return f.svc.Approve(f.ctx, "EV", f.ids[i])
	}}
}

func reject(i int, want string) qstep {
	return qstep{what: fmt.Sprintf("reject %d", i), want: want, do: func(f *qfix) (*domain.Nomination, error) {
		return f.svc.Reject(f.ctx, "EV", f.ids[i], "not eligible")
	}}
}

func withdraw(i int, want string) qstep {
	return qstep{what: fmt.Sprintf("withdraw %d", i), want: want, do: func(f *qfix) (*domain.Nomination, error) {
		return f.svc.Withdraw(f.ctx, "EV", f.ids[i], "cannot come")
	}}
}

func revoke(i int, want string) qstep {
	return qstep{what: fmt.Sprintf("revoke %d", i), want: want, do: func(f *qfix) (*domain.Nomination, error) {
		return f.svc.Revoke(f.ctx, "EV", f.ids[i], "misconduct")
	}}
}

func editMode(i int, mode, want string) qstep {
	return qstep{what: fmt.Sprintf("edit %d to %s", i, mode), want: want, do: func(f *qfix) (*domain.Nomination, error) {
		return f.svc.Edit(f.ctx, "EV", f.ids[i], func(n *domain.Nomination) error { n.Mode = mode; return nil }, nil)
	}}
}

// substitute replaces nomination i by a new person in mode; the new one
// takes the next index.
func substitute(i int, mode, want string) qstep {
	return qstep{what: fmt.Sprintf("substitute %d", i), want: want, do: func(f *qfix) (*domain.Nomination, error) {
		return f.record(f.svc.Substitute(f.ctx, "EV", f.ids[i], fields(len(f.ids), mode), nil))
	}}
}

func override(delegation string, inPerson, online *int) qstep {
	return qstep{what: "override " + delegation, want: "ok", do: func(f *qfix) (*domain.Nomination, error) {
		_, err := f.svc.SetQuota(f.ctx, f.event(), delegation, domain.Limits{InPerson: inPerson, Online: online})
		return nil, err
	}}
}

func updateEvent(what string, change func(*domain.Event)) qstep {
	return qstep{what: what, want: "ok", do: func(f *qfix) (*domain.Nomination, error) {
		_, err := f.svc.UpdateEvent(f.ctx, "EV", func(e *domain.Event) error { change(e); return nil })
		return nil, err
	}}
}

func withWaitlist(e *domain.Event) { e.Waitlist = true }

const (
	inPerson = domain.ModeInPerson
	online   = domain.ModeOnline

	submitted  = string(domain.StatusSubmitted)
	waitlisted = string(domain.StatusWaitlisted)
	approved   = string(domain.StatusApproved)
	rejected   = string(domain.StatusRejected)
	withdrawn  = string(domain.StatusWithdrawn)
	revoked    = string(domain.StatusRevoked)

	quotaExceeded = domain.CodeQuotaExceeded
)

// TestSubmitQuota: a nomination is submitted while its delegation has a
// seat in the mode's quota (the override for the delegation, else the
// event's default for its kind; null is unlimited), waitlisted when the
// quota is full and the event keeps a waitlist, and otherwise refused
// with quota_exceeded. Only submitted and approved nominations hold seats.
func TestSubmitQuota(t *testing.T) {
	runQuotaCases(t, []qcase{
		{name: "a free seat", steps: []qstep{
			submit("AT", inPerson, submitted),
		}, final: "submitted"},
		{name: "default quota full, no waitlist", steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, quotaExceeded),
		}, final: "submitted -"},
		{name: "default quota full, waitlist", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			submit("AT", inPerson, waitlisted),
		}, final: "submitted waitlisted waitlisted"},
		{name: "a quota of zero", event: func(e *domain.Event) {
			e.Quotas[domain.KindParticipatingState] = domain.Limits{InPerson: domain.Ptr(0), Online: domain.Ptr(0)}
		}, steps: []qstep{
			submit("AT", online, quotaExceeded),
		}, final: "-"},
		{name: "a quota of zero, waitlist", event: func(e *domain.Event) {
			e.Waitlist = true
			e.Quotas[domain.KindParticipatingState] = domain.Limits{InPerson: domain.Ptr(0), Online: domain.Ptr(0)}
		}, steps: []qstep{
			submit("AT", online, waitlisted),
		}, final: "waitlisted"},
		{name: "modes have separate quotas", steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", online, submitted),
			submit("AT", online, quotaExceeded),
		}, final: "submitted submitted -"},
		{name: "delegations of a kind have a quota each", steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("BE", inPerson, submitted),
		}, final: "submitted submitted"},
		{name: "a kind without a quota is unlimited", steps: []qstep{
			submit("PX", inPerson, submitted),
			submit("PX", inPerson, submitted),
			submit("PX", online, submitted),
		}, final: "submitted submitted submitted"},
		{name: "a null mode in the default is unlimited", event: func(e *domain.Event) {
			e.Quotas[domain.KindParticipatingState] = domain.Limits{InPerson: domain.Ptr(1)}
		}, steps: []qstep{
			submit("AT", online, submitted),
			submit("AT", online, submitted),
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, quotaExceeded),
		}, final: "submitted submitted submitted -"},
		{name: "an override raises the default", steps: []qstep{
			override("AT", domain.Ptr(2), domain.Ptr(1)),
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, quotaExceeded),
			submit("BE", inPerson, submitted),
			submit("BE", inPerson, quotaExceeded),
		}, final: "submitted submitted - submitted -"},
		{name: "an override lowers the default", steps: []qstep{
			override("AT", domain.Ptr(0), domain.Ptr(1)),
			submit("AT", inPerson, quotaExceeded),
			submit("AT", online, submitted),
		}, final: "- submitted"},
		{name: "an override replaces both modes: null is unlimited", steps: []qstep{
			override("AT", domain.Ptr(1), nil),
			submit("AT", online, submitted),
			submit("AT", online, submitted),
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, quotaExceeded),
		}, final: "submitted submitted submitted -"},
		{name: "an override limits a kind without a default", steps: []qstep{
			override("PX", domain.Ptr(1), domain.Ptr(0)),
			submit("PX", inPerson, submitted),
			submit("PX", inPerson, quotaExceeded),
			submit("PX", online, quotaExceeded),
		}, final: "submitted - -"},
		{name: "an approved nomination holds its seat", steps: []qstep{
			submit("AT", online, submitted),
			approve(0, approved),
			submit("AT", online, quotaExceeded),
		}, final: "approved -"},
		{name: "a waitlisted nomination holds no seat", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			withdraw(1, withdrawn),
			submit("AT", inPerson, waitlisted),
		}, final: "submitted withdrawn waitlisted"},
		{name: "withdrawn, rejected and revoked give their seat back", steps: []qstep{
			submit("AT", inPerson, submitted),
			withdraw(0, withdrawn),
			submit("AT", inPerson, submitted),
			reject(1, rejected),
			submit("AT", inPerson, submitted),
			approve(2, approved),
			revoke(2, revoked),
			submit("AT", inPerson, submitted),
		}, final: "withdrawn rejected revoked submitted"},
		{name: "a quota lowered below its use evicts nobody", steps: []qstep{
			override("AT", domain.Ptr(2), nil),
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, submitted),
			override("AT", domain.Ptr(1), nil),
			submit("AT", inPerson, quotaExceeded),
			withdraw(0, withdrawn),
			submit("AT", inPerson, quotaExceeded), // 1 used of 1
			withdraw(1, withdrawn),
			submit("AT", inPerson, submitted),
		}, final: "withdrawn withdrawn - - submitted"},
		{name: "an edit into a full mode is refused, into a free one moves the seat", steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", online, submitted),
			editMode(0, online, quotaExceeded),
			withdraw(1, withdrawn),
			editMode(0, online, submitted),
			submit("AT", inPerson, submitted),
			submit("AT", online, quotaExceeded),
		}, final: "submitted withdrawn submitted -"},
		{name: "a substitute keeps the seat; in another mode it needs a seat there", steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", online, submitted),
			substitute(0, inPerson, submitted),
			substitute(2, online, quotaExceeded),
			withdraw(1, withdrawn),
			substitute(2, online, submitted),
			submit("AT", inPerson, submitted),
		}, final: "withdrawn withdrawn withdrawn - submitted submitted"},
	})
}

// TestWaitlistPromotion: a seat given back (withdraw, reject, revoke, a
// change of mode) goes to the oldest waitlisted nomination of the same
// delegation and mode, and a raised quota (override or default) promotes as
// many as it frees.
func TestWaitlistPromotion(t *testing.T) {
	runQuotaCases(t, []qcase{
		{name: "withdrawing a submitted one promotes the oldest", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			submit("AT", inPerson, waitlisted),
			withdraw(0, withdrawn),
		}, final: "withdrawn submitted waitlisted"},
		{name: "rejecting promotes", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			reject(0, rejected),
		}, final: "rejected submitted"},
		{name: "revoking promotes", event: withWaitlist, steps: []qstep{
			submit("AT", online, submitted),
			submit("AT", online, waitlisted),
			approve(0, approved),
			revoke(0, revoked),
		}, final: "revoked submitted"},
		{name: "withdrawing an approved one promotes", event: withWaitlist, steps: []qstep{
			submit("AT", online, submitted),
			submit("AT", online, waitlisted),
			approve(0, approved),
			withdraw(0, withdrawn),
		}, final: "withdrawn submitted"},
		{name: "withdrawing a waitlisted one promotes nobody", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			submit("AT", inPerson, waitlisted),
			withdraw(1, withdrawn),
		}, final: "submitted withdrawn waitlisted"},
		{name: "a seat in one mode promotes nobody waiting for the other", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", online, submitted),
			submit("AT", online, waitlisted),
			withdraw(0, withdrawn),
		}, final: "withdrawn submitted waitlisted"},
		{name: "a seat of one delegation promotes nobody of another", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("BE", inPerson, submitted),
			submit("BE", inPerson, waitlisted),
			withdraw(0, withdrawn),
		}, final: "withdrawn submitted waitlisted"},
		{name: "a change of mode frees the old seat for the waitlist", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			editMode(0, online, submitted),
		}, final: "submitted submitted"},
		{name: "a waitlisted one may change mode without a seat", event: withWaitlist, steps: []qstep{
			submit("AT", online, submitted),
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			editMode(2, online, waitlisted),
			withdraw(0, withdrawn),
		}, final: "withdrawn submitted submitted"},
		{name: "a substitute passes the seat over, not to the waitlist", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			substitute(0, inPerson, submitted),
		}, final: "withdrawn waitlisted submitted"},
		{name: "a raised override promotes as many as it frees, oldest first", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			submit("AT", inPerson, waitlisted),
			submit("AT", inPerson, waitlisted),
			override("AT", domain.Ptr(3), domain.Ptr(1)),
		}, final: "submitted submitted submitted waitlisted"},
		{name: "a null override promotes everyone", event: withWaitlist, steps: []qstep{
			submit("AT", online, submitted),
			submit("AT", online, waitlisted),
			submit("AT", online, waitlisted),
			override("AT", domain.Ptr(1), nil),
		}, final: "submitted submitted submitted"},
		{name: "a raised default promotes every delegation's waitlist", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			submit("BE", online, submitted),
			submit("BE", online, waitlisted),
			submit("BE", online, waitlisted),
			updateEvent("raise the default", func(e *domain.Event) {
				e.Quotas[domain.KindParticipatingState] = domain.Limits{InPerson: domain.Ptr(2), Online: domain.Ptr(2)}
			}),
		}, final: "submitted submitted submitted submitted waitlisted"},
		{name: "a raised default promotes, written as a new map", event: withWaitlist, steps: []qstep{
			submit("AT", online, submitted),
			submit("AT", online, waitlisted),
			updateEvent("raise the default", func(e *domain.Event) {
				e.Quotas = map[string]domain.Limits{domain.KindParticipatingState: {InPerson: domain.Ptr(1), Online: domain.Ptr(2)}}
			}),
		}, final: "submitted submitted"},
		{name: "a default raised through a pointer promotes", event: withWaitlist, steps: []qstep{
			submit("AT", online, submitted),
			submit("AT", online, waitlisted),
			updateEvent("raise the default", func(e *domain.Event) { *e.Quotas[domain.KindParticipatingState].Online = 2 }),
		}, final: "submitted submitted"},
		{name: "turning the waitlist on promotes nobody (none waits)", steps: []qstep{
			submit("AT", online, submitted),
			submit("AT", online, quotaExceeded),
			updateEvent("waitlist on", withWaitlist),
			submit("AT", online, waitlisted),
		}, final: "submitted - waitlisted"},
		{name: "a raised default does not pass an override", event: withWaitlist, steps: []qstep{
			override("AT", domain.Ptr(1), domain.Ptr(1)),
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			updateEvent("raise the default", func(e *domain.Event) {
				e.Quotas[domain.KindParticipatingState] = domain.Limits{InPerson: domain.Ptr(5), Online: domain.Ptr(5)}
			}),
		}, final: "submitted waitlisted"},
		{name: "without a waitlist nothing waits to be promoted", steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, quotaExceeded),
			withdraw(0, withdrawn),
			submit("AT", inPerson, submitted),
		}, final: "withdrawn - submitted"},
	})
}

// TestDuplicates: one active (submitted, waitlisted or approved) head of
// delegation per delegation and event, one active nomination per person
// (email, case-insensitive, or document type and number) per event; a
// refused duplicate takes no seat.
func TestDuplicates(t *testing.T) {
	runQuotaCases(t, []qcase{
		{name: "a second head", event: func(e *domain.Event) { e.Quotas = nil }, steps: []qstep{
			submit("AT", inPerson, submitted, asHead),
			submit("AT", online, domain.CodeDuplicateHead, asHead),
			submit("BE", inPerson, submitted, asHead),
		}, final: "submitted - submitted"},
		{name: "a waitlisted head counts", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted, asHead),
			submit("AT", online, domain.CodeDuplicateHead, asHead),
		}, final: "submitted waitlisted -"},
		{name: "an approved head counts, a withdrawn or rejected one does not", event: func(e *domain.Event) { e.Quotas = nil }, steps: []qstep{
			submit("AT", online, submitted, asHead),
			approve(0, approved),
			submit("AT", online, domain.CodeDuplicateHead, asHead),
			withdraw(0, withdrawn),
			submit("AT", online, submitted, asHead),
			reject(2, rejected),
			submit("AT", online, submitted, asHead),
		}, final: "withdrawn - rejected submitted"},
		{name: "the same email", steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("BE", inPerson, domain.CodeDuplicatePerson, sameEmail(0)),
		}, final: "submitted -"},
		{name: "the same document", steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("BE", inPerson, domain.CodeDuplicatePerson, sameDocument(0, domain.DocumentPassport)),
			submit("PX", inPerson, submitted, sameDocument(0, domain.DocumentNationalID)),
		}, final: "submitted - submitted"},
		{name: "a waitlisted person counts", event: withWaitlist, steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", inPerson, waitlisted),
			submit("PX", online, domain.CodeDuplicatePerson, sameEmail(1)),
		}, final: "submitted waitlisted -"},
		{name: "a withdrawn person may be nominated again", steps: []qstep{
			submit("AT", inPerson, submitted),
			withdraw(0, withdrawn),
			submit("BE", inPerson, submitted, sameEmail(0), sameDocument(0, domain.DocumentPassport)),
		}, final: "withdrawn submitted"},
		{name: "a refused duplicate takes no seat", event: func(e *domain.Event) {
			e.Quotas[domain.KindParticipatingState] = domain.Limits{InPerson: domain.Ptr(2)}
		}, steps: []qstep{
			submit("AT", inPerson, submitted, asHead),
			submit("AT", inPerson, domain.CodeDuplicateHead, asHead),
			submit("AT", inPerson, domain.CodeDuplicatePerson, sameEmail(0)),
			submit("AT", inPerson, submitted),
		}, final: "submitted - - submitted"},
	})
}

// TestApprovalLimits: approval takes a seat of the event's capacity for the
// mode (null is unlimited) and, in person, one of each chosen session's
// seats; a refused approval takes neither and leaves the nomination
// submitted; withdrawing, revoking and substituting an approved
// nomination give both back.
func TestApprovalLimits(t *testing.T) {
	noQuota := func(e *domain.Event) { e.Quotas = nil }
	capacity := func(inPerson, online *int) func(*domain.Event) {
		return func(e *domain.Event) { e.Quotas, e.Capacity = nil, domain.Limits{InPerson: inPerson, Online: online} }
	}
	runQuotaCases(t, []qcase{
		{name: "capacity reached", event: capacity(domain.Ptr(1), nil), steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("BE", inPerson, submitted),
			approve(0, approved),
			approve(1, domain.CodeCapacityReached),
		}, final: "approved submitted"},
		{name: "modes have separate capacities; null is unlimited", event: capacity(domain.Ptr(1), nil), steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("AT", online, submitted),
			submit("BE", online, submitted),
			approve(0, approved),
			approve(1, approved),
			approve(2, approved),
		}, final: "approved approved approved"},
		{name: "a capacity of zero", event: capacity(domain.Ptr(1), domain.Ptr(0)), steps: []qstep{
			submit("AT", online, submitted),
			approve(0, domain.CodeCapacityReached),
		}, final: "submitted"},
		{name: "withdrawn, revoked and substituted approvals give capacity back", event: capacity(domain.Ptr(1), nil), steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("BE", inPerson, submitted),
			submit("PX", inPerson, submitted),
			approve(0, approved),
			withdraw(0, withdrawn),
			approve(1, approved),
			revoke(1, revoked),
			approve(2, approved),
			substitute(2, inPerson, submitted),
			approve(3, approved),
		}, final: "withdrawn revoked withdrawn approved"},
		{name: "a rejected submission held no capacity", event: capacity(domain.Ptr(1), nil), steps: []qstep{
			submit("AT", inPerson, submitted),
			submit("BE", inPerson, submitted),
			reject(0, rejected),
			approve(1, approved),
		}, final: "rejected approved"},
		{name: "session full, and a refused approval takes no capacity", event: capacity(domain.Ptr(2), nil), steps: []qstep{
			addSession("Plenary", domain.Ptr(1)),
			submit("AT", inPerson, submitted, inSession("Plenary")),
			submit("BE", inPerson, submitted, inSession("Plenary")),
			submit("PX", inPerson, submitted),
			approve(0, approved),
			approve(1, domain.CodeSessionFull),
			approve(2, approved),
		}, final: "approved submitted approved"},
		{name: "every chosen session needs a seat", event: noQuota, steps: []qstep{
			addSession("Plenary", nil),
			addSession("Side event", domain.Ptr(1)),
			submit("AT", inPerson, submitted, inSession("Side event")),
			submit("BE", inPerson, submitted, inSession("Plenary"), inSession("Side event")),
			approve(0, approved),
			approve(1, domain.CodeSessionFull),
		}, final: "approved submitted"},
		{name: "a refused approval takes no session seat", event: noQuota, steps: []qstep{
			addSession("Plenary", domain.Ptr(2)),
			addSession("Side event", domain.Ptr(1)),
			submit("AT", inPerson, submitted, inSession("Side event")),
			submit("BE", inPerson, submitted, inSession("Plenary"), inSession("Side event")),
			submit("PX", inPerson, submitted, inSession("Plenary")),
			submit("AT", inPerson, submitted, inSession("Plenary")),
			approve(0, approved),
			approve(1, domain.CodeSessionFull),
			approve(2, approved),
			approve(3, approved),
		}, final: "approved submitted approved approved"},
		{name: "withdrawing and revoking give session seats back", event: noQuota, steps: []qstep{
			addSession("Plenary", domain.Ptr(1)),
			submit("AT", inPerson, submitted, inSession("Plenary")),
			submit("BE", inPerson, submitted, inSession("Plenary")),
			submit("PX", inPerson, submitted, inSession("Plenary")),
			approve(0, approved),
			withdraw(0, withdrawn),
			approve(1, approved),
			revoke(1, revoked),
			approve(2, approved),
		}, final: "withdrawn revoked approved"},
		{name: "online participants take no session seats", event: noQuota, steps: []qstep{
			addSession("Plenary", domain.Ptr(1)),
			submit("AT", online, submitted, inSession("Plenary")),
			submit("BE", inPerson, submitted, inSession("Plenary")),
			approve(0, approved),
			approve(1, approved),
		}, final: "approved approved"},
	})
}
