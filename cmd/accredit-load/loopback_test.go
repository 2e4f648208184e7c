package main

import (
	"strings"
	"testing"
)

func TestLoopbackBase(t *testing.T) {
	ok := map[string]string{
		"http://127.0.0.1:8080":       "http://127.0.0.1:8080",
		"http://127.0.0.1:8080/":      "http://127.0.0.1:8080",
		"http://127.1.2.3:9000":       "http://127.1.2.3:9000",
		"http://localhost:8080":       "http://localhost:8080",
		"http://LOCALHOST":            "http://LOCALHOST",
		"http://[::1]:8080":           "http://[::1]:8080",
		"https://127.0.0.1/accredit/": "https://127.0.0.1/accredit",
	}
	for in, want := range ok {
		got, err := loopbackBase(in)
		if err != nil || got != want {
			t.Errorf("loopbackBase(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"http://10.0.0.1:8080",
		"http://192.168.1.5",
		"http://0.0.0.0:8080",
		"http://[::]:8080",
		"http://example.org",
		"http://localhost.example.org",
		"http://127.0.0.1.nip.io",
		"http://[::ffff:10.0.0.1]",
		"ftp://127.0.0.1",
		"127.0.0.1:8080",
		"http://user:pw@127.0.0.1",
		"http://",
		"",
	} {
		if got, err := loopbackBase(in); err == nil {
			t.Errorf("loopbackBase(%q) = %q, want an error", in, got)
		}
	}
}

func TestLoopbackOnlyDialControl(t *testing.T) {
	for _, a := range []string{"127.0.0.1:8080", "[::1]:8080", "127.9.9.9:1"} {
		if err := loopbackOnly("tcp", a, nil); err != nil {
			t.Errorf("%s refused: %v", a, err)
		}
	}
	for _, a := range []string{"10.1.1.1:80", "[2001:db8::1]:443", "0.0.0.0:8080"} {
		if err := loopbackOnly("tcp", a, nil); err == nil || !strings.Contains(err.Error(), "non-loopback") {
			t.Errorf("%s allowed (err %v)", a, err)
		}
	}
}

func TestParseFlagsRefusesRemoteURL(t *testing.T) {
	var sb strings.Builder
	_, err := parseFlags([]string{"-url", "http://10.0.0.1:8080", "-token", "x"}, &sb)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("err = %v, want a loopback refusal", err)
	}
	cfg, err := parseFlags([]string{"-token", "x", "-scenario", "scan"}, &sb)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.eventGiven || !strings.HasPrefix(cfg.event, "LOAD-") || !validEventCode(cfg.event) {
		t.Errorf("default event %q (given %v)", cfg.event, cfg.eventGiven)
	}
	if _, err := parseFlags([]string{"-token", "x", "-event", "lower-case"}, &sb); err == nil {
		t.Error("an invalid -event was accepted")
	}
}
