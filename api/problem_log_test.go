package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/osce/accredit/api"
	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
	"github.com/osce/accredit/storage/storagetest"
)

// TestProblemLogsToTheServersLogger: an error the client cannot see the
// cause of (500, 503) is logged, with the request id, through the logger
// the server was given, not the process-wide default.
func TestProblemLogsToTheServersLogger(t *testing.T) {
	t.Parallel()
	for _, d := range storagetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			store, err := storage.Open(storage.Config{URL: storagetest.Migrated(t, d)})
			if err != nil {
				t.Fatal(err)
			}
			svc := domain.NewService(store)
			const token = "problem-log-token-0123456789abcdef"
			if err := svc.EnsureToken(context.Background(), "admin", token); err != nil {
				t.Fatal(err)
			}
			logs := &syncBuffer{}
			srv := httptest.NewServer(api.New(svc, api.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))}).Handler())
			t.Cleanup(srv.Close)
			checkContract(t, srv)
			store.Close() // every query now fails
			e := &env{t: t, srv: srv}
			r := e.call("GET", "/v1/me", token, nil, "X-Request-ID", "problem-log-1")
			if r.Status != 500 && r.Status != 503 {
				t.Fatalf("status %d on a closed database, want 500 or 503: %s", r.Status, r.Body)
			}
			var found bool
			for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				var l map[string]any
				if err := json.Unmarshal([]byte(line), &l); err != nil {
					t.Fatalf("log line %q: %v", line, err)
				}
				if (l["msg"] == "internal error" || l["msg"] == "database unavailable") && l["request_id"] == "problem-log-1" && l["err"] != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem logged with the request id through the server's logger:\n%s", logs)
			}
		})
	}
}
