//go:build long

package web_test

// The offline judge (desk/judge.js) held against Go: its verification
// against the badges package's and its validity window against the
// domain's, run in the browser that runs the desk.

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/osce/accredit/badges"
	"github.com/osce/accredit/domain"
)

// The worked example of docs/badge-code.md.
const (
	docCode      = "AFLEOWVHY3JNQWP3P5QZ6PZKTRHHWHKORKOG6LK3RYNAYRYAAAAAEGNOUD7CX7BW4OLA6JQXD6LWI5VWSLWOQSLGXKHR5NZLP6H7IB3IDQMZA7POH3RSKXD25H23YPUSMWBTFQL5QPGWQGK2CNQD4J6TUIAQ"
	docPublicB64 = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="
	docKID       = "56475aa7"
	docEvent     = "OSCE-MC-2026"
	docBadgeID   = "3f2a9c4e-7b1d-4e8a-9c6f-2d5b8e1a0c47"
)

type publishedKey struct {
	KID       string `json:"kid"`
	Algorithm string `json:"algorithm"`
	PublicKey string `json:"public_key"`
}

func publish(pubs ...ed25519.PublicKey) []publishedKey {
	var out []publishedKey
	for _, p := range pubs {
		out = append(out, publishedKey{badges.KeyIDString(badges.KeyID(p)), "Ed25519", base64.StdEncoding.EncodeToString(p)})
	}
	return out
}

// claim is what a verifier concludes of a typed code at an event.
type claim struct {
	Valid    bool   `json:"valid"`
	Code     string `json:"code"` // the reading that verified
	BadgeID  string `json:"badgeId"`
	Serial   int    `json:"serial"`
	KID      string `json:"kid"`
	ForEvent bool   `json:"forEvent"`
}

// goClaim is the Go verifier's conclusion, trying the readings the desk
// tries: as typed (trimmed, upper case), then with Y and Z swapped.
func goClaim(keys []publishedKey, event, typed string) claim {
	var pubs []ed25519.PublicKey
	for _, k := range keys {
		raw, _ := base64.StdEncoding.DecodeString(k.PublicKey)
		if len(raw) == ed25519.PublicKeySize && badges.KeyIDString(badges.KeyID(raw)) == k.KID {
			pubs = append(pubs, raw)
		}
	}
	ring := badges.NewKeyring(pubs...)
	text := strings.ToUpper(strings.TrimSpace(typed))
	swapped := swapYZ(text)
	for _, reading := range []string{text, swapped} {
		if p, err := ring.Verify(reading); err == nil {
			return claim{Valid: true, Code: reading, BadgeID: p.BadgeID.String(), Serial: int(p.Serial),
				KID: badges.KeyIDString(p.KeyID), ForEvent: p.EventTag == badges.EventTag(event)}
		}
	}
	return claim{}
}

// signRaw signs a payload of any version, to make codes the badges package
// would never issue.
func signRaw(priv ed25519.PrivateKey, version byte, event string, id uuid.UUID, serial uint32) string {
	b := make([]byte, 33)
	b[0] = version
	kid := sha256.Sum256(priv.Public().(ed25519.PublicKey))
	copy(b[1:5], kid[:4])
	tag := badges.EventTag(event)
	copy(b[5:13], tag[:])
	copy(b[13:29], id[:])
	binary.BigEndian.PutUint32(b[29:33], serial)
	b = append(b, ed25519.Sign(priv, b)...)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

func TestDeskJudgeVerifiesAsGoDoes(t *testing.T) {
	s := newServer(t)
	p := newPage(t)
	p.open(s.URL + "/desk/")
	p.waitFor(`document.body.dataset.screen === "enrol"`, 10*time.Second)

	_, priv, _ := ed25519.GenerateKey(nil)
	_, other, _ := ed25519.GenerateKey(nil)
	signer := badges.NewSigner(priv)
	keys := publish(signer.Public())
	docPub, _ := base64.StdEncoding.DecodeString(docPublicB64)
	docKeys := publish(docPub)
	const event = "JUDGE-2030"

	valid := signer.Sign(event, uuid.New(), 7)
	for !strings.ContainsAny(valid, "YZ") {
		valid = signer.Sign(event, uuid.New(), 7)
	}
	last := valid[len(valid)-1:]
	padded := valid[:len(valid)-1] + map[string]string{"A": "B", "Q": "R"}[last]
	mislabelled := []publishedKey{{KID: "00000000", Algorithm: "Ed25519", PublicKey: keys[0].PublicKey}}

	cases := []struct {
		name  string
		keys  []publishedKey
		event string
		text  string
		want  bool // whether a reading verifies
	}{
		{"the document's example", docKeys, docEvent, docCode, true},
		{"the example at another event", docKeys, "OSCE-PC-2026", docCode, true},
		{"valid", keys, event, valid, true},
		{"one character altered", keys, event, alter(valid), false},
		{"signed with an unpublished key", keys, event, badges.NewSigner(other).Sign(event, uuid.New(), 1), false},
		{"for another event", keys, event, signer.Sign("OTHER-2030", uuid.New(), 1), true},
		{"Y and Z swapped", keys, event, swapYZ(valid), true},
		{"lower case with spaces", keys, event, " \t" + strings.ToLower(valid) + "\r\n", true},
		{"nonzero padding bits", keys, event, padded, false},
		{"format version 2", keys, event, signRaw(priv, 2, event, uuid.New(), 1), false},
		{"one character short", keys, event, valid[:len(valid)-1], false},
		{"empty", keys, event, "", false},
		{"a URL", keys, event, "https://example.org/" + valid, false},
		{"the key listed under another kid", mislabelled, event, valid, false},
	}
	for _, c := range cases {
		keysJSON, _ := json.Marshal(c.keys)
		raw := eval[[]byte](p, fmt.Sprintf(`(async () => {
			const j = await import("/desk/judge.js");
			const keys = await j.importKeys(%s);
			const c = await j.verify(%q, keys);
			if (!c) return {valid: false};
			return {valid: true, code: c.code, badgeId: c.badgeId, serial: c.serial, kid: c.kid, forEvent: c.tag === await j.eventTag(%q)};
		})()`, keysJSON, c.text, c.event))
		var got claim
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		want := goClaim(c.keys, c.event, c.text)
		if got != want || got.Valid != c.want {
			t.Errorf("%s: the desk says %+v, Go %+v (want valid=%v)", c.name, got, want, c.want)
		}
	}
	doc := goClaim(docKeys, docEvent, docCode)
	if doc.KID != docKID || doc.BadgeID != docBadgeID || doc.Serial != 2 || !doc.ForEvent {
		t.Errorf("the document's example reads %+v", doc)
	}
	if tag := eval[string](p, `import("/desk/judge.js").then((j) => j.eventTag("OSCE-MC-2026"))`); tag != "c6d2d859fb7f619f" {
		t.Errorf("event tag %s, the document says c6d2d859fb7f619f", tag)
	}
	if tag := badges.EventTag(docEvent); hex.EncodeToString(tag[:]) != "c6d2d859fb7f619f" {
		t.Errorf("Go's event tag %x", tag)
	}
}

// TestDeskJudgeWindowAsTheServer: the device computes the badges' window
// as domain.Event.BadgeValidity does, across time zones and clock changes.
func TestDeskJudgeWindowAsTheServer(t *testing.T) {
	s := newServer(t)
	p := newPage(t)
	p.open(s.URL + "/desk/")
	p.waitFor(`document.body.dataset.screen === "enrol"`, 10*time.Second)
	cases := []domain.Event{
		{Timezone: "Europe/Vienna", StartsOn: "2026-12-03", EndsOn: "2026-12-04"},
		{Timezone: "Europe/Vienna", StartsOn: "2026-03-28", EndsOn: "2026-03-29"}, // ends the day the clocks go forward
		{Timezone: "Europe/Vienna", StartsOn: "2026-10-24", EndsOn: "2026-10-25"}, // and back
		{Timezone: "America/New_York", StartsOn: "2026-03-07", EndsOn: "2026-03-08"},
		{Timezone: "America/St_Johns", StartsOn: "2026-07-01", EndsOn: "2026-07-01"},
		{Timezone: "Asia/Kolkata", StartsOn: "2026-01-31", EndsOn: "2026-02-01"},
		{Timezone: "Pacific/Kiritimati", StartsOn: "2026-12-31", EndsOn: "2027-01-01"},
		{Timezone: "Pacific/Pago_Pago", StartsOn: "2026-02-28", EndsOn: "2026-02-28"},
		{Timezone: "America/Santiago", StartsOn: "2026-09-05", EndsOn: "2026-09-06"}, // a day that starts at 01:00
		{Timezone: "Asia/Beirut", StartsOn: "2026-03-28", EndsOn: "2026-03-29"},
		{Timezone: "UTC", StartsOn: "2028-02-28", EndsOn: "2028-02-29"},
	}
	from := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	until := time.Date(2026, 6, 2, 18, 30, 0, 0, time.UTC)
	cases = append(cases, domain.Event{Timezone: "Europe/Vienna", StartsOn: "2026-06-01", EndsOn: "2026-06-02", BadgesValidFrom: &from, BadgesValidUntil: &until})
	for _, ev := range cases {
		wire := map[string]any{"timezone": ev.Timezone, "starts_on": ev.StartsOn, "ends_on": ev.EndsOn}
		if ev.BadgesValidFrom != nil {
			wire["badges_valid_from"] = ev.BadgesValidFrom.Format(time.RFC3339)
			wire["badges_valid_until"] = ev.BadgesValidUntil.Format(time.RFC3339)
		}
		js, _ := json.Marshal(wire)
		raw := eval[[]byte](p, fmt.Sprintf(`import("/desk/judge.js").then((j) => j.validity(%s))`, js))
		var got struct{ From, Until int64 }
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		f, u := ev.BadgeValidity()
		if got.From != f.UnixMilli() || got.Until != u.UnixMilli() {
			t.Errorf("%s %s–%s: the desk says %v–%v, the server %v–%v", ev.Timezone, ev.StartsOn, ev.EndsOn,
				time.UnixMilli(got.From).UTC(), time.UnixMilli(got.Until).UTC(), f, u)
		}
	}
}

// TestDeskJudgeOrder: the device checks in the server's order (api/openapi.yaml, POST …/scans),
// so that a badge failing twice gets the server's reason.
func TestDeskJudgeOrder(t *testing.T) {
	s := newServer(t)
	p := newPage(t)
	p.open(s.URL + "/desk/")
	p.waitFor(`document.body.dataset.screen === "enrol"`, 10*time.Second)
	raw := eval[[]byte](p, `import("/desk/judge.js").then((j) => {
		const claim = {tag: "t", serial: 3, badgeId: "b"};
		const base = {eventTag: "t", revoked: undefined, seen: undefined, now: 50, window: {from: 0, until: 100},
			categories: [], category: undefined, direction: "in", antiPassback: true, inside: false};
		const cases = {
			"valid": [claim, {}],
			"invalid": [null, {eventTag: "x", revoked: 9}],
			"wrong event before revoked": [claim, {eventTag: "x", revoked: 3}],
			"revoked before the window": [claim, {revoked: 3, now: 500}],
			"an older serial": [claim, {seen: 4}],
			"a newer serial is fine": [claim, {revoked: 2, seen: 2}],
			"window before category": [claim, {now: 100, categories: ["head_of_delegation"], category: "delegate"}],
			"window starts inclusive": [claim, {now: 0}],
			"category before anti-passback": [claim, {categories: ["head_of_delegation"], category: "delegate", inside: true}],
			"no roster: category unchecked": [claim, {categories: ["head_of_delegation"]}],
			"already inside": [claim, {inside: true}],
			"exit while inside": [claim, {inside: true, direction: "out"}],
			"repeat without anti-passback": [claim, {inside: true, antiPassback: false}],
		};
		const out = {};
		for (const [name, [c, k]] of Object.entries(cases)) {
			const v = j.judge(c, {...base, ...k});
			out[name] = v.result + " " + v.reason + (v.repeat ? " repeat" : "") + (v.notes.length ? " " + v.notes.join(",") : "");
		}
		return out;
	})`)
	var got map[string]string
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"valid":                         "accepted ",
		"invalid":                       "rejected invalid_code",
		"wrong event before revoked":    "rejected wrong_event",
		"revoked before the window":     "rejected revoked",
		"an older serial":               "rejected revoked",
		"a newer serial is fine":        "accepted ",
		"window before category":        "rejected outside_validity",
		"window starts inclusive":       "accepted ",
		"category before anti-passback": "rejected checkpoint_denied",
		"no roster: category unchecked": "accepted  category_unchecked",
		"already inside":                "rejected already_inside",
		"exit while inside":             "accepted ",
		"repeat without anti-passback":  "accepted  repeat",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %q, want %q", name, got[name], w)
		}
	}
}
