package api_test

import (
	"bytes"
	"image"
	_ "image/png" // image.DecodeConfig reads the QR PNGs
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"

	"github.com/osce/accredit/badges"
	"github.com/osce/accredit/internal/testenv"
)

// This file covers badges and badge codes (README, How it works) through the HTTP API:
// who sees which badge, the QR and PDF renderings (checked with zbarimg,
// pdfinfo and pdftotext), reissue and batch printing. Helpers are prefixed
// bg.

// bgRun writes data to a temporary file and runs the tool on it.
func bgRun(t *testing.T, tool string, data []byte, name string, args ...string) string {
	t.Helper()
	bin := testenv.Tool(t, tool)
	in := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, append(args, in)...).Output()
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	return string(out)
}

// bgText is a PDF's text, NFC-normalised, with white space folded so that
// a name wrapped over two lines still matches.
func bgText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := testenv.Tool(t, "pdftotext")
	in := filepath.Join(t.TempDir(), "badge.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return norm.NFC.String(strings.Join(strings.Fields(string(out)), " "))
}

var (
	bgPageSizeRE = regexp.MustCompile(`Page size:\s+([0-9.]+)\s+x\s+([0-9.]+)\s+pts`)
	bgPagesRE    = regexp.MustCompile(`(?m)^Pages:\s+([0-9]+)`)
)

// bgInfo returns a PDF's page count and (first) page size in points.
func bgInfo(t *testing.T, pdf []byte) (pages int, w, h float64) {
	t.Helper()
	info := bgRun(t, "pdfinfo", pdf, "badge.pdf")
	m := bgPageSizeRE.FindStringSubmatch(info)
	p := bgPagesRE.FindStringSubmatch(info)
	if m == nil || p == nil {
		t.Fatalf("pdfinfo output without page size or count:\n%s", info)
	}
	w, _ = strconv.ParseFloat(m[1], 64)
	h, _ = strconv.ParseFloat(m[2], 64)
	pages, _ = strconv.Atoi(p[1])
	return pages, w, h
}

func bgNear(a, b float64) bool { return math.Abs(a-b) < 0.5 }

// bgPDF checks that an answer is a PDF and returns it.
func bgPDF(t *testing.T, r *resp) []byte {
	t.Helper()
	r.want(200)
	if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("content type %q, want application/pdf", ct)
	}
	if !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.40q", r.Body)
	}
	return r.Body
}

func bgPath(ev, id string, rest ...string) string {
	p := "/v1/events/" + ev + "/badges"
	if id != "" {
		p += "/" + id
	}
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// bgNamed is a person with the given names.
func bgNamed(given, family string, change ...func(map[string]any)) map[string]any {
	return person(append([]func(map[string]any){func(b map[string]any) {
		b["given_name"], b["family_name"] = given, family
	}}, change...)...)
}

// bgBadgeOf reads the badge id of an approved nomination (or "" if none).
func bgBadgeOf(e *env, ev, nom string) string {
	e.t.Helper()
	n := e.call("GET", nomPath(ev, nom), e.admin, nil).want(200).json()
	b, _ := n["badge"].(map[string]any)
	if b == nil {
		return ""
	}
	return b["id"].(string)
}

func bgIDs(t *testing.T, r *resp) []string {
	t.Helper()
	var ids []string
	for _, it := range scItems(t, r.json()) {
		ids = append(ids, it["id"].(string))
	}
	sort.Strings(ids)
	return ids
}

func bgSorted(ids ...string) []string {
	out := append([]string(nil), ids...)
	sort.Strings(out)
	return out
}

func TestBadgeListAndGet(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ev := "BG-LIST"
		e.event(ev)
		aut, deu := e.token("delegation", "AUT", ""), e.token("delegation", "DEU", "")
		a1 := e.approved(ev, aut, person())
		a2 := e.approved(ev, aut, person(head))
		d1 := e.approved(ev, deu, person())
		on := e.approved(ev, aut, person(online))
		b1, b2, bd := bgBadgeOf(e, ev, a1), bgBadgeOf(e, ev, a2), bgBadgeOf(e, ev, d1)

		// Online participants get no badge.
		n := e.call("GET", nomPath(ev, on), aut, nil).want(200).json()
		if n["status"] != "approved" || n["badge"] != nil {
			t.Fatalf("approved online nomination: status %v badge %v", n["status"], n["badge"])
		}

		if got := bgIDs(t, e.call("GET", bgPath(ev, ""), aut, nil).want(200)); !reflect.DeepEqual(got, bgSorted(b1, b2)) {
			t.Fatalf("AUT sees badges %v, want its own %v", got, bgSorted(b1, b2))
		}
		e.call("GET", bgPath(ev, "")+"?delegation=DEU", aut, nil).problem(403, "forbidden")
		if got := bgIDs(t, e.call("GET", bgPath(ev, "")+"?delegation=AUT", aut, nil).want(200)); !reflect.DeepEqual(got, bgSorted(b1, b2)) {
			t.Fatalf("AUT asking for its own badges sees %v", got)
		}
		if got := bgIDs(t, e.call("GET", bgPath(ev, ""), deu, nil).want(200)); !reflect.DeepEqual(got, []string{bd}) {
			t.Fatalf("DEU sees badges %v", got)
		}
		if got := bgIDs(t, e.call("GET", bgPath(ev, ""), e.admin, nil).want(200)); !reflect.DeepEqual(got, bgSorted(b1, b2, bd)) {
			t.Fatalf("secretariat sees badges %v, want all three (no online one)", got)
		}

		b := e.call("GET", bgPath(ev, b2), aut, nil).want(200).json()
		want := []string{"category", "code", "id", "issued_at", "nomination_id", "revoke_reason", "revoked_at", "serial", "status", "valid_from", "valid_until"}
		if got := scKeys(b); !reflect.DeepEqual(got, want) {
			t.Fatalf("badge fields %v, want %v", got, want)
		}
		if b["id"] != b2 || b["nomination_id"] != a2 || b["serial"] != float64(1) || b["status"] != "active" ||
			b["category"] != "head_of_delegation" || b["revoked_at"] != nil || b["revoke_reason"] != nil {
			t.Fatalf("badge %v", b)
		}
		// Starts_on 00:00 to the end of ends_on, Vienna time (UTC+2 in June).
		if b["valid_from"] != "2030-06-09T22:00:00Z" || b["valid_until"] != "2030-06-11T22:00:00Z" {
			t.Fatalf("validity %v – %v", b["valid_from"], b["valid_until"])
		}
		code, _ := b["code"].(string)
		if len(code) != 156 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("code %q", code)
		}
		if v, err := badges.QRVersion(code); err != nil || v > 7 {
			t.Fatalf("QR version %d (%v), want at most 7", v, err)
		}
		if e.call("GET", bgPath(ev, b2), e.admin, nil).want(200).str("code") != code {
			t.Fatal("the code differs between readers")
		}

		// Another delegation's badge does not exist for AUT.
		for _, p := range []string{bgPath(ev, bd), bgPath(ev, bd, "qr.png"), bgPath(ev, bd, "badge.pdf")} {
			e.call("GET", p, aut, nil).problem(404, "not_found")
		}
		e.call("GET", bgPath(ev, uuid.NewString()), e.admin, nil).problem(404, "not_found")
		e.call("GET", bgPath(ev, "not-a-uuid"), e.admin, nil).problem(404, "not_found")
		// Badges are not the security desk's to read (§6).
		guard := e.token("security", "", ev)
		e.call("GET", bgPath(ev, ""), guard, nil).problem(403, "forbidden")
		e.call("GET", bgPath(ev, b1), guard, nil).problem(403, "forbidden")
		// A badge of another event is not found under this one.
		e.event("BG-LIST-B")
		e.call("GET", bgPath("BG-LIST-B", b1), e.admin, nil).problem(404, "not_found")
	})
}

// bgDecodeQR reads a QR PNG back with zbarimg.
func bgDecodeQR(t *testing.T, png []byte) string {
	t.Helper()
	return strings.TrimSpace(bgRun(t, "zbarimg", png, "qr.png", "--raw", "-q"))
}

func TestBadgeQR(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ev := "BG-QR"
		e.event(ev)
		aut := e.token("delegation", "AUT", "")
		id := bgBadgeOf(e, ev, e.approved(ev, aut, person()))
		code := e.call("GET", bgPath(ev, id), aut, nil).want(200).str("code")

		for _, c := range []struct {
			query string
			size  int
		}{{"", 512}, {"?size=128", 128}, {"?size=1024", 1024}, {"?size=300", 300}} {
			r := e.call("GET", bgPath(ev, id, "qr.png")+c.query, aut, nil).want(200)
			if ct := r.Header.Get("Content-Type"); ct != "image/png" {
				t.Fatalf("%s: content type %q", c.query, ct)
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(r.Body))
			if err != nil || format != "png" {
				t.Fatalf("%s: not a PNG: %v", c.query, err)
			}
			if cfg.Width != c.size || cfg.Height != c.size {
				t.Fatalf("%s: %d×%d, want %d×%d", c.query, cfg.Width, cfg.Height, c.size, c.size)
			}
			if got := bgDecodeQR(t, r.Body); got != code {
				t.Fatalf("%s: QR holds %q, want the badge code %q", c.query, got, code)
			}
		}
		for _, q := range []string{"?size=100", "?size=127", "?size=1025", "?size=2000", "?size=big", "?size=-5"} {
			p := e.call("GET", bgPath(ev, id, "qr.png")+q, aut, nil).problem(422, "validation_failed")
			if errs, _ := p["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "size" {
				t.Fatalf("%s: errors %v, want one on size", q, p["errors"])
			}
		}
		e.call("GET", bgPath(ev, id, "qr.png"), e.admin, nil).want(200)
		e.call("GET", bgPath(ev, uuid.NewString(), "qr.png"), e.admin, nil).problem(404, "not_found")
		// Another event's path does not reach this badge, nor does another
		// delegation's token.
		e.event("BG-QR-OTHER")
		e.call("GET", bgPath("BG-QR-OTHER", id, "qr.png"), e.admin, nil).problem(404, "not_found")
		e.call("GET", bgPath(ev, id, "qr.png"), e.token("delegation", "DEU", ""), nil).problem(404, "not_found")
	})
}

func TestBadgePDF(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ev := "BG-PDF"
		e.event(ev, func(b map[string]any) { b["title"] = "OSCE Annual Security Review Conference" })
		people := []struct {
			delegation, name, given, family string
		}{
			{"AUT", "Austria", "Zoë", "Müller-Łukasiewicz"},
			{"ROU", "Romania", "Dragoș", "Țurcanu"},
			{"TUR", "Türkiye", "Şükrü", "Doğan"},
		}
		for _, p := range people {
			tok := e.token("delegation", p.delegation, "")
			body := bgNamed(p.given, p.family, func(b map[string]any) { b["function"] = "Counsellor" })
			nom := e.approved(ev, tok, body)
			id := bgBadgeOf(e, ev, nom)
			pdf := bgPDF(t, e.call("GET", bgPath(ev, id, "badge.pdf"), tok, nil))
			pages, w, h := bgInfo(t, pdf)
			if pages != 1 || !bgNear(w, 297.64) || !bgNear(h, 419.53) {
				t.Fatalf("%s: %d page(s) of %.2f × %.2f pt, want one A6 portrait page (297.64 × 419.53)", p.family, pages, w, h)
			}
			text := bgText(t, pdf)
			for _, want := range []string{p.given + " " + p.family, p.name, "OSCE Annual Security Review Conference", "Counsellor", "Hofburg, Vienna", "June 2030", id} {
				if !strings.Contains(text, norm.NFC.String(want)) {
					t.Fatalf("badge of %s %s: %q missing from the PDF text %q", p.given, p.family, want, text)
				}
			}
			if !strings.Contains(strings.ToLower(text), "delegate") {
				t.Fatalf("badge of %s: no category label in %q", p.family, text)
			}
			for _, secret := range []string{body["email"].(string), "1980-05-17", body["document"].(map[string]any)["number"].(string)} {
				if strings.Contains(text, secret) {
					t.Fatalf("badge PDF shows personal data %q: %q", secret, text)
				}
			}
			// The QR printed on the badge is not checked here (badges
			// package); the PDF is the delegation's own to download.
			e.call("GET", bgPath(ev, id, "badge.pdf"), e.admin, nil).want(200)
		}
		e.call("GET", bgPath(ev, uuid.NewString(), "badge.pdf"), e.admin, nil).problem(404, "not_found")
	})
}

func TestBadgeReissue(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "BG-RE", scAntiPassback)
		b := f.issue(f.aut, person())
		scWant(t, "serial 1 before reissue", f.scan(b.code, "MAIN", "in"), "accepted", "")

		// Reissue is the secretariat's; so is printing.
		e.call("POST", bgPath(f.ev, b.id, "reissue"), f.aut, nil).problem(403, "forbidden")
		e.call("POST", bgPath(f.ev, b.id, "reissue"), f.guard, nil).problem(403, "forbidden")
		e.call("POST", bgPath(f.ev, "", "print"), f.aut, map[string]any{}).problem(403, "forbidden")
		e.call("POST", bgPath(f.ev, "", "print"), f.aut, map[string]any{"delegation": "AUT"}).problem(403, "forbidden")
		if got := e.call("GET", bgPath(f.ev, b.id), f.aut, nil).want(200).json(); got["serial"] != float64(1) {
			t.Fatalf("a refused reissue changed the badge: %v", got)
		}

		nb := e.call("POST", bgPath(f.ev, b.id, "reissue"), e.admin, nil).want(200).json()
		newCode, _ := nb["code"].(string)
		if nb["id"] != b.id || nb["serial"] != float64(2) || nb["status"] != "active" || newCode == "" || newCode == b.code {
			t.Fatalf("reissued badge %v", nb)
		}
		got := e.call("GET", bgPath(f.ev, b.id), f.aut, nil).want(200).json()
		if got["serial"] != float64(2) || got["code"] != newCode {
			t.Fatalf("badge after reissue: %v", got)
		}
		n := e.call("GET", nomPath(f.ev, b.nom), f.aut, nil).want(200).json()
		if nbd := n["badge"].(map[string]any); nbd["serial"] != float64(2) || nbd["status"] != "active" {
			t.Fatalf("nomination's badge after reissue: %v", nbd)
		}

		// The lost print is refused; the new one works (the holder is
		// still inside from serial 1, so leave first).
		scWant(t, "serial 1 after reissue", f.scan(b.code, "MAIN", "out"), "rejected", "revoked")
		scWant(t, "serial 2 exit", f.scan(newCode, "MAIN", "out"), "accepted", "")
		scWant(t, "serial 2 entry", f.scan(newCode, "MAIN", "in"), "accepted", "")

		// The renderings follow the new serial.
		if qr := bgDecodeQR(t, e.call("GET", bgPath(f.ev, b.id, "qr.png")+"?size=512", f.aut, nil).want(200).Body); qr != newCode {
			t.Fatalf("QR after reissue holds %q, want the new code", qr)
		}
		if text := bgText(t, bgPDF(t, e.call("GET", bgPath(f.ev, b.id, "badge.pdf"), f.aut, nil))); !strings.Contains(text, "Serial 2") {
			t.Fatalf("the reissued badge's PDF does not say \"Serial 2\": %q", text)
		}

		// A second reissue: serial 3, and serial 2 is refused in turn.
		third := e.call("POST", bgPath(f.ev, b.id, "reissue"), e.admin, nil).want(200).json()
		if third["serial"] != float64(3) {
			t.Fatalf("second reissue: %v", third)
		}
		scWant(t, "serial 2 after the second reissue", f.scan(newCode, "MAIN", "out"), "rejected", "revoked")

		// A revoked badge cannot be reissued.
		w := f.issue(f.aut, person())
		e.call("POST", nomPath(f.ev, w.nom, "withdraw"), f.aut, map[string]any{"reason": "ill"}).want(200)
		e.call("POST", bgPath(f.ev, w.id, "reissue"), e.admin, nil).problem(409, "invalid_transition")
		if got := e.call("GET", bgPath(f.ev, w.id), e.admin, nil).want(200).json(); got["serial"] != float64(1) || got["status"] != "revoked" {
			t.Fatalf("revoked badge after a refused reissue: %v", got)
		}
		e.call("POST", bgPath(f.ev, uuid.NewString(), "reissue"), e.admin, nil).problem(404, "not_found")

		// The reissue is audited.
		audit := scItems(t, e.call("GET", "/v1/audit?event="+f.ev+"&limit=500", e.admin, nil).want(200).json())
		n2 := 0
		for _, a := range audit {
			if a["target_id"] == b.id && strings.Contains(a["action"].(string), "reissue") {
				n2++
			}
		}
		if n2 != 2 {
			t.Fatalf("%d reissue audit entries for %s, want 2", n2, b.id)
		}
	})
}

func TestBadgePrintBatch(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ev := "BG-PRINT"
		e.event(ev)
		aut, deu, pol := e.token("delegation", "AUT", ""), e.token("delegation", "DEU", ""), e.token("delegation", "POL", "")
		issue := func(tok, given, family string) string {
			t.Helper()
			return bgBadgeOf(e, ev, e.approved(ev, tok, bgNamed(given, family)))
		}
		printBatch := func(body any) *resp {
			t.Helper()
			return e.call("POST", bgPath(ev, "", "print"), e.admin, body)
		}

		// Nothing to print yet.
		printBatch(map[string]any{}).problem(422, "validation_failed")

		hofer := issue(aut, "Lukas", "Hofer")
		wagner := issue(aut, "Lena", "Wagner")
		pichlerNom := e.approved(ev, aut, bgNamed("Paul", "Pichler"))
		pichler := bgBadgeOf(e, ev, pichlerNom)
		e.call("POST", nomPath(ev, pichlerNom, "withdraw"), aut, map[string]any{"reason": "ill"}).want(200)
		steiner := issue(aut, "Sophie", "Steiner")
		e.approved(ev, aut, bgNamed("Hanna", "Huber", online))
		schmidt := issue(deu, "Jonas", "Schmidt")
		issue(deu, "Mia", "Schneider")
		issue(deu, "Felix", "Fischer")
		kowalski := issue(pol, "Piotr", "Kowalski")
		_ = hofer
		_ = wagner
		_ = steiner

		active := 0
		for _, it := range scItems(t, e.call("GET", bgPath(ev, "")+"?limit=500", e.admin, nil).want(200).json()) {
			if it["status"] == "active" {
				active++
			}
		}
		if active != 7 {
			t.Fatalf("%d active badges, want 7", active)
		}
		all := []string{"Hofer", "Wagner", "Steiner", "Schmidt", "Schneider", "Fischer", "Kowalski"}
		gone := []string{"Pichler", "Huber"}
		check := func(what string, pdf []byte, pages int, want, notWant []string) {
			t.Helper()
			n, w, h := bgInfo(t, pdf)
			if n != pages {
				t.Fatalf("%s: %d pages, want %d", what, n, pages)
			}
			if !bgNear(w, 595.28) || !bgNear(h, 841.89) {
				t.Fatalf("%s: page %.2f × %.2f pt, want A4 (595.28 × 841.89)", what, w, h)
			}
			text := bgText(t, pdf)
			for _, s := range want {
				if !strings.Contains(text, s) {
					t.Fatalf("%s: %q missing: %q", what, s, text)
				}
			}
			for _, s := range notWant {
				if strings.Contains(text, s) {
					t.Fatalf("%s: %q should not be printed: %q", what, s, text)
				}
			}
		}
		pages := func(n int) int { return (n + badges.BadgesPerPage - 1) / badges.BadgesPerPage }

		check("all", bgPDF(t, printBatch(map[string]any{})), pages(7), all, gone)
		check("no body", bgPDF(t, printBatch(nil)), pages(7), all, gone)
		check("AUT", bgPDF(t, printBatch(map[string]any{"delegation": "AUT"})), pages(3),
			[]string{"Hofer", "Wagner", "Steiner", "Austria"}, append([]string{"Schmidt", "Schneider", "Fischer", "Kowalski", "Germany", "Poland"}, gone...))
		check("chosen", bgPDF(t, printBatch(map[string]any{"badge_ids": []string{schmidt, kowalski}})), pages(2),
			[]string{"Schmidt", "Kowalski", "Germany", "Poland"}, []string{"Hofer", "Wagner", "Steiner", "Schneider", "Fischer", "Pichler", "Austria"})

		// Two more: 9 badges take three sheets.
		issue(pol, "Anna", "Nowak")
		issue(pol, "Jan", "Lewandowski")
		check("nine", bgPDF(t, printBatch(map[string]any{})), pages(9), append(all, "Nowak", "Lewandowski"), gone)
		if pages(9) != 3 {
			t.Fatalf("BadgesPerPage %d: 9 badges on %d pages", badges.BadgesPerPage, pages(9))
		}

		// Nothing active to print is refused.
		printBatch(map[string]any{"delegation": "FRA"}).problem(422, "validation_failed")
		printBatch(map[string]any{"badge_ids": []string{pichler}}).problem(422, "validation_failed")
		printBatch(map[string]any{"badge_ids": []string{uuid.NewString()}}).problem(422, "validation_failed")
		printBatch(map[string]any{"badge_ids": []string{"not-a-uuid"}}).problem(422, "validation_failed")
		printBatch(map[string]any{"colour": "red"}).problem(400, "malformed_body")
	})
}
