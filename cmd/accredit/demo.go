package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"

	"github.com/osce/accredit/demo"
	"github.com/osce/accredit/domain"
)

// serveCmd is `accredit serve [--demo]`: with --demo the demo is loaded
// (unless it is there already) before the server starts.
func serveCmd(ctx context.Context, getCfg func() (config, error), args []string, stdout, stderr io.Writer) error {
	demo := len(args) == 1 && args[0] == "--demo"
	if !demo {
		if done, err := noArgs("serve", "Runs the HTTP API and the web apps, after applying pending migrations; configured by the environment (accredit help).\nWith --demo it loads the demo event first when it is not there yet.", args, stdout); done {
			return err
		}
	}
	cfg, err := getCfg()
	if err != nil {
		return err
	}
	if demo {
		if err := loadDemo(ctx, cfg, stdout, true); err != nil {
			return err
		}
	}
	return serve(ctx, cfg, stderr)
}

// demoCmd is `accredit demo`.
func demoCmd(ctx context.Context, getCfg func() (config, error), args []string, stdout io.Writer) error {
	if done, err := noArgs("demo", "Fills the database with a demo event running today and prints the links to open; a second run changes nothing.", args, stdout); done {
		return err
	}
	cfg, err := getCfg()
	if err != nil {
		return err
	}
	return loadDemo(ctx, cfg, stdout, false)
}

// loadDemo loads the demo event and prints what to
// open. serving says that the server starts next.
func loadDemo(ctx context.Context, cfg config, out io.Writer, serving bool) error {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := domain.NewService(store)
	if svc.Codes, err = loadCodes(cfg, log); err != nil {
		return err
	}
	base := demoBaseURL(cfg.Addr)
	res, err := demo.Load(ctx, svc, demo.Options{BaseURL: base})
	if err != nil {
		return err
	}
	if !res.Loaded {
		fmt.Fprintf(out, `The demo (event %s) is already loaded; nothing was changed.
Its sign-in links were shown once, when it was loaded. For a new console link, create a token:
  accredit token create --name console --role secretariat
and open %s/console/#token=<the token>
(the console makes focal points' portal links and enrols door devices).
`, res.Event, base)
		return nil
	}
	printDemo(out, res, serving)
	return nil
}

// printDemo says what the demo holds and what to open.
func printDemo(out io.Writer, res demo.Result, serving bool) {
	c := res.Counts
	total := 0
	var parts []string
	for _, s := range domain.Statuses {
		total += c.Nominations[s]
		parts = append(parts, fmt.Sprintf("%d %s", c.Nominations[s], s))
	}
	fmt.Fprintf(out, "Demo loaded: %s, event %s, today and tomorrow.\n", res.Title, res.Event)
	fmt.Fprintf(out, "  %d nominations from %d delegations (%s),\n  %d badges, %d scans, %d people inside now.\n\n",
		total, c.Delegations, strings.Join(parts, ", "), c.Badges, c.Scans, c.Present)
	if serving {
		fmt.Fprintln(out, "Open, once the server is listening:")
	} else {
		fmt.Fprintln(out, "Start the server (accredit serve), then open:")
	}
	fmt.Fprintf(out, "  Console, as the secretariat:   %s\n", res.Console)
	fmt.Fprintf(out, "  Portal, as %s's focal point:  %s\n", res.PortalDelegation, res.Portal)
	fmt.Fprintf(out, "  Security desk, as a door device (%s):\n                                 %s\n", res.DeskName, res.Desk)
	fmt.Fprintf(out, "The links sign in directly and are shown this once; the desk's enrols one device, until %s.\n",
		res.DeskExpires.Format("2006-01-02 15:04 MST"))
}

// demoBaseURL is where a browser on this machine reaches the server at
// addr: an address that listens everywhere is reached on loopback.
func demoBaseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
