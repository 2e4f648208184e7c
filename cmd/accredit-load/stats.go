package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"
)

// percentile is the nearest-rank percentile (p in 0..100) of sorted
// latencies: the smallest value that at least p% of requests did not
// exceed. It never interpolates, so p99 is a latency that really happened.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// merged is the sum of the workers' recorders with latencies sorted.
type merged struct {
	lat      []time.Duration
	byStatus map[string]int
	byResult map[string]int
	byReason map[string]int
	errors   int
}

func merge(recs ...*recorder) merged {
	m := merged{byStatus: map[string]int{}, byResult: map[string]int{}, byReason: map[string]int{}}
	n := 0
	for _, r := range recs {
		n += len(r.lat)
	}
	m.lat = make([]time.Duration, 0, n)
	for _, r := range recs {
		m.lat = append(m.lat, r.lat...)
		addCounts(m.byStatus, r.byStatus)
		addCounts(m.byResult, r.byResult)
		addCounts(m.byReason, r.byReason)
		m.errors += r.errors
	}
	slices.Sort(m.lat)
	return m
}

func addCounts(dst, src map[string]int) {
	for k, v := range src {
		dst[k] += v
	}
}

// summary is one scenario's JSON line. The common fields come first in a
// fixed order, then the scenario's extras in the order they were set.
type summary struct {
	Scenario string
	Event    string
	Requests int
	Errors   int
	Elapsed  time.Duration
	P50      time.Duration
	P95      time.Duration
	P99      time.Duration
	Max      time.Duration
	ByStatus map[string]int
	ByResult map[string]int
	extras   []field
	failures []string
}

type field struct {
	key string
	val any
}

// summarize builds the common part of a line from the merged recorders.
func summarize(scenario, event string, m merged, elapsed time.Duration) *summary {
	s := &summary{Scenario: scenario, Event: event, Requests: len(m.lat), Errors: m.errors, Elapsed: elapsed,
		ByStatus: m.byStatus, ByResult: m.byResult}
	if len(m.lat) > 0 {
		s.P50, s.P95, s.P99 = percentile(m.lat, 50), percentile(m.lat, 95), percentile(m.lat, 99)
		s.Max = m.lat[len(m.lat)-1]
	}
	return s
}

// set adds or replaces a scenario-specific field.
func (s *summary) set(key string, val any) {
	for i := range s.extras {
		if s.extras[i].key == key {
			s.extras[i].val = val
			return
		}
	}
	s.extras = append(s.extras, field{key, val})
}

// fail marks the scenario failed; the tool then exits non-zero.
func (s *summary) fail(format string, args ...any) {
	s.failures = append(s.failures, fmt.Sprintf(format, args...))
}

func (s *summary) ok() bool { return len(s.failures) == 0 }

// checkErrorRate fails a scenario whose share of failed requests is above
// the tolerated rate (0 by default: any error is reported as a failure).
func (s *summary) checkErrorRate(maxRate float64) {
	if s.Requests > 0 && float64(s.Errors)/float64(s.Requests) > maxRate {
		s.fail("%d of %d requests failed", s.Errors, s.Requests)
	}
}

func (s *summary) throughput() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Requests) / s.Elapsed.Seconds()
}

// MarshalJSON writes the fields in a stable, readable order; a map would
// sort them alphabetically and bury "scenario" in the middle.
func (s *summary) MarshalJSON() ([]byte, error) {
	fs := []field{
		{"scenario", s.Scenario},
		{"requests", s.Requests},
		{"errors", s.Errors},
		{"duration_s", round(s.Elapsed.Seconds(), 3)},
		{"throughput_rps", round(s.throughput(), 1)},
		{"p50_ms", ms(s.P50)},
		{"p95_ms", ms(s.P95)},
		{"p99_ms", ms(s.P99)},
		{"max_ms", ms(s.Max)},
		{"by_status", nonNil(s.ByStatus)},
		{"by_result", nonNil(s.ByResult)},
		{"event", s.Event},
	}
	fs = append(fs, s.extras...)
	fs = append(fs, field{"ok", s.ok()})
	if !s.ok() {
		fs = append(fs, field{"failures", s.failures})
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		v, err := json.Marshal(f.val)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.key, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func nonNil(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

func ms(d time.Duration) float64 { return round(float64(d)/float64(time.Millisecond), 3) }

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}
