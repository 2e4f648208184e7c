package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// serveOnce starts serve on a free port and returns its base URL, its
// stderr and a stop function that waits for it to end.
func serveOnce(t *testing.T, env map[string]string) (string, *logSink, func()) {
	t.Helper()
	env["ACCREDIT_ADDR"] = "127.0.0.1:0"
	logs := newLogSink()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, envMap(env), io.Discard, logs) }()
	addr, _ := logs.waitFor(t, "listening", done, msgIs("listening"))["addr"].(string)
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
	t.Cleanup(cancel)
	return "http://" + addr, logs, stop
}

// serveFails runs serve and returns its error, which it must have.
func serveFails(t *testing.T, env map[string]string) error {
	t.Helper()
	env["ACCREDIT_ADDR"] = "127.0.0.1:0"
	err := run(context.Background(), []string{"serve"}, envMap(env), io.Discard, newLogSink())
	if err == nil {
		t.Fatal("serve started")
	}
	return err
}

func me(t *testing.T, base, token string) (int, map[string]any) {
	t.Helper()
	res, body := get(t, base+"/v1/me", token)
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	return res.StatusCode, m
}

// TestBootstrapToken: ACCREDIT_ADMIN_TOKEN is one token named bootstrap
// (README, Configuration); a changed value replaces it and the old value stops working;
// an unset variable leaves it as it is; a revoked value or another
// token's secret is refused rather than brought back.
func TestBootstrapToken(t *testing.T) {
	const first, second = "first-bootstrap-value-0123456789", "second-bootstrap-value-0123456789"
	for dialect, env := range dbEnvs(t) {
		t.Run(dialect, func(t *testing.T) {
			env["ACCREDIT_ADMIN_TOKEN"] = first
			base, logs, stop := serveOnce(t, env)
			if st, m := me(t, base, first); st != 200 || m["name"] != "bootstrap" || m["role"] != "secretariat" {
				t.Fatalf("first value: %d %v", st, m)
			}
			if strings.Contains(logs.text(), "/console/#token=") {
				t.Error("a sign-in link was printed although ACCREDIT_ADMIN_TOKEN is set")
			}
			stop()

			env["ACCREDIT_ADMIN_TOKEN"] = second
			base, _, stop = serveOnce(t, env)
			if st, _ := me(t, base, first); st != 401 {
				t.Errorf("the old value still works after the change: %d", st)
			}
			if st, m := me(t, base, second); st != 200 || m["name"] != "bootstrap" {
				t.Errorf("the new value: %d %v", st, m)
			}
			stop()
			list, _, err := runCmd(t, env, "token", "list")
			if err != nil {
				t.Fatal(err)
			}
			active := 0
			for _, l := range strings.Split(list, "\n") {
				if strings.Contains(l, "bootstrap") && strings.HasSuffix(strings.TrimSpace(l), "-") {
					active++
				}
			}
			if active != 1 {
				t.Errorf("%d active bootstrap tokens, want 1:\n%s", active, list)
			}

			delete(env, "ACCREDIT_ADMIN_TOKEN")
			base, logs, stop = serveOnce(t, env)
			if st, _ := me(t, base, second); st != 200 {
				t.Errorf("unset variable: the bootstrap token stopped working (%d)", st)
			}
			if strings.Contains(logs.text(), "/console/#token=") {
				t.Error("a sign-in link was printed although a secretariat token exists")
			}
			stop()

			env["ACCREDIT_ADMIN_TOKEN"] = first // revoked when it was replaced
			if err := serveFails(t, env); !strings.Contains(err.Error(), "revoked") {
				t.Errorf("a revoked value: %v", err)
			}
			out, _, err := runCmd(t, env, "token", "create", "--role", "secretariat", "--name", "someone")
			if err != nil {
				t.Fatal(err)
			}
			env["ACCREDIT_ADMIN_TOKEN"] = submatch(reTokenSecret, out)
			if err := serveFails(t, env); !strings.Contains(err.Error(), "someone") {
				t.Errorf("another token's secret: %v", err)
			}
		})
	}
}

// TestFirstStartLink: with no usable secretariat token and no
// ACCREDIT_ADMIN_TOKEN, serve makes one and prints, once, a sign-in link
// on the address it bound (README, The first five minutes); when that token is revoked, the next
// start makes another.
func TestFirstStartLink(t *testing.T) {
	link := regexp.MustCompile(`http://([^/\s]+)/console/#token=(\S+)`)
	for dialect, env := range dbEnvs(t) {
		t.Run(dialect, func(t *testing.T) {
			base, logs, stop := serveOnce(t, env)
			m := link.FindStringSubmatch(logs.text())
			if m == nil {
				t.Fatalf("no sign-in link on stderr:\n%s", logs.text())
			}
			if "http://"+m[1] != base {
				t.Errorf("link on %s, serve bound %s", m[1], base)
			}
			if st, who := me(t, base, m[2]); st != 200 || who["role"] != "secretariat" {
				t.Fatalf("the link's token: %d %v", st, who)
			}
			if strings.Count(logs.text(), m[2]) != 1 {
				t.Error("the secret is printed more than once (in a log line too?)")
			}
			stop()

			base, logs, stop = serveOnce(t, env)
			if strings.Contains(logs.text(), "/console/#token=") {
				t.Error("the link was printed again on the second start")
			}
			_, who := me(t, base, m[2])
			stop()

			if _, _, err := runCmd(t, env, "token", "revoke", who["token_id"].(string)); err != nil {
				t.Fatal(err)
			}
			_, logs, stop = serveOnce(t, env)
			if n := link.FindStringSubmatch(logs.text()); n == nil || n[2] == m[2] {
				t.Errorf("no new link once the only secretariat token was revoked:\n%s", logs.text())
			}
			stop()
		})
	}
}

// TestSignInLinkHost: an unspecified listen address is reached on
// loopback.
func TestSignInLinkHost(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"0.0.0.0:8080", "http://127.0.0.1:8080/console/#token=s"},
		{"[::]:8080", "http://[::1]:8080/console/#token=s"},
		{"192.0.2.1:80", "http://192.0.2.1:80/console/#token=s"},
	} {
		a, err := net.ResolveTCPAddr("tcp", c.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := signInLink(a, "s"); got != c.want {
			t.Errorf("%s: %s, want %s", c.addr, got, c.want)
		}
	}
}

// TestDocumentedAdminTokensRefused: every ACCREDIT_ADMIN_TOKEN value
// printed in README.md or docs/*.md, and every value the docs printed
// before, is refused, as are short ones; a long random value is taken.
func TestDocumentedAdminTokensRefused(t *testing.T) {
	files, _ := filepath.Glob("../../docs/*.md")
	files = append(files, "../../README.md")
	value := regexp.MustCompile(`ACCREDIT_ADMIN_TOKEN=["']?([^\s"'` + "`" + `]+)`)
	found := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range value.FindAllStringSubmatch(string(b), -1) {
			if v := m[1]; !strings.HasPrefix(v, "$") { // a variable, or $(a command)
				found[v] = f
			}
		}
	}
	for v, f := range found {
		if _, err := loadConfig(envMap(map[string]string{"ACCREDIT_ADMIN_TOKEN": v})); err == nil {
			t.Errorf("%s prints ACCREDIT_ADMIN_TOKEN=%s, which serve accepts: add it to documentedTokens", f, v)
		}
	}
	for _, v := range append(documentedTokens, "  CHANGE-ME-to-a-long-random-secret ", "only-23-characters-long") {
		if _, err := loadConfig(envMap(map[string]string{"ACCREDIT_ADMIN_TOKEN": v})); err == nil {
			t.Errorf("ACCREDIT_ADMIN_TOKEN=%q is accepted", v)
		}
	}
	if _, err := loadConfig(envMap(map[string]string{"ACCREDIT_ADMIN_TOKEN": "Zq3vV0m8yC2kXb7RtN5pLw1sHd9gJf4e"})); err != nil {
		t.Errorf("a long random value is refused: %v", err)
	}
}

// TestTrustedProxiesConfig: ACCREDIT_TRUSTED_PROXIES takes addresses and
// CIDR ranges and refuses anything else.
func TestTrustedProxiesConfig(t *testing.T) {
	c, err := loadConfig(envMap(map[string]string{"ACCREDIT_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16,::1"}))
	if err != nil || len(c.TrustedProxies) != 3 {
		t.Fatalf("%v %v", c.TrustedProxies, err)
	}
	if _, err := loadConfig(envMap(map[string]string{"ACCREDIT_TRUSTED_PROXIES": "proxy.example.org"})); err == nil {
		t.Error("a host name is taken as a trusted proxy")
	}
}
