package main

import (
	"context"
	"crypto/ed25519"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osce/accredit/badges"
	"github.com/osce/accredit/domain"
)

// startAndStop starts serve with env, waits until it listens and stops it
// again; it returns serve's error when serve ends before listening.
func startAndStop(t *testing.T, env map[string]string) error {
	t.Helper()
	env["ACCREDIT_ADDR"] = "127.0.0.1:0"
	logs := newLogSink()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, envMap(env), io.Discard, logs) }()
	for {
		logs.mu.Lock()
		ch := logs.changed
		logs.mu.Unlock()
		if logs.find(msgIs("listening")) != nil {
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("serve after cancel: %v", err)
			}
			return nil
		}
		select {
		case <-ch:
		case err := <-done:
			if err == nil {
				t.Fatal("serve ended without an error before listening")
			}
			return err
		}
	}
}

// kidOf is the published key id of the key in a key file.
func kidOf(t *testing.T, path string) string {
	t.Helper()
	priv, err := badges.LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	return badges.KeyIDString(badges.KeyID(priv.Public().(ed25519.PublicKey)))
}

// issueBadge approves an in-person nomination of a new event, which
// issues a badge valid in 2030.
func issueBadge(t *testing.T, env map[string]string) {
	t.Helper()
	pgSetup(t, env, map[string][2]string{"KEYS-2030": {"2030-06-10", "2030-06-11"}})
	ctx, store := cliStore(t, env)
	defer store.Close()
	noms, _, err := store.ListNominations(ctx, domain.NominationFilter{Event: "KEYS-2030", Page: domain.Page{Limit: 10}})
	if err != nil || len(noms) == 0 {
		t.Fatalf("nominations: %v %v", noms, err)
	}
	if _, err := domain.NewService(store).Approve(ctx, "KEYS-2030", noms[0].ID); err != nil {
		t.Fatal(err)
	}
}

// TestServeRefusesUnknownSigningKey: two hosts on one database with their
// own data directories would each generate a signing key, and the badges
// one prints would be invalid_code at the other. serve records the key it
// signs with and, once valid badges exist, refuses to start without every
// recorded key, naming it and the two ways out.
func TestServeRefusesUnknownSigningKey(t *testing.T) {
	for dialect, env := range dbEnvs(t) {
		t.Run(dialect, func(t *testing.T) {
			keyA := filepath.Join(env["ACCREDIT_DATA_DIR"], "signing.key") // the default
			keyB := filepath.Join(t.TempDir(), "host-b.key")
			if err := startAndStop(t, env); err != nil {
				t.Fatalf("first start (key A): %v", err)
			}
			// Without badges, another key does no harm yet: host B starts.
			env["ACCREDIT_SIGNING_KEY"] = keyB
			if err := startAndStop(t, env); err != nil {
				t.Fatalf("key B on a database without badges: %v", err)
			}
			issueBadge(t, env)

			// Host A again: badges may carry codes signed by B.
			delete(env, "ACCREDIT_SIGNING_KEY")
			err := startAndStop(t, env)
			if err == nil {
				t.Fatal("serve started without key B, which signed badge codes of this database")
			}
			for _, want := range []string{kidOf(t, keyB), "ACCREDIT_SIGNING_KEY", "ACCREDIT_RETIRED_SIGNING_KEYS", "invalid_code"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the refusal does not name %q: %v", want, err)
				}
			}
			if strings.Contains(err.Error(), kidOf(t, keyA)+",") || strings.Contains(err.Error(), "keys ") {
				t.Errorf("the refusal names a key this process holds: %v", err)
			}

			t.Logf("refusal: %v", err)
			// Holding B as a retired key (or signing with it) is enough.
			env["ACCREDIT_RETIRED_SIGNING_KEYS"] = keyB
			if err := startAndStop(t, env); err != nil {
				t.Fatalf("key A with B retired: %v", err)
			}
			delete(env, "ACCREDIT_RETIRED_SIGNING_KEYS")
			env["ACCREDIT_SIGNING_KEY"] = keyB
			if err := startAndStop(t, env); err == nil || !strings.Contains(err.Error(), kidOf(t, keyA)) {
				t.Fatalf("key B alone, after A signed too: %v, want a refusal naming A", err)
			}
		})
	}
}
