package testenv

import (
	"runtime"
	"strings"
	"testing"
)

// outcome records how a fake test ended; the embedded TB is never called.
type outcome struct {
	testing.TB
	ended string // "", "skip" or "fail"
	msg   string
}

func (o *outcome) Helper() {}

func (o *outcome) Skipf(format string, args ...any) { o.end("skip", format) }

func (o *outcome) Fatalf(format string, args ...any) { o.end("fail", format) }

// end stops the fake test's goroutine, as the real Skip and Fatal do.
func (o *outcome) end(how, msg string) {
	o.ended, o.msg = how, msg
	runtime.Goexit()
}

func run(f func(tb testing.TB)) *outcome {
	o := &outcome{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(o)
	}()
	<-done
	return o
}

func TestTool(t *testing.T) {
	t.Setenv("CI", "")
	if got := run(func(tb testing.TB) { Tool(tb, "sh") }); got.ended != "" {
		t.Errorf("sh: ended %q (%s)", got.ended, got.msg)
	}
	got := run(func(tb testing.TB) { Tool(tb, "accredit-no-such-tool") })
	if got.ended != "skip" || !strings.Contains(got.msg, "not installed") {
		t.Errorf("a missing tool outside CI: ended %q (%s), want a skip", got.ended, got.msg)
	}
	t.Setenv("CI", "true")
	if got := run(func(tb testing.TB) { Tool(tb, "accredit-no-such-tool") }); got.ended != "fail" {
		t.Errorf("a missing tool under CI: ended %q, want a failure", got.ended)
	}
}
