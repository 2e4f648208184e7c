package domain

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// accessStore holds two delegations' items of one event, AUT's and DEU's,
// and answers reads as a database would: a list returns the items its
// filter admits. Only the reads of this test are implemented; any other
// call panics on the nil Store.
type accessStore struct {
	Store
	token *Token // who Access reads
}

var (
	accessDelegations = []Delegation{{Code: "AUT", Kind: "participating_state"}, {Code: "DEU", Kind: "participating_state"}}
	accessEvents      = []Event{
		{Code: "OPEN", Status: EventOpen, InvitedKinds: []string{"participating_state"}},
		{Code: "DRAFT", Status: EventDraft, InvitedKinds: []string{"participating_state"}},
		{Code: "OTHER", Status: EventOpen, InvitedKinds: []string{"partner"}},
	}
)

func accessNomination(owner string) Nomination {
	return Nomination{ID: "n-" + owner, Event: "OPEN", Delegation: owner, Badge: &BadgeRef{ID: "b-" + owner},
		Fields: Fields{Person: Person{GivenName: owner}}}
}

func accessBadge(owner string) BadgeView {
	n := accessNomination(owner)
	n.HasPhoto = true
	return BadgeView{Badge: Badge{ID: "b-" + owner, Event: "OPEN", NominationID: n.ID}, Nomination: n}
}

func (accessStore) ListNominations(_ context.Context, f NominationFilter) ([]Nomination, string, error) {
	var out []Nomination
	for _, d := range accessDelegations {
		if within(f.Delegation, d.Code) {
			out = append(out, accessNomination(d.Code))
		}
	}
	return out, "", nil
}

func (accessStore) Nomination(_ context.Context, _, id string) (*Nomination, error) {
	owner, found := strings.CutPrefix(id, "n-")
	owner, _ = strings.CutSuffix(owner, "-nobadge")
	n := accessNomination(owner)
	if strings.HasSuffix(id, "-nobadge") {
		n.Badge = nil
	}
	if !found {
		return nil, NotFound("nomination")
	}
	return &n, nil
}

func (accessStore) Photo(_ context.Context, _ string) (string, []byte, error) {
	return "image/jpeg", []byte("jpeg"), nil
}

func (accessStore) ListBadges(_ context.Context, f BadgeFilter) ([]BadgeView, string, error) {
	var out []BadgeView
	for _, d := range accessDelegations {
		if within(f.Delegation, d.Code) {
			out = append(out, accessBadge(d.Code))
		}
	}
	return out, "", nil
}

func (accessStore) Badge(_ context.Context, _, id string) (*BadgeView, error) {
	b := accessBadge(strings.TrimPrefix(id, "b-"))
	return &b, nil
}

func (s accessStore) Access(_ context.Context, _, event, badge string) (*Token, *Event, *ScanBadge, error) {
	b := accessBadge(strings.TrimPrefix(badge, "b-"))
	return s.token, &accessEvents[0], &ScanBadge{Badge: b.Badge, Delegation: b.Nomination.Delegation}, nil
}

func (accessStore) QuotaUse(_ context.Context, _, delegation string) (map[string][2]int, error) {
	use := map[string][2]int{}
	for _, d := range accessDelegations {
		if within(delegation, d.Code) {
			use[d.Code] = [2]int{1, 0}
		}
	}
	return use, nil
}

func (accessStore) Overrides(context.Context, string) (map[string]Limits, error) { return nil, nil }

func (accessStore) ListDelegations(context.Context, Page) ([]Delegation, string, error) {
	return accessDelegations, "", nil
}

func (accessStore) ListEvents(_ context.Context, f EventFilter) ([]Event, string, error) {
	var out []Event
	for _, e := range accessEvents {
		if (!f.ExcludeDraft || e.Status != EventDraft) && (f.Code == "" || f.Code == e.Code) && (f.Kind == "" || e.Invites(f.Kind)) {
			out = append(out, e)
		}
	}
	return out, "", nil
}

func (accessStore) ListSessions(context.Context, string, Page) ([]Session, string, error) {
	return nil, "", nil
}
func (accessStore) ListCheckpoints(context.Context, string, Page) ([]Checkpoint, string, error) {
	return nil, "", nil
}
func (accessStore) ListTokens(context.Context, Page) ([]Token, string, error) { return nil, "", nil }
func (accessStore) ListAudit(context.Context, AuditFilter) ([]AuditEntry, string, error) {
	return nil, "", nil
}
func (accessStore) ListScans(context.Context, ScanFilter) ([]ScanRecord, string, error) {
	return nil, "", nil
}
func (accessStore) Presence(context.Context, string) ([]Presence, error) { return nil, nil }
func (accessStore) Attendance(context.Context, string, time.Time, time.Time) ([]Attendance, error) {
	return nil, nil
}
func (accessStore) Revocations(context.Context, string, int64, int) ([]Revocation, error) {
	return nil, nil
}
func (accessStore) Roster(context.Context, string, Page) ([]RosterEntry, string, error) {
	return nil, "", nil
}
func (accessStore) StatusCounts(context.Context, string) (map[string]int, error) { return nil, nil }
func (accessStore) ApprovedFacets(context.Context, string) ([]Facet, error)      { return nil, nil }
func (accessStore) EntryTimes(context.Context, string) ([]Entry, error)          { return nil, nil }
func (accessStore) Participants(context.Context, string, bool) ([]ParticipantRow, error) {
	return nil, nil
}

// The actors of the table: the secretariat, AUT's delegation, security
// staff at every event and security staff bound to the event OPEN.
var accessActors = map[string]Actor{
	"secretariat": {TokenID: "t-sec", Role: RoleSecretariat},
	"aut":         {TokenID: "t-aut", Role: RoleDelegation, Delegation: "AUT", DelegationKind: "participating_state"},
	"security":    {TokenID: "t-guard", Role: RoleSecurity},
	"bound":       {TokenID: "t-bound", Role: RoleSecurity, Event: "OPEN"},
}

// seen is what a read answered: the delegations of its items in order,
// "" for none, or "!" and the error's code.
func seen[T any](items []T, err error, owner func(T) string) string {
	if err != nil {
		return "!" + ErrorCode(err)
	}
	var out []string
	for _, it := range items {
		out = append(out, owner(it))
	}
	return strings.Join(out, ",")
}

// TestAccessLists: every list, for every role, asking for no delegation,
// its own, another one and one that does not exist. A delegation naming
// any delegation but its own is refused alike; nobody is ever answered
// something other than what it asked for.
func TestAccessLists(t *testing.T) {
	ev := &accessEvents[0]
	scoped := map[string]func(ctx context.Context, s *Service, delegation string) string{
		"nominations": func(ctx context.Context, s *Service, d string) string {
			items, _, err := s.Nominations(ctx, NominationFilter{Event: ev.Code, Delegation: d})
			return seen(items, err, func(n Nomination) string { return n.Delegation })
		},
		"badges": func(ctx context.Context, s *Service, d string) string {
			items, _, err := s.Badges(ctx, BadgeFilter{Event: ev.Code, Delegation: d})
			return seen(items, err, func(b BadgeView) string { return b.Nomination.Delegation })
		},
		"quotas": func(ctx context.Context, s *Service, d string) string {
			items, err := s.Quotas(ctx, ev, d)
			return seen(items, err, func(q QuotaUsage) string { return q.Delegation })
		},
	}
	want := map[string]map[string]string{ // actor → asked for → seen
		"secretariat": {"": "AUT,DEU", "AUT": "AUT", "DEU": "DEU", "ZZZ": ""},
		"aut":         {"": "AUT", "AUT": "AUT", "aut": "AUT", "DEU": "!forbidden", "ZZZ": "!forbidden"},
		"security":    {"": "!forbidden", "AUT": "!forbidden", "DEU": "!forbidden"},
		"bound":       {"": "!forbidden", "DEU": "!forbidden"},
	}
	s := &Service{Store: accessStore{}, Now: time.Now}
	for name, list := range scoped {
		for who, cases := range want {
			ctx := WithActor(context.Background(), accessActors[who])
			for asked, w := range cases {
				if got := list(ctx, s, asked); got != w {
					t.Errorf("%s as %s asking for %q: %q, want %q", name, who, asked, got, w)
				}
			}
		}
	}
}

// TestAccessReads: every single read, for every role, of AUT's item and of
// DEU's. A single read is its list with one id: what the list would not
// show is not found.
func TestAccessReads(t *testing.T) {
	ok := func(err error) string { return "!" + ErrorCode(err) }
	reads := map[string]func(ctx context.Context, s *Service, owner string) string{
		"nomination": func(ctx context.Context, s *Service, o string) string {
			_, err := s.Nomination(ctx, "OPEN", "n-"+o)
			return ok(err)
		},
		"photo": func(ctx context.Context, s *Service, o string) string {
			_, _, err := s.Photo(ctx, "OPEN", "n-"+o)
			return ok(err)
		},
		"photo of a nomination without badge": func(ctx context.Context, s *Service, o string) string {
			_, _, err := s.Photo(ctx, "OPEN", "n-"+o+"-nobadge")
			return ok(err)
		},
		"badge": func(ctx context.Context, s *Service, o string) string {
			_, err := s.Badge(ctx, "OPEN", "b-"+o)
			return ok(err)
		},
		"badge photo (pdf)": func(ctx context.Context, s *Service, o string) string {
			b := accessBadge(o)
			_, err := s.BadgePhoto(ctx, &b)
			return ok(err)
		},
		"badge qr (with the token)": func(ctx context.Context, s *Service, o string) string {
			a := ActorFrom(ctx)
			s.Store = accessStore{token: &Token{ID: a.TokenID, Role: a.Role, Delegation: a.Delegation,
				DelegationKind: a.DelegationKind, Event: a.Event}}
			acc, err := s.AuthenticateEvent(ctx, "secret", "OPEN", "b-"+o)
			if err != nil {
				return "token " + ok(err)
			}
			return ok(acc.BadgeErr)
		},
	}
	want := map[string]map[string][2]string{ // read → actor → AUT's, DEU's
		"nomination": {"secretariat": {"!", "!"}, "aut": {"!", "!not_found"},
			"security": {"!forbidden", "!forbidden"}, "bound": {"!forbidden", "!forbidden"}},
		"photo": {"secretariat": {"!", "!"}, "aut": {"!", "!not_found"}, "security": {"!", "!"}, "bound": {"!", "!"}},
		"photo of a nomination without badge": {"secretariat": {"!", "!"}, "aut": {"!", "!not_found"},
			"security": {"!not_found", "!not_found"}, "bound": {"!not_found", "!not_found"}},
		"badge": {"secretariat": {"!", "!"}, "aut": {"!", "!not_found"},
			"security": {"!forbidden", "!forbidden"}, "bound": {"!forbidden", "!forbidden"}},
	}
	want["badge photo (pdf)"] = want["badge"]
	want["badge qr (with the token)"] = want["badge"]
	for name, read := range reads {
		for who, w := range want[name] {
			ctx := WithActor(context.Background(), accessActors[who])
			s := &Service{Store: accessStore{}, Now: time.Now}
			for i, owner := range []string{"AUT", "DEU"} {
				if got := read(ctx, s, owner); got != w[i] {
					t.Errorf("%s of %s as %s: %q, want %q", name, owner, who, got, w[i])
				}
			}
		}
	}
}

// TestAccessEvents: the list of events and each event's door, which every
// read under an event passes first.
func TestAccessEvents(t *testing.T) {
	want := map[string]struct {
		list string
		one  [3]string // OPEN, DRAFT, OTHER
	}{
		"secretariat": {"OPEN,DRAFT,OTHER", [3]string{"!", "!", "!"}},
		"aut":         {"OPEN", [3]string{"!", "!not_found", "!forbidden"}},
		"security":    {"OPEN,DRAFT,OTHER", [3]string{"!", "!", "!"}},
		"bound":       {"OPEN", [3]string{"!", "!forbidden", "!forbidden"}},
	}
	s := &Service{Store: accessStore{}, Now: time.Now}
	for who, w := range want {
		a := accessActors[who]
		items, _, err := s.Events(WithActor(context.Background(), a), Page{})
		if got := seen(items, err, func(e Event) string { return e.Code }); got != w.list {
			t.Errorf("events as %s: %q, want %q", who, got, w.list)
		}
		for i := range accessEvents {
			if got := "!" + ErrorCode(EventVisible(a, &accessEvents[i])); got != w.one[i] {
				t.Errorf("event %s as %s: %q, want %q", accessEvents[i].Code, who, got, w.one[i])
			}
		}
	}
}

// TestAccessByRole: the reads that depend on the role alone.
func TestAccessByRole(t *testing.T) {
	ev := &accessEvents[0]
	reads := map[string]func(ctx context.Context, s *Service) error{
		"delegations": func(ctx context.Context, s *Service) error { _, _, err := s.Delegations(ctx, Page{}); return err },
		"sessions":    func(ctx context.Context, s *Service) error { _, _, err := s.Sessions(ctx, ev.Code, Page{}); return err },
		"checkpoints": func(ctx context.Context, s *Service) error {
			_, _, err := s.Checkpoints(ctx, ev.Code, Page{})
			return err
		},
		"tokens": func(ctx context.Context, s *Service) error { _, _, err := s.Tokens(ctx, Page{}); return err },
		"audit":  func(ctx context.Context, s *Service) error { _, _, err := s.Audit(ctx, AuditFilter{}); return err },
		"scans": func(ctx context.Context, s *Service) error {
			_, _, err := s.Scans(ctx, ScanFilter{Event: ev.Code})
			return err
		},
		"attendance": func(ctx context.Context, s *Service) error {
			_, err := s.Attendance(ctx, ev.Code, time.Now(), time.Now())
			return err
		},
		"summary":      func(ctx context.Context, s *Service) error { _, err := s.Summary(ctx, ev); return err },
		"participants": func(ctx context.Context, s *Service) error { _, err := s.ParticipantList(ctx, ev, false); return err },
		"presence":     func(ctx context.Context, s *Service) error { _, err := s.Presence(ctx, ev.Code); return err },
		"revocations":  func(ctx context.Context, s *Service) error { _, err := s.Revocations(ctx, ev.Code, 0, 10); return err },
		"roster": func(ctx context.Context, s *Service) error {
			roster := *ev
			roster.OfflineRoster = true
			_, _, err := s.Roster(ctx, &roster, Page{})
			return err
		},
	}
	everyone := []string{"secretariat", "aut", "security", "bound"}
	guards := []string{"secretariat", "security", "bound"}
	may := map[string][]string{
		"delegations": everyone, "sessions": everyone, "checkpoints": everyone,
		"tokens": {"secretariat"}, "audit": {"secretariat"}, "scans": {"secretariat"}, "attendance": {"secretariat"},
		"summary": {"secretariat"}, "participants": {"secretariat"},
		"presence": guards, "revocations": guards, "roster": guards,
	}
	s := &Service{Store: accessStore{}, Now: time.Now}
	for name, read := range reads {
		for _, who := range everyone {
			err := read(WithActor(context.Background(), accessActors[who]), s)
			switch allowed := slices.Contains(may[name], who); {
			case allowed && err != nil:
				t.Errorf("%s as %s: %v, want it answered", name, who, err)
			case !allowed && !IsCode(err, CodeForbidden):
				t.Errorf("%s as %s: %v, want forbidden", name, who, err)
			}
		}
	}
}

// TestNominatesFor: whose nomination a new one (or an imported row) is.
func TestNominatesFor(t *testing.T) {
	for _, c := range []struct {
		who, given, want string
	}{
		{"aut", "", "AUT"}, {"aut", "AUT", "AUT"}, {"aut", " aut ", "AUT"}, {"aut", "DEU", "!forbidden"},
		{"aut", "ZZZ", "!forbidden"}, {"secretariat", "deu", "DEU"}, {"secretariat", "", "!validation_failed"},
		{"security", "AUT", "!forbidden"}, {"bound", "", "!forbidden"},
	} {
		got, err := NominatesFor(accessActors[c.who], c.given)
		if err != nil {
			got = "!" + ErrorCode(err)
		}
		if got != c.want {
			t.Errorf("%s naming %q: %q, want %q", c.who, c.given, got, c.want)
		}
	}
}
