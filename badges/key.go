package badges

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
)

// pemType is what x509.MarshalPKCS8PrivateKey output is conventionally
// wrapped in, so `openssl pkey -in key.pem` can inspect the file.
const pemType = "PRIVATE KEY"

// LoadKey reads an Ed25519 private key from a PEM "PRIVATE KEY" (PKCS#8)
// file. A key file readable by group or others is used anyway, because
// refusing would take every entrance down over a chmod, but it is logged as
// a warning: anyone who reads it can forge badges.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("badges: read signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != pemType {
		return nil, fmt.Errorf("badges: signing key %s: no PEM %q block", path, pemType)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("badges: signing key %s: %w", path, err)
	}
	priv, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("badges: signing key %s: %T is not an Ed25519 key", path, key)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			slog.Warn("badge signing key is readable by group or others; chmod 600 it",
				"path", path, "mode", fi.Mode().Perm().String())
		}
	}
	return priv, nil
}

// LoadOrCreateKey loads the key at path, or, if there is no file there,
// generates one and stores it (parent directory created 0700, file 0600).
// created reports the latter so the caller can log it.
//
// Only a missing file leads to a new key: an unreadable or corrupt file is an
// error, because silently replacing the key would invalidate every badge
// already printed. Two processes starting together on an empty data
// directory end up with the same key: the file appears atomically (written
// to a temporary file, then hard-linked into place, which fails rather than
// overwrites if the other process won) and the loser loads the winner's key.
func LoadOrCreateKey(path string) (priv ed25519.PrivateKey, created bool, err error) {
	priv, err = LoadKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return priv, false, err
	}

	_, priv, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("badges: generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, false, fmt.Errorf("badges: encode signing key: %w", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: pemType, Bytes: der})

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("badges: create key directory: %w", err)
	}
	// CreateTemp opens with O_EXCL and mode 0600, so the key is never
	// readable by others, not even for a moment.
	tmp, err := os.CreateTemp(dir, ".signing-key-*.tmp")
	if err != nil {
		return nil, false, fmt.Errorf("badges: create signing key: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // no-op once linked or renamed away
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("badges: write signing key: %w", err)
	}
	// Sync before the key becomes visible: after a crash the file must hold
	// the key we signed with, not zero bytes.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("badges: write signing key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, false, fmt.Errorf("badges: write signing key: %w", err)
	}

	switch err := os.Link(tmpName, path); {
	case err == nil:
	case errors.Is(err, fs.ErrExist):
		// Another process created the key first; use theirs.
		priv, err := LoadKey(path)
		return priv, false, err
	default:
		// Some file systems cannot hard-link; a rename is still atomic, it
		// just cannot refuse to overwrite.
		if err := os.Rename(tmpName, path); err != nil {
			return nil, false, fmt.Errorf("badges: store signing key: %w", err)
		}
	}
	syncDir(dir)
	return priv, true, nil
}

// syncDir makes the new directory entry durable. Failure is ignored: some
// platforms cannot fsync a directory, and the key file itself is synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
