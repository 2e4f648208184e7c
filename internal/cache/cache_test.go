package cache

import (
	"testing"
	"time"
)

func TestBoundedStartsAfreshWhenFull(t *testing.T) {
	c := New[string, int](2, 0)
	c.Put("a", 1)
	c.Put("b", 2)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatalf("a = %v, %v", v, ok)
	}
	c.Put("c", 3) // full: emptied, then c
	if _, ok := c.Get("a"); ok || c.Len() != 1 {
		t.Fatalf("not emptied when full: len %d", c.Len())
	}
	if v, ok := c.Get("c"); !ok || v != 3 {
		t.Fatalf("c = %v, %v", v, ok)
	}
	c.Clear()
	if _, ok := c.Get("c"); ok {
		t.Fatal("Clear kept c")
	}
}

func TestBoundedExpires(t *testing.T) {
	c := New[string, int](10, 20*time.Millisecond)
	c.Put("a", 1)
	if _, ok := c.Get("a"); !ok {
		t.Fatal("a missing at once")
	}
	time.Sleep(30 * time.Millisecond)
	if _, ok := c.Get("a"); ok {
		t.Fatal("a served after its TTL")
	}
}
