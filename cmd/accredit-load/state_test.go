package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	in := &state{Version: stateVersion, URL: "http://127.0.0.1:8080", Event: "LOAD-ABCD1234",
		CreatedAt: time.Date(2030, 6, 10, 8, 0, 0, 0, time.UTC),
		Badges: []badgeRef{{ID: "b1", NominationID: "n1", Code: "AAAA", Category: "head_of_delegation"},
			{ID: "b2", NominationID: "n2", Code: "BBBB", Category: "delegate"}},
		Revoked: []badgeRef{{ID: "b3", NominationID: "n3", Code: "CCCC", Category: "adviser"}}}
	if err := saveState(path, in); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600: badge codes are entry credentials", fi.Mode().Perm())
	}
	out, err := loadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip:\n in  %+v\n out %+v", in, out)
	}
	// Overwriting leaves no temporary files behind.
	if err := saveState(path, in); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("%d files in the directory, want 1", len(ents))
	}
}

func TestLoadStateRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := loadState(filepath.Join(dir, "missing.json")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
	for name, body := range map[string]string{
		"garbage.json": "not json",
		"version.json": `{"version": 99, "event": "LOAD-X"}`,
		"noevent.json": `{"version": 1}`,
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := loadState(p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
