package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// table serves the formats it knows and refuses any other as a
// validation failure, never as a CSV under the wrong name.
func TestTableFormats(t *testing.T) {
	for _, c := range []struct {
		format, status, contentType string
	}{
		{"csv", "200", "text/csv"},
		{"xlsx", "200", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"docx", "422", "application/problem+json"},
		{"", "422", "application/problem+json"},
	} {
		gin.SetMode(gin.TestMode)
		w := httptest.NewRecorder()
		ctx, _ := gin.CreateTestContext(w)
		ctx.Request = httptest.NewRequest("GET", "/", nil)
		(&Server{}).table(ctx, c.format, "t", "T", []string{"a"}, [][]string{{"1"}})
		if got := w.Result().Status; !strings.HasPrefix(got, c.status) {
			t.Errorf("format %q: status %s, want %s", c.format, got, c.status)
		}
		if got := w.Header().Get("Content-Type"); !strings.HasPrefix(got, c.contentType) {
			t.Errorf("format %q: content type %q, want %s", c.format, got, c.contentType)
		}
		if c.status == "422" && !strings.Contains(w.Body.String(), `"field":"format"`) {
			t.Errorf("format %q: body %s names no format field", c.format, w.Body)
		}
	}
}
