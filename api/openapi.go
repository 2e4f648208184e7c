package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
)

// openapiYAML is the API reference as written: the source of
// GET /openapi.json, of the tests that hold the server to it, and of the
// linter in .ci/run.
//
//go:embed openapi.yaml
var openapiYAML []byte

// openapiJSON converts the document once, on first use; the embedded file
// is fixed at build time, so a failure is a build mistake that the tests
// catch (TestOpenAPIDocumentIsValid).
var openapiJSON = sync.OnceValues(func() ([]byte, error) {
	j, err := yaml.YAMLToJSON(openapiYAML)
	if err != nil {
		return nil, fmt.Errorf("api/openapi.yaml: %w", err)
	}
	var out bytes.Buffer
	if err := json.Compact(&out, j); err != nil {
		return nil, fmt.Errorf("api/openapi.yaml as JSON: %w", err)
	}
	return out.Bytes(), nil
})

func (s *Server) openapi(c *gin.Context) {
	doc, err := openapiJSON()
	if err != nil {
		problem(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", doc)
}
