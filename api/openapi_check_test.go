package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"

	"github.com/osce/accredit/api"
)

// This file holds the server to api/openapi.yaml: newEnv puts a contract
// check into every test server's client, so that every request and answer
// of package api's tests is validated against the document. A status, a
// field, a nullability or a content type the document does not describe
// fails the test that met it, naming the route, the status and what is
// wrong.
//
// Answers are always checked, problems included. Requests are checked when
// the server accepted them (2xx): many tests send invalid requests on
// purpose, and what the server refuses the document need not describe.

// notYetAnswered lists fields api/openapi.yaml requires in answers that
// the server does not send yet, by schema; empty when the two agree. The
// check treats them as optional meanwhile, and fails once an answer
// carries one, so that the list cannot go stale.
var notYetAnswered = map[string][]string{}

// contractTime is the time spent checking, for measuring the overhead.
var contractTime atomic.Int64

// checkContract validates what srv's client sends and receives.
func checkContract(t *testing.T, srv *httptest.Server) {
	c, err := theContract()
	if err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	client := srv.Client()
	client.Transport = &contractTransport{t: t, c: c, base: client.Transport}
}

var theContract = sync.OnceValues(loadContract)

type contract struct {
	v        validator.Validator
	paths    []docPath // most specific first
	problems map[int]*base.Schema
	schemas  schema_validation.SchemaValidator
}

// docPath is a documented path with its operations' query parameters.
type docPath struct {
	template string
	re       *regexp.Regexp
	queries  map[string][]string // method → names of its query parameters
}

func loadContract() (*contract, error) {
	raw, err := api.OpenAPIJSON()
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name, fields := range notYetAnswered {
		s := schemas[name].(map[string]any)
		req, _ := s["required"].([]any)
		s["required"] = slices.DeleteFunc(req, func(f any) bool { return slices.Contains(fields, f.(string)) })
	}
	raw, _ = json.Marshal(doc)
	d, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, err
	}
	v, errs := validator.NewValidator(d, config.WithFormatAssertions())
	if len(errs) > 0 {
		return nil, fmt.Errorf("%v", errs)
	}
	m, err := d.BuildV3Model()
	if err != nil {
		return nil, err
	}
	c := &contract{v: v, problems: map[int]*base.Schema{}, schemas: schema_validation.NewSchemaValidator(config.WithFormatAssertions())}
	for status, name := range map[int]string{404: "NotFound", 405: "MethodNotAllowed"} {
		c.problems[status] = m.Model.Components.Responses.GetOrZero(name).Content.GetOrZero("application/problem+json").Schema.Schema()
	}
	c.paths = docPaths(doc)
	return c, nil
}

func docPaths(doc map[string]any) []docPath {
	var out []docPath
	param := regexp.MustCompile(`\\\{[a-z_]+\\\}`)
	for template, item := range doc["paths"].(map[string]any) {
		p := docPath{template: template, queries: map[string][]string{},
			re: regexp.MustCompile("^" + param.ReplaceAllString(regexp.QuoteMeta(template), "[^/]+") + "$")}
		item := item.(map[string]any)
		shared := queryNames(doc, item["parameters"])
		for method, op := range item {
			if op, ok := op.(map[string]any); ok && method != "parameters" {
				p.queries[strings.ToUpper(method)] = append([]string{}, append(queryNames(doc, op["parameters"]), shared...)...)
			}
		}
		out = append(out, p)
	}
	// A literal segment wins over a parameter (template.csv over {id}).
	sort.Slice(out, func(i, j int) bool {
		a, b := strings.Count(out[i].template, "{"), strings.Count(out[j].template, "{")
		return a < b || a == b && out[i].template < out[j].template
	})
	return out
}

func queryNames(doc map[string]any, params any) []string {
	var names []string
	list, _ := params.([]any)
	for _, p := range list {
		p := p.(map[string]any)
		if ref, ok := p["$ref"].(string); ok {
			p = doc["components"].(map[string]any)["parameters"].(map[string]any)[strings.TrimPrefix(ref, "#/components/parameters/")].(map[string]any)
		}
		if p["in"] == "query" {
			names = append(names, p["name"].(string))
		}
	}
	return names
}

type contractTransport struct {
	t    *testing.T
	c    *contract
	base http.RoundTripper
}

// CloseIdleConnections lets httptest.Server.Close reach the real transport.
func (ct *contractTransport) CloseIdleConnections() {
	if b, ok := ct.base.(interface{ CloseIdleConnections() }); ok {
		b.CloseIdleConnections()
	}
}

func (ct *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var sent []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		if sent, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(sent))
	}
	res, err := ct.base.RoundTrip(req)
	if err != nil {
		return res, err
	}
	got, err := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(got))
	if err != nil {
		return res, err
	}
	start := time.Now()
	problems := ct.c.check(req, sent, res, got)
	contractTime.Add(int64(time.Since(start)))
	if len(problems) > 0 {
		route := "no documented path"
		if p := ct.c.route(req.URL.Path); p != nil {
			route = req.Method + " " + p.template
		}
		ct.t.Errorf("api/openapi.yaml: %s %s (%s) answered %d, which the document does not describe:\n  %s\n  body: %s",
			req.Method, req.URL.RequestURI(), route, res.StatusCode, strings.Join(problems, "\n  "), excerpt(res.Header, got))
	}
	return res, nil
}

// check returns what in the exchange disagrees with the document.
func (c *contract) check(req *http.Request, sent []byte, res *http.Response, got []byte) []string {
	vreq := req.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(sent))
	vres := &http.Response{StatusCode: res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(got)), Request: vreq}
	if !api.IsAPIPath(req.URL.Path) {
		return nil // the web apps' pages are not part of the API
	}
	p := c.route(req.URL.Path)
	if p == nil || p.queries[req.Method] == nil {
		return c.checkUnrouted(p, req.Method, res, got)
	}
	var problems []string
	_, errs := c.v.ValidateHttpResponse(vreq, vres)
	problems = append(problems, describe("answer", errs)...)
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		vreq.Body = io.NopCloser(bytes.NewReader(sent))
		_, errs := c.v.ValidateHttpRequestSync(vreq)
		problems = append(problems, describe("request", errs)...)
		for name := range req.URL.Query() {
			if !slices.Contains(p.queries[req.Method], name) {
				problems = append(problems, fmt.Sprintf("request: query parameter %q is not documented for %s %s", name, req.Method, p.template))
			}
		}
		if p.template != "/openapi.json" { // the document names every field
			problems = append(problems, notYetAnsweredButSent(got)...)
		}
	}
	return problems
}

var standardMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"}

// route is the documented path that serves urlPath, or nil.
func (c *contract) route(urlPath string) *docPath {
	for i := range c.paths {
		if c.paths[i].re.MatchString(urlPath) {
			return &c.paths[i]
		}
	}
	return nil
}

// checkUnrouted holds what the document has no operation for to the
// router's own answers (api/openapi.yaml, Errors): 405 with Allow for a known path's other
// methods, 405 for a method HTTP does not define, 404 for an unknown path.
func (c *contract) checkUnrouted(p *docPath, method string, res *http.Response, got []byte) []string {
	want := http.StatusNotFound
	if p != nil || !slices.Contains(standardMethods, method) {
		want = http.StatusMethodNotAllowed
	}
	if res.StatusCode != want {
		return []string{fmt.Sprintf("no documented operation, yet the answer is %d, not %d", res.StatusCode, want)}
	}
	if p != nil && res.Header.Get("Allow") == "" {
		return []string{"405 without Allow"}
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		return []string{fmt.Sprintf("content type %q, want application/problem+json", ct)}
	}
	_, errs := c.schemas.ValidateSchemaBytes(c.problems[want], got)
	return describe("answer", errs)
}

// excerpt shows the start of a textual answer, or what a binary one is.
func excerpt(h http.Header, body []byte) string {
	ct := h.Get("Content-Type")
	if !strings.Contains(ct, "json") && !strings.HasPrefix(ct, "text/") {
		return fmt.Sprintf("%d bytes of %q", len(body), ct)
	}
	if len(body) > 600 {
		return string(body[:600]) + "…"
	}
	return string(body)
}

func notYetAnsweredButSent(body []byte) []string {
	var out []string
	for schema, fields := range notYetAnswered {
		for _, f := range fields {
			if bytes.Contains(body, []byte(`"`+f+`":`)) {
				out = append(out, fmt.Sprintf("the answer carries %s.%s: take it out of notYetAnswered", schema, f))
			}
		}
	}
	return out
}

func describe(what string, errs []*liberrors.ValidationError) []string {
	var out []string
	for _, e := range errs {
		line := what + ": " + e.Message
		if e.Reason != "" && e.Reason != e.Message {
			line += " (" + e.Reason + ")"
		}
		for _, se := range e.SchemaValidationErrors {
			at := se.FieldPath
			if at == "" {
				at = "/" + strings.Join(se.InstancePath, "/")
			}
			line += fmt.Sprintf("\n    %s: %s", at, se.Reason)
		}
		out = append(out, line)
	}
	return out
}
