package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	lat := make([]time.Duration, 100)
	for i := range lat {
		lat[i] = time.Duration(i+1) * time.Millisecond // 1..100 ms
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{
		{0, 1 * time.Millisecond},
		{1, 1 * time.Millisecond},
		{50, 50 * time.Millisecond},
		{95, 95 * time.Millisecond},
		{99, 99 * time.Millisecond},
		{99.5, 100 * time.Millisecond},
		{100, 100 * time.Millisecond},
	} {
		if got := percentile(lat, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
}

func TestPercentileSmallSamples(t *testing.T) {
	if got := percentile(nil, 99); got != 0 {
		t.Errorf("empty: %v, want 0", got)
	}
	one := []time.Duration{7 * time.Millisecond}
	for _, p := range []float64{0, 50, 99, 100} {
		if got := percentile(one, p); got != 7*time.Millisecond {
			t.Errorf("one sample, p%v = %v", p, got)
		}
	}
	// With 10 samples p99 is the largest, never beyond the slice.
	ten := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if got := percentile(ten, 99); got != 10 {
		t.Errorf("p99 of 10 = %v, want 10", got)
	}
	if got := percentile(ten, 50); got != 5 {
		t.Errorf("p50 of 10 = %v, want 5", got)
	}
}

func TestMergeSortsAndSums(t *testing.T) {
	a, b := newRecorder(4), newRecorder(4)
	a.add(30*time.Millisecond, 200, "ok", true)
	a.add(10*time.Millisecond, 409, "quota_exceeded", true)
	b.add(20*time.Millisecond, 0, "transport_error", false)
	b.byReason["revoked"]++
	m := merge(a, b)
	if len(m.lat) != 3 || m.lat[0] != 10*time.Millisecond || m.lat[2] != 30*time.Millisecond {
		t.Fatalf("latencies not merged and sorted: %v", m.lat)
	}
	if m.errors != 1 || m.byStatus["200"] != 1 || m.byStatus["409"] != 1 || m.byStatus["transport_error"] != 1 {
		t.Errorf("counts: errors %d, by status %v", m.errors, m.byStatus)
	}
	if m.byReason["revoked"] != 1 || m.byResult["quota_exceeded"] != 1 {
		t.Errorf("by reason %v, by result %v", m.byReason, m.byResult)
	}
}

func TestSummaryLine(t *testing.T) {
	r := newRecorder(2)
	r.add(2*time.Millisecond, 200, "ok", true)
	r.add(4*time.Millisecond, 500, "internal", false)
	s := summarize("scan", "LOAD-1", merge(r), 2*time.Second)
	s.set("scans_per_s", 1.0)
	s.set("scans_per_s", 2.0) // replaced, not repeated
	s.checkErrorRate(0)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	line := string(b)
	if !strings.HasPrefix(line, `{"scenario":"scan","requests":2,"errors":1,"duration_s":2,"throughput_rps":1,`) {
		t.Errorf("common fields not first, in order: %s", line)
	}
	if strings.Count(line, "scans_per_s") != 1 || !strings.Contains(line, `"scans_per_s":2`) {
		t.Errorf("extra field: %s", line)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("not JSON: %v: %s", err, line)
	}
	if got["ok"] != false || got["p99_ms"] != 4.0 || got["failures"] == nil {
		t.Errorf("ok/p99/failures: %s", line)
	}
}

func TestPageCounterAcrossWrites(t *testing.T) {
	pdf := "%PDF-1.3\n<</Type /Pages\n/Kids\n" + strings.Repeat("1 0 obj\n<</Type /Page\n/Parent 1 0 R>>\n", 5)
	for _, chunk := range []int{1, 3, 7, 13, len(pdf)} {
		p := &pageCounter{}
		for i := 0; i < len(pdf); i += chunk {
			_, _ = p.Write([]byte(pdf[i:min(i+chunk, len(pdf))]))
		}
		if p.pages != 5 {
			t.Errorf("chunks of %d: %d pages, want 5", chunk, p.pages)
		}
	}
}
