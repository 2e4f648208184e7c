package api

// OpenAPIJSON is the served document, for the contract checks of package
// api_test (openapi_check_test.go).
var OpenAPIJSON = openapiJSON

// NotYetServed is notYetServed, for the role checks of package api_test.
var NotYetServed = notYetServed

// IsAPIPath is isAPIPath, for the contract checks of package api_test.
var IsAPIPath = isAPIPath
