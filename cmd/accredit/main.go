// Command accredit is the accreditation server and its admin tool.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // event time zones must resolve on hosts without zoneinfo
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
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
// can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	switch args[0] {
	case "serve":
		return serveCmd(ctx, cfg, args[1:], stdout, stderr)
	case "demo":
		return demoCmd(ctx, cfg, args[1:], stdout)
	case "migrate":
		return migrate(ctx, cfg, args[1:], stdout)
	case "token":
		return token(ctx, cfg, args[1:], stdout)
	case "purge":
		return purge(ctx, cfg, args[1:], stdout)
	case "version":
		fmt.Fprintln(stdout, "accredit", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
