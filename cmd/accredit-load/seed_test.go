package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeImport answers the import endpoint the way api/openapi.yaml describes, or
// 405 when disabled, and counts the rows of each real import.
func fakeImport(t *testing.T, enabled bool, chunks *[]int) *httptest.Server {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if !enabled {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		if r.Header.Get("Authorization") != "Bearer tok" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("headers: %v", r.Header)
		}
		b, _ := io.ReadAll(r.Body)
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil || len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(importColumns, ",") {
			t.Errorf("bad CSV (%v): %q", err, b)
		}
		if r.URL.Query().Get("dry_run") == "true" {
			_ = json.NewEncoder(w).Encode(map[string]int{"created": 0, "valid": len(rows) - 1})
			return
		}
		*chunks = append(*chunks, len(rows)-1)
		type item struct {
			ID    string `json:"id"`
			Email string `json:"email"`
		}
		var items []item
		for i := len(rows) - 1; i >= 1; i-- { // another order, another case: ids are matched by email
			items = append(items, item{"id-" + rows[i][8], strings.ToUpper(rows[i][8])})
		}
		out := map[string]any{"created": len(items), "items": items}
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestImportAllChunks(t *testing.T) {
	var chunks []int
	srv := fakeImport(t, true, &chunks)
	e := &env{c: newClient(srv.URL, "tok", 4, 0, io.Discard), log: io.Discard}
	people := make([]nomination, 2*importChunk+7)
	for i := range people {
		people[i] = inPerson(i, "load-test", "AUT", "delegate", "2035-01-01")
	}
	ids := make([]string, len(people))
	rec := newRecorder(4)
	used, err := e.importAll(context.Background(), rec, "LOAD-TEST", people, ids)
	if err != nil || !used {
		t.Fatalf("importAll = %v, %v", used, err)
	}
	if len(chunks) != 3 || chunks[0] != importChunk || chunks[1] != importChunk || chunks[2] != 7 {
		t.Errorf("chunks %v, want [5000 5000 7]", chunks)
	}
	for i, id := range ids {
		if id != "id-"+people[i].Email {
			t.Fatalf("ids[%d] = %q, want the id of %s", i, id, people[i].Email)
		}
	}
}

func TestImportAllFallsBackOn405(t *testing.T) {
	var chunks []int
	srv := fakeImport(t, false, &chunks)
	e := &env{c: newClient(srv.URL, "tok", 4, 0, io.Discard), log: io.Discard}
	ids := make([]string, 3)
	people := []nomination{inPerson(0, "t", "AUT", "delegate", "2035-01-01"),
		inPerson(1, "t", "AUT", "delegate", "2035-01-01"), inPerson(2, "t", "AUT", "delegate", "2035-01-01")}
	used, err := e.importAll(context.Background(), newRecorder(1), "LOAD-TEST", people, ids)
	if err != nil || used {
		t.Fatalf("importAll = %v, %v; want a fallback", used, err)
	}
	if ids[0] != "" || len(chunks) != 0 {
		t.Errorf("ids %v, chunks %v", ids, chunks)
	}
}
