package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/osce/accredit/domain"
)

var scanBodies = []string{
	`{"code":"ACC1.abc","checkpoint":"hofburg-main","direction":"in","scan_id":"0b6f6c1e-3f5a-4d43-9a43-2b1f3c0e9a11"}`,
	` { "code" : "x" , "checkpoint" : "gate" } `,
	"{\"code\":\"x\",\n\t\"checkpoint\":\"gate\",\"direction\":\"out\",\"device\":\"lane 2\"}\r\n",
	`{"code":"x","checkpoint":"gate","scanned_at":"2030-06-10T08:01:02.123456789+02:00"}`,
	`{"code":"x","checkpoint":"gate","scanned_at":"2030-06-10T08:01:02Z","device_result":"accepted"}`,
	`{"code":"x","checkpoint":"gate","scan_id":"0B6F6C1E-3F5A-4D43-9A43-2B1F3C0E9A11"}`,
	`{"code":"Ünïcödé","checkpoint":"Ratsaal"}`,
	// Each of these must go to the general path.
	`{}`,
	`{"code":"x","checkpoint":"gate",}`,
	`{"code":"x","checkpoint":"gate"} {}`,
	`{"code":"x","checkpoint":"gate","code":"y"}`,
	`{"CODE":"x","checkpoint":"gate"}`,
	`{"code":"x","checkpoint":"gate","extra":"1"}`,
	`{"code":"x\u0041","checkpoint":"gate"}`,
	`{"code":"x\u0000","checkpoint":"gate"}`,
	`{"code":"x","checkpoint":"gate","device":null}`,
	`{"code":"x","checkpoint":"gate","scanned_at":null}`,
	`{"code":"x","checkpoint":"gate","scanned_at":"yesterday"}`,
	`{"code":"x","checkpoint":"gate","scanned_at":"2030-13-10T08:01:02Z"}`,
	`{"code":"x","checkpoint":"gate","direction":"sideways"}`,
	`{"code":"x","checkpoint":"gate","scan_id":"not-a-uuid"}`,
	`{"code":"x","checkpoint":"gate","scan_id":"0b6f6c1e-3f5a-4d43-9a43-2b1f3c0e9a1g"}`,
	`{"code":"","checkpoint":"gate"}`,
	`{"code":"x","checkpoint":"a-checkpoint-name-longer-than-32-characters"}`,
	`{"code":"x","checkpoint":"gate","device_result":"maybe"}`,
	`{"code":1,"checkpoint":"gate"}`,
	"{\"code\":\"\xff\",\"checkpoint\":\"gate\"}",
	`[{"code":"x","checkpoint":"gate"}]`,
	``,
	`{"code":"x","checkpoint":"gate"`,
	// Strict JSON (docs/security.md): each is the general path's, and it refuses it.
	`{"code":"x","Checkpoint":"gate"}`,
	`{"code":"x","checkpoint":"gate","ſcan_id":"0b6f6c1e-3f5a-4d43-9a43-2b1f3c0e9a11"}`,
	`{"code":"x","checkpoint":"gate","checkpoint":"gate"}`,
	`{"code":"x","checkpoint":"gate","device":"\ud800"}`,
	"{\"code\":\"x\",\"checkpoint\":\"gate\",\"device\":\"\xc0\xaf\"}",
	"{\"code\":\"x\",\"checkpoint\":\"gate\",\"d\xffvice\":\"x\"}",
}

// scanKeys are scanIn's JSON names, the only keys a scan body may have.
var scanKeys = map[string]bool{"code": true, "checkpoint": true, "direction": true, "scan_id": true,
	"scanned_at": true, "device": true, "device_result": true}

// wantStrict fails unless body is what strict JSON (docs/security.md) allows a scan to be: valid
// UTF-8, an object whose keys are scanIn's, each spelt as api/openapi.yaml spells
// it and given once. It is the oracle for what the general path accepts,
// written without its code.
func wantStrict(t *testing.T, body []byte) {
	t.Helper()
	if !utf8.Valid(body) {
		t.Fatalf("the general path took invalid UTF-8: %q", body)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	seen := map[string]bool{}
	depth := 0
	for expectKey := false; ; {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			expectKey = depth == 1 && tok == json.Delim('{')
			continue
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if k, ok := tok.(string); ok && depth == 1 && expectKey {
			if !scanKeys[k] || seen[k] {
				t.Fatalf("the general path took key %q (unknown, in another case, or twice): %q", k, body)
			}
			seen[k] = true
			expectKey = false
			continue
		}
		expectKey = depth == 1
	}
	// A lone surrogate escape decodes to U+FFFD: the text would not be
	// the text sent.
	var in scanIn
	if json.Unmarshal(body, &in) == nil && !bytes.ContainsRune(body, utf8.RuneError) &&
		!bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`)) {
		for _, s := range []string{in.Code, in.Checkpoint, in.Direction, in.ScanID, in.Device, in.DeviceResult} {
			if strings.ContainsRune(s, utf8.RuneError) {
				t.Fatalf("the general path took a lone surrogate as U+FFFD: %q", body)
			}
		}
	}
}

// FuzzScanDecode holds decodeScan to the general path: whatever it takes,
// bindBytes takes too and reads the same; and it holds the general path
// to strict JSON (wantStrict).
func FuzzScanDecode(f *testing.F) {
	for _, b := range scanBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var slow scanIn
		err := bindBytes(body, &slow)
		if err == nil {
			wantStrict(t, body)
		}
		fast, ok := decodeScan(body)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("decodeScan took %q, which the general path refuses: %v", body, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("decodeScan read %q as %+v, the general path as %+v", body, fast, slow)
		}
	})
}

func TestDecodeScanTakesThePlainCase(t *testing.T) {
	took := 0
	for _, b := range scanBodies[:7] {
		if _, ok := decodeScan([]byte(b)); !ok {
			t.Errorf("decodeScan left a plain body to the general path: %s", b)
		}
		took++
	}
	for _, b := range scanBodies[7:] {
		if _, ok := decodeScan([]byte(b)); ok {
			t.Errorf("decodeScan took a body that is the general path's: %s", b)
		}
	}
	in, _ := decodeScan([]byte(scanBodies[3]))
	if in.ScannedAt == nil || !in.ScannedAt.Equal(time.Date(2030, 6, 10, 6, 1, 2, 123456789, time.UTC)) {
		t.Errorf("scanned_at read as %v", in.ScannedAt)
	}
}

// FuzzScanAnswer holds appendScanResult to encoding/json, which answers
// every other route.
func FuzzScanAnswer(f *testing.F) {
	f.Add("0b6f6c1e-3f5a-4d43-9a43-2b1f3c0e9a11", "accepted", "", "Dr. Anna Müller", "AUT", "delegate", 3, int64(1907045000123456789), true, 0)
	f.Add("id", "rejected", "revoked", "", "", "", 0, int64(0), false, 1)
	f.Add("id", "rejected", "<script>&\"\\\u2028\x01\xff", "O'Brien", "Holy See", "media", -1, int64(-62135596800000000), true, 2)
	f.Add("id", "accepted", "", "x", "y", "z", 7, int64(1<<62), false, 3)
	f.Fuzz(func(t *testing.T, id, result, reason, name, delegation, category string, serial int, at int64, flag bool, shape int) {
		r := domain.ScanResult{ScanID: id, Result: result, Repeat: flag,
			ScannedAt: time.Unix(0, at).In(time.FixedZone("", (shape%27)*3600))}
		if shape%2 == 1 {
			r.Reason = &reason
		}
		if shape%3 != 0 {
			r.Badge = &domain.ScanBadgeRef{ID: id, Serial: serial, Category: category}
			r.Delegate = &domain.Delegate{DisplayName: name, Delegation: delegation, Category: category}
			if flag {
				r.Delegate.PhotoURL = &reason
			}
		}
		if shape%5 == 0 {
			c := !flag
			r.Conflict = &c
		}
		want, err := json.Marshal(scanResultOut(&r))
		got, ok := appendScanResult(nil, &r)
		if !ok {
			if err == nil {
				t.Fatalf("appendScanResult declined %+v, which encoding/json writes", r)
			}
			return
		}
		if err != nil {
			t.Fatalf("appendScanResult wrote %+v, which encoding/json refuses: %v", r, err)
		}
		if string(got) != string(want) {
			t.Fatalf("appendScanResult wrote\n%s\nencoding/json\n%s", got, want)
		}
	})
}

// BenchmarkScanBody compares the scan route's own reading and answering
// with the general path's, on the body and answer of an ordinary scan.
func BenchmarkScanBody(b *testing.B) {
	body := []byte(scanBodies[0])
	photo := "/v1/events/OSCE-PEM/nominations/0b6f6c1e-3f5a-4d43-9a43-2b1f3c0e9a11/photo"
	res := &domain.ScanResult{ScanID: "0b6f6c1e-3f5a-4d43-9a43-2b1f3c0e9a11", Result: "accepted",
		Badge:     &domain.ScanBadgeRef{ID: "5c1d0d2e-8a53-4f0e-b0a4-0f7f3c2b1a99", Serial: 1, Category: "delegate"},
		Delegate:  &domain.Delegate{DisplayName: "Anna Muster", Delegation: "AUT", Category: "delegate", PhotoURL: &photo},
		ScannedAt: time.Date(2030, 6, 10, 8, 1, 2, 123456000, time.UTC)}
	b.Run("decode=hand", func(b *testing.B) {
		for b.Loop() {
			if _, ok := decodeScan(body); !ok {
				b.Fatal("declined")
			}
		}
	})
	b.Run("decode=general", func(b *testing.B) {
		for b.Loop() {
			var in scanIn
			if err := bindBytes(body, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("answer=hand", func(b *testing.B) {
		for b.Loop() {
			appendScanResult(make([]byte, 0, 512), res)
		}
	})
	b.Run("answer=general", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal(res)
		}
	})
}
