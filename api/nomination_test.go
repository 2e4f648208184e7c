package api_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/url"
	"reflect"
	"sort"
	"testing"
)

// This file covers POST …/nominations with Idempotency-Key (api/openapi.yaml), the
// list filters and cursor pages, and photo uploads (docs/security.md, Photos). Helpers are
// prefixed nt.

// ntCount is the number of nominations of an event the secretariat sees.
func ntCount(e *env, event string) int {
	e.t.Helper()
	return len(ntList(e, e.admin, "/v1/events/"+event+"/nominations?limit=500"))
}

// ntList returns the items of one list page.
func ntList(e *env, token, path string) []map[string]any {
	e.t.Helper()
	items, _ := ntPage(e, token, path)
	return items
}

// ntPage returns the items of a list page and its next_cursor ("" = null).
func ntPage(e *env, token, path string) ([]map[string]any, string) {
	e.t.Helper()
	r := e.call("GET", path, token, nil).want(200)
	m := r.json()
	raw, ok := m["items"].([]any)
	if !ok {
		e.t.Fatalf("no items: %s", r.Body)
	}
	nc, present := m["next_cursor"]
	if !present {
		e.t.Fatalf("next_cursor missing (want a string or null): %s", r.Body)
	}
	var next string
	if nc != nil {
		next, ok = nc.(string)
		if !ok || next == "" {
			e.t.Fatalf("next_cursor must be a non-empty string or null: %s", r.Body)
		}
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i] = it.(map[string]any)
	}
	return out, next
}

func ntIDs(items []map[string]any) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it["id"].(string)
	}
	return ids
}

func ntJSONEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// TestIdempotencyReplay: the same key and body answer the first status and
// body and create nothing new; another body with that key is 409 conflict.
func TestIdempotencyReplay(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("NT-IDEM")
		aut := e.token("delegation", "AUT", "")
		body, _ := json.Marshal(person())
		first := e.call("POST", "/v1/events/NT-IDEM/nominations", aut, body, "Idempotency-Key", "nt-key-1").want(201)
		id := first.str("id")
		for i := 0; i < 3; i++ {
			again := e.call("POST", "/v1/events/NT-IDEM/nominations", aut, body, "Idempotency-Key", "nt-key-1")
			if again.Status != 201 || !ntJSONEqual(t, first.Body, again.Body) {
				t.Fatalf("replay %d: %d %s, want the first answer 201 %s", i, again.Status, again.Body, first.Body)
			}
		}
		if n := ntCount(e, "NT-IDEM"); n != 1 {
			t.Fatalf("%d nominations after replays, want 1", n)
		}
		if u := smUsed(e, "NT-IDEM", "AUT", "in_person"); u != 1 {
			t.Fatalf("quota used %d after replays, want 1", u)
		}
		// The replay answers the first outcome even after the nomination moved on.
		e.call("POST", nomPath("NT-IDEM", id, "withdraw"), aut, nil).want(200)
		again := e.call("POST", "/v1/events/NT-IDEM/nominations", aut, body, "Idempotency-Key", "nt-key-1")
		if again.Status != 201 || again.str("id") != id {
			t.Fatalf("replay after withdraw: %d %s", again.Status, again.Body)
		}

		// Another token using the same key never gets AUT's answer.
		deu := e.token("delegation", "DEU", "")
		if r := e.call("POST", "/v1/events/NT-IDEM/nominations", deu, body, "Idempotency-Key", "nt-key-1"); r.Status == 201 && r.str("id") == id {
			t.Fatalf("DEU got AUT's nomination replayed: %s", r.Body)
		}

		other, _ := json.Marshal(person())
		e.call("POST", "/v1/events/NT-IDEM/nominations", aut, other, "Idempotency-Key", "nt-key-1").problem(409, "conflict")
		if n := len(ntList(e, aut, "/v1/events/NT-IDEM/nominations")); n != 1 {
			t.Fatalf("AUT has %d nominations after a conflicting reuse of the key, want 1", n)
		}
		// Without a key the body is an ordinary request each time.
		e.call("POST", "/v1/events/NT-IDEM/nominations", aut, other).want(201)
		e.call("POST", "/v1/events/NT-IDEM/nominations", aut, other).problem(409, "duplicate_person")
	})
}

// TestIdempotencyFailedRequestStoresNothing: a failed request does not
// keep its key, so a corrected retry with that key is judged afresh.
func TestIdempotencyFailedRequestStoresNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("NT-RETRY")
		aut := e.token("delegation", "AUT", "")
		p := person()
		bad := person(func(b map[string]any) { delete(b, "given_name"); b["email"] = p["email"] })
		e.call("POST", "/v1/events/NT-RETRY/nominations", aut, bad, "Idempotency-Key", "nt-key-2").problem(422, "validation_failed")
		if n := ntCount(e, "NT-RETRY"); n != 0 {
			t.Fatalf("a failed request created %d nominations", n)
		}
		r := e.call("POST", "/v1/events/NT-RETRY/nominations", aut, p, "Idempotency-Key", "nt-key-2").want(201)
		if r.str("given_name") != "Anna" {
			t.Fatalf("retry: %s", r.Body)
		}
		// A business refusal is not stored either: fill the quota, fail,
		// raise the quota, retry the same request with the same key.
		smSetQuota(e, "NT-RETRY", "AUT", 1, 5)
		q := person()
		e.call("POST", "/v1/events/NT-RETRY/nominations", aut, q, "Idempotency-Key", "nt-key-3").problem(409, "quota_exceeded")
		smSetQuota(e, "NT-RETRY", "AUT", 2, 5)
		e.call("POST", "/v1/events/NT-RETRY/nominations", aut, q, "Idempotency-Key", "nt-key-3").want(201)
		if n := ntCount(e, "NT-RETRY"); n != 2 {
			t.Fatalf("%d nominations, want 2", n)
		}
		// Malformed JSON is no exception.
		e.call("POST", "/v1/events/NT-RETRY/nominations", aut, `{"given_name":`, "Idempotency-Key", "nt-key-4").problem(400, "malformed_body")
		e.call("POST", "/v1/events/NT-RETRY/nominations", aut, person(online), "Idempotency-Key", "nt-key-4").want(201)
	})
}

// TestIdempotencyConcurrent: 20 simultaneous requests with one key and one
// body create exactly one nomination; each answer is that one (replay) or
// 409 conflict (still in flight).
func TestIdempotencyConcurrent(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) { ntIdemRace(t, []*env{e}, "NT-IDEMC") })
}

// ntIdemRace sends 20 identical keyed submissions at once, spread over the
// instances in envs.
func ntIdemRace(t *testing.T, envs []*env, event string) {
	e := envs[0]
	e.event(event)
	aut := e.token("delegation", "AUT", "")
	body, _ := json.Marshal(person())
	reqs := make([]ccReq, 20)
	for i := range reqs {
		reqs[i] = ccReq{e: ccOn(envs, i), method: "POST", path: "/v1/events/" + event + "/nominations", token: aut, body: body,
			headers: []string{"Idempotency-Key", "nt-concurrent"}}
	}
	res := ccRace(t, reqs)
	ids := map[string]int{}
	for _, r := range res {
		switch {
		case r.status == 201:
			ids[fmt.Sprint(r.json()["id"])]++
		case r.key() == "409 conflict":
		default:
			t.Errorf("unexpected answer %d %s", r.status, r.body)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("201 answers name %d different nominations, want 1: %v", len(ids), ids)
	}
	if n := ntCount(e, event); n != 1 {
		t.Fatalf("%d nominations created, want 1", n)
	}
	if u := smUsed(e, event, "AUT", "in_person"); u != 1 {
		t.Fatalf("quota used %d, want 1", u)
	}
	// Afterwards it is a plain replay, on every instance.
	for _, x := range envs {
		again := x.call("POST", "/v1/events/"+event+"/nominations", aut, body, "Idempotency-Key", "nt-concurrent").want(201)
		if _, ok := ids[again.str("id")]; !ok {
			t.Fatalf("replay names another nomination: %s", again.Body)
		}
	}
}

// TestNominationListFilters: status, delegation, mode and q filters; a
// delegation sees only its own.
func TestNominationListFilters(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("NT-LIST")
		aut := e.token("delegation", "AUT", "")
		deu := e.token("delegation", "DEU", "")
		kaya := e.submit("NT-LIST", aut, person(func(b map[string]any) {
			b["given_name"], b["family_name"], b["email"] = "Zeynep", "Kaya", "z.kaya@bmi.gv.at"
		}))
		a2 := e.submit("NT-LIST", aut, person())
		a3 := e.submit("NT-LIST", aut, person(online))
		d1 := e.submit("NT-LIST", deu, person(func(b map[string]any) { b["email"] = "Klaus.Weber@Auswaertiges-Amt.de" }))
		turc := e.submit("NT-LIST", deu, person(online, func(b map[string]any) {
			b["given_name"], b["family_name"] = "Dragoș", "Țurcanu"
		}))
		e.call("POST", nomPath("NT-LIST", a2, "withdraw"), aut, nil).want(200)

		base := "/v1/events/NT-LIST/nominations"
		for _, c := range []struct {
			token, query string
			want         []string
		}{
			{e.admin, "", []string{kaya, a2, a3, d1, turc}},
			{e.admin, "status=withdrawn", []string{a2}},
			{e.admin, "status=submitted", []string{kaya, a3, d1, turc}},
			{e.admin, "status=approved", nil},
			{e.admin, "delegation=DEU", []string{d1, turc}},
			{e.admin, "mode=online", []string{a3, turc}},
			{e.admin, "delegation=AUT&mode=in_person", []string{kaya, a2}},
			{e.admin, "delegation=AUT&mode=in_person&status=submitted", []string{kaya}},
			{e.admin, "q=kaya", []string{kaya}},
			{e.admin, "q=KAYA", []string{kaya}},
			{e.admin, "q=zeyn", []string{kaya}},
			{e.admin, "q=z.kaya@bmi", []string{kaya}},
			{e.admin, "q=klaus.weber@auswaertiges-amt.de", []string{d1}},
			{e.admin, "q=AUSWAERTIGES", []string{d1}},
			{e.admin, "q=nobody-like-this", nil},
			{e.admin, "q=%25", nil}, // a literal %, not a wildcard
			{aut, "", []string{kaya, a2, a3}},
			{aut, "delegation=AUT", []string{kaya, a2, a3}},
			{aut, "q=weber", nil},
			{deu, "", []string{d1, turc}},
			{deu, "mode=in_person", []string{d1}},
		} {
			path := base
			if c.query != "" {
				path += "?" + c.query
			}
			got := ntIDs(ntList(e, c.token, path))
			sort.Strings(got)
			want := append([]string(nil), c.want...)
			sort.Strings(want)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("GET %s: %v, want %v", path, got, want)
			}
		}
		e.call("GET", base+"?status=pending", e.admin, nil).problem(422, "validation_failed")
		e.call("GET", base+"?mode=hybrid", e.admin, nil).problem(422, "validation_failed")
		e.call("GET", base+"?delegation=DEU", aut, nil).problem(403, "forbidden")
		e.call("GET", nomPath("NT-LIST", d1), aut, nil).problem(404, "not_found")
	})
}

// TestNominationListSearchDiacritics: q finds a name written with
// diacritics, typed as stored or in lower case.
func TestNominationListSearchDiacritics(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("NT-Q")
		aut := e.token("delegation", "AUT", "")
		id := e.submit("NT-Q", aut, person(func(b map[string]any) {
			b["given_name"], b["family_name"] = "Dragoș", "Țurcanu"
		}))
		for _, q := range []string{"Țurcanu", "țurcanu", "Dragoș", "dragoș"} {
			got := ntIDs(ntList(e, e.admin, "/v1/events/NT-Q/nominations?q="+url.QueryEscape(q)))
			if len(got) != 1 || got[0] != id {
				t.Errorf("q=%s found %v, want [%s]", q, got, id)
			}
		}
	})
}

// TestNominationListPages: limit=2 over 5 nominations gives pages of 2, 2
// and 1 in a stable order, without duplicates, next_cursor null at the end.
func TestNominationListPages(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("NT-PAGE")
		aut := e.token("delegation", "AUT", "")
		created := map[string]bool{}
		for i := 0; i < 5; i++ {
			created[e.submit("NT-PAGE", aut, person(online))] = true
		}
		e.submit("NT-PAGE", e.admin, person(online, func(b map[string]any) { b["delegation"] = "DEU" }))
		all := ntIDs(ntList(e, aut, "/v1/events/NT-PAGE/nominations"))
		var paged []string
		sizes := []int{}
		cursor := ""
		for page := 0; ; page++ {
			if page > 5 {
				t.Fatal("pagination does not end")
			}
			path := "/v1/events/NT-PAGE/nominations?limit=2"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			items, next := ntPage(e, aut, path)
			sizes = append(sizes, len(items))
			paged = append(paged, ntIDs(items)...)
			if next == "" {
				break
			}
			cursor = next
		}
		if fmt.Sprint(sizes) != "[2 2 1]" {
			t.Fatalf("page sizes %v, want [2 2 1]", sizes)
		}
		if fmt.Sprint(paged) != fmt.Sprint(all) {
			t.Fatalf("pages %v differ from the full list %v", paged, all)
		}
		seen := map[string]bool{}
		for _, id := range paged {
			if seen[id] || !created[id] {
				t.Fatalf("page item %s is a duplicate or not AUT's", id)
			}
			seen[id] = true
		}
		if len(seen) != 5 {
			t.Fatalf("%d distinct items over the pages, want 5", len(seen))
		}
		e.call("GET", "/v1/events/NT-PAGE/nominations?limit=0", aut, nil).problem(422, "validation_failed")
		e.call("GET", "/v1/events/NT-PAGE/nominations?limit=501", aut, nil).problem(422, "validation_failed")
		e.call("GET", "/v1/events/NT-PAGE/nominations?cursor=%21%21not-a-cursor", aut, nil).problem(422, "validation_failed")
	})
}

// ntJPEGWithMetadata is a real JPEG with an EXIF APP1 segment and a
// comment, both carrying text that must not survive re-encoding.
func ntJPEGWithMetadata(t *testing.T) []byte {
	plain := jpegBytes(t, 208, 260)
	if plain[0] != 0xFF || plain[1] != 0xD8 {
		t.Fatal("not a JPEG")
	}
	// APP1 "Exif\0\0" + little-endian TIFF header + one IFD with no entries,
	// then a marker string a scrubber must drop.
	exif := append([]byte("Exif\x00\x00II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"), []byte("GPS-48.2066N-16.3655E-SERIAL-XYZ123")...)
	app1 := append([]byte{0xFF, 0xE1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)}, exif...)
	comment := []byte("camera owner: secret")
	com := append([]byte{0xFF, 0xFE, byte((len(comment) + 2) >> 8), byte(len(comment) + 2)}, comment...)
	out := append([]byte{0xFF, 0xD8}, app1...)
	out = append(out, com...)
	out = append(out, plain[2:]...)
	if _, _, err := image.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("test JPEG does not decode: %v", err)
	}
	return out
}

// ntPNGHeader is a PNG that claims w×h pixels in its header and holds no
// pixels: it must be refused from the header alone.
func ntPNGHeader(t *testing.T, w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		var b bytes.Buffer
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
		return b.Bytes()
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	out = append(out, chunk("IEND", nil)...)
	if cfg, err := png.DecodeConfig(bytes.NewReader(out)); err != nil || cfg.Width != int(w) {
		t.Fatalf("test PNG header: %v %v", cfg, err)
	}
	return out
}

func ntPNG(t *testing.T) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 200, 250))
	for y := 0; y < 250; y++ {
		for x := 0; x < 200; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 6), 90, uint8(y * 5), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestNominationPhoto: raw and multipart uploads, metadata stripped, GET
// answers an image.
func TestNominationPhoto(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.event("NT-PHOTO")
		aut := e.token("delegation", "AUT", "")
		sec := e.token("security", "", "")

		// Raw JPEG with EXIF.
		id := e.submit("NT-PHOTO", aut, person())
		in := ntJPEGWithMetadata(t)
		got := e.call("PUT", nomPath("NT-PHOTO", id, "photo"), aut, in, "Content-Type", "image/jpeg").want(200).json()
		if got["has_photo"] != true {
			t.Fatalf("after upload: %v", got)
		}
		r := e.call("GET", nomPath("NT-PHOTO", id, "photo"), aut, nil).want(200)
		if ct := r.Header.Get("Content-Type"); ct != "image/jpeg" {
			t.Fatalf("photo content type %q", ct)
		}
		img, format, err := image.Decode(bytes.NewReader(r.Body))
		if err != nil || format != "jpeg" || img.Bounds().Dx() != 208 || img.Bounds().Dy() != 260 {
			t.Fatalf("stored photo: format %q err %v bounds %v", format, err, img)
		}
		for _, secret := range []string{"Exif", "GPS-48.2066N", "SERIAL-XYZ123", "camera owner"} {
			if bytes.Contains(r.Body, []byte(secret)) {
				t.Errorf("the stored photo still holds %q: it was not re-encoded without metadata", secret)
			}
		}
		if bytes.Contains(r.Body, []byte{0xFF, 0xE1}) && bytes.Contains(r.Body, []byte("Exif")) {
			t.Error("the stored photo still has an EXIF APP1 segment")
		}

		// Multipart field "photo" with a PNG.
		id2 := e.submit("NT-PHOTO", aut, person())
		var mp bytes.Buffer
		w := multipart.NewWriter(&mp)
		_ = w.WriteField("note", "ignored")
		fw, _ := w.CreateFormFile("photo", "face.png")
		_, _ = fw.Write(ntPNG(t))
		_ = w.Close()
		e.call("PUT", nomPath("NT-PHOTO", id2, "photo"), aut, mp.Bytes(), "Content-Type", w.FormDataContentType()).want(200)
		r = e.call("GET", nomPath("NT-PHOTO", id2, "photo"), e.admin, nil).want(200)
		if _, format, err := image.Decode(bytes.NewReader(r.Body)); err != nil || format != "png" {
			t.Fatalf("multipart PNG came back as %q (%v)", format, err)
		}
		if ct := r.Header.Get("Content-Type"); ct != "image/png" {
			t.Fatalf("content type %q, want image/png", ct)
		}
		// Multipart JPEG too, replacing the first photo.
		mp.Reset()
		w = multipart.NewWriter(&mp)
		fw, _ = w.CreateFormFile("photo", "face.jpg")
		_, _ = fw.Write(jpegBytes(t, 200, 260))
		_ = w.Close()
		e.call("PUT", nomPath("NT-PHOTO", id, "photo"), aut, mp.Bytes(), "Content-Type", w.FormDataContentType()).want(200)
		r = e.call("GET", nomPath("NT-PHOTO", id, "photo"), aut, nil).want(200)
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(r.Body)); err != nil || cfg.Width != 200 {
			t.Fatalf("replaced photo: %v %v", cfg, err)
		}

		// Refusals change nothing.
		id3 := e.submit("NT-PHOTO", aut, person())
		e.call("PUT", nomPath("NT-PHOTO", id3, "photo"), aut, "GIF89a not really", "Content-Type", "image/gif").problem(415, "unsupported_media_type")
		e.call("PUT", nomPath("NT-PHOTO", id3, "photo"), aut, []byte("not an image at all"), "Content-Type", "image/jpeg").problem(422, "validation_failed")
		mp.Reset()
		w = multipart.NewWriter(&mp)
		fw, _ = w.CreateFormFile("picture", "face.jpg")
		_, _ = fw.Write(jpegBytes(t, 200, 260))
		_ = w.Close()
		e.call("PUT", nomPath("NT-PHOTO", id3, "photo"), aut, mp.Bytes(), "Content-Type", w.FormDataContentType()).problem(422, "validation_failed")
		e.call("PUT", nomPath("NT-PHOTO", id3, "photo"), aut, ntPNGHeader(t, 8000, 6000), "Content-Type", "image/png").problem(422, "validation_failed")
		huge := append(jpegBytes(t, 8, 8), make([]byte, 10<<20)...)
		e.call("PUT", nomPath("NT-PHOTO", id3, "photo"), aut, huge, "Content-Type", "image/jpeg").problem(413, "too_large")
		if smGet(e, "NT-PHOTO", id3)["has_photo"] != false {
			t.Fatal("a refused upload set has_photo")
		}
		e.call("GET", nomPath("NT-PHOTO", id3, "photo"), aut, nil).problem(404, "not_found")
		// Another delegation cannot see or set it; security sees photos of
		// badge holders only.
		deu := e.token("delegation", "DEU", "")
		e.call("GET", nomPath("NT-PHOTO", id, "photo"), deu, nil).problem(404, "not_found")
		e.call("PUT", nomPath("NT-PHOTO", id, "photo"), deu, jpegBytes(t, 200, 200), "Content-Type", "image/jpeg").problem(404, "not_found")
		e.call("GET", nomPath("NT-PHOTO", id, "photo"), sec, nil).problem(404, "not_found")
		e.call("POST", nomPath("NT-PHOTO", id, "approve"), e.admin, nil).want(200)
		r = e.call("GET", nomPath("NT-PHOTO", id, "photo"), sec, nil).want(200)
		if _, _, err := image.Decode(bytes.NewReader(r.Body)); err != nil {
			t.Fatalf("security got no image: %v", err)
		}
	})
}
