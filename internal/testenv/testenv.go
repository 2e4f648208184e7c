// Package testenv decides what a test run takes in, the same way for every
// package: tests that need an external tool skip without it, and the long
// tests run only when asked for, except under CI, which runs everything
// and where nothing may skip silently.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// EnvLong asks for the long tests (any value but empty).
const EnvLong = "ACCREDIT_TEST_LONG"

// CI reports a CI run: .ci/run (and most CI services) set CI=true.
func CI() bool { return os.Getenv("CI") == "true" }

// toolPackages are the Debian packages of the tools the tests use.
var toolPackages = map[string]string{
	"zbarimg":   "zbar-tools",
	"pdftotext": "poppler-utils",
	"pdfinfo":   "poppler-utils",
	"pdftoppm":  "poppler-utils",
}

// Tool returns the path of the external tool name. Without it the test
// skips, except under CI, where it fails.
func Tool(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		what := name
		if pkg := toolPackages[name]; pkg != "" {
			what += " (" + pkg + ")"
		}
		Missing(tb, what)
	}
	return p
}

// Missing ends a test that lacks what (a tool, a browser): a skip, except
// under CI, where it fails.
func Missing(tb testing.TB, what string) {
	tb.Helper()
	if CI() {
		tb.Fatalf("%s is not installed: under CI every test must run", what)
	}
	tb.Skipf("%s is not installed: test skipped", what)
}

// Long skips a long test unless EnvLong is set or under CI. The long tests
// take seconds of CPU each (the browser tests, the largest photos): run
// every time, they would make the suite several times slower, which every
// change pays (docs/performance.md, The suite's time).
func Long(tb testing.TB) {
	tb.Helper()
	if !CI() && os.Getenv(EnvLong) == "" {
		tb.Skip("a long test: set " + EnvLong + "=1 to run it (CI always does)")
	}
}
