package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// The scan mix, as shares of all scans; the rest are valid entries and
// exits. Every kind has one right answer, which the worker checks.
const (
	shareInvalid = 0.03 // garbage codes: rejected invalid_code
	shareRevoked = 0.02 // codes of withdrawn delegates: rejected revoked
	shareRepeat  = 0.02 // an earlier scan resent with its scan_id: the first answer again
	shareVIP     = 0.02 // non-heads at the VIP door: rejected checkpoint_denied
)

// runScan replays the seeded codes at the checkpoints for -duration, as
// the security desk's scanners would when the delegates arrive.
func runScan(ctx context.Context, e *env) (*summary, error) {
	st, err := e.needState(ctx)
	if err != nil {
		return nil, err
	}
	if len(st.Badges) == 0 {
		return nil, fmt.Errorf("the state of %s holds no active badge", st.Event)
	}
	// The entrance uses security tokens bound to the event; so does the load.
	token, tokenID, err := e.tempToken(ctx, "accredit-load scanners "+st.Event, "security", "", st.Event)
	if err != nil {
		return nil, fmt.Errorf("creating a security token: %w", err)
	}
	defer e.revokeTokens(tokenID)

	// Who is inside already (an earlier run may have left people in), so
	// that each badge's first scan goes the right way through anti-passback.
	var presence struct {
		Items []struct {
			BadgeID string `json:"badge_id"`
		} `json:"items"`
	}
	r := req{method: "GET", path: "/v1/events/" + st.Event + "/presence", token: token}
	if err := e.c.callReq(ctx, r, &presence, 200); err != nil {
		return nil, err
	}
	inside := map[string]bool{}
	for _, p := range presence.Items {
		inside[p.BadgeID] = true
	}

	// Each worker owns a disjoint share of the badges, so that its own
	// in/out sequence per badge is the truth anti-passback must agree with.
	workers := min(e.cfg.concurrency, len(st.Badges))
	sw := make([]*scanWorker, workers)
	for w := range workers {
		sw[w] = &scanWorker{e: e, path: "/v1/events/" + st.Event + "/scans", token: token,
			device: fmt.Sprintf("accredit-load-%d", w), revoked: st.Revoked,
			rng: rand.New(rand.NewChaCha8(seed())), kinds: map[string]int{},
			unexpected: map[string]int{}}
		sw[w].wire = newWireConn(e.c.base, sw[w].path, token, e.cfg.timeout)
	}
	for i, b := range st.Badges {
		w := sw[i%workers]
		if b.Category != "head_of_delegation" {
			w.nonHeads = append(w.nonHeads, len(w.mine))
		}
		w.mine = append(w.mine, b)
		w.inside = append(w.inside, inside[b.ID])
	}

	start := time.Now()
	deadline := start.Add(e.cfg.duration)
	recs := runWorkers(workers, capHint(e.cfg.duration, workers), func(w int, rec *recorder) {
		sw[w].rec = rec
		sw[w].run(ctx, deadline)
		if sw[w].wire != nil {
			sw[w].wire.close()
		}
	})
	elapsed := time.Since(start)

	m := merge(recs...)
	s := summarize("scan", st.Event, m, elapsed)
	kinds, unexpected, mismatches := map[string]int{}, map[string]int{}, 0
	for _, w := range sw {
		addCounts(kinds, w.kinds)
		addCounts(unexpected, w.unexpected)
		mismatches += w.repeatMismatch
	}
	processed := m.byStatus["200"]
	s.set("scans_per_s", round(float64(processed)/elapsed.Seconds(), 1))
	s.set("processed", processed)
	s.set("by_reason", m.byReason)
	s.set("by_kind", kinds)
	s.set("unexpected", unexpected)
	s.set("repeat_mismatches", mismatches)
	s.set("badges", len(st.Badges))
	s.set("workers", workers)
	for k, n := range unexpected {
		s.fail("%d %s scans got an unexpected judgement", n, k)
	}
	if mismatches > 0 {
		s.fail("%d repeated scan_ids got a different answer than the first time", mismatches)
	}
	return s, nil
}

type scanWorker struct {
	e        *env
	rec      *recorder
	rng      *rand.Rand
	path     string
	token    string
	device   string
	mine     []badgeRef
	inside   []bool
	nonHeads []int // indexes into mine
	next     int
	revoked  []badgeRef
	wire     *wireConn    // nil: the shared client
	history  [32]sentScan // recent scans, for resending with the same scan_id
	nhist    int

	kinds          map[string]int
	unexpected     map[string]int
	repeatMismatch int
}

type scanBody struct {
	Code       string `json:"code"`
	Checkpoint string `json:"checkpoint"`
	Direction  string `json:"direction"`
	ScanID     string `json:"scan_id"`
	Device     string `json:"device"`
}

type sentScan struct {
	body   []byte
	answer []byte // parsed only if the scan is resent
}

// verdict is what a worker needs of every answer.
type verdict struct{ result, reason string }

type scanAnswer struct {
	ScanID string  `json:"scan_id"`
	Result string  `json:"result"`
	Reason *string `json:"reason"`
	Badge  *struct {
		ID     string `json:"id"`
		Serial int    `json:"serial"`
	} `json:"badge"`
	Repeat    bool      `json:"repeat"`
	ScannedAt time.Time `json:"scanned_at"`
}

func (a *scanAnswer) reason() string {
	if a.Reason == nil {
		return ""
	}
	return *a.Reason
}

// same is what "returns the first result" means for a repeated scan_id.
func (a *scanAnswer) same(b *scanAnswer) bool {
	return a.ScanID == b.ScanID && a.Result == b.Result && a.reason() == b.reason() && a.Repeat == b.Repeat &&
		a.ScannedAt.Equal(b.ScannedAt) && (a.Badge == nil) == (b.Badge == nil) &&
		(a.Badge == nil || *a.Badge == *b.Badge)
}

func (w *scanWorker) run(ctx context.Context, deadline time.Time) {
	for ctx.Err() == nil && time.Now().Before(deadline) {
		x := w.rng.Float64()
		switch {
		case x < shareInvalid:
			w.once("invalid", garbageCode(w.rng), cpIn, "in", "rejected", "invalid_code")
		case x < shareInvalid+shareRevoked && len(w.revoked) > 0:
			b := w.revoked[w.rng.IntN(len(w.revoked))]
			w.once("revoked", b.Code, cpIn, "in", "rejected", "revoked")
		case x < shareInvalid+shareRevoked+shareRepeat && w.nhist > 0:
			w.repeat()
		case x < shareInvalid+shareRevoked+shareRepeat+shareVIP && len(w.nonHeads) > 0:
			b := w.mine[w.nonHeads[w.rng.IntN(len(w.nonHeads))]]
			w.once("vip", b.Code, cpVIP, "in", "rejected", "checkpoint_denied")
		default:
			w.valid()
		}
	}
}

// valid takes the worker's next badge through the main door: in when it
// is outside, out when it is inside, which anti-passback must accept.
func (w *scanWorker) valid() {
	i := w.next % len(w.mine)
	w.next++
	cp, dir := cpIn, "in"
	if w.inside[i] {
		cp, dir = cpOut, "out"
	}
	v, ok := w.once("valid", w.mine[i].Code, cp, dir, "accepted", "")
	switch {
	case ok && v.result == "accepted":
		w.inside[i] = dir == "in"
	case ok && v.reason == "already_inside":
		w.inside[i] = true
	case !ok:
		// The scan may or may not have been recorded; an exit is accepted
		// either way, so the next scan of this badge goes out to resync.
		w.inside[i] = true
	}
}

// once sends one scan with a fresh scan_id and checks the judgement.
func (w *scanWorker) once(kind, code, checkpoint, dir, wantResult, wantReason string) (verdict, bool) {
	w.kinds[kind]++
	body := w.body(code, checkpoint, dir)
	v, raw, ok := w.send(body)
	if !ok {
		return v, false
	}
	if v.result != wantResult || v.reason != wantReason {
		w.unexpected[kind]++
		if w.unexpected[kind] <= 2 {
			w.e.logf("scan: %s scan at %s (%s) got %s %s, want %s %s", kind, checkpoint, dir, v.result, v.reason,
				wantResult, wantReason)
		}
	}
	w.history[w.nhist%len(w.history)] = sentScan{body: body, answer: raw}
	w.nhist++
	return v, true
}

// body is a scan request with a new scan_id: the JSON of scanBody,
// appended by hand because the load tool shares the server's cores.
func (w *scanWorker) body(code, checkpoint, dir string) []byte {
	b := make([]byte, 0, 112+len(code)+len(w.device))
	b = append(b, `{"code":`...)
	b = appendJSONString(b, code)
	b = append(b, `,"checkpoint":`...)
	b = appendJSONString(b, checkpoint)
	b = append(b, `,"direction":`...)
	b = appendJSONString(b, dir)
	b = append(b, `,"scan_id":"`...)
	b = appendUUID(b, w.rng)
	b = append(b, `","device":`...)
	b = appendJSONString(b, w.device)
	return append(b, '}')
}

// repeat resends an earlier scan byte for byte, as a scanner does when
// it did not see the answer: the server must answer as the first time and
// record nothing new (so the badge's in/out state does not change).
func (w *scanWorker) repeat() {
	w.kinds["repeat"]++
	prev := w.history[w.rng.IntN(min(w.nhist, len(w.history)))]
	_, raw, ok := w.send(prev.body)
	if !ok {
		return
	}
	var first, now scanAnswer
	if json.Unmarshal(prev.answer, &first) != nil || json.Unmarshal(raw, &now) != nil || !now.same(&first) {
		w.repeatMismatch++
		if w.repeatMismatch <= 2 {
			w.e.logf("scan: repeated scan_id %s: first %s, now %s", now.ScanID, prev.answer, raw)
		}
	}
}

func (w *scanWorker) send(body []byte) (verdict, []byte, bool) {
	var v verdict
	r := req{method: "POST", path: w.path, token: w.token, ctype: "application/json", body: body}
	// Not the run's context: a scan in flight at Ctrl-C finishes (within
	// -timeout) rather than counting as an error.
	var (
		res resp
		d   time.Duration
		err error
	)
	if w.wire != nil {
		res, d, err = w.wire.post(body)
	} else {
		res, d, err = w.e.c.send(context.Background(), r)
	}
	if err != nil {
		w.rec.add(d, 0, "transport_error", false)
		w.e.c.errs.note(newAPIError(r, res, err))
		return v, nil, false
	}
	if res.status != 200 {
		w.rec.add(d, res.status, resultOf(res), false)
		w.e.c.errs.note(newAPIError(r, res, nil))
		return v, nil, false
	}
	v, err = verdictOf(res.body)
	if err != nil {
		w.rec.add(d, res.status, "bad_json", false)
		w.e.c.errs.note(newAPIError(r, res, err))
		return v, nil, false
	}
	w.rec.add(d, res.status, v.result, true)
	if v.reason != "" {
		w.rec.byReason[v.reason]++
	}
	return v, res.body, true
}

// verdictOf reads result and reason from a scan answer. The answer's
// first two keys are scan_id and result, then reason (a string or null):
// found there in an object that ends as one, the two are read without
// decoding the rest; otherwise the answer is decoded whole, and a garbled
// one is an error.
func verdictOf(body []byte) (verdict, error) {
	if v, ok := quickVerdict(body); ok {
		return v, nil
	}
	var a scanAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return verdict{}, err
	}
	if a.Result == "" {
		return verdict{}, fmt.Errorf("answer without a result")
	}
	return verdict{result: a.Result, reason: a.reason()}, nil
}

// plainWord: results and reasons are words of a-z and _ (api/openapi.yaml);
// anything else (an escape, another alphabet) is left to the decoder.
func plainWord(b []byte) bool {
	for _, c := range b {
		if (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return len(b) > 0
}

func quickVerdict(body []byte) (verdict, bool) {
	const result, reason = `","result":"`, `","reason":`
	i := bytes.Index(body, []byte(result))
	if !bytes.HasPrefix(body, []byte(`{"scan_id":"`)) || !bytes.HasSuffix(bytes.TrimSpace(body), []byte("}")) || i < 0 {
		return verdict{}, false
	}
	rest := body[i+len(result):]
	j := bytes.IndexByte(rest, '"')
	if j <= 0 || !plainWord(rest[:j]) {
		return verdict{}, false
	}
	v := verdict{result: string(rest[:j])}
	rest = rest[j:]
	switch {
	case bytes.HasPrefix(rest, []byte(reason+"null")):
	case bytes.HasPrefix(rest, []byte(reason+`"`)):
		rest = rest[len(reason)+1:]
		k := bytes.IndexByte(rest, '"')
		if k <= 0 || !plainWord(rest[:k]) {
			return verdict{}, false
		}
		v.reason = string(rest[:k])
	default:
		return verdict{}, false
	}
	return v, true
}

// garbageCode looks like a badge code (upper-case base32, typical length)
// but carries no valid signature.
func garbageCode(rng *rand.Rand) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, 60+rng.IntN(60))
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// appendJSONString appends s as a JSON string; the load tool's values
// (badge codes, checkpoint codes, device names) are plain ASCII, anything
// else goes through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendUUID appends a random (version 4) UUID drawn from rng: a scan_id
// per scan without a system call per scan.
func appendUUID(b []byte, rng *rand.Rand) []byte {
	var u [16]byte
	binary.LittleEndian.PutUint64(u[:8], rng.Uint64())
	binary.LittleEndian.PutUint64(u[8:], rng.Uint64())
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return append(b, s[:]...)
}

// seed is a ChaCha8 seed from the system's randomness, so that two load
// tools started at once still draw different scan_ids.
func seed() [32]byte {
	var s [32]byte
	_, _ = crand.Read(s[:])
	return s
}
