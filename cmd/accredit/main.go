// Command accredit is the accreditation server and its admin tool.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	_ "time/tzdata" // event time zones must resolve on hosts without zoneinfo

	"github.com/gin-gonic/gin"
)

func main() {
	gin.SetMode(gin.ReleaseMode) // process-wide; debug mode prints every route to stdout
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "accredit:", err)
		os.Exit(1)
	}
}

const usage = `accredit — registration and accreditation of conference delegates

Usage:
  accredit serve [--demo]        run the HTTP API (applies pending migrations first)
  accredit demo                  load a demo event running today and print links to open it
  accredit migrate [status]      apply pending migrations, or list them
  accredit token create --name N --role R [--delegation CODE] [--event CODE] [--expires 720h|RFC3339]
  accredit token list
  accredit token revoke ID
  accredit purge --event CODE [--force]
                                 erase personal data of an ended event
  accredit version
  accredit help

Configuration (environment):
  ACCREDIT_ADDR          listen address (default 127.0.0.1:8080)
  ACCREDIT_DATABASE_URL  postgres://… ; empty: SQLite file accredit.db in ACCREDIT_DATA_DIR
  ACCREDIT_DATA_DIR      data directory (default ./data)
  ACCREDIT_ADMIN_TOKEN   bootstrap secretariat token, at least 24 characters
  ACCREDIT_SIGNING_KEY   Ed25519 badge-signing key file (default: generated in ACCREDIT_DATA_DIR)
  ACCREDIT_RETIRED_SIGNING_KEYS  comma-separated older key files whose badges still verify
  ACCREDIT_DB_MAX_CONNS  database connection pool size (default 20 on PostgreSQL, 16 on SQLite)
  ACCREDIT_METRICS       "off" disables /metrics
  ACCREDIT_TRUSTED_PROXIES  comma-separated proxy addresses or CIDR ranges whose
                         X-Forwarded-For names the client (for the rate limit); default none
  ACCREDIT_PPROF_ADDR    loopback address for the Go profiler (off by default)
  ACCREDIT_LOG_LEVEL     debug, info (default), warn, error
`

// run is the whole program, with its environment passed in so that tests
// can drive it. Each command checks its arguments before it reads the
// configuration or opens the database, so that --help and mistakes in the
// command line are answered at once.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	cfg := func() (config, error) { return loadConfig(getenv) }
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serveCmd(ctx, cfg, rest, stdout, stderr)
	case "demo":
		return demoCmd(ctx, cfg, rest, stdout)
	case "migrate":
		return migrate(ctx, cfg, rest, stdout)
	case "token":
		return token(ctx, cfg, rest, stdout)
	case "purge":
		return purge(ctx, cfg, rest, stdout)
	case "version":
		if done, err := noArgs("version", "Prints the version, the commit it was built from and the Go version.", rest, stdout); done {
			return err
		}
		fmt.Fprintln(stdout, stampOf(debug.ReadBuildInfo()))
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q; \"accredit help\" lists the commands", cmd)
}

// isHelp reports whether arg asks for a command's usage.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// noArgs checks the arguments of a command that takes none: --help prints
// its usage (done, no error), anything else is refused (done, error).
func noArgs(cmd, what string, args []string, out io.Writer) (done bool, err error) {
	switch {
	case len(args) == 0:
		return false, nil
	case len(args) == 1 && isHelp(args[0]):
		fmt.Fprintf(out, "usage: accredit %s\n\n%s\n", cmd, what)
		return true, nil
	}
	return true, fmt.Errorf("%s: unexpected argument %q (it takes none; see accredit help)", cmd, args[0])
}
