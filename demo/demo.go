// Package demo fills a database with a demo event running today, so that a
// newcomer has something to look at within minutes: invited delegations,
// nominations in every status with generated photos, issued badges, a few
// scans at the doors and a door device.
//
// Everything goes through domain.Service, as the API's requests would: the
// rules are checked, the audit log records each step, badges are issued by
// approvals and scans are judged.
package demo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/osce/accredit/domain"
)

// EventCode is the demo event's code; an event with this code means the
// demo is loaded.
const EventCode = "DEMO-PEM"

// Names of what the demo creates and prints.
const (
	title       = "Annual Police Experts Meeting (demo)"
	timezone    = "Europe/Vienna"
	consoleName = "demo console"
	portalOf    = "AUT"                          // the delegation whose focal point's link is printed
	deskName    = "Heldenplatz entrance, lane 1" // the device that scanned this morning
	enrolName   = "Heldenplatz entrance, lane 2" // the device the printed link enrols
	entrance    = "HELDENPLATZ"
	hall        = "RATSAAL"
)

// ErrIncomplete says that the demo event exists but an earlier load did
// not finish: it cannot be completed, since nothing can be deleted.
var ErrIncomplete = errors.New("the demo event " + EventCode + " exists, but loading it did not finish; load the demo into an empty database")

// Options are how the demo is loaded.
type Options struct {
	// BaseURL is where the server answers, such as http://127.0.0.1:8080;
	// the links of the Result start with it.
	BaseURL string
}

// Result is what to open after the load.
type Result struct {
	// Loaded is false when the demo was there already: nothing was
	// changed and there are no links (tokens are shown only once).
	Loaded bool
	Event  string
	Title  string

	Console string // the console, signed in as the secretariat ("demo console")
	Portal  string // the portal, signed in as a focal point of PortalDelegation
	// PortalDelegation is the delegation of Portal's focal point.
	PortalDelegation string
	// Desk enrols the browser that opens it as the door device DeskName,
	// at the Heldenplatz entrance; once, until DeskExpires.
	Desk        string
	DeskName    string
	DeskExpires time.Time

	Counts Counts
}

// Counts say what the demo holds.
type Counts struct {
	Delegations int
	Nominations map[domain.Status]int
	Badges      int // issued, revoked ones included
	Scans       int
	Present     int
}

// Load loads the demo unless it is loaded already. svc must have its
// Codes: scans are judged by their signatures.
//
// A load cannot be undone, nor completed once interrupted (nothing can be
// deleted), so it runs to the end even when ctx is cancelled: it takes
// about a second.
func Load(ctx context.Context, svc *domain.Service, opts Options) (Result, error) {
	ctx = context.WithoutCancel(ctx)
	res := Result{Event: EventCode, Title: title}
	if loaded, err := present(ctx, svc); err != nil || loaded {
		return res, err
	}
	l := &loader{svc: svc, now: svc.Now().UTC(), people: map[*delegate]*domain.Nomination{}, photos: castPhotos()}
	if err := l.run(ctx); err != nil {
		if domain.IsCode(err, domain.CodeConflict) && l.event == nil {
			return res, nil // another load created the event first
		}
		return res, fmt.Errorf("demo: %w", err)
	}
	base := strings.TrimRight(opts.BaseURL, "/")
	res.Loaded = true
	res.Console = base + "/console/#token=" + l.console
	res.Portal = base + "/portal/#token=" + l.portal
	res.PortalDelegation = portalOf
	res.Desk = base + "/desk/#enrol=" + l.enrolment.Code
	res.DeskName, res.DeskExpires = l.enrolment.Name, l.enrolment.ExpiresAt
	res.Counts = l.counts
	return res, nil
}

// present reports whether the demo is loaded: its event exists and the
// console token, made last, too.
func present(ctx context.Context, svc *domain.Service) (bool, error) {
	_, err := svc.Store.Event(ctx, EventCode)
	if domain.IsCode(err, domain.CodeNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	cursor := ""
	for {
		ts, next, err := svc.Store.ListTokens(ctx, domain.Page{Limit: domain.MaxPageSize, Cursor: cursor})
		if err != nil {
			return false, err
		}
		for _, t := range ts {
			if t.Name == consoleName && t.Role == domain.RoleSecretariat {
				return true, nil
			}
		}
		if cursor = next; next == "" {
			return true, ErrIncomplete
		}
	}
}

// secretariat is who sets up the demo and decides on its nominations.
var secretariat = domain.Actor{Name: "demo (secretariat)", Role: domain.RoleSecretariat}

// focalPoint is who nominates for a delegation.
func focalPoint(delegation string) domain.Actor {
	return domain.Actor{Name: "focal point " + delegation + " (demo)", Role: domain.RoleDelegation, Delegation: delegation}
}

// loader carries one load's state from step to step.
type loader struct {
	svc       *domain.Service
	now       time.Time
	event     *domain.Event
	sessions  []string
	people    map[*delegate]*domain.Nomination
	photos    func(*delegate) []byte
	desk      string // the token hash of the device that scanned
	enrolment *domain.Enrolment
	console   string
	portal    string
	counts    Counts
}

func (l *loader) run(ctx context.Context) error {
	steps := []func(context.Context) error{l.setUp, l.nominate, l.decide, l.device, l.scan, l.signIns, l.count}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// today is the demo's first day in Vienna, at midnight there.
func (l *loader) today() time.Time {
	loc, err := time.LoadLocation(timezone)
	if err != nil {
		loc = time.UTC // tzdata is embedded in the binary; cannot happen there
	}
	t := l.now.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// setUp creates the event, its agenda and its checkpoints.
func (l *loader) setUp(ctx context.Context) error {
	ctx = domain.WithActor(ctx, secretariat)
	day1 := l.today()
	day2 := day1.AddDate(0, 0, 1)
	opens := l.now.AddDate(0, -1, 0)
	closes := day2.AddDate(0, 0, 1).UTC() // registration stays open to the end, for the portal's sake
	ev, err := l.svc.CreateEvent(ctx, &domain.Event{
		Code: EventCode, Title: title, Venue: "Hofburg, Vienna", Timezone: timezone,
		StartsOn: day1.Format(domain.DateLayout), EndsOn: day2.Format(domain.DateLayout),
		Format: domain.FormatHybrid, RegistrationOpensAt: &opens, RegistrationClosesAt: &closes,
		Capacity: domain.Limits{InPerson: intp(150), Online: intp(400)},
		Quotas: map[string]domain.Limits{
			"participating_state":        {InPerson: intp(4), Online: intp(2)},
			"partner":                    {InPerson: intp(2), Online: intp(2)},
			"international_organization": {InPerson: intp(2), Online: intp(2)},
		},
		InvitedKinds: []string{"participating_state", "partner", "international_organization"},
		AntiPassback: true, Waitlist: true, Status: domain.EventOpen, OfflineRoster: true,
	})
	if err != nil {
		return err
	}
	l.event = ev
	return l.agenda(ctx, day1, day2)
}

// agenda creates the sessions and the checkpoints.
func (l *loader) agenda(ctx context.Context, day1, day2 time.Time) error {
	at := func(day time.Time, h, m int) time.Time {
		return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute).UTC()
	}
	sessions := []domain.Session{
		{Title: "Opening session", StartsAt: at(day1, 10, 0), EndsAt: at(day1, 10, 45), Room: "Neuer Saal"},
		{Title: "Session 1: Countering trafficking in human beings online", StartsAt: at(day1, 11, 0), EndsAt: at(day1, 13, 0), Room: "Ratsaal", Capacity: intp(60)},
		{Title: "Session 2: Financial investigations and asset recovery", StartsAt: at(day2, 10, 0), EndsAt: at(day2, 12, 30), Room: "Ratsaal", Capacity: intp(60)},
		{Title: "Closing session", StartsAt: at(day2, 15, 0), EndsAt: at(day2, 15, 45), Room: "Neuer Saal"},
	}
	for i := range sessions {
		s := &sessions[i]
		s.Event = EventCode
		if err := l.svc.CreateSession(ctx, s); err != nil {
			return err
		}
		l.sessions = append(l.sessions, s.ID)
	}
	points := []domain.Checkpoint{
		{Event: EventCode, Code: entrance, Name: "Heldenplatz entrance", Direction: "both"},
		{Event: EventCode, Code: hall, Name: "Ratsaal (plenary)", Direction: domain.DirectionIn,
			Categories: []string{head, member, adviser, speaker, observer, "secretariat"}},
	}
	for i := range points {
		if err := l.svc.CreateCheckpoint(ctx, &points[i]); err != nil {
			return err
		}
	}
	return nil
}

// nominate has each delegation's focal point submit its delegates, with
// their photos.
func (l *loader) nominate(ctx context.Context) error {
	for i := range cast {
		d := &cast[i]
		fctx := domain.WithActor(ctx, focalPoint(d.delegation))
		n, err := l.svc.Submit(fctx, l.event, &domain.Nomination{Delegation: d.delegation, Fields: l.fields(d)}, nil, nil)
		if err != nil {
			return fmt.Errorf("submit %s %s: %w", d.given, d.family, err)
		}
		if want := d.fate == waitlisted; want != (n.Status == domain.StatusWaitlisted) {
			return fmt.Errorf("%s %s is %s", d.given, d.family, n.Status)
		}
		if n, err = l.svc.SetPhoto(fctx, EventCode, n.ID, "image/jpeg", l.photos(d)); err != nil {
			return err
		}
		l.people[d] = n
	}
	return nil
}

// decide takes the secretariat's decisions and the delegations' later
// changes of mind.
func (l *loader) decide(ctx context.Context) error {
	sctx := domain.WithActor(ctx, secretariat)
	for i := range cast {
		d := &cast[i]
		id := l.people[d].ID
		fctx := domain.WithActor(ctx, focalPoint(d.delegation))
		var err error
		switch d.fate {
		case approved:
			_, err = l.svc.Approve(sctx, EventCode, id)
		case rejected:
			_, err = l.svc.Reject(sctx, EventCode, id, d.reason)
		case withdrawn:
			_, err = l.svc.Withdraw(fctx, EventCode, id, d.reason)
		case revoked:
			if _, err = l.svc.Approve(sctx, EventCode, id); err == nil {
				_, err = l.svc.Revoke(sctx, EventCode, id, d.reason)
			}
		case reissued:
			var n *domain.Nomination
			if n, err = l.svc.Approve(sctx, EventCode, id); err == nil {
				_, err = l.svc.Reissue(sctx, EventCode, n.Badge.ID)
			}
		case substituted:
			err = l.substitute(sctx, fctx, d)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", d.given, d.family, err)
		}
	}
	return nil
}

// substitute approves d, then has the delegation replace d by d.by.
func (l *loader) substitute(sctx, fctx context.Context, d *delegate) error {
	if _, err := l.svc.Approve(sctx, EventCode, l.people[d].ID); err != nil {
		return err
	}
	n, err := l.svc.Substitute(fctx, EventCode, l.people[d].ID, l.fields(d.by), nil)
	if err != nil {
		return err
	}
	_, err = l.svc.SetPhoto(fctx, EventCode, n.ID, "image/jpeg", l.photos(d.by))
	return err
}

// device makes the door device that scanned this morning: a security
// token bound to the event. Its secret is not kept: the printed link
// enrols another device.
func (l *loader) device(ctx context.Context) error {
	t := &domain.Token{Name: deskName, Role: domain.RoleSecurity, Event: EventCode}
	secret, err := l.svc.CreateToken(domain.WithActor(ctx, secretariat), t)
	l.desk = domain.HashToken(secret)
	return err
}

// signIns makes what the printed links sign in with: an enrolment for a
// second door device, the focal point's token, and last the console's,
// whose existence marks a finished load.
func (l *loader) signIns(ctx context.Context) error {
	ctx = domain.WithActor(ctx, secretariat)
	l.enrolment = &domain.Enrolment{Name: enrolName, Checkpoint: entrance, Direction: domain.DirectionIn}
	if err := l.svc.CreateEnrolment(ctx, l.event, l.enrolment, domain.EnrolmentMaxMinutes); err != nil {
		return err
	}
	var err error
	focal := &domain.Token{Name: "focal point " + portalOf + " (demo)", Role: domain.RoleDelegation, Delegation: portalOf}
	if l.portal, err = l.svc.CreateToken(ctx, focal); err != nil {
		return err
	}
	l.console, err = l.svc.CreateToken(ctx, &domain.Token{Name: consoleName, Role: domain.RoleSecretariat})
	return err
}

// count tallies what was made, for the summary printed after the load.
func (l *loader) count(ctx context.Context) error {
	c := Counts{Nominations: map[domain.Status]int{}}
	seen := map[string]bool{}
	for i := range cast {
		seen[cast[i].delegation] = true
	}
	c.Delegations = len(seen)
	ns, err := listAll(ctx, l.svc)
	if err != nil {
		return err
	}
	for _, n := range ns {
		c.Nominations[n.Status]++
		if n.Badge != nil {
			c.Badges++
		}
	}
	scans, _, err := l.svc.Store.ListScans(ctx, domain.ScanFilter{Event: EventCode, Page: domain.Page{Limit: domain.MaxPageSize}})
	if err != nil {
		return err
	}
	in, err := l.svc.Store.Presence(ctx, EventCode)
	if err != nil {
		return err
	}
	c.Scans, c.Present = len(scans), len(in)
	l.counts = c
	return nil
}

// listAll reads every nomination of the demo event.
func listAll(ctx context.Context, svc *domain.Service) ([]domain.Nomination, error) {
	var all []domain.Nomination
	cursor := ""
	for {
		ns, next, err := svc.Store.ListNominations(ctx, domain.NominationFilter{Event: EventCode, Page: domain.Page{Limit: domain.MaxPageSize, Cursor: cursor}})
		if err != nil {
			return nil, err
		}
		all = append(all, ns...)
		if cursor = next; next == "" {
			return all, nil
		}
	}
}

// fields is d as a nomination form, with the personal data a delegation
// would fill in: invented, and deterministic.
func (l *loader) fields(d *delegate) domain.Fields {
	f := domain.Fields{
		Person: domain.Person{
			Honorific: d.honorific, GivenName: d.given, FamilyName: d.family, Gender: d.gender,
			Function: d.function, Organization: d.organization, Nationality: d.nationality,
			Email: ascii(d.given) + "." + ascii(d.family) + "@" + strings.ToLower(d.delegation) + ".example",
			Phone: fmt.Sprintf("+43 1 555 %04d", digits(d, 10000)),
		},
		Category: d.category, Mode: d.mode,
	}
	if d.mode == inPerson {
		kind := "passport"
		if d.category == head {
			kind = "diplomatic_passport"
		}
		f.DateOfBirth = d.born
		f.Document = &domain.Document{Type: kind, Number: fmt.Sprintf("%c%07d", d.nationality[0], digits(d, 10_000_000)),
			ExpiresOn: l.today().AddDate(6, 0, 0).Format(domain.DateLayout)}
		for _, i := range d.sessions {
			f.Sessions = append(f.Sessions, l.sessions[i])
		}
	}
	return f
}

func (d *delegate) portrait() Portrait {
	return Portrait{GivenName: d.given, FamilyName: d.family, Gender: d.gender}
}

// digits is a number below n that stays the same for d on every load.
func digits(d *delegate, n uint64) uint64 {
	h := fnv.New64a()
	h.Write([]byte(d.given + " " + d.family))
	return h.Sum64() % n
}

// ascii folds a name into an email's local part: Wöß-Pflügl → woss-pflugl.
func ascii(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r >= 'a' && r <= 'z', r == '-':
			b.WriteRune(r)
		case r == ' ' || r == '\'':
			b.WriteByte('-')
		case unicode.Is(unicode.Mn, r):
			// a combining accent: dropped
		default:
			b.WriteString(folds[r])
		}
	}
	return b.String()
}

// folds spells the letters that do not decompose into a base letter and
// an accent.
var folds = map[rune]string{'ß': "ss", 'ł': "l", 'ø': "o", 'æ': "ae", 'đ': "d", 'ı': "i", 'þ': "th", 'ð': "d", 'œ': "oe"}

func intp(v int) *int { return &v }

// castPhotos are the cast's photos, drawn once per process: the cast is
// fixed and each photo is the same bytes every time, so a second Load (a
// test's, or a demo started again in one process) does not draw them again.
var castPhotos = sync.OnceValue(drawAll)

// drawAll starts drawing the photos of the whole cast on every core, and
// returns how to wait for one of them: the drawing overlaps the database's
// work.
func drawAll() func(*delegate) []byte {
	type job struct {
		d    *delegate
		done chan struct{}
		jpeg []byte
	}
	var jobs []*job
	for i := range cast {
		jobs = append(jobs, &job{d: &cast[i], done: make(chan struct{})})
		if by := cast[i].by; by != nil {
			jobs = append(jobs, &job{d: by, done: make(chan struct{})})
		}
	}
	byDelegate := map[*delegate]*job{}
	queue := make(chan *job, len(jobs))
	for _, j := range jobs {
		byDelegate[j.d] = j
		queue <- j
	}
	close(queue)
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for j := range queue {
				j.jpeg = Photo(j.d.portrait())
				close(j.done)
			}
		}()
	}
	return func(d *delegate) []byte {
		j := byDelegate[d]
		<-j.done
		return j.jpeg
	}
}
