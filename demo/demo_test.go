package demo

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"image/jpeg"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/osce/accredit/badges"
	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
	"github.com/osce/accredit/storage/storagetest"
)

// newService is a service on a fresh database of the dialect, with a
// badge-signing key of its own.
func newService(t *testing.T, dialect string) (*domain.Service, *storage.Store) {
	t.Helper()
	store := storagetest.New(t, dialect)
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	signer := badges.NewSigner(priv)
	svc := domain.NewService(store)
	svc.Codes = badges.NewCodec(signer, badges.NewKeyring(signer.Public()))
	return svc, store
}

func TestLoad(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			svc, store := newService(t, dialect)
			ctx := context.Background()
			start := time.Now()
			res, err := Load(ctx, svc, Options{BaseURL: "http://127.0.0.1:8080/"})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("loaded in %v: %+v", time.Since(start), res.Counts)
			checkResult(t, ctx, svc, res)
			checkNominations(t, ctx, svc)
			checkDoor(t, ctx, svc)

			before := tableCounts(t, store)
			again, err := Load(ctx, svc, Options{BaseURL: "http://127.0.0.1:8080"})
			if err != nil {
				t.Fatalf("second load: %v", err)
			}
			if again.Loaded || again.Console != "" || again.Event != EventCode {
				t.Fatalf("second load says it loaded: %+v", again)
			}
			if after := tableCounts(t, store); !maps.Equal(before, after) {
				t.Fatalf("the second load changed the database:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// checkResult: the links sign in with working tokens of the right roles.
func checkResult(t *testing.T, ctx context.Context, svc *domain.Service, res Result) {
	t.Helper()
	if !res.Loaded || res.Event != EventCode {
		t.Fatalf("result: %+v", res)
	}
	for _, c := range []struct {
		link, prefix string
		role         domain.Role
		delegation   string
	}{
		{res.Console, "http://127.0.0.1:8080/console/#token=", domain.RoleSecretariat, ""},
		{res.Portal, "http://127.0.0.1:8080/portal/#token=", domain.RoleDelegation, res.PortalDelegation},
	} {
		secret, ok := strings.CutPrefix(c.link, c.prefix)
		if !ok || secret == "" {
			t.Fatalf("link %q does not start with %q", c.link, c.prefix)
		}
		a, err := svc.Authenticate(ctx, secret)
		if err != nil || a.Role != c.role || a.Delegation != c.delegation {
			t.Fatalf("%s signs in as %+v (%v), want role %s", c.link, a, err, c.role)
		}
	}
	code, ok := strings.CutPrefix(res.Desk, "http://127.0.0.1:8080/desk/#enrol=")
	if !ok {
		t.Fatalf("desk link %q", res.Desk)
	}
	if left := time.Until(res.DeskExpires); left < 23*time.Hour {
		t.Errorf("the enrolment expires in %v", left)
	}
	device, err := svc.Enrol(ctx, code)
	if err != nil || device.Token.Role != domain.RoleSecurity || device.Token.Event != EventCode ||
		device.Token.Name != res.DeskName || device.Enrolment.Checkpoint != entrance {
		t.Fatalf("enrolling with %q: %+v %v", code, device, err)
	}
	a, err := svc.Authenticate(ctx, device.Secret)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := svc.Store.Event(ctx, EventCode)
	if err != nil {
		t.Fatal(err)
	}
	roster, _, err := svc.Roster(domain.WithActor(ctx, a), ev, domain.Page{Limit: 500})
	if err != nil || len(roster) < 10 {
		t.Fatalf("the enrolled device's roster: %d entries, %v", len(roster), err)
	}
}

// checkNominations: every status, a head per delegation, photos and
// badges that a scanner would accept.
func checkNominations(t *testing.T, ctx context.Context, svc *domain.Service) {
	t.Helper()
	ns, err := listAll(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[domain.Status]int{}
	heads := map[string]bool{}
	genders := map[string]bool{}
	badgeCount := 0
	for _, n := range ns {
		statuses[n.Status]++
		genders[n.Gender] = true
		if n.Category == head {
			heads[n.Delegation] = true
		}
		if !n.HasPhoto {
			t.Errorf("%s has no photo", n.DisplayName())
		}
		checkPhoto(t, ctx, svc, n)
		if n.Badge != nil {
			badgeCount++
			checkBadge(t, ctx, svc, n)
		}
		if (n.Status == domain.StatusApproved && n.Mode == domain.ModeInPerson) != (n.Badge != nil && n.Badge.Status == domain.BadgeActive) {
			t.Errorf("%s (%s, %s) has badge %+v", n.DisplayName(), n.Status, n.Mode, n.Badge)
		}
	}
	for _, s := range domain.Statuses {
		if statuses[s] == 0 {
			t.Errorf("no nomination is %s: %v", s, statuses)
		}
	}
	for _, d := range ns {
		if !heads[d.Delegation] {
			t.Errorf("delegation %s has no head", d.Delegation)
		}
	}
	if len(genders) < 3 {
		t.Errorf("genders %v", genders)
	}
	if badgeCount < 10 {
		t.Errorf("%d badges", badgeCount)
	}
	checkStory(t, ns)
}

// checkStory: reasons and the substitution's links are in place.
func checkStory(t *testing.T, ns []domain.Nomination) {
	t.Helper()
	byID := map[string]domain.Nomination{}
	for _, n := range ns {
		byID[n.ID] = n
	}
	substituted := false
	for _, n := range ns {
		switch n.Status {
		case domain.StatusRejected, domain.StatusRevoked, domain.StatusWithdrawn:
			if n.StatusReason == "" {
				t.Errorf("%s is %s without a reason", n.DisplayName(), n.Status)
			}
		}
		if n.Replaces != "" {
			old := byID[n.Replaces]
			substituted = old.Status == domain.StatusWithdrawn && old.StatusReason == "substituted" &&
				old.ReplacedBy == n.ID && n.Status == domain.StatusSubmitted
		}
	}
	if !substituted {
		t.Error("no substitution: an old nomination withdrawn as substituted and a new one submitted that replaces it")
	}
}

func checkPhoto(t *testing.T, ctx context.Context, svc *domain.Service, n domain.Nomination) {
	t.Helper()
	ct, data, err := svc.Photo(ctx, EventCode, n.ID)
	if err != nil || ct != "image/jpeg" {
		t.Fatalf("photo of %s: %q %v", n.DisplayName(), ct, err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != PhotoWidth || cfg.Height != PhotoHeight {
		t.Fatalf("photo of %s: %dx%d %v", n.DisplayName(), cfg.Width, cfg.Height, err)
	}
}

// checkBadge: the badge's code verifies and names the badge and serial.
func checkBadge(t *testing.T, ctx context.Context, svc *domain.Service, n domain.Nomination) {
	t.Helper()
	b, err := svc.Badge(ctx, EventCode, n.Badge.ID)
	if err != nil {
		t.Fatal(err)
	}
	code, err := svc.BadgeCode(&b.Badge)
	if err != nil {
		t.Fatal(err)
	}
	claim, err := svc.Codes.Verify(code)
	if err != nil || claim.BadgeID != b.ID || claim.Serial != b.Serial || claim.EventTag != svc.Codes.EventTag(EventCode) {
		t.Fatalf("code of %s's badge: %+v %v", n.DisplayName(), claim, err)
	}
}

// checkDoor: accepted and rejected scans, people inside, an attendance.
func checkDoor(t *testing.T, ctx context.Context, svc *domain.Service) {
	t.Helper()
	scans, _, err := svc.Store.ListScans(ctx, domain.ScanFilter{Event: EventCode, Page: domain.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	results := map[string]int{}
	for _, s := range scans {
		results[s.Result+" "+s.Reason]++
	}
	for _, want := range []string{"accepted ", "rejected revoked", "rejected already_inside", "rejected checkpoint_denied"} {
		if results[want] == 0 {
			t.Errorf("no scan %q among %v", want, results)
		}
	}
	in, err := svc.Store.Presence(ctx, EventCode)
	if err != nil || len(in) < 5 {
		t.Fatalf("presence: %d %v", len(in), err)
	}
	ev, err := svc.Store.Event(ctx, EventCode)
	if err != nil {
		t.Fatal(err)
	}
	from, until := ev.BadgeValidity()
	days, err := svc.Store.Attendance(ctx, EventCode, from, from.Add(until.Sub(from)/2))
	if err != nil || len(days) <= len(in) {
		t.Fatalf("attendance of the first day: %d (%d inside) %v", len(days), len(in), err)
	}
}

// tableCounts counts the rows of every table of the store's database.
func tableCounts(t *testing.T, store *storage.Store) map[string]int {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if store.Dialect() == storage.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := store.DB().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("only tables %v", tables)
	}
	counts := map[string]int{}
	for _, name := range tables {
		var n int
		if err := store.DB().QueryRow(fmt.Sprintf(`SELECT count(*) FROM %q`, name)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[name] = n
	}
	return counts
}

// TestLoadIncomplete: an event of the demo's code without the demo's
// tokens is an interrupted load, said so, and left alone.
func TestLoadIncomplete(t *testing.T) {
	svc, _ := newService(t, storage.SQLite)
	ctx := domain.WithActor(context.Background(), secretariat)
	if _, err := svc.CreateEvent(ctx, &domain.Event{Code: EventCode, Title: "x", Timezone: timezone,
		StartsOn: "2030-01-01", EndsOn: "2030-01-02", Format: domain.FormatHybrid}); err != nil {
		t.Fatal(err)
	}
	res, err := Load(ctx, svc, Options{})
	if err != ErrIncomplete || res.Loaded {
		t.Fatalf("load over a half-loaded demo: %+v %v", res, err)
	}
}

func TestASCII(t *testing.T) {
	for in, want := range map[string]string{
		"Wöß-Pflügl": "woss-pflugl", "Łukasiewicz": "lukasiewicz", "Dell'Acqua-Ferré": "dell-acqua-ferre",
		"Ayşe Gül": "ayse-gul", "Þórsdóttir": "thorsdottir", "Ozoliņš-Ørsted": "ozolins-orsted",
	} {
		if got := ascii(in); got != want {
			t.Errorf("ascii(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLoadAtDayBoundaries: loaded just after midnight in Vienna, or just
// before, the morning's scans still fall inside the badges' first day
// and each gets the verdict the story wants (Load checks them).
func TestLoadAtDayBoundaries(t *testing.T) {
	t.Parallel()
	vienna, err := time.LoadLocation(timezone)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{
		time.Date(2031, 3, 30, 0, 0, 20, 0, vienna), // the night the clocks go forward
		time.Date(2031, 10, 26, 23, 59, 50, 0, vienna),
	} {
		t.Run(at.Format(time.RFC3339), func(t *testing.T) {
			t.Parallel()
			svc, _ := newService(t, storage.SQLite)
			svc.Now = func() time.Time { return at.UTC() }
			res, err := Load(context.Background(), svc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Counts.Present != 10 || res.Counts.Scans != 15 {
				t.Fatalf("counts %+v", res.Counts)
			}
			ev, err := svc.Store.Event(context.Background(), EventCode)
			if err != nil || ev.StartsOn != at.Format(domain.DateLayout) {
				t.Fatalf("the event starts on %s, loaded at %s (%v)", ev.StartsOn, at, err)
			}
		})
	}
}

// TestParticipantList: the List of Participants has its groups, and the
// attended-only one is shorter.
func TestParticipantList(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t, storage.SQLite)
	ctx := context.Background()
	if _, err := Load(ctx, svc, Options{}); err != nil {
		t.Fatal(err)
	}
	ev, err := svc.Store.Event(ctx, EventCode)
	if err != nil {
		t.Fatal(err)
	}
	count := func(attended bool) (groups, people int) {
		l, err := svc.ParticipantList(ctx, ev, attended)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range l.Groups {
			for _, d := range g.Delegations {
				people += len(d.Participants)
			}
		}
		return len(l.Groups), people
	}
	groups, all := count(false)
	_, attended := count(true)
	if groups != 3 || attended == 0 || attended >= all {
		t.Fatalf("%d groups, %d participants, %d attended", groups, all, attended)
	}
}
