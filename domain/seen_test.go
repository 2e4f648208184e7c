package domain

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// touchStore records TouchTokens calls; any other Store method panics.
type touchStore struct {
	Store
	mu    sync.Mutex
	calls [][]string
	fail  bool
}

func (s *touchStore) TouchTokens(_ context.Context, ids []string, _ time.Time, every time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if every != SeenEvery {
		panic("every")
	}
	s.calls = append(s.calls, slices.Clone(ids))
	if s.fail {
		return errors.New("database away")
	}
	return nil
}

func (s *touchStore) written() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// TestSeenWritesOncePerMinute: many uses of a token within a minute cost
// one write; a failed write is tried again at the next use.
func TestSeenWritesOncePerMinute(t *testing.T) {
	st := &touchStore{}
	now := time.Date(2030, 6, 10, 8, 0, 0, 0, time.UTC)
	s := &Service{Store: st, Now: func() time.Time { return now }}
	wait := func() {
		if err := s.WaitSeen(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for range 100 {
		s.Seen("a")
	}
	s.Seen("")
	wait()
	s.Seen("b")
	wait()
	now = now.Add(59 * time.Second)
	s.Seen("a")
	wait()
	if got := st.written(); len(got) != 2 || !slices.Equal(got[0], []string{"a"}) || !slices.Equal(got[1], []string{"b"}) {
		t.Fatalf("writes %v, want [[a] [b]]", got)
	}
	now = now.Add(2 * time.Second)
	st.fail = true
	s.Seen("a")
	wait()
	st.fail = false
	s.Seen("a") // the failed write is forgotten: tried again
	wait()
	if got := st.written(); len(got) != 4 || !slices.Equal(got[3], []string{"a"}) {
		t.Fatalf("writes %v, want a retried after the failure", got)
	}
	// A clock set back (tests, or NTP) does not silence a token.
	now = now.Add(-time.Hour)
	s.Seen("a")
	wait()
	if got := st.written(); len(got) != 5 {
		t.Fatalf("%d writes after the clock went back, want 5", len(got))
	}
}

// BenchmarkSeenNoted is what every request with a token pays once its
// token is noted: a read-locked map look-up and the clock.
func BenchmarkSeenNoted(b *testing.B) {
	s := &Service{Store: &touchStore{}, Now: time.Now}
	s.Seen("t")
	if err := s.WaitSeen(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s.Seen("t")
		}
	})
}
