package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
)

// This file proves `accredit purge --event CODE [--force]` (docs/security.md, Erasure) on
// a real data directory: refused before the event has ended unless
// forced, and afterwards the event's documents, dates of birth, emails,
// phones and photos are gone while names stay. Helpers are prefixed pg.

// pgJPEG is a small real JPEG for a nomination's photo.
func pgJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 60, 80))
	for y := 0; y < 80; y++ {
		for x := 0; x < 60; x++ {
			img.Set(x, y, color.RGBA{uint8(5 * x), uint8(4 * y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// cliStore opens the configured database as the CLI does, with the CLI
// as the actor.
func cliStore(t *testing.T, env map[string]string) (context.Context, *storage.Store) {
	t.Helper()
	cfg, err := loadConfig(envMap(env))
	if err != nil {
		t.Fatal(err)
	}
	ctx := domain.WithActor(context.Background(), cli)
	store, err := openStore(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return ctx, store
}

// pgSetup creates events with in-person nominations (with photos) in the
// configured database, through the domain service as the CLI actor.
func pgSetup(t *testing.T, env map[string]string, events map[string][2]string) {
	t.Helper()
	ctx, store := cliStore(t, env)
	defer store.Close()
	svc := domain.NewService(store)
	photo := pgJPEG(t)
	for code, days := range events {
		ev, err := svc.CreateEvent(ctx, &domain.Event{Code: code, Title: "Annual Police Experts Meeting", Venue: "Hofburg, Vienna",
			Timezone: "Europe/Vienna", StartsOn: days[0], EndsOn: days[1], Format: domain.FormatHybrid, Status: domain.EventOpen,
			InvitedKinds: []string{"participating_state"}})
		if err != nil {
			t.Fatalf("create %s: %v", code, err)
		}
		for i, d := range []string{"AUT", "DEU"} {
			n, err := svc.Submit(ctx, ev, &domain.Nomination{Delegation: d, Fields: domain.Fields{
				Category: "delegate", Mode: domain.ModeInPerson,
				Person: domain.Person{Honorific: "Ms.", GivenName: "Anna", FamilyName: fmt.Sprintf("Țurcanu-%s-%d", code, i),
					Gender: "female", Function: "Police Attaché", Nationality: d,
					Email: fmt.Sprintf("anna.%d.%s@example.org", i, strings.ToLower(code)), Phone: "+43 1 531 26 0",
					DateOfBirth: "1980-05-17",
					Document:    &domain.Document{Type: "passport", Number: fmt.Sprintf("P%d%s", i, code), ExpiresOn: "2035-01-01"}},
			}}, nil, nil)
			if err != nil {
				t.Fatalf("submit to %s: %v", code, err)
			}
			if _, err := svc.SetPhoto(ctx, code, n.ID, "image/jpeg", photo); err != nil {
				t.Fatalf("photo: %v", err)
			}
		}
	}
}

// pgLeft reads, from the database, what personal data of an event is
// left: non-empty personal columns, photos, and the family names kept.
func pgLeft(t *testing.T, env map[string]string, event string) (personal []string, photos int, names []string, purges int) {
	t.Helper()
	cfg, err := loadConfig(envMap(env))
	if err != nil {
		t.Fatal(err)
	}
	store, err := openStore(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	db := store.DB()
	rows, err := db.Query(`SELECT family_name, COALESCE(email, ''), COALESCE(phone, ''), COALESCE(date_of_birth, ''),
		COALESCE(document_type, ''), COALESCE(document_number, ''), COALESCE(document_expires_on, '')
		FROM nominations WHERE event_code = '` + event + `' ORDER BY family_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		v := make([]string, 6)
		if err := rows.Scan(&name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
		for _, s := range v {
			if s != "" {
				personal = append(personal, s)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	q := "SELECT COUNT(*) FROM photos WHERE nomination_id IN (SELECT id FROM nominations WHERE event_code = '" + event + "')"
	if err := db.QueryRow(q).Scan(&photos); err != nil {
		t.Fatal(err)
	}
	q = "SELECT COUNT(*) FROM audit_log WHERE action = 'event.purge' AND event_code = '" + event + "'"
	if err := db.QueryRow(q).Scan(&purges); err != nil {
		t.Fatal(err)
	}
	return personal, photos, names, purges
}

// TestPurgeCommand runs `accredit purge` on a fresh data directory.
func TestPurgeCommand(t *testing.T) {
	for dialect, env := range dbEnvs(t) {
		t.Run(dialect, func(t *testing.T) {
			pgSetup(t, env, map[string][2]string{
				"CLI-FUTURE": {"2030-06-10", "2030-06-11"},
				"CLI-PAST":   {"2020-03-02", "2020-03-03"},
			})
			keptNames := func(event string) []string {
				_, _, names, _ := pgLeft(t, env, event)
				return names
			}
			futureNames := keptNames("CLI-FUTURE")

			// Not ended: refused without --force, nothing erased.
			_, _, err := runCmd(t, env, "purge", "--event", "CLI-FUTURE")
			if err == nil || !strings.Contains(err.Error(), "force") {
				t.Fatalf("purge of an event that has not ended: %v, want a refusal pointing at --force", err)
			}
			if personal, photos, _, purges := pgLeft(t, env, "CLI-FUTURE"); len(personal) != 12 || photos != 2 || purges != 0 {
				t.Fatalf("a refused purge changed data: %d personal values, %d photos, %d purges", len(personal), photos, purges)
			}

			// Forced.
			out, _, err := runCmd(t, env, "purge", "--event", "CLI-FUTURE", "--force")
			if err != nil {
				t.Fatalf("purge --force: %v", err)
			}
			if !strings.Contains(out, "2") || !strings.Contains(out, "CLI-FUTURE") {
				t.Errorf("purge output %q does not say how many of which event", out)
			}
			personal, photos, names, purges := pgLeft(t, env, "CLI-FUTURE")
			if len(personal) != 0 || photos != 0 {
				t.Errorf("after the purge: personal data %v, %d photos", personal, photos)
			}
			if fmt.Sprint(names) != fmt.Sprint(futureNames) {
				t.Errorf("names after the purge %v, want %v kept", names, futureNames)
			}
			if purges != 1 {
				t.Errorf("%d event.purge audit entries, want 1", purges)
			}

			// The other event was not touched, and, being over, needs no
			// force.
			if personal, photos, _, _ := pgLeft(t, env, "CLI-PAST"); len(personal) != 12 || photos != 2 {
				t.Fatalf("purging CLI-FUTURE touched CLI-PAST: %d personal values, %d photos", len(personal), photos)
			}
			if _, _, err := runCmd(t, env, "purge", "--event", "CLI-PAST"); err != nil {
				t.Fatalf("purge of an ended event: %v", err)
			}
			if personal, photos, _, _ := pgLeft(t, env, "CLI-PAST"); len(personal) != 0 || photos != 0 {
				t.Errorf("after purging CLI-PAST: %v, %d photos", personal, photos)
			}

			// Mistakes.
			if _, _, err := runCmd(t, env, "purge"); err == nil || !strings.Contains(err.Error(), "--event") {
				t.Errorf("purge without --event: %v, want usage", err)
			}
			if _, _, err := runCmd(t, env, "purge", "--event", "NO-SUCH", "--force"); err == nil {
				t.Error("purge of an unknown event succeeded")
			}
		})
	}
}
