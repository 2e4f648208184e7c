package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
)

// This file proves that a purge erases on disk (docs/security.md, Erasure): once `accredit
// purge` (or serve's scheduled purge) has answered, no byte of a purged
// email, document number, date of birth, phone or photo is left in the
// SQLite file or its WAL, while another connection keeps the database
// open as a running server would; nor in the stored idempotent answers,
// the reasons and remarks typed about the event, or its audit log. The
// same values of an event not purged are still found: the search works.
// Helpers are prefixed er.

// erPerson is the distinctive personal data of one nomination.
type erPerson struct {
	email, phone, dob, doc string
	photo                  []byte // a run of the stored photo's bytes
}

func (p erPerson) values() map[string][]byte {
	return map[string][]byte{"email": []byte(p.email), "phone": []byte(p.phone), "date of birth": []byte(p.dob),
		"document number": []byte(p.doc), "photo": p.photo}
}

// erNoise is a JPEG of random pixels: its bytes occur nowhere else.
func erNoise(t *testing.T, seed uint64) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	img := image.NewRGBA(image.Rect(0, 0, 200, 260))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.UintN(256))
	}
	img.Set(0, 0, color.RGBA{255, 255, 255, 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// erFill creates an event with one in-person nomination carrying p's data
// in every place personal data goes: its fields and photo, an idempotent
// answer, a withdrawal reason (audit log and nomination) and remarks.
// It returns p with the photo bytes as stored.
func erFill(t *testing.T, svc *domain.Service, code, ends string, p erPerson, purgeAfter *int) erPerson {
	t.Helper()
	ctx := domain.WithActor(context.Background(), cli)
	ev, err := svc.CreateEvent(ctx, &domain.Event{Code: code, Title: "Annual Police Experts Meeting", Venue: "Hofburg, Vienna",
		Timezone: "Europe/Vienna", StartsOn: "2020-03-02", EndsOn: ends, Format: domain.FormatHybrid, Status: domain.EventOpen,
		InvitedKinds: []string{"participating_state"}, PurgeAfterDays: purgeAfter})
	if err != nil {
		t.Fatal(err)
	}
	fields := domain.Fields{Category: "delegate", Mode: domain.ModeInPerson, Remarks: "call " + p.phone + " on arrival",
		Person: domain.Person{Honorific: "Ms.", GivenName: "Ilse", FamilyName: "Purgetest-" + code, Gender: "female",
			Function: "Police Attaché", Nationality: "AUT", Email: p.email, Phone: p.phone, DateOfBirth: p.dob,
			Document: &domain.Document{Type: "passport", Number: p.doc, ExpiresOn: "2100-01-01"}}}
	once := &domain.Once{Key: domain.IdempotencyKey{Scope: "cli POST /v1/events/" + code + "/nominations", Key: "k-" + code, Hash: "h"},
		Answer: func(n *domain.Nomination) (int, []byte, error) { b, err := json.Marshal(n); return 201, b, err }}
	n, err := svc.Submit(ctx, ev, &domain.Nomination{Delegation: "AUT", Fields: fields}, once, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetPhoto(ctx, code, n.ID, "image/jpeg", p.photo); err != nil {
		t.Fatal(err)
	}
	_, stored, err := svc.Photo(ctx, code, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	p.photo = stored[len(stored)/2 : len(stored)/2+64]
	if _, err := svc.Withdraw(ctx, code, n.ID, "passport "+p.doc+" reported lost by "+strings.ToUpper(p.email)); err != nil {
		t.Fatal(err)
	}
	return p
}

// erOnDisk names the values of p found in the database file or its WAL.
func erOnDisk(t *testing.T, dir string, p erPerson) []string {
	t.Helper()
	var found []string
	for _, name := range []string{"accredit.db", "accredit.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		for what, v := range p.values() {
			if bytes.Contains(b, v) || (what == "email" && bytes.Contains(bytes.ToLower(b), bytes.ToLower(v))) {
				found = append(found, what+" in "+name)
			}
		}
	}
	return found
}

// erSetup fills a data directory with a purge target and a bystander
// event through a store that stays open (a server's connections), and
// returns both people.
func erSetup(t *testing.T, dir string, targetEnds string, purgeAfter *int) (target, bystander erPerson, keep *storage.Store) {
	t.Helper()
	cfg, err := loadConfig(envMap(map[string]string{"ACCREDIT_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	store, err := openStore(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := domain.NewService(store)
	target = erFill(t, svc, "ERASE-ME", targetEnds, erPerson{email: "ilse.qx7-purgetarget@erase-me.example",
		phone: "+43 1 987 65 43 21", dob: "1931-07-29", doc: "ZQ9876543", photo: erNoise(t, 1)}, purgeAfter)
	bystander = erFill(t, svc, "KEEP-ME", "2099-03-03", erPerson{email: "otto.qx7-bystander@keep-me.example",
		phone: "+43 1 123 45 67 89", dob: "1932-08-30", doc: "ZK1234567", photo: erNoise(t, 2)}, nil)
	if found := erOnDisk(t, dir, target); len(found) != len(target.values()) {
		t.Fatalf("before the purge the test finds only %v of the target's data on disk: the search proves nothing", found)
	}
	return target, bystander, store
}

// erCheck asserts the target is gone from disk, the database and the
// answers, and the bystander is untouched.
func erCheck(t *testing.T, dir string, target, bystander erPerson, store *storage.Store) {
	t.Helper()
	if found := erOnDisk(t, dir, target); len(found) > 0 {
		t.Errorf("after the purge, on disk: %v", found)
	}
	if found := erOnDisk(t, dir, bystander); len(found) != len(bystander.values()) {
		t.Errorf("the event not purged lost data on disk: only %v found", found)
	}
	var n int
	err := store.DB().QueryRow(`SELECT COUNT(*) FROM idempotency_keys WHERE scope LIKE '% /v1/events/ERASE-ME/%'`).Scan(&n)
	if err != nil || n != 0 {
		t.Errorf("%d stored answers of the purged event left (%v)", n, err)
	}
	var details, reason, remarks string
	if err := store.DB().QueryRow(`SELECT details FROM audit_log WHERE event_code = 'ERASE-ME' AND action = 'nomination.withdraw'`).Scan(&details); err != nil {
		t.Fatal(err)
	}
	if err := store.DB().QueryRow(`SELECT status_reason, remarks FROM nominations WHERE event_code = 'ERASE-ME'`).Scan(&reason, &remarks); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{details, reason, remarks} {
		if !strings.Contains(text, "[purged]") || strings.Contains(strings.ToLower(text), "qx7") || strings.Contains(text, target.phone) {
			t.Errorf("free text after the purge: %q", text)
		}
	}
}

// TestPurgeErasesFromDisk runs `accredit purge` on the embedded database
// while another store keeps it open.
func TestPurgeErasesFromDisk(t *testing.T) {
	dir := t.TempDir()
	target, bystander, store := erSetup(t, dir, "2020-03-03", nil)
	if _, _, err := runCmd(t, map[string]string{"ACCREDIT_DATA_DIR": dir}, "purge", "--event", "ERASE-ME"); err != nil {
		t.Fatalf("purge: %v", err)
	}
	erCheck(t, dir, target, bystander, store)
}

// TestScheduledPurgeErasesFromDisk: serve purges an event purge_after_days
// after its last day, and erases on disk too; checked while serve runs.
func TestScheduledPurgeErasesFromDisk(t *testing.T) {
	dir := t.TempDir()
	zero := 0
	target, bystander, store := erSetup(t, dir, "2020-03-03", &zero)
	env := map[string]string{"ACCREDIT_DATA_DIR": dir, "ACCREDIT_ADDR": "127.0.0.1:0"}
	logs := newLogSink()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, envMap(env), io.Discard, logs) }()
	line := logs.waitFor(t, "the scheduled purge", done, msgIs("scheduled purge"))
	if line["event"] != "ERASE-ME" {
		t.Fatalf("scheduled purge of %v, want ERASE-ME", line["event"])
	}
	erCheck(t, dir, target, bystander, store)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop")
	}
}
