package api_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/osce/accredit/api"
	"github.com/osce/accredit/badges"
)

// Door devices (api/openapi.yaml): enrolment, the exchange of a code for a token,
// last_seen_at, the roster and photo thumbnails. Helpers are prefixed dv.

const dvEvent = "DEV-2030"

// dvSetup is an event with a two-way and an entry-only checkpoint.
func dvSetup(t *testing.T, e *env, change ...func(map[string]any)) {
	t.Helper()
	e.event(dvEvent, append([]func(map[string]any){func(b map[string]any) {
		b["badges_valid_from"] = "2020-01-01T00:00:00Z"
		b["badges_valid_until"] = "2040-01-01T00:00:00Z"
	}}, change...)...)
	scCheckpoint(e, dvEvent, "MAIN", "both")
	scCheckpoint(e, dvEvent, "ENTRY", "in")
	scCheckpoint(e, dvEvent, "EXIT", "out")
}

func dvEnrolment(e *env, body map[string]any) map[string]any {
	e.t.Helper()
	return e.call("POST", "/v1/events/"+dvEvent+"/enrolments", e.admin, body).want(201).json()
}

var dvCode = regexp.MustCompile(`^[A-Z2-7]{10}$`)

func TestEnrolmentCreate(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		dvSetup(t, e)
		now := time.Now().UTC()
		r := e.call("POST", "/v1/events/"+dvEvent+"/enrolments", e.admin, map[string]any{"name": " Lane 1 ", "checkpoint": "MAIN"}).want(201)
		m := r.json()
		code, _ := m["code"].(string)
		if !dvCode.MatchString(code) || m["url"] != "/desk/#enrol="+code {
			t.Fatalf("code %q, url %v", code, m["url"])
		}
		exp, err := time.Parse(time.RFC3339, m["expires_at"].(string))
		if err != nil || exp.Sub(now) < 14*time.Minute || exp.Sub(now) > 16*time.Minute {
			t.Fatalf("expires_at %v, want 15 minutes from now", m["expires_at"])
		}
		if m["name"] != "Lane 1" || m["checkpoint"] != "MAIN" || m["direction"] != "in" || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("answer %v, Cache-Control %q", m, r.Header.Get("Cache-Control"))
		}
		if other := dvEnrolment(e, map[string]any{"name": "Lane 1"}); other["code"] == code || other["checkpoint"] != nil || other["direction"] != nil {
			t.Fatalf("second enrolment %v", other)
		}
		if m := dvEnrolment(e, map[string]any{"name": "Exit lane", "checkpoint": "EXIT", "expires_in_minutes": 1440}); m["direction"] != "out" {
			t.Fatalf("an exit-only checkpoint's device starts at %v, want out", m["direction"])
		}
		audit := e.call("GET", "/v1/audit?action=enrolment.create", e.admin, nil).want(200).json()["items"].([]any)
		if len(audit) != 3 || strings.Contains(string(e.call("GET", "/v1/audit", e.admin, nil).Body), code) {
			t.Fatalf("%d enrolment.create entries, want 3, and never the code itself", len(audit))
		}

		for name, c := range map[string]struct {
			body  map[string]any
			field string
		}{
			"no name":            {map[string]any{"checkpoint": "MAIN"}, "name"},
			"unknown checkpoint": {map[string]any{"name": "x", "checkpoint": "ROOF"}, "checkpoint"},
			"direction refused":  {map[string]any{"name": "x", "checkpoint": "ENTRY", "direction": "out"}, "direction"},
			"direction both":     {map[string]any{"name": "x", "direction": "both"}, "direction"},
			"zero minutes":       {map[string]any{"name": "x", "expires_in_minutes": 0}, "expires_in_minutes"},
			"over a day":         {map[string]any{"name": "x", "expires_in_minutes": 1441}, "expires_in_minutes"},
		} {
			r := e.call("POST", "/v1/events/"+dvEvent+"/enrolments", e.admin, c.body)
			r.problem(422, "validation_failed")
			if f := r.fields(); len(f) != 1 || f[0] != c.field {
				t.Errorf("%s: fields %v, want [%s]", name, f, c.field)
			}
		}
		e.call("POST", "/v1/events/"+dvEvent+"/enrolments", e.admin, `{"name":"x","extra":1}`).problem(400, "malformed_body")
		e.call("POST", "/v1/events/NOPE-2030/enrolments", e.admin, map[string]any{"name": "x"}).problem(404, "not_found")
		for _, tok := range []string{e.token("security", "", dvEvent), e.token("delegation", "AUT", "")} {
			e.call("POST", "/v1/events/"+dvEvent+"/enrolments", tok, map[string]any{"name": "x"}).problem(403, "forbidden")
		}
		e.call("POST", "/v1/events/"+dvEvent+"/enrolments", "", map[string]any{"name": "x"}).problem(401, "unauthorized")
	})
}

func TestEnrolExchangesACodeOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		dvSetup(t, e)
		code := dvEnrolment(e, map[string]any{"name": "Lane 2", "checkpoint": "ENTRY"})["code"].(string)
		// As a device may send it: lower case, with spaces.
		r := e.call("POST", "/v1/enrol", "", map[string]any{"code": "  " + strings.ToLower(code) + " "}).want(201)
		m := r.json()
		tok, _ := m["token"].(string)
		if len(tok) < 40 || m["name"] != "Lane 2" || m["event"] != dvEvent || m["checkpoint"] != "ENTRY" || m["direction"] != "in" || m["token_id"] == "" {
			t.Fatalf("enrol answered %v", m)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q on a token", r.Header.Get("Cache-Control"))
		}
		me := e.call("GET", "/v1/me", tok, nil).want(200).json()
		if me["role"] != "security" || me["event"] != dvEvent || me["name"] != "Lane 2" || me["token_id"] != m["token_id"] {
			t.Fatalf("the device's token is %v", me)
		}
		// The device appears with the other tokens, and is audited as itself.
		if !dvHasToken(e, m["token_id"].(string)) {
			t.Fatal("the device's token is not listed in GET /v1/tokens")
		}
		entries := e.call("GET", "/v1/audit?action=token.create&event="+dvEvent, e.admin, nil).want(200).json()["items"].([]any)
		last := entries[len(entries)-1].(map[string]any)
		if last["target_id"] != m["token_id"] || last["actor"].(map[string]any)["token_id"] != m["token_id"] || last["request_id"] == "" {
			t.Fatalf("audit entry %v", last)
		}

		// Used, unknown, malformed: all one refusal, like a bad token.
		for name, c := range map[string]string{"used": code, "unknown": "AAAAAAAAAA", "short": "ABC", "long": code + "X"} {
			p := e.call("POST", "/v1/enrol", "", map[string]any{"code": c}).problem(401, "unauthorized")
			if strings.Contains(p["detail"].(string), c) {
				t.Errorf("%s: the refusal repeats the code: %v", name, p["detail"])
			}
		}
		e.call("POST", "/v1/enrol", "", map[string]any{}).problem(422, "validation_failed")
		e.call("POST", "/v1/enrol", "", `{"code": 7}`).problem(400, "malformed_body")

		// Expired: a code is good for its minutes only.
		late := dvEnrolment(e, map[string]any{"name": "Lane 3", "expires_in_minutes": 5})["code"].(string)
		e.setNow(time.Now().Add(5*time.Minute + time.Second))
		e.call("POST", "/v1/enrol", "", map[string]any{"code": late}).problem(401, "unauthorized")
		e.clock.Store(nil)

		// Revoked with DELETE /v1/tokens/{id}, it stops at once.
		e.call("DELETE", "/v1/tokens/"+m["token_id"].(string), e.admin, nil).want(204)
		e.call("GET", "/v1/me", tok, nil).problem(401, "unauthorized")
	})
}

func dvHasToken(e *env, id string) bool {
	e.t.Helper()
	return dvToken(e, id) != nil
}

// dvToken finds a token in GET /v1/tokens.
func dvToken(e *env, id string) map[string]any {
	e.t.Helper()
	for _, it := range e.call("GET", "/v1/tokens?limit=500", e.admin, nil).want(200).json()["items"].([]any) {
		if m := it.(map[string]any); m["id"] == id {
			return m
		}
	}
	return nil
}

// TestEnrolRace: devices racing one code, through two server instances on
// one database, get one token between them; the others are refused and
// leave no token behind.
func TestEnrolRace(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		dvSetup(t, e)
		envs := []*env{e, newEnvOn(t, e.dialect, e.url)}
		code := dvEnrolment(e, map[string]any{"name": "Raced lane"})["code"].(string)
		var reqs []ccReq
		for i := range 16 {
			reqs = append(reqs, ccReq{e: ccOn(envs, i), method: "POST", path: "/v1/enrol", body: ccJSON(t, map[string]any{"code": code})})
		}
		res := ccRace(t, reqs)
		ccWant(t, "one code, 16 devices", res, map[string]int{"201": 1, "401 unauthorized": 15})
		n := 0
		for _, it := range e.call("GET", "/v1/tokens?limit=500", e.admin, nil).want(200).json()["items"].([]any) {
			if it.(map[string]any)["name"] == "Raced lane" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d tokens named after the device, want 1", n)
		}
	})
}

func TestEnrolmentQR(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		dvSetup(t, e)
		e.event("OTHER-2030")
		code := dvEnrolment(e, map[string]any{"name": "Lane 4"})["code"].(string)
		path := "/v1/events/" + dvEvent + "/enrolments/" + code + "/qr.png"
		host := strings.TrimPrefix(e.srv.URL, "http://")
		want := func(url string, size int) []byte {
			b, err := badges.QRPNG(url, size)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		r := e.call("GET", path, e.admin, nil).want(200)
		if r.Header.Get("Content-Type") != "image/png" || !bytes.Equal(r.Body, want("http://"+host+"/desk/#enrol="+code, 512)) {
			t.Fatalf("qr.png is not the QR of http://%s/desk/#enrol=%s (%s)", host, code, r.Header.Get("Content-Type"))
		}
		if r := e.call("GET", path+"?size=200", e.admin, nil, "X-Forwarded-Proto", "https").want(200); !bytes.Equal(r.Body, want("http://"+host+"/desk/#enrol="+code, 200)) {
			t.Fatal("X-Forwarded-Proto from an untrusted client changed the QR, or size was ignored")
		}
		e.call("GET", path+"?size=64", e.admin, nil).problem(422, "validation_failed")
		e.call("GET", "/v1/events/"+dvEvent+"/enrolments/"+strings.ToLower(code)+"/qr.png", e.admin, nil).want(200)
		e.call("GET", "/v1/events/OTHER-2030/enrolments/"+code+"/qr.png", e.admin, nil).problem(404, "not_found")
		e.call("GET", "/v1/events/"+dvEvent+"/enrolments/AAAAAAAAAA/qr.png", e.admin, nil).problem(404, "not_found")
		e.call("GET", path, e.token("security", "", dvEvent), nil).problem(403, "forbidden")

		// Behind a trusted proxy, the scheme is the one the proxy reports.
		proxied := httptest.NewServer(api.New(e.svc, api.Options{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
			TrustedProxies: []string{"127.0.0.0/8", "::1"}}).Handler())
		defer proxied.Close()
		req, _ := http.NewRequest("GET", proxied.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+e.admin)
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Host = "accredit.example.org"
		res, err := proxied.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !bytes.Equal(body, want("https://accredit.example.org/desk/#enrol="+code, 512)) {
			t.Fatalf("behind a trusted proxy: %d, not the QR of https://accredit.example.org/desk/#enrol=%s", res.StatusCode, code)
		}

		// A used code has no QR any more.
		e.call("POST", "/v1/enrol", "", map[string]any{"code": code}).want(201)
		e.call("GET", path, e.admin, nil).problem(404, "not_found")
	})
}

func TestTokensLastSeen(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, dvEvent)
		b := f.issue(f.aut, person())
		created := e.call("POST", "/v1/tokens", e.admin, map[string]any{"name": "lane 5", "role": "security", "event": dvEvent}).want(201).json()
		guard, id := created["token"].(string), created["id"].(string)
		seen := func() *time.Time { // nil: never
			t.Helper()
			if err := e.svc.WaitSeen(context.Background()); err != nil {
				t.Fatal(err)
			}
			v, ok := dvToken(e, id)["last_seen_at"]
			if !ok {
				t.Fatal("GET /v1/tokens has no last_seen_at")
			}
			if v == nil {
				return nil
			}
			at, err := time.Parse(time.RFC3339Nano, v.(string))
			if err != nil {
				t.Fatal(err)
			}
			return &at
		}
		// A refused request changes nothing (api/openapi.yaml, Errors), last_seen_at included.
		e.call("GET", "/v1/tokens", guard, nil).problem(403, "forbidden")
		if at := seen(); at != nil {
			t.Fatalf("a token used only for a refused request was last seen at %v", at)
		}
		t0 := time.Now().UTC().Truncate(time.Second)
		e.setNow(t0)
		scan := map[string]any{"code": b.code, "checkpoint": "MAIN"}
		e.call("POST", "/v1/events/"+dvEvent+"/scans", guard, scan).want(200) // the scan route's own authentication
		if at := seen(); at == nil || !at.Equal(t0) {
			t.Fatalf("after a scan, last seen %v, want %v", at, t0)
		}
		e.setNow(t0.Add(30 * time.Second))
		e.call("GET", "/v1/events/"+dvEvent, guard, nil).want(200)
		if at := seen(); at == nil || !at.Equal(t0) {
			t.Fatalf("used again within the minute, last seen moved to %v", at)
		}
		// A second process notes it too, but writes only past the minute.
		other := newEnvOn(t, e.dialect, e.url)
		other.setNow(t0.Add(40 * time.Second))
		other.call("GET", "/v1/me", guard, nil).want(200)
		if err := other.svc.WaitSeen(context.Background()); err != nil {
			t.Fatal(err)
		}
		if at := seen(); at == nil || !at.Equal(t0) {
			t.Fatalf("another process rewrote last seen within the minute: %v", at)
		}
		e.setNow(t0.Add(61 * time.Second))
		e.call("GET", "/v1/me", guard, nil).want(200)
		if at := seen(); at == nil || !at.Equal(t0.Add(61*time.Second)) {
			t.Fatalf("a minute later, last seen %v, want %v", at, t0.Add(61*time.Second))
		}
	})
}

func TestEventOfflineRoster(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, dvEvent)
		if v, ok := e.call("GET", "/v1/events/"+dvEvent, e.admin, nil).want(200).json()["offline_roster"]; !ok || v != false {
			t.Fatalf("offline_roster %v (present %v), want false by default", v, ok)
		}
		e.event("ROSTER-2030", func(b map[string]any) { b["offline_roster"] = true })
		if v := e.call("GET", "/v1/events/ROSTER-2030", e.admin, nil).want(200).json()["offline_roster"]; v != true {
			t.Fatalf("created with offline_roster true, reads %v", v)
		}
		var bs []scBadge
		for range 3 {
			bs = append(bs, f.issue(f.aut, person()))
		}
		e.call("POST", nomPath(dvEvent, bs[1].nom, "revoke"), e.admin, map[string]any{"reason": "lost"}).want(200)
		noPhoto := e.submit(dvEvent, e.admin, person(online, func(b map[string]any) { b["delegation"] = "DEU" }))
		_ = noPhoto

		path := "/v1/events/" + dvEvent + "/roster"
		guard, admin := f.guard, e.admin
		e.call("GET", path, guard, nil).problem(403, "forbidden")
		e.call("GET", path, admin, nil).problem(403, "forbidden")
		if v := e.call("PATCH", "/v1/events/"+dvEvent, admin, map[string]any{"offline_roster": true}).want(200).json()["offline_roster"]; v != true {
			t.Fatalf("PATCH offline_roster: %v", v)
		}
		r := e.call("GET", path, guard, nil).want(200)
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("roster Cache-Control %q", r.Header.Get("Cache-Control"))
		}
		items := r.json()["items"].([]any)
		if len(items) != 2 || r.json()["next_cursor"] != nil {
			t.Fatalf("roster %s: want the 2 active badges", r.Body)
		}
		first := items[0].(map[string]any)
		want := map[string]bool{"badge_id": true, "serial": true, "display_name": true, "delegation": true, "category": true, "photo_url": true}
		for k := range first {
			if !want[k] {
				t.Errorf("roster item has %q: a device carries nothing more than api/openapi.yaml names", k)
			}
		}
		if first["badge_id"] != bs[0].id || first["serial"] != float64(1) || first["delegation"] != "AUT" || first["category"] != "delegate" ||
			!strings.HasPrefix(first["display_name"].(string), "Ms. Anna Gruber-") ||
			first["photo_url"] != "/v1/events/"+dvEvent+"/nominations/"+bs[0].nom+"/photo?size=thumb" {
			t.Fatalf("roster item %v", first)
		}
		// Paged like every list.
		p1 := e.call("GET", path+"?limit=1", admin, nil).want(200).json()
		cursor, _ := p1["next_cursor"].(string)
		p2 := e.call("GET", path+"?limit=1&cursor="+cursor, admin, nil).want(200).json()
		if cursor == "" || p2["items"].([]any)[0].(map[string]any)["badge_id"] != bs[2].id || p2["next_cursor"] != nil {
			t.Fatalf("pages %v then %v", p1, p2)
		}
		e.call("GET", path+"?limit=501", admin, nil).problem(422, "validation_failed")
		e.call("GET", path, f.aut, nil).problem(403, "forbidden")
		e.call("GET", "/v1/events/ROSTER-2030/roster", guard, nil).problem(403, "forbidden") // bound to another event
		e.call("POST", "/v1/events/ROSTER-2030/enrolments", guard, map[string]any{"name": "x"}).problem(403, "forbidden")
		e.call("GET", path, "", nil).problem(401, "unauthorized")
	})
}

func TestPhotoThumb(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, dvEvent, func(b map[string]any) { b["offline_roster"] = true })
		b := f.issue(f.aut, person())
		waiting := e.submit(dvEvent, f.aut, person())
		e.photo(dvEvent, f.aut, waiting)
		thumb := func(token, nom string) *resp {
			return e.call("GET", nomPath(dvEvent, nom, "photo")+"?size=thumb", token, nil)
		}
		r := thumb(f.guard, b.nom).want(200)
		img, err := jpeg.Decode(bytes.NewReader(r.Body))
		if err != nil || r.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("thumbnail %q: %v", r.Header.Get("Content-Type"), err)
		}
		if img.Bounds().Dy() > 240 {
			t.Fatalf("thumbnail %v, want at most 240 px high", img.Bounds())
		}
		if again := thumb(f.guard, b.nom).want(200); !bytes.Equal(again.Body, r.Body) {
			t.Fatal("a second fetch answered another thumbnail")
		}
		if stored, err := e.store.PhotoThumb(context.Background(), b.nom); err != nil || !bytes.Equal(stored, r.Body) {
			t.Fatalf("the thumbnail is not stored beside the photo (%v)", err)
		}
		thumb(f.aut, b.nom).want(200)
		thumb(e.admin, waiting).want(200)
		thumb(f.guard, waiting).problem(404, "not_found") // no badge holder: security sees no photo
		thumb(e.token("delegation", "DEU", ""), b.nom).problem(404, "not_found")
		e.call("GET", nomPath(dvEvent, b.nom, "photo")+"?size=huge", f.guard, nil).problem(422, "validation_failed")

		// A new photo gets a new thumbnail, never the old one's.
		bigger := jpegBytes(t, 300, 400)
		e.call("PUT", nomPath(dvEvent, b.nom, "photo"), e.admin, bigger, "Content-Type", "image/jpeg").want(200)
		if stored, _ := e.store.PhotoThumb(context.Background(), b.nom); stored != nil {
			t.Fatal("replacing the photo kept its old thumbnail")
		}
		fresh := thumb(f.guard, b.nom).want(200)
		if img, err := jpeg.Decode(bytes.NewReader(fresh.Body)); err != nil || img.Bounds().Dy() != 240 {
			t.Fatalf("the new photo's thumbnail: %v %v", img.Bounds(), err)
		}
	})
}
