package api

import (
	"strconv"
	"testing"
	"time"
)

// TestLimiterWindow: 20 bad attempts are answered as such, the 21st and
// later ones within the minute are limited, with the rest of the minute
// to wait; the next minute starts afresh; clients do not share counts.
func TestLimiterWindow(t *testing.T) {
	now := time.Date(2030, 6, 10, 8, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now })
	for i := 1; i <= badLimit; i++ {
		if _, limited := l.fail("203.0.113.5"); limited {
			t.Fatalf("bad attempt %d limited", i)
		}
		now = now.Add(time.Second)
	}
	wait, limited := l.fail("203.0.113.5")
	if !limited || wait != badWindow-badLimit*time.Second {
		t.Fatalf("attempt 21: limited %v, wait %v; want limited for %v", limited, wait, badWindow-badLimit*time.Second)
	}
	if _, limited := l.check("203.0.113.5"); !limited {
		t.Fatal("check does not see the limit")
	}
	if _, limited := l.fail("203.0.113.6"); limited {
		t.Fatal("another client is limited too")
	}
	now = now.Add(badWindow - badLimit*time.Second - time.Nanosecond)
	if _, limited := l.check("203.0.113.5"); !limited {
		t.Fatal("the limit ended before the minute passed")
	}
	now = now.Add(time.Nanosecond)
	if _, limited := l.check("203.0.113.5"); limited {
		t.Fatal("still limited once the minute has passed")
	}
	if _, limited := l.fail("203.0.113.5"); limited {
		t.Fatal("the first bad attempt of a new minute is limited")
	}
}

// TestLimiterBounded: a flood of addresses, current or expired, never
// grows the table past its bound.
func TestLimiterBounded(t *testing.T) {
	now := time.Date(2030, 6, 10, 8, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now })
	l.max = 1000
	for range badLimit + 1 {
		l.fail("198.51.100.1")
	}
	now = now.Add(30 * time.Second)
	for i := range 10 * l.max {
		l.fail("2001:db8:" + strconv.Itoa(i%65536) + "::1")
		if len(l.clients) > l.max {
			t.Fatalf("%d entries after %d addresses, bound %d", len(l.clients), i+1, l.max)
		}
	}
	now = now.Add(time.Minute)
	for i := range l.max {
		l.fail("192.0.2." + strconv.Itoa(i%256) + strconv.Itoa(i))
	}
	if len(l.clients) > l.max {
		t.Fatalf("%d entries, bound %d", len(l.clients), l.max)
	}
}
