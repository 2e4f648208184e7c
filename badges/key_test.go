package badges

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

func TestLoadOrCreateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "keys")
	path := filepath.Join(dir, "signing-key.pem")

	priv, created, err := LoadOrCreateKey(path)
	if err != nil || !created || len(priv) != 64 {
		t.Fatalf("first call: created=%v err=%v", created, err)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(path)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
		}
		di, _ := os.Stat(dir)
		if di.Mode().Perm() != 0o700 {
			t.Errorf("key dir mode %v, want 0700", di.Mode().Perm())
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}

	again, created, err := LoadOrCreateKey(path)
	if err != nil || created || !again.Equal(priv) {
		t.Fatalf("second call: created=%v err=%v same=%v", created, err, again.Equal(priv))
	}
	loaded, err := LoadKey(path)
	if err != nil || !loaded.Equal(priv) {
		t.Fatalf("LoadKey: %v", err)
	}
	// The file is standard PKCS#8 PEM.
	data, _ := os.ReadFile(path)
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("not a PEM PRIVATE KEY:\n%s", data)
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		t.Fatal(err)
	}

	// Too-open permissions only warn.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKey(path); err != nil {
		t.Fatalf("group-readable key refused: %v", err)
	}
}

func TestLoadKeyRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	files := map[string][]byte{
		"empty":     nil,
		"garbage":   []byte("not a key\n"),
		"wrong pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ecDER}),
		"bad der":   pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}),
		"ecdsa":     pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}),
	}
	for name, data := range files {
		path := filepath.Join(dir, name+".pem")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadKey(path); err == nil {
			t.Errorf("%s: loaded", name)
		}
		// A bad file is never silently replaced by a new key.
		if _, created, err := LoadOrCreateKey(path); err == nil || created {
			t.Errorf("%s: LoadOrCreateKey created=%v err=%v", name, created, err)
		}
		if now, _ := os.ReadFile(path); string(now) != string(data) {
			t.Errorf("%s: file was overwritten", name)
		}
	}
	if _, err := LoadKey(filepath.Join(dir, "missing.pem")); err == nil {
		t.Error("missing file loaded")
	}
}

// Several processes starting on an empty data directory must agree on one
// key, or badges signed by the losers would fail verification later.
func TestLoadOrCreateKeyConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", "signing-key.pem")
	const n = 8
	keys := make([]ed25519.PrivateKey, n)
	createdCount := 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			priv, created, err := LoadOrCreateKey(path)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			keys[i] = priv
			if created {
				createdCount++
			}
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if createdCount != 1 {
		t.Errorf("%d callers think they created the key", createdCount)
	}
	onDisk, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		if !onDisk.Equal(k) {
			t.Errorf("caller %d holds a key that is not on disk", i)
		}
	}
}
