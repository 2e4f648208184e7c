package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

// TestServeSweepsIdempotencyKeys: serve erases idempotency keys and their
// answers once they are 24 hours old (docs/security.md, Idempotency keys), at start and periodically,
// and keeps younger ones.
func TestServeSweepsIdempotencyKeys(t *testing.T) {
	for dialect, env := range dbEnvs(t) {
		t.Run(dialect, func(t *testing.T) {
			cfg, err := loadConfig(envMap(env))
			if err != nil {
				t.Fatal(err)
			}
			store, err := openStore(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			insert := `INSERT INTO idempotency_keys (scope, key, request_hash, done, status, body, created_at) VALUES (?, ?, 'h', ?, 201, ?, ?)`
			if store.Dialect() == "postgres" {
				insert = `INSERT INTO idempotency_keys (scope, key, request_hash, done, status, body, created_at) VALUES ($1, $2, 'h', $3, 201, $4, $5)`
			}
			now := time.Now().UTC()
			for key, at := range map[string]time.Time{"old": now.Add(-25 * time.Hour), "young": now.Add(-23 * time.Hour)} {
				if _, err := store.DB().Exec(insert, "tok POST /v1/events/X/nominations", key, true, []byte(`{"email":"a@b.c"}`), at); err != nil {
					t.Fatal(err)
				}
			}
			store.Close()

			env["ACCREDIT_ADDR"] = "127.0.0.1:0"
			logs := newLogSink()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- run(ctx, []string{"serve"}, envMap(env), io.Discard, logs) }()
			swept := logs.waitFor(t, "the sweep", done, msgIs("swept idempotency keys"))
			if swept["erased"] != float64(1) {
				t.Fatalf("sweep line %v, want 1 erased", swept)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("serve: %v", err)
			}
			store, err = openStore(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			var keys []string
			rows, err := store.DB().Query(`SELECT key FROM idempotency_keys`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					t.Fatal(err)
				}
				keys = append(keys, k)
			}
			if len(keys) != 1 || keys[0] != "young" {
				t.Fatalf("keys left %v, want [young]", keys)
			}
		})
	}
}
