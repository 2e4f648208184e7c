// Command accredit-load drives a running accredit server on this machine
// with many concurrent clients, the way the Hofburg entrance does when
// hundreds of delegates arrive within minutes, and prints one JSON line per
// scenario on stdout (progress and error samples go to stderr).
//
//	accredit-load -token $TOKEN -scenario all -delegates 1000 -duration 30s
//
// It only ever talks to a loopback address: a load generator pointed at a
// shared or production server by mistake would be an incident.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// config is the parsed command line.
type config struct {
	url          string
	token        string
	scenario     string
	concurrency  int
	duration     time.Duration
	timeout      time.Duration
	delegates    int
	event        string
	eventGiven   bool // -event was set explicitly, so it wins over the state file
	printBadges  int
	statePath    string
	maxErrorRate float64
	procs        int
	rate         float64
}

// scenarioFunc runs one scenario and returns its summary line; an error
// means it could not run at all (setup failed).
type scenarioFunc func(ctx context.Context, e *env) (*summary, error)

// scenarios in the order `all` runs them: seed first, print last because
// it is the one most likely to disturb the server's memory.
var scenarios = []struct {
	name string
	run  scenarioFunc
}{
	{"seed", runSeed},
	{"scan", runScan},
	{"submit", runSubmit},
	{"approve", runApprove},
	{"qr", runQR},
	{"list", runList},
	{"print", runPrint},
}

// env is what every scenario shares: the configuration, the one HTTP
// client and the seeded state.
type env struct {
	cfg   config
	c     *client
	log   io.Writer // progress and error samples; stdout carries only the JSON lines
	state *state
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "accredit-load:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	e := &env{cfg: cfg, log: stderr,
		c: newClient(cfg.url, cfg.token, cfg.concurrency, cfg.timeout, stderr)}
	defer e.c.close()
	if err := e.checkToken(ctx); err != nil {
		fmt.Fprintln(stderr, "accredit-load:", err)
		return 1
	}

	// The tool needs well under a core, and shares the machine with the
	// server: with one thread its goroutines wake each other without
	// waking other threads (A/B, five pairs of scan runs: the tool's CPU
	// per scan fell by a sixth and scans/s rose 1-24 %). Seeding is setup,
	// not measured, and renders photos and import files: all threads.
	defaultProcs := runtime.GOMAXPROCS(0)
	failed := false
	for _, s := range scenarios {
		if cfg.scenario != "all" && cfg.scenario != s.name {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		switch {
		case s.name == "seed" || cfg.procs == 0:
			runtime.GOMAXPROCS(defaultProcs)
		default:
			runtime.GOMAXPROCS(cfg.procs)
		}
		e.logf("%s: starting", s.name)
		sum, err := s.run(ctx, e)
		if err != nil {
			// Still one line per scenario, so that a caller counting lines
			// sees which one broke and why.
			sum = &summary{Scenario: s.name, Event: e.eventCode()}
			sum.fail("%v", err)
		}
		if ctx.Err() != nil {
			sum.set("interrupted", true)
		}
		sum.checkErrorRate(cfg.maxErrorRate)
		line, _ := json.Marshal(sum)
		fmt.Fprintf(stdout, "%s\n", line)
		if !sum.ok() {
			failed = true
			e.logf("%s: FAILED: %s", s.name, strings.Join(sum.failures, "; "))
			if s.name == "seed" {
				break // nothing after seed can run without its event
			}
		}
	}
	switch {
	case ctx.Err() != nil:
		e.logf("interrupted")
		return 130 // a partial run is not a pass, whatever it measured
	case failed:
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("accredit-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "server base URL (loopback addresses only)")
	fs.StringVar(&cfg.token, "token", "", "secretariat token (default $ACCREDIT_LOAD_TOKEN, which keeps it out of ps)")
	fs.StringVar(&cfg.scenario, "scenario", "all", "seed|scan|submit|approve|print|list|qr|all")
	fs.IntVar(&cfg.concurrency, "concurrency", 64, "concurrent clients")
	fs.DurationVar(&cfg.duration, "duration", 30*time.Second, "how long each timed scenario runs")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "per-request timeout (print allows at least 5m)")
	fs.IntVar(&cfg.delegates, "delegates", 1000, "in-person delegates seeded into the event")
	fs.StringVar(&cfg.event, "event", "", "event code (default LOAD-<random> for seed, else the state file's)")
	fs.IntVar(&cfg.printBadges, "print-badges", 1000, "badges in the batch print (all active when there are no more)")
	fs.StringVar(&cfg.statePath, "state", "accredit-load-state.json", "state file written by seed and read by the other scenarios")
	fs.Float64Var(&cfg.maxErrorRate, "max-error-rate", 0, "fraction of failed requests a scenario tolerates before it fails")
	fs.Float64Var(&cfg.rate, "rate", 0, "submit: requests per second across all clients, each timed from when it was due; 0: each client sends as soon as it has its answer")
	fs.IntVar(&cfg.procs, "procs", 1, "threads running the tool's Go code at once (GOMAXPROCS) in the measured scenarios; 0: Go's default")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if cfg.token == "" {
		// Read after parsing, not as the flag's default: -help prints
		// defaults, and must not print a token.
		cfg.token = os.Getenv("ACCREDIT_LOAD_TOKEN")
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "event" {
			cfg.eventGiven = true
		}
	})
	base, err := loopbackBase(cfg.url)
	if err != nil {
		return cfg, err
	}
	cfg.url = base
	switch {
	case cfg.token == "":
		return cfg, errors.New("a secretariat token is needed: -token or ACCREDIT_LOAD_TOKEN")
	case !validScenario(cfg.scenario):
		return cfg, fmt.Errorf("unknown -scenario %q", cfg.scenario)
	case cfg.concurrency < 1 || cfg.concurrency > 10000:
		return cfg, errors.New("-concurrency must be from 1 to 10000")
	case cfg.duration <= 0 || cfg.timeout <= 0:
		return cfg, errors.New("-duration and -timeout must be positive")
	case cfg.delegates < 1:
		return cfg, errors.New("-delegates must be at least 1")
	case cfg.maxErrorRate < 0 || cfg.maxErrorRate > 1:
		return cfg, errors.New("-max-error-rate must be from 0 to 1")
	case cfg.procs < 0:
		return cfg, errors.New("-procs must be 0 or more")
	case cfg.rate < 0 || cfg.rate > 1e6:
		return cfg, errors.New("-rate must be from 0 to 1000000")
	case cfg.rate > 0 && cfg.scenario != "submit" && cfg.scenario != "all":
		// Silently unpaced would pass for a paced measurement.
		return cfg, fmt.Errorf("-rate paces the submit scenario only, not %q", cfg.scenario)
	}
	if cfg.eventGiven && !validEventCode(cfg.event) {
		return cfg, fmt.Errorf("-event %q must match ^[A-Z0-9-]{2,32}$", cfg.event)
	}
	if !cfg.eventGiven {
		cfg.event = randomEventCode()
	}
	return cfg, nil
}

func validScenario(s string) bool {
	if s == "all" {
		return true
	}
	for _, sc := range scenarios {
		if sc.name == s {
			return true
		}
	}
	return false
}

func validEventCode(s string) bool {
	if len(s) < 2 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// randomEventCode gives each seeded event its own code, so that runs never
// collide with one another or with real events.
func randomEventCode() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "LOAD-" + strings.ToUpper(hex.EncodeToString(b))
}

// checkToken fails early, with a clear message, when the token is not a
// secretariat token: every scenario needs that role to set itself up.
func (e *env) checkToken(ctx context.Context) error {
	var me struct {
		Role string `json:"role"`
	}
	if err := e.c.call(ctx, "GET", "/v1/me", nil, &me, 200); err != nil {
		return fmt.Errorf("checking the token: %w", err)
	}
	if me.Role != "secretariat" {
		return fmt.Errorf("the token has role %q; a secretariat token is needed", me.Role)
	}
	return nil
}

func (e *env) eventCode() string {
	if e.state != nil {
		return e.state.Event
	}
	return e.cfg.event
}

func (e *env) logf(format string, args ...any) {
	fmt.Fprintf(e.log, "[%s] "+format+"\n", append([]any{time.Now().Format("15:04:05.000")}, args...)...)
}
