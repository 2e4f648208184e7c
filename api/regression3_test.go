package api_test

import (
	"testing"
)

// R8: a badge PDF that fails to render answers 200 with an empty body.
func TestReviewBadgePDFFailure(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		f := scSetup(t, e, "RV-PDF")
		bd := f.issue(f.aut, person())
		if _, err := e.store.DB().Exec("UPDATE photos SET data = $1", []byte("not an image")); err != nil {
			t.Fatal(err)
		}
		r := e.call("GET", "/v1/events/RV-PDF/badges/"+bd.id+"/badge.pdf", e.admin, nil)
		t.Logf("badge.pdf: %d %q len %d", r.Status, r.Header.Get("Content-Type"), len(r.Body))
		r2 := e.call("POST", "/v1/events/RV-PDF/badges/print", e.admin, nil)
		t.Logf("print: %d %q len %d", r2.Status, r2.Header.Get("Content-Type"), len(r2.Body))
		if r.Status == 200 && len(r.Body) == 0 {
			t.Errorf("failed render answered 200 with an empty body")
		}
	})
}
