package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestPacerOpen: paced requests are due one interval apart from the start,
// however many workers ask, and none is due at or after the deadline.
func TestPacerOpen(t *testing.T) {
	p := newPacer(1000, 20*time.Millisecond)
	var got []time.Time
	for {
		due, ok := p.next(context.Background())
		if !ok {
			break
		}
		if time.Now().Before(due) {
			t.Fatalf("handed out %v before it was due", due)
		}
		got = append(got, due)
	}
	if len(got) != 20 {
		t.Fatalf("%d requests in 20 ms at 1000/s, want 20", len(got))
	}
	for i, due := range got {
		if want := p.start.Add(time.Duration(i) * time.Millisecond); !due.Equal(want) {
			t.Fatalf("request %d due at +%v, want +%v", i, due.Sub(p.start), want.Sub(p.start))
		}
	}
}

// TestPacerClosed: without a rate every request is due now, until the
// deadline or a cancel.
func TestPacerClosed(t *testing.T) {
	p := newPacer(0, time.Hour)
	before := time.Now()
	due, ok := p.next(context.Background())
	if !ok || due.Before(before) || p.open() {
		t.Fatalf("closed pacer: %v %v", due, ok)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := p.next(ctx); ok {
		t.Fatal("a cancelled run goes on")
	}
	if _, ok := newPacer(0, 0).next(context.Background()); ok {
		t.Fatal("a run past its deadline goes on")
	}
}

// TestPacedLatencyCountsFromDue: a paced request that starts late (all
// workers were busy) is charged from when it was due, not from when it was
// sent.
func TestPacedLatencyCountsFromDue(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(201)
	}))
	defer srv.Close()
	c := newClient(srv.URL, "tok", 1, 5*time.Second, io.Discard)
	rec := newRecorder(4)
	open := newPacer(10, time.Second)
	late := time.Now().Add(-2 * time.Second)
	if _, ok := rec.doPaced(context.Background(), open, late, c, req{method: "GET", path: "/x"}, 201); !ok {
		t.Fatalf("paced request failed: %+v", rec)
	}
	closed := newPacer(0, time.Second)
	if _, ok := rec.doPaced(context.Background(), closed, late, c, req{method: "GET", path: "/x"}, 201); !ok {
		t.Fatalf("closed request failed: %+v", rec)
	}
	if rec.lat[0] < 2*time.Second {
		t.Fatalf("open: latency %v does not count the 2 s it waited", rec.lat[0])
	}
	if rec.lat[1] >= 2*time.Second {
		t.Fatalf("closed: latency %v counts from due, not from the send", rec.lat[1])
	}
}

func TestParseFlagsRate(t *testing.T) {
	for _, c := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"-scenario", "submit", "-rate", "1000"}, true},
		{[]string{"-scenario", "all", "-rate", "1000"}, true},
		{[]string{"-scenario", "scan"}, true},
		{[]string{"-scenario", "scan", "-rate", "1000"}, false},
		{[]string{"-scenario", "submit", "-rate", "-1"}, false},
	} {
		var sb strings.Builder
		_, err := parseFlags(append([]string{"-token", "x"}, c.args...), &sb)
		if (err == nil) != c.ok {
			t.Errorf("%v: %v", c.args, err)
		}
	}
}
