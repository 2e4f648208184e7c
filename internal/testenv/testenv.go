// Package testenv holds the one rule for a test that needs what the
// machine may lack (a tool, a browser): it skips without it, except under
// CI, which installs everything and where nothing may skip silently.
// (The long tests are chosen at build time instead: the build tag long,
// README, Tests.)
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

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
