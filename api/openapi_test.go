package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/osce/accredit/domain"
)

// notYetServed lists what api/openapi.yaml documents and the router does
// not serve yet; empty when the two agree. A route listed here that the
// router serves fails the test, so the list cannot go stale.
var notYetServed = []string{}

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// openapiDoc is the served document as generic JSON.
func openapiDoc(t *testing.T) map[string]any {
	t.Helper()
	b, err := openapiJSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// operations is every documented "METHOD /path" with its operation object.
func operations(doc map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			if slices.Contains(httpMethods, method) {
				out[strings.ToUpper(method)+" "+path] = op.(map[string]any)
			}
		}
	}
	return out
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

// isAPIPath tells the API, which api/openapi.yaml describes, from the web
// apps' pages (README, The first five minutes), which it does not.
func isAPIPath(p string) bool {
	switch p {
	case "/healthz", "/readyz", "/metrics", "/openapi.json", "/v1":
		return true
	}
	return strings.HasPrefix(p, "/v1/")
}

// TestOpenAPIRoutes holds the router and the document to each other: every
// route served is documented, and every documented route is served (but
// for notYetServed).
func TestOpenAPIRoutes(t *testing.T) {
	s := New(&domain.Service{}, Options{Metrics: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	served := map[string]bool{}
	for _, r := range s.engine.Routes() {
		if isAPIPath(r.Path) {
			served[r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}")] = true
		}
	}
	documented := operations(openapiDoc(t))
	for _, op := range slices.Sorted(maps.Keys(served)) {
		if documented[op] == nil {
			t.Errorf("%s is served but api/openapi.yaml does not document it", op)
		}
	}
	for _, op := range slices.Sorted(maps.Keys(documented)) {
		pending := slices.Contains(notYetServed, op)
		switch {
		case served[op] && pending:
			t.Errorf("%s is served now: take it out of notYetServed", op)
		case !served[op] && !pending:
			t.Errorf("api/openapi.yaml documents %s, which the router does not serve", op)
		}
	}
	for _, op := range notYetServed {
		if documented[op] == nil {
			t.Errorf("notYetServed lists %s, which api/openapi.yaml does not document", op)
		}
	}
}

// TestOpenAPIDocumentIsValid loads the served document with libopenapi and
// checks it against the OpenAPI 3.1 schema, then the project's own rules:
// what every operation must say.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel() // reads the document only
	b, err := openapiJSON()
	if err != nil {
		t.Fatal(err)
	}
	d, err := libopenapi.NewDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(d)
	if len(errs) > 0 {
		t.Fatalf("building the model: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("%s: %s", e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("  %s at %s", se.Reason, se.FieldPath)
			}
		}
	}
	doc := openapiDoc(t)
	spacedKeys(t, doc, "#")
	personalDataOnlyInNominations(t, doc)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi %v, want 3.1.0", doc["openapi"])
	}
	ids := map[string]string{}
	for name, op := range operations(doc) {
		checkOperation(t, doc, name, op)
		id, _ := op["operationId"].(string)
		if prev, dup := ids[id]; dup {
			t.Errorf("%s and %s share operationId %q", prev, name, id)
		}
		ids[id] = name
	}
}

// checkOperation applies the rules every operation follows: roles said,
// every status a request of its kind can meet documented.
func checkOperation(t *testing.T, doc map[string]any, name string, op map[string]any) {
	t.Helper()
	responses, _ := op["responses"].(map[string]any)
	has := func(status string) bool { _, ok := responses[status]; return ok }
	if op["operationId"] == nil || op["summary"] == nil || op["description"] == nil {
		t.Errorf("%s: needs operationId, summary and description", name)
	}
	if !slices.ContainsFunc(slices.Collect(maps.Keys(responses)), func(s string) bool { return s[0] == '2' }) {
		t.Errorf("%s: documents no 2xx answer", name)
	}
	_, public := op["security"]
	if !public && !has("401") {
		t.Errorf("%s: needs a token, so it answers 401", name)
	}
	if strings.HasPrefix(name[strings.Index(name, " ")+1:], "/v1/") {
		for _, status := range []string{"429", "500", "503"} {
			if !has(status) {
				t.Errorf("%s: every /v1 route can answer %s; document it", name, status)
			}
		}
		roles, _ := op["x-roles"].([]any)
		switch {
		case public && roles != nil:
			t.Errorf("%s: needs no token, so it has no x-roles", name)
		case !public && len(roles) == 0:
			t.Errorf("%s: x-roles must list the roles that may call it", name)
		}
		for _, r := range roles {
			if !domain.Role(fmt.Sprint(r)).Valid() {
				t.Errorf("%s: x-roles names %v, which is not a role", name, r)
			}
		}
		if strings.Contains(name, "{event}") && !has("404") {
			t.Errorf("%s: an unknown event is 404; document it", name)
		}
	}
	if body, ok := op["requestBody"].(map[string]any); ok {
		content, _ := body["content"].(map[string]any)
		if content["application/json"] != nil && (!has("400") || !has("413")) {
			t.Errorf("%s: takes JSON, so it answers 400 malformed_body and 413 too_large", name)
		}
		if (content["image/jpeg"] != nil || content["text/csv"] != nil) && (!has("413") || !has("415")) {
			t.Errorf("%s: takes uploads, so it answers 413 and 415", name)
		}
	}
}

// personalDataOnlyInNominations: README, Roles, lets only nominations (answered
// to the secretariat and the owning delegation) carry date of birth,
// document, email and phone. Every answer's schema forbids properties it
// does not list, and the contract check holds the server to the schemas,
// so no other answer can carry them.
func personalDataOnlyInNominations(t *testing.T, doc map[string]any) {
	t.Helper()
	allowed := []string{"NominationFields", "Nomination", "DocumentIn"}
	var walk func(node any, at string)
	walk = func(node any, at string) {
		switch n := node.(type) {
		case map[string]any:
			if props, ok := n["properties"].(map[string]any); ok {
				for _, f := range []string{"date_of_birth", "document", "email", "phone"} {
					if _, ok := props[f]; ok && !slices.ContainsFunc(allowed, func(s string) bool {
						base := "#/components/schemas/" + s
						return at == base || strings.HasPrefix(at, base+"/")
					}) {
						t.Errorf("%s: %q is personal data, which only nominations carry (README, Roles)", at, f)
					}
				}
			}
			for k, v := range n {
				if k != "examples" && k != "example" {
					walk(v, at+"/"+k)
				}
			}
		case []any:
			for i, v := range n {
				walk(v, fmt.Sprintf("%s/%d", at, i))
			}
		}
	}
	walk(doc, "#")
}

// spacedKeys reports keys with a space: no OpenAPI or schema keyword, path,
// header or field name has one, but an unquoted comma in a flow mapping
// ({description: Shown once, then hashed.}) makes one silently.
func spacedKeys(t *testing.T, node any, at string) {
	t.Helper()
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if strings.Contains(k, " ") && !strings.Contains(at, "/examples/") && !strings.HasSuffix(at, "/example") {
				t.Errorf("%s: key %q: a comma in a flow mapping? quote the text", at, k)
			}
			spacedKeys(t, v, at+"/"+k)
		}
	case []any:
		for i, v := range n {
			spacedKeys(t, v, fmt.Sprintf("%s/%d", at, i))
		}
	}
}

// TestOpenAPIExamples: every JSON body the document describes has an
// example, and every example is valid against its schema, so that what a
// reader copies works.
func TestOpenAPIExamples(t *testing.T) {
	t.Parallel() // reads the document only
	b, err := openapiJSON()
	if err != nil {
		t.Fatal(err)
	}
	root, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("openapi.json", root); err != nil {
		t.Fatal(err)
	}
	doc := openapiDoc(t)
	n := 0
	for _, mt := range mediaTypes(doc, "", nil) {
		if !strings.Contains(mt.name, "json") {
			continue
		}
		examples := mt.examples(doc)
		if len(examples) == 0 {
			t.Errorf("%s: no example", mt.pointer)
			continue
		}
		sch, err := c.Compile("openapi.json#" + mt.pointer + "/schema")
		if err != nil {
			t.Errorf("%s: schema: %v", mt.pointer, err)
			continue
		}
		for name, ex := range examples {
			n++
			if err := sch.Validate(ex); err != nil {
				t.Errorf("%s example %s: %v", mt.pointer, name, err)
			}
		}
	}
	if n < 50 {
		t.Errorf("only %d examples checked; the walk is broken", n)
	}
}

type mediaType struct {
	name, pointer string
	obj           map[string]any
}

// examples returns the media type's example and examples, following $ref.
func (m mediaType) examples(doc map[string]any) map[string]any {
	out := map[string]any{}
	if ex, ok := m.obj["example"]; ok {
		out["example"] = ex
	}
	exs, _ := m.obj["examples"].(map[string]any)
	for name, e := range exs {
		e := e.(map[string]any)
		if ref, ok := e["$ref"].(string); ok {
			e = resolve(doc, ref).(map[string]any)
		}
		out[name] = e["value"]
	}
	return out
}

// mediaTypes finds every media type object under a "content" key that has
// a schema, with its JSON pointer, in a stable order.
func mediaTypes(node any, pointer string, out []mediaType) []mediaType {
	obj, ok := node.(map[string]any)
	if !ok {
		return out
	}
	keys := slices.Collect(maps.Keys(obj))
	sort.Strings(keys)
	for _, k := range keys {
		p := pointer + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
		if content, ok := obj[k].(map[string]any); ok && k == "content" {
			for _, name := range slices.Sorted(maps.Keys(content)) {
				mt, _ := content[name].(map[string]any)
				if _, ok := mt["schema"]; ok {
					out = append(out, mediaType{name: name, obj: mt,
						pointer: p + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(name)})
				}
			}
			continue
		}
		out = mediaTypes(obj[k], p, out)
	}
	return out
}

// resolve follows a local reference such as #/components/examples/Event.
func resolve(doc map[string]any, ref string) any {
	var node any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		node = node.(map[string]any)[part]
	}
	return node
}
