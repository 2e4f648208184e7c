package domain

import (
	"context"
	"fmt"
	"sort"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// ReportStore reads what the reports need.
type ReportStore interface {
	// StatusCounts counts an event's nominations by status.
	StatusCounts(ctx context.Context, event string) (map[string]int, error)
	// ApprovedFacets counts approved nominations by mode, delegation kind,
	// category and gender together.
	ApprovedFacets(ctx context.Context, event string) ([]Facet, error)
	// EntryTimes lists the accepted entries of an event.
	EntryTimes(ctx context.Context, event string) ([]Entry, error)
	// Participants lists approved nominations with their delegations;
	// attendedOnly keeps those with an accepted entry scan.
	Participants(ctx context.Context, event string, attendedOnly bool) ([]ParticipantRow, error)
	// PurgePersonalData erases an event's documents, dates of birth,
	// emails, phones and photos; it returns how many nominations it touched.
	PurgePersonalData(ctx context.Context, event string, at time.Time) (int, error)
	// ErasePurged makes what purges blanked unreadable on disk (SQLite:
	// VACUUM and an emptied WAL; PostgreSQL: VACUUM). It runs outside a
	// transaction, after the purge has committed.
	ErasePurged(ctx context.Context) error
}

// Facet is one combination of approved nominations' attributes and its count.
type Facet struct {
	Mode, Kind, Category, Gender string
	Count                        int
}

// Entry is one accepted entry scan.
type Entry struct {
	NominationID string
	At           time.Time
}

// ParticipantRow is an approved participant with the delegation.
type ParticipantRow struct {
	Delegation Delegation
	Participant
}

// Summary computes the secretariat's overview of an event.
func (s *Service) Summary(ctx context.Context, ev *Event) (*Summary, error) {
	if err := require(ActorFrom(ctx), RoleSecretariat); err != nil {
		return nil, err
	}
	byStatus, err := s.Store.StatusCounts(ctx, ev.Code)
	if err != nil {
		return nil, err
	}
	facets, err := s.Store.ApprovedFacets(ctx, ev.Code)
	if err != nil {
		return nil, err
	}
	sum := &Summary{ByStatus: byStatus, ByMode: map[string]int{}, ByKind: map[string]int{},
		ByCategory: map[string]int{}, ByGender: map[string]int{}, AttendanceByDay: []DayCount{}}
	var approved, women, heads, womenHeads int
	for _, f := range facets {
		sum.ByMode[f.Mode] += f.Count
		sum.ByKind[f.Kind] += f.Count
		sum.ByCategory[f.Category] += f.Count
		sum.ByGender[f.Gender] += f.Count
		approved += f.Count
		if f.Gender == GenderFemale {
			women += f.Count
		}
		if f.Category == CategoryHead {
			heads += f.Count
			if f.Gender == GenderFemale {
				womenHeads += f.Count
			}
		}
	}
	sum.WomenShare = WomenShare{Approved: share(women, approved), HeadsOfDelegation: share(womenHeads, heads)}
	entries, err := s.Store.EntryTimes(ctx, ev.Code)
	if err != nil {
		return nil, err
	}
	sum.AttendanceByDay = attendanceByDay(entries, ev.Location())
	return sum, nil
}

func share(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	f := float64(part) / float64(whole)
	return &f
}

// attendanceByDay counts, per day in the event's time zone, the distinct
// delegates with an accepted entry.
func attendanceByDay(entries []Entry, loc *time.Location) []DayCount {
	seen := map[string]map[string]bool{}
	for _, e := range entries {
		day := e.At.In(loc).Format(DateLayout)
		if seen[day] == nil {
			seen[day] = map[string]bool{}
		}
		seen[day][e.NominationID] = true
	}
	out := make([]DayCount, 0, len(seen))
	for day, who := range seen {
		out = append(out, DayCount{Day: day, Present: len(who)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out
}

// ParticipantList builds the List of Participants: groups in the published
// order, delegations by English name as a reader sorts them ("Türkiye"
// among the T's), the head of delegation first, then by family name.
func (s *Service) ParticipantList(ctx context.Context, ev *Event, attendedOnly bool) (*ParticipantList, error) {
	if err := require(ActorFrom(ctx), RoleSecretariat); err != nil {
		return nil, err
	}
	rows, err := s.Store.Participants(ctx, ev.Code, attendedOnly)
	if err != nil {
		return nil, err
	}
	col := collate.New(language.English, collate.Loose)
	byDeleg := map[string]*ParticipantDelegation{}
	kinds := map[string]string{}
	for _, r := range rows {
		d := byDeleg[r.Delegation.Code]
		if d == nil {
			d = &ParticipantDelegation{Code: r.Delegation.Code, Name: r.Delegation.Name, Participants: []Participant{}}
			byDeleg[r.Delegation.Code] = d
			kinds[r.Delegation.Code] = ReportGroup(r.Delegation.Kind)
		}
		d.Participants = append(d.Participants, r.Participant)
	}
	list := &ParticipantList{Event: ev.Code, Groups: []ParticipantGroup{}}
	for _, g := range ReportGroups {
		group := ParticipantGroup{Kind: g.Kind, Title: g.Title, Delegations: []ParticipantDelegation{}}
		for code, d := range byDeleg {
			if kinds[code] == g.Kind {
				sortParticipants(col, d.Participants)
				group.Delegations = append(group.Delegations, *d)
			}
		}
		if len(group.Delegations) == 0 {
			continue
		}
		sort.Slice(group.Delegations, func(i, j int) bool {
			a, b := group.Delegations[i], group.Delegations[j]
			if c := col.CompareString(a.Name, b.Name); c != 0 {
				return c < 0
			}
			return a.Code < b.Code
		})
		list.Groups = append(list.Groups, group)
	}
	return list, nil
}

func sortParticipants(col *collate.Collator, ps []Participant) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if (a.Category == CategoryHead) != (b.Category == CategoryHead) {
			return a.Category == CategoryHead
		}
		if c := col.CompareString(a.FamilyName, b.FamilyName); c != 0 {
			return c < 0
		}
		return col.CompareString(a.GivenName, b.GivenName) < 0
	})
}

// Purge erases the personal data of an event's nominations (README, How it works: Purge),
// keeping names and functions for the List of Participants and every count
// for the summary. Before the event has ended it needs force.
func (s *Service) Purge(ctx context.Context, event string, force bool) (int, error) {
	var n int
	err := s.Store.InTx(ctx, func(tx Tx) error {
		ev, err := tx.Event(ctx, event)
		if err != nil {
			return err
		}
		if !force && !ev.Ended(s.now()) {
			return Errorf(CodeConflict, "event %s ends on %s; purging personal data before then needs --force", ev.Code, ev.EndsOn)
		}
		if n, err = tx.PurgePersonalData(ctx, ev.Code, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, "event.purge", "event", ev.Code, ev.Code, map[string]any{"nominations": n, "forced": force})
	})
	if err != nil {
		return 0, err
	}
	// Erased means gone from the disk too (docs/security.md, Erasure). Should this fail, the
	// data is blanked but may linger on disk: purging again erases it.
	if err := s.Store.ErasePurged(ctx); err != nil {
		return n, fmt.Errorf("personal data of %s blanked, but erasing it from the disk failed (run the purge again): %w", event, err)
	}
	return n, nil
}

// DuePurges lists events whose purge_after_days have passed since their
// last day and that are not purged yet.
func (s *Service) DuePurges(ctx context.Context) ([]string, error) {
	var due []string
	cursor := ""
	for {
		evs, next, err := s.Store.ListEvents(ctx, EventFilter{Page: Page{Limit: MaxPageSize, Cursor: cursor}})
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.PurgeAfterDays == nil || e.PurgedAt != nil {
				continue
			}
			end, err := time.ParseInLocation(DateLayout, e.EndsOn, e.Location())
			if err == nil && !s.now().Before(end.AddDate(0, 0, 1+*e.PurgeAfterDays)) {
				due = append(due, e.Code)
			}
		}
		if cursor = next; next == "" {
			return due, nil
		}
	}
}
