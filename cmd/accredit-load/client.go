package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// client is the one HTTP client every worker shares. Its Transport keeps up
// to -concurrency idle keep-alive connections to the one server, so that the
// load measures the server and not TCP handshakes.
type client struct {
	base  string
	token string
	hc    *http.Client
	slow  *http.Client // same pool, longer timeout: a batch PDF of 1,000 badges takes a while
	tr    *http.Transport
	errs  *errorSampler
}

func newClient(base, token string, concurrency int, timeout time.Duration, log io.Writer) *client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: loopbackOnly}
	tr := &http.Transport{
		Proxy:               nil, // never through a proxy: the load goes straight to the loopback server
		DialContext:         dialer.DialContext,
		MaxIdleConns:        2 * concurrency,
		MaxIdleConnsPerHost: concurrency,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true, // measure the server's work, not gzip
	}
	// Redirects are not followed: the API never redirects, and following
	// one could leave the loopback host.
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &client{base: base, token: token, tr: tr, errs: &errorSampler{w: log, max: 8},
		hc:   &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: noRedirect},
		slow: &http.Client{Transport: tr, Timeout: max(timeout, 5*time.Minute), CheckRedirect: noRedirect}}
}

func (c *client) close() { c.tr.CloseIdleConnections() }

// req is one request. token overrides the client's (secretariat) token;
// noAuth sends none (for /metrics).
type req struct {
	method, path string
	token        string
	noAuth       bool
	ctype        string
	body         []byte
	idemKey      string
	slow         bool
}

type resp struct {
	status int
	ctype  string
	body   []byte
}

// send performs r and reads the whole body; the duration is time to the
// last byte, what a user waits for.
func (c *client) send(ctx context.Context, r req) (resp, time.Duration, error) {
	hr, err := c.newRequest(ctx, r)
	if err != nil {
		return resp{}, 0, err
	}
	start := time.Now()
	res, err := c.clientFor(r).Do(hr)
	if err != nil {
		return resp{}, time.Since(start), err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	d := time.Since(start)
	if err != nil {
		return resp{}, d, err
	}
	return resp{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), body: b}, d, nil
}

func (c *client) newRequest(ctx context.Context, r req) (*http.Request, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	hr, err := http.NewRequestWithContext(ctx, r.method, c.base+r.path, body)
	if err != nil {
		return nil, err
	}
	if !r.noAuth {
		tok := r.token
		if tok == "" {
			tok = c.token
		}
		hr.Header.Set("Authorization", "Bearer "+tok)
	}
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	if r.idemKey != "" {
		hr.Header.Set("Idempotency-Key", r.idemKey)
	}
	return hr, nil
}

func (c *client) clientFor(r req) *http.Client {
	if r.slow {
		return c.slow
	}
	return c.hc
}

// jsonReq builds a JSON request; in == nil sends no body.
func jsonReq(method, path string, in any) req {
	r := req{method: method, path: path}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			panic(err) // only our own types are marshalled
		}
		r.body, r.ctype = b, "application/json"
	}
	return r
}

// apiError describes an answer the tool did not expect, precisely enough
// to report a server problem: request, status, problem code and detail.
type apiError struct {
	method, path string
	status       int
	body         string
	err          error
}

func (e *apiError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%s %s: %v", e.method, e.path, e.err)
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.method, e.path, e.status, e.body)
}

func newAPIError(r req, res resp, err error) *apiError {
	b := strings.TrimSpace(string(res.body))
	if len(b) > 400 {
		b = b[:400] + "…"
	}
	return &apiError{method: r.method, path: r.path, status: res.status, body: b, err: err}
}

// call is for setup requests, whose latency is not measured: it sends a
// JSON request and decodes a JSON answer, failing on any status not in want.
func (c *client) call(ctx context.Context, method, path string, in, out any, want ...int) error {
	return c.callReq(ctx, jsonReq(method, path, in), out, want...)
}

func (c *client) callReq(ctx context.Context, r req, out any, want ...int) error {
	res, _, err := c.send(ctx, r)
	if err != nil {
		return newAPIError(r, res, err)
	}
	if !statusIn(res.status, want) {
		return newAPIError(r, res, nil)
	}
	if out != nil {
		if err := json.Unmarshal(res.body, out); err != nil {
			return newAPIError(r, res, fmt.Errorf("decoding the answer: %w", err))
		}
	}
	return nil
}

func statusIn(s int, want []int) bool {
	for _, w := range want {
		if s == w {
			return true
		}
	}
	return false
}

// recorder is one worker's private tally. Workers never share one, so a
// request costs an append and a few map increments, no lock; the tallies
// are merged once at the end.
type recorder struct {
	lat      []time.Duration
	byStatus map[string]int
	byResult map[string]int
	byReason map[string]int
	errors   int
}

// newRecorder preallocates room for capHint latencies, so that appending
// does not reallocate during the measured run in the common case.
func newRecorder(capHint int) *recorder {
	return &recorder{lat: make([]time.Duration, 0, capHint), byStatus: map[string]int{},
		byResult: map[string]int{}, byReason: map[string]int{}}
}

// add records one request: status 0 means it never got an answer.
func (r *recorder) add(d time.Duration, status int, result string, ok bool) {
	r.lat = append(r.lat, d)
	if status == 0 {
		r.byStatus["transport_error"]++
	} else {
		r.byStatus[strconv.Itoa(status)]++
	}
	if result != "" {
		r.byResult[result]++
	}
	if !ok {
		r.errors++
	}
}

// do sends r, records it, and tells whether the status was one of want.
// by_result gets "ok" for a wanted 2xx, else the problem code.
func (r *recorder) do(ctx context.Context, c *client, rq req, want ...int) (resp, bool) {
	res, d, err := c.send(ctx, rq)
	if err != nil && ctx.Err() != nil {
		return res, false // stopped on purpose (Ctrl-C): not the server's fault
	}
	return r.record(c, rq, res, d, err, want...)
}

// record counts one answer (or transport error) to rq that took d.
func (r *recorder) record(c *client, rq req, res resp, d time.Duration, err error, want ...int) (resp, bool) {
	if err != nil {
		r.add(d, 0, "transport_error", false)
		c.errs.note(newAPIError(rq, res, err))
		return res, false
	}
	ok := statusIn(res.status, want)
	r.add(d, res.status, resultOf(res), ok)
	if !ok {
		c.errs.note(newAPIError(rq, res, nil))
	}
	return res, ok
}

// resultOf classifies an answer: "ok" for 2xx, the problem code otherwise.
func resultOf(res resp) string {
	if res.status >= 200 && res.status < 300 {
		return "ok"
	}
	var p struct {
		Code string `json:"code"`
	}
	if json.Unmarshal(res.body, &p) == nil && p.Code != "" {
		return p.Code
	}
	return "http_" + strconv.Itoa(res.status)
}

// errorSampler prints the first few unexpected answers to stderr: enough to
// diagnose a server problem without drowning the output. Errors are rare,
// so a lock here costs nothing on the hot path.
type errorSampler struct {
	mu  sync.Mutex
	w   io.Writer
	n   int
	max int
}

func (s *errorSampler) note(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	if s.n <= s.max {
		fmt.Fprintf(s.w, "[error sample %d] %v\n", s.n, err)
	}
}

// runWorkers starts n workers, each with its own recorder, and waits for
// all of them.
func runWorkers(n, capHint int, work func(w int, rec *recorder)) []*recorder {
	recs := make([]*recorder, n)
	var wg sync.WaitGroup
	for w := range n {
		recs[w] = newRecorder(capHint)
		wg.Go(func() { work(w, recs[w]) })
	}
	wg.Wait()
	return recs
}

// newUUID is a random (version 4) UUID, for scan ids and idempotency keys.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// capHint estimates how many requests one worker makes in d, for
// preallocating its latency slice (it still grows if the guess is low).
func capHint(d time.Duration, workers int) int {
	n := int(d.Seconds()*20000) / max(workers, 1)
	return min(max(n, 256), 1<<20)
}
