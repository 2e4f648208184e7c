package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"github.com/osce/accredit/domain"
)

// maxJSON is the limit of a JSON request body (api/openapi.yaml, Conventions).
const maxJSON = 1 << 20

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// Field errors name the JSON path (document.number), not the Go field.
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	for tag, values := range vocabularies {
		v.RegisterAlias(tag, "oneof="+strings.Join(values, " "))
	}
	return v
}

// vocabularies are the validate tags of the domain's closed lists: a tag
// stands for oneof= its list, so that a value added in domain is accepted
// here too. Failures still read as oneof (check uses the actual tag).
var vocabularies = map[string][]string{
	"category":       domain.Categories,
	"gender":         domain.Genders,
	"mode":           domain.Modes,
	"document_type":  domain.DocumentTypes,
	"kind":           domain.Kinds,
	"event_format":   domain.EventFormats,
	"event_status":   domain.EventStatuses,
	"role":           domain.Roles,
	"direction":      domain.CheckpointDirections,
	"scan_direction": domain.ScanDirections,
	"scan_result":    domain.ScanResults,
}

// readBody reads at most limit bytes of the request body.
func readBody(c *gin.Context, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, domain.Errorf(domain.CodeTooLarge, "the body is larger than %d bytes", limit)
	}
	if err != nil {
		return nil, domain.Errorf(domain.CodeMalformedBody, "could not read the body: %v", err)
	}
	return b, nil
}

// decodeStrict decodes one JSON value, refusing invalid UTF-8, keys in
// another case than the field's or given twice (checkStrict), unknown
// fields, wrong types and trailing data.
func decodeStrict(b []byte, v any) error {
	if bytes.Contains(b, []byte(`\u0000`)) {
		return domain.Errorf(domain.CodeMalformedBody, "text may not contain the NUL character (\\u0000)")
	}
	if err := checkStrict(b, v); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return malformed(err)
	}
	if rest := bytes.TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return domain.Errorf(domain.CodeMalformedBody, "unexpected data after the JSON value")
	}
	return nil
}

func malformed(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF):
		return domain.Errorf(domain.CodeMalformedBody, "the body is empty; a JSON object is expected")
	case errors.As(err, &syn):
		return domain.Errorf(domain.CodeMalformedBody, "the body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the body"
		}
		return domain.Errorf(domain.CodeMalformedBody, "%s must be %s, not %s", field, typ.Type.Kind(), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return domain.Errorf(domain.CodeMalformedBody, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return domain.Errorf(domain.CodeMalformedBody, "the body could not be decoded: %v", err)
}

// bindJSON reads, decodes and validates a JSON body into v.
func bindJSON(c *gin.Context, v any) error {
	b, err := readBody(c, maxJSON)
	if err != nil {
		return err
	}
	return bindBytes(b, v)
}

// bindBytes decodes and validates a JSON body already read.
func bindBytes(b []byte, v any) error {
	if err := decodeStrict(b, v); err != nil {
		return err
	}
	return check(v)
}

// bindOptionalJSON is bindJSON for actions whose body may be empty.
func bindOptionalJSON(c *gin.Context, v any) error {
	b, err := readBody(c, maxJSON)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return check(v)
	}
	if err := decodeStrict(b, v); err != nil {
		return err
	}
	return check(v)
}

// cleaner is an input that trims and normalises its text before it is
// validated, so that "   " is as missing as "".
type cleaner interface{ clean() }

// check runs the struct's validate tags and reports every failing field.
func check(v any) error {
	if c, ok := v.(cleaner); ok {
		c.clean()
	}
	err := validate.Struct(v)
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return err
	}
	fe := make([]domain.FieldError, 0, len(ves))
	for _, e := range ves {
		fe = append(fe, domain.FieldError{Field: fieldPath(e.Namespace()), Code: e.ActualTag(), Message: message(e)})
	}
	return domain.Invalid(fe...)
}

// fieldPath drops the Go type name that validator puts first and writes
// map keys as path segments: quotas.partner.in_person, sessions[0].
func fieldPath(ns string) string {
	if _, rest, ok := strings.Cut(ns, "."); ok {
		ns = rest
	}
	return mapKey.ReplaceAllString(ns, ".$1")
}

var mapKey = regexp.MustCompile(`\[([^\]0-9][^\]]*)\]`)

func message(e validator.FieldError) string {
	switch e.ActualTag() {
	case "required":
		return "is required"
	case "email":
		return "must be an email address"
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(e.Param(), " ", ", ")
	case "max":
		if e.Kind() == reflect.String {
			return "must be at most " + e.Param() + " characters"
		}
		return "must be at most " + e.Param()
	case "min":
		return "must be at least " + e.Param()
	case "datetime":
		return "must be a date YYYY-MM-DD"
	case "iso3166_1_alpha3":
		return "must be an ISO 3166-1 alpha-3 country code such as AUT"
	case "uuid":
		return "must be a UUID"
	}
	return fmt.Sprintf("fails the %q rule", e.ActualTag())
}
