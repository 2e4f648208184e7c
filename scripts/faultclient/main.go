// Command faultclient is the client of scripts/faults.sh: it keeps
// scanning badges or submitting nominations while the script kills
// servers and restarts the database, writes every write the server
// acknowledged to a file, and afterwards checks each of them against what
// the server has recorded.
//
//	faultclient setup  -url U -token T -state F [-badges 200]
//	faultclient scan   -urls U1,U2 -token T -state F -ack A -duration 20s [-clients 32]
//	faultclient submit -urls U1,U2 -token T -state F -ack A -duration 20s [-clients 32]
//	faultclient check  -url U -token T -state F -ack A -run NAME
//
// Like a door's scanner, a client that gets no answer, or 503, or 409 for
// an Idempotency-Key still in flight, sends the same scan_id or the same
// key and body again (to the next server, as a load balancer would) until
// it has an answer. check prints one line per run: acknowledged, present,
// missing, duplicates, outage seconds (the longest time no request got an
// answer), recovery seconds (from the moment the script saw the restarted
// server or database ready to the end of that outage), and exits 1 if an
// acknowledged write is missing or doubled, or a write was refused,
// answered differently when resent, or never answered at all. A doubled
// scan is a scan_id recorded twice; a doubled nomination is a second
// nomination of one request's person (one email per request). It talks to
// loopback addresses only.
package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

type config struct {
	urls            []string
	token           string
	state, ack, run string
	badges, clients int
	duration        time.Duration
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: faultclient setup|scan|submit|check [flags]")
		os.Exit(2)
	}
	cfg, err := parse(os.Args[1], os.Args[2:])
	if err == nil {
		c := &client{cfg: cfg, hc: &http.Client{Timeout: 10 * time.Second}}
		switch os.Args[1] {
		case "setup":
			err = c.setup()
		case "scan", "submit":
			err = c.load(os.Args[1])
		case "check":
			var ok bool
			if ok, err = c.check(); err == nil && !ok {
				os.Exit(1)
			}
		default:
			err = fmt.Errorf("unknown mode %q", os.Args[1])
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "faultclient:", err)
		os.Exit(2)
	}
}

func parse(mode string, args []string) (config, error) {
	var cfg config
	var urls string
	fs := flag.NewFlagSet(mode, flag.ContinueOnError)
	fs.StringVar(&urls, "urls", "", "servers, comma-separated (scan, submit)")
	fs.StringVar(&urls, "url", "", "server (setup, check)")
	fs.StringVar(&cfg.token, "token", os.Getenv("ACCREDIT_FAULTS_TOKEN"), "secretariat token")
	fs.StringVar(&cfg.state, "state", "faults-state.json", "event, badge codes and delegations")
	fs.StringVar(&cfg.ack, "ack", "", "file of acknowledged writes")
	fs.StringVar(&cfg.run, "run", "", "name of the run, for check's line")
	fs.IntVar(&cfg.badges, "badges", 200, "badges to issue (setup)")
	fs.IntVar(&cfg.clients, "clients", 32, "concurrent clients")
	fs.DurationVar(&cfg.duration, "duration", 20*time.Second, "how long to keep sending new writes")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	for _, u := range strings.Split(urls, ",") {
		p, err := url.Parse(strings.TrimRight(u, "/"))
		if err != nil || p.Scheme != "http" {
			return cfg, fmt.Errorf("bad URL %q", u)
		}
		if ip := net.ParseIP(p.Hostname()); p.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return cfg, fmt.Errorf("refusing %q: loopback addresses only", u)
		}
		cfg.urls = append(cfg.urls, p.String())
	}
	if cfg.token == "" {
		return cfg, errors.New("-token or ACCREDIT_FAULTS_TOKEN is needed")
	}
	return cfg, nil
}

type client struct {
	cfg config
	hc  *http.Client
}

// state is what setup leaves for the other modes.
type state struct {
	Event       string   `json:"event"`
	Badges      []string `json:"badges"`
	Delegations []string `json:"delegations"`
}

// answer is one HTTP answer; status 0 means none came.
type answer struct {
	status int
	body   []byte
}

func (c *client) do(base, method, path string, body any, key string) answer {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return answer{}
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return answer{}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}
	}
	return answer{status: res.StatusCode, body: b}
}

// must is do for setup: anything but want is fatal.
func (c *client) must(want int, method, path string, body any) map[string]any {
	a := c.do(c.cfg.urls[0], method, path, body, "")
	if a.status != want {
		fmt.Fprintf(os.Stderr, "faultclient: %s %s: %d %s\n", method, path, a.status, a.body)
		os.Exit(2)
	}
	var m map[string]any
	_ = json.Unmarshal(a.body, &m)
	return m
}

func uuid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// setup creates an open event without quotas, a checkpoint and -badges
// approved in-person delegates with photos.
func (c *client) setup() error {
	code := "FAULTS-" + strings.ToUpper(uuid()[:8])
	c.must(201, "POST", "/v1/events", map[string]any{"code": code, "title": "Fault runs", "venue": "Hofburg, Vienna",
		"timezone": "Europe/Vienna", "starts_on": "2020-01-01", "ends_on": "2039-12-31", "format": "hybrid", "status": "open",
		"invited_kinds": []string{"participating_state"}, "badges_valid_from": "2020-01-01T00:00:00Z",
		"badges_valid_until": "2040-01-01T00:00:00Z"})
	c.must(201, "POST", "/v1/events/"+code+"/checkpoints", map[string]any{"code": "MAIN", "name": "Main", "direction": "both"})
	var ds struct {
		Items []struct{ Code, Kind string } `json:"items"`
	}
	b, _ := json.Marshal(c.must(200, "GET", "/v1/delegations?limit=500", nil))
	_ = json.Unmarshal(b, &ds)
	st := state{Event: code}
	for _, d := range ds.Items {
		if d.Kind == "participating_state" {
			st.Delegations = append(st.Delegations, d.Code)
		}
	}
	var photo bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 300, 400))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	_ = jpeg.Encode(&photo, img, nil)
	for i := range c.cfg.badges {
		n := c.must(201, "POST", "/v1/events/"+code+"/nominations", map[string]any{
			"delegation": st.Delegations[i%len(st.Delegations)], "given_name": "Door", "family_name": fmt.Sprintf("Tester-%d", i),
			"gender": "undisclosed", "email": fmt.Sprintf("door.%d.%s@faults.example", i, strings.ToLower(code)),
			"nationality": "AUT", "date_of_birth": "1980-01-01", "category": "delegate", "mode": "in_person",
			"document": map[string]any{"type": "passport", "number": fmt.Sprintf("F%s%d", code[7:], i), "expires_on": "2040-01-01"}})
		id := n["id"].(string)
		req, _ := http.NewRequest("PUT", c.cfg.urls[0]+"/v1/events/"+code+"/nominations/"+id+"/photo", bytes.NewReader(photo.Bytes()))
		req.Header.Set("Authorization", "Bearer "+c.cfg.token)
		req.Header.Set("Content-Type", "image/jpeg")
		res, err := c.hc.Do(req)
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			return fmt.Errorf("photo upload: %d", res.StatusCode)
		}
		badge := c.must(200, "POST", "/v1/events/"+code+"/nominations/"+id+"/approve", nil)["badge"].(map[string]any)
		bv := c.must(200, "GET", "/v1/events/"+code+"/badges/"+badge["id"].(string), nil)
		st.Badges = append(st.Badges, bv["code"].(string))
	}
	out, _ := json.Marshal(st)
	fmt.Printf("set up %s with %d badges\n", code, len(st.Badges))
	return os.WriteFile(c.cfg.state, out, 0o600)
}

func (c *client) readState() (state, error) {
	var st state
	b, err := os.ReadFile(c.cfg.state)
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	return st, err
}

// tally is what a load phase observed.
type tally struct {
	mu         sync.Mutex
	answered   []time.Time // every answer (any status but 0 and 5xx), for the outage
	failures   int         // attempts without an answer, or 5xx, or 409 in flight
	refused    int         // writes given up on: a 4xx the client does not retry
	unanswered int         // writes still without an answer a minute after the load ended
	mismatches int         // resent scan_ids answered differently from the first time
	acks       *bufio.Writer
}

func (t *tally) note(ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ok {
		t.answered = append(t.answered, time.Now())
	} else {
		t.failures++
	}
}

func (t *tally) ack(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintln(t.acks, line)
}

// retryable says the same request should go again: no answer, the
// database unavailable (503) or the server in trouble (5xx), or the
// same Idempotency-Key still in flight.
func retryable(a answer) bool {
	if a.status == 0 || a.status >= 500 {
		return true
	}
	var p struct{ Code string }
	_ = json.Unmarshal(a.body, &p)
	return a.status == 409 && p.Code == "conflict" && bytes.Contains(a.body, []byte("in progress"))
}

// send sends one write until it is answered, starting at server first
// and moving to the next on each failure; it gives up at stop.
func (c *client) send(t *tally, first int, path string, body []byte, key string, want int, stop time.Time) (answer, bool) {
	for i := first; time.Now().Before(stop); i++ {
		a := c.do(c.cfg.urls[i%len(c.cfg.urls)], "POST", path, body, key)
		if retryable(a) {
			t.note(false)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		t.note(true)
		if a.status != want {
			t.mu.Lock()
			t.refused++
			t.mu.Unlock()
			fmt.Fprintf(os.Stderr, "faultclient: %s: %d %s\n", path, a.status, a.body)
			return a, false
		}
		return a, true
	}
	t.mu.Lock()
	t.unanswered++
	t.mu.Unlock()
	return answer{}, false
}

// load keeps -clients clients writing for -duration, then lets the
// unanswered ones retry for up to a minute more.
func (c *client) load(mode string) error {
	st, err := c.readState()
	if err != nil {
		return err
	}
	f, err := os.Create(c.cfg.ack)
	if err != nil {
		return err
	}
	defer f.Close()
	t := &tally{acks: bufio.NewWriter(f)}
	end := time.Now().Add(c.cfg.duration)
	stop := end.Add(time.Minute)
	var wg sync.WaitGroup
	for w := range c.cfg.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if mode == "scan" {
				c.scanner(t, st, w, end, stop)
			} else {
				c.submitter(t, st, w, end, stop)
			}
		}()
	}
	wg.Wait()
	if err := t.acks.Flush(); err != nil {
		return err
	}
	gap, back := outage(t.answered)
	sum := map[string]any{"failed_attempts": t.failures, "refused": t.refused, "unanswered": t.unanswered,
		"mismatches": t.mismatches, "outage_s": gap, "back_at": back.UnixNano()}
	b, _ := json.Marshal(sum)
	return os.WriteFile(c.cfg.ack+".summary", b, 0o600)
}

// recovery is how long after the moment in the file ready (Unix
// nanoseconds, written by the script once the restarted server or
// database answered its own probe) the outage ended, 0 if clients had
// answers before the probe did; -1 when there is no such file.
func recovery(ready string, back int64) float64 {
	r, err := os.ReadFile(ready)
	if err != nil {
		return -1
	}
	var at int64
	if _, err := fmt.Sscan(string(r), &at); err != nil {
		return -1
	}
	return float64(max(back-at, 0)/int64(time.Millisecond)) / 1000
}

// outage is the longest time between two answers, in seconds, and the
// moment it ended.
func outage(at []time.Time) (float64, time.Time) {
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	var gap time.Duration
	var back time.Time
	for i := 1; i < len(at); i++ {
		if d := at[i].Sub(at[i-1]); d > gap {
			gap, back = d, at[i]
		}
	}
	return float64(gap.Milliseconds()) / 1000, back
}

// scanner takes its share of the badges in and out of the main door; now
// and then it resends an answered scan_id, which must get the first
// answer again.
func (c *client) scanner(t *tally, st state, w int, end, stop time.Time) {
	path := "/v1/events/" + st.Event + "/scans"
	var mine []string
	for i := w; i < len(st.Badges); i += c.cfg.clients {
		mine = append(mine, st.Badges[i])
	}
	if len(mine) == 0 {
		return
	}
	type sent struct{ body, first []byte }
	var done []sent
	for n := 0; time.Now().Before(end); n++ {
		if n%50 == 49 && len(done) > 0 {
			s := done[len(done)/2]
			if a, ok := c.send(t, w, path, s.body, "", 200, stop); ok && !sameScan(s.first, a.body) {
				t.mu.Lock()
				t.mismatches++
				t.mu.Unlock()
			}
			continue
		}
		dir := []string{"in", "out"}[(n/len(mine))%2]
		id := uuid()
		body, _ := json.Marshal(map[string]string{"code": mine[n%len(mine)], "checkpoint": "MAIN", "direction": dir,
			"scan_id": id, "device": fmt.Sprintf("faults-%d", w)})
		if a, ok := c.send(t, w, path, body, "", 200, stop); ok {
			var r struct{ Result string }
			_ = json.Unmarshal(a.body, &r)
			t.ack("scan " + id + " " + r.Result)
			done = append(done, sent{body, a.body})
		}
	}
}

// sameScan compares what "the first result" means for a resent scan_id.
func sameScan(a, b []byte) bool {
	var x, y map[string]any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

// submitter nominates new online participants, each with an
// Idempotency-Key, resending key and body until it has the answer.
func (c *client) submitter(t *tally, st state, w int, end, stop time.Time) {
	path := "/v1/events/" + st.Event + "/nominations"
	tag := strings.ToLower(uuid()[:8])
	for n := 0; time.Now().Before(end); n++ {
		key := uuid()
		email := fmt.Sprintf("f.%s.%d.%d@faults.example", tag, w, n)
		body, _ := json.Marshal(map[string]any{"delegation": st.Delegations[(w+n)%len(st.Delegations)],
			"given_name": "Fault", "family_name": fmt.Sprintf("Runner-%d-%d", w, n), "gender": "undisclosed",
			"email": email, "category": "observer", "mode": "online"})
		if a, ok := c.send(t, w, path, body, key, 201, stop); ok {
			var r struct{ ID string }
			_ = json.Unmarshal(a.body, &r)
			t.ack("nomination " + key + " " + r.ID + " " + email)
		}
	}
}

// check compares the acknowledged writes with the event's records.
func (c *client) check() (bool, error) {
	st, err := c.readState()
	if err != nil {
		return false, err
	}
	acks, err := os.ReadFile(c.cfg.ack)
	if err != nil {
		return false, err
	}
	var sum map[string]any
	if b, err := os.ReadFile(c.cfg.ack + ".summary"); err == nil {
		_ = json.Unmarshal(b, &sum)
	}
	scanItems, err := c.list("/v1/events/" + st.Event + "/scans")
	if err != nil {
		return false, err
	}
	nomItems, err := c.list("/v1/events/" + st.Event + "/nominations")
	if err != nil {
		return false, err
	}
	scans, noms, emails := count(scanItems, "scan_id"), count(nomItems, "id"), count(nomItems, "email")
	acked, present, missing, dups, kind := 0, 0, 0, 0, ""
	for _, line := range strings.Split(strings.TrimSpace(string(acks)), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		acked++
		kind = f[0]
		n := scans[f[1]]
		if kind == "nomination" {
			n = noms[f[2]]
			if emails[f[3]] > 1 {
				dups++
			}
		} else if n > 1 {
			dups++
		}
		if n > 0 {
			present++
		} else {
			missing++
		}
	}
	rec := "-"
	back, _ := sum["back_at"].(float64)
	if r := recovery(c.cfg.ack+".ready", int64(back)); r >= 0 {
		rec = fmt.Sprint(r)
	}
	fmt.Printf("%-28s %-10s acknowledged=%-6d present=%-6d missing=%d duplicates=%d outage_s=%v recovery_s=%s failed_attempts=%v refused=%v unanswered=%v mismatches=%v\n",
		c.cfg.run, kind, acked, present, missing, dups, sum["outage_s"], rec, sum["failed_attempts"], sum["refused"],
		sum["unanswered"], sum["mismatches"])
	// A write never answered means a key or the server stayed stuck (an
	// Idempotency-Key held by a request that no longer runs would be 409
	// for minutes); a refused or mismatched one, a wrong answer.
	clean := sum["unanswered"] == float64(0) && sum["refused"] == float64(0) && sum["mismatches"] == float64(0)
	return missing == 0 && dups == 0 && acked > 0 && clean, nil
}

// count counts items by the value of a field.
func count(items []map[string]any, field string) map[string]int {
	out := map[string]int{}
	for _, it := range items {
		if v, ok := it[field].(string); ok {
			out[v]++
		}
	}
	return out
}

// list pages through a list route.
func (c *client) list(path string) ([]map[string]any, error) {
	var out []map[string]any
	cursor := ""
	for {
		q := path + "?limit=500"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		a := c.do(c.cfg.urls[0], "GET", q, nil, "")
		if a.status != 200 {
			return nil, fmt.Errorf("GET %s: %d %s", q, a.status, a.body)
		}
		var page struct {
			Items      []map[string]any `json:"items"`
			NextCursor *string          `json:"next_cursor"`
		}
		if err := json.Unmarshal(a.body, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextCursor == nil {
			return out, nil
		}
		cursor = *page.NextCursor
	}
}
