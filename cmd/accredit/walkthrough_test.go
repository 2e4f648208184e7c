package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// walkthroughScript is the README's walk-through for integrators, as a file
// that bash runs.
const walkthroughScript = "../../scripts/walkthrough.sh"

// readmeWalkthrough is the README's code block that starts with a shebang:
// the walk-through a reader pastes.
func readmeWalkthrough(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var block []string
	in := false
	for _, line := range strings.SplitAfter(string(b), "\n") {
		switch {
		case !in && strings.HasPrefix(line, "```") && block == nil:
			in = true
		case in && strings.HasPrefix(line, "```"):
			if len(block) > 0 && strings.HasPrefix(block[0], "#!") {
				return strings.Join(block, "")
			}
			in, block = false, nil
		case in:
			block = append(block, line)
		}
	}
	t.Fatal("README.md has no code block starting with #! (the walk-through)")
	return ""
}

// TestWalkthroughIsTheReadmes: the script the next test runs is the
// README's block, so that what a reader pastes is what is tested.
func TestWalkthroughIsTheReadmes(t *testing.T) {
	script, err := os.ReadFile(walkthroughScript)
	if err != nil {
		t.Fatal(err)
	}
	if got := readmeWalkthrough(t); got != string(script) {
		t.Fatalf("README.md's walk-through and %s differ; make them one text again.\nREADME:\n%s\nscript:\n%s",
			walkthroughScript, got, script)
	}
}

// TestWalkthrough runs the README's walk-through with bash and curl against
// a freshly started server, as a reader would in a second terminal: it
// must end with the accepted scan at the door.
func TestWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and runs bash and curl")
	}
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the walk-through needs %s: %v", tool, err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(walkthroughScript)
	if err != nil {
		t.Fatal(err)
	}
	for dialect, env := range dbEnvs(t) {
		t.Run(dialect, func(t *testing.T) {
			env["ACCREDIT_ADDR"] = "127.0.0.1:0"
			logs := newLogSink()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- run(ctx, []string{"serve"}, envMap(env), os.Stderr, logs) }()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("serve: %v", err)
				}
			}()
			addr, _ := logs.waitFor(t, "listening", done, msgIs("listening"))["addr"].(string)

			tmp := t.TempDir()
			cmdCtx, stop := context.WithTimeout(ctx, time.Minute)
			defer stop()
			cmd := exec.CommandContext(cmdCtx, "bash", script)
			cmd.Dir = tmp
			cmd.Env = append(withoutAccredit(os.Environ()),
				"SERVER=http://"+addr,
				// The script's accredit is this test binary, which runs the
				// command line given after "--" (TestWalkthroughCLI).
				"ACCREDIT="+self+" -test.run=^TestWalkthroughCLI$ --",
				walkthroughCLI+"=1",
				"ACCREDIT_DATA_DIR="+env["ACCREDIT_DATA_DIR"],
				"ACCREDIT_DATABASE_URL="+env["ACCREDIT_DATABASE_URL"],
				"TMPDIR="+tmp)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			if err := cmd.Run(); err != nil {
				t.Fatalf("walk-through: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
			}
			t.Logf("the walk-through took %v", time.Since(start).Round(time.Millisecond))

			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			var scan struct {
				Result   string  `json:"result"`
				Reason   *string `json:"reason"`
				Delegate struct {
					DisplayName string `json:"display_name"`
					Delegation  string `json:"delegation"`
				} `json:"delegate"`
			}
			last := lines[len(lines)-1]
			if err := json.Unmarshal([]byte(last), &scan); err != nil || scan.Result != "accepted" || scan.Reason != nil ||
				scan.Delegate.DisplayName != "Dr. Zoë Müller-Łukasiewicz" || scan.Delegate.Delegation != "AUT" {
				t.Fatalf("the walk-through does not end with her accepted scan (%v):\n%s", err, stdout.String())
			}
			pdfs, _ := filepath.Glob(filepath.Join(tmp, "*", "badge.pdf"))
			if len(pdfs) != 1 {
				t.Fatalf("badge.pdf: %v", pdfs)
			}
			if b, err := os.ReadFile(pdfs[0]); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Fatalf("badge.pdf is no PDF: %v %.20q", err, b)
			}
		})
	}
}

// walkthroughCLI, set in its environment, makes this test binary the
// walk-through's accredit command.
const walkthroughCLI = "ACCREDIT_TEST_WALKTHROUGH_CLI"

// TestWalkthroughCLI is not a test: run by TestWalkthrough's script, it is
// `accredit` with the arguments after "--".
func TestWalkthroughCLI(t *testing.T) {
	if os.Getenv(walkthroughCLI) != "1" {
		t.Skip("the walk-through's accredit command, run by TestWalkthrough")
	}
	if err := run(context.Background(), flag.Args(), os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "accredit:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// withoutAccredit drops the ACCREDIT_* settings of the environment the
// tests run in, so that the script meets only the test's server.
func withoutAccredit(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "ACCREDIT_") {
			out = append(out, kv)
		}
	}
	return out
}
