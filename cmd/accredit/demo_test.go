package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/osce/accredit/storage"
)

var (
	consoleLink = regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/console/#token=(acc_[A-Za-z0-9_-]+)`)
	portalLink  = regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/portal/#token=(acc_[A-Za-z0-9_-]+)`)
	deskLink    = regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/desk/#enrol=([A-Z2-7]{10})\b`)
)

// TestDemo runs `accredit demo` twice on each database: the first run
// prints the console's and the portal's sign-in links and the door
// device's token; the second says the demo is there and changes nothing.
func TestDemo(t *testing.T) {
	for dialect, env := range dbEnvs(t) {
		t.Run(dialect, func(t *testing.T) {
			out, _, err := runCmd(t, env, "demo")
			if err != nil {
				t.Fatalf("demo: %v", err)
			}
			for _, re := range []*regexp.Regexp{consoleLink, portalLink, deskLink} {
				if !re.MatchString(out) {
					t.Errorf("no %s in:\n%s", re, out)
				}
			}
			if m := consoleLink.FindStringSubmatch(out); m == nil || m[1] != "8080" {
				t.Errorf("the links do not use the default address:\n%s", out)
			}
			for _, want := range []string{"DEMO-PEM", "approved", "waitlisted", "revoked", "badges", "inside"} {
				if !strings.Contains(out, want) {
					t.Errorf("the summary does not mention %q:\n%s", want, out)
				}
			}
			before := countRows(t, env)
			again, _, err := runCmd(t, env, "demo")
			if err != nil {
				t.Fatalf("second demo: %v", err)
			}
			if !strings.Contains(again, "already loaded") || !strings.Contains(again, "token create") || consoleLink.MatchString(again) {
				t.Errorf("second run says:\n%s", again)
			}
			if after := countRows(t, env); !maps.Equal(before, after) {
				t.Fatalf("the second run changed the database:\nbefore %v\nafter  %v", before, after)
			}
			if _, _, err := runCmd(t, env, "demo", "now"); err == nil {
				t.Error("demo with an argument did not fail")
			}
		})
	}
}

// countRows counts the rows of every table of env's database.
func countRows(t *testing.T, env map[string]string) map[string]int {
	t.Helper()
	store, err := storage.Open(storage.Config{URL: env["ACCREDIT_DATABASE_URL"], DataDir: env["ACCREDIT_DATA_DIR"]})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if store.Dialect() == storage.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := store.DB().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	counts := map[string]int{}
	for _, name := range tables {
		var n int
		if err := store.DB().QueryRow(fmt.Sprintf(`SELECT count(*) FROM %q`, name)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[name] = n
	}
	if counts["nominations"] == 0 || counts["scans"] == 0 {
		t.Fatalf("the demo left nominations or scans empty: %v", counts)
	}
	return counts
}

// lockedBuffer is a bytes.Buffer that serve's goroutine and the test may
// share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeDemo: `serve --demo` loads the demo, then serves it; its
// printed tokens work against the server.
func TestServeDemo(t *testing.T) {
	env := map[string]string{"ACCREDIT_DATA_DIR": t.TempDir(), "ACCREDIT_ADDR": "127.0.0.1:0"}
	logs, out := newLogSink(), &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--demo"}, envMap(env), out, logs) }()
	addr, _ := logs.waitFor(t, "listening", done, msgIs("listening"))["addr"].(string)
	console, portal, desk := consoleLink.FindStringSubmatch(out.String()), portalLink.FindStringSubmatch(out.String()), deskLink.FindStringSubmatch(out.String())
	if console == nil || portal == nil || desk == nil {
		t.Fatalf("serve --demo printed:\n%s", out)
	}
	status, enrolled := postJSON(t, "http://"+addr+"/v1/enrol", "", map[string]string{"code": desk[2]})
	device, _ := enrolled["token"].(string)
	if status != http.StatusCreated || device == "" || enrolled["event"] != "DEMO-PEM" {
		t.Fatalf("enrolling with the printed code: %d %v", status, enrolled)
	}
	base := "http://" + addr + "/v1/events/DEMO-PEM"
	for _, c := range []struct{ who, token, path, want string }{
		{"console", console[2], "/presence", `"total":`},
		{"door device", device, "/roster", `"display_name":`},
		{"focal point", portal[2], "/quotas", `"delegation":"AUT"`},
	} {
		res, body := get(t, base+c.path, c.token)
		if res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(c.want)) {
			t.Errorf("%s GET %s: %d %s", c.who, c.path, res.StatusCode, body)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after cancel: %v", err)
	}
	if err := run(context.Background(), []string{"serve", "--demo", "--now"}, envMap(env), io.Discard, io.Discard); err == nil {
		t.Error("serve with an unknown argument did not fail")
	}
}

func TestHelpListsDemo(t *testing.T) {
	out, _, err := runCmd(t, nil, "help")
	if err != nil || !strings.Contains(out, "accredit demo") || !strings.Contains(out, "serve [--demo]") {
		t.Fatalf("help: %v\n%s", err, out)
	}
}

func TestDemoBaseURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080", ":9000": "http://127.0.0.1:9000",
		"0.0.0.0:80": "http://127.0.0.1:80", "[::]:8080": "http://127.0.0.1:8080",
		"accredit.example.org:443": "http://accredit.example.org:443", "[::1]:8080": "http://[::1]:8080",
	} {
		if got := demoBaseURL(addr); got != want {
			t.Errorf("demoBaseURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
