package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/osce/accredit/api"
	"github.com/osce/accredit/badges"
	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
)

// openStore connects and migrates: every command works on a current schema.
func openStore(ctx context.Context, cfg config, log *slog.Logger) (*storage.Store, error) {
	store, err := storage.Open(storage.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxConns: cfg.MaxConns})
	if err != nil {
		return nil, err
	}
	applied, err := store.Migrate(ctx)
	if err != nil {
		store.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("migrations applied", "versions", applied, "dialect", store.Dialect())
	}
	return store, nil
}

func serve(ctx context.Context, cfg config, logOut io.Writer) error {
	log := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(log)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := domain.NewService(store)
	if svc.Codes, err = loadCodes(cfg, log); err != nil {
		return err
	}
	// Two hosts with separate data directories would each generate a key,
	// and the badges one prints would be refused at the other's doors.
	if err := svc.AdoptSigningKey(ctx); err != nil {
		return fmt.Errorf("signing key %s: %w", cfg.SigningKey, err)
	}
	srv := &http.Server{
		Handler:           api.New(svc, api.Options{Logger: log, Metrics: cfg.Metrics, TrustedProxies: cfg.TrustedProxies}).Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute, // batch badge PDFs take a while
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	if cfg.PprofAddr != "" {
		if err := servePprof(ctx, cfg.PprofAddr, log); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	// After Listen: a first-start token is made only when its link can
	// be printed with the address bound.
	firstToken, err := bootstrap(ctx, svc, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	if firstToken != "" {
		// Once, to the operator's terminal as plain text: this is the only
		// time the secret is shown.
		fmt.Fprintf(logOut, "\nNo secretariat token existed, so one was made. Sign in to the console at\n\n    %s\n\nThis link is shown once: keep it secret, or revoke the token %q once you have made your own.\n\n",
			signInLink(ln.Addr(), firstToken), domain.FirstStartTokenName)
	}
	// After the link: whoever waits for this line has the link too.
	log.Info("listening", "addr", ln.Addr().String(), "dialect", store.Dialect(), "version", stampOf(debug.ReadBuildInfo()).Short())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	purgeCtx, stopPurges := context.WithCancel(ctx)
	var purges sync.WaitGroup
	purges.Add(2)
	go func() { defer purges.Done(); purgeDue(purgeCtx, svc, log) }()
	go func() { defer purges.Done(); sweepKeys(purgeCtx, svc, log) }()
	// A purge or sweep in progress finishes (each is one transaction)
	// before the database closes.
	defer purges.Wait()
	defer stopPurges()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests finish (their writes commit
	// before they answer), then close the database.
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// migrate applies pending migrations, or with "status" lists them all.
func migrate(ctx context.Context, cfg func() (config, error), args []string, out io.Writer) error {
	status := len(args) == 1 && args[0] == "status"
	switch {
	case len(args) == 1 && isHelp(args[0]):
		fmt.Fprint(out, "usage: accredit migrate          apply pending migrations\n       accredit migrate status   list every migration and whether it is applied\n")
		return nil
	case len(args) > 0 && !status:
		extra := args[0]
		if extra == "status" {
			extra = args[1]
		}
		return fmt.Errorf("migrate: unexpected argument %q (say nothing to apply migrations, or status to list them)", extra)
	}
	c, err := cfg()
	if err != nil {
		return err
	}
	store, err := storage.Open(storage.Config{URL: c.DatabaseURL, DataDir: c.DataDir, MaxConns: c.MaxConns})
	if err != nil {
		return err
	}
	defer store.Close()
	if status {
		lines, err := store.MigrationStatus(ctx)
		for _, l := range lines {
			fmt.Fprintln(out, l)
		}
		return err
	}
	applied, err := store.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "applied %d migration(s) on %s\n", len(applied), store.Dialect())
	return nil
}

// bootstrap applies ACCREDIT_ADMIN_TOKEN, or on a first start with no
// way in makes a secretariat token, whose secret it returns.
func bootstrap(ctx context.Context, svc *domain.Service, cfg config) (string, error) {
	if cfg.AdminToken != "" {
		if err := svc.Bootstrap(ctx, cfg.AdminToken); err != nil {
			return "", fmt.Errorf("ACCREDIT_ADMIN_TOKEN: %w", err)
		}
		return "", nil
	}
	secret, err := svc.FirstStart(ctx)
	if err != nil {
		return "", fmt.Errorf("first start token: %w", err)
	}
	return secret, nil
}

// signInLink is the console's sign-in link on the address actually bound;
// an unspecified address (0.0.0.0, ::) is reached on loopback.
func signInLink(addr net.Addr, secret string) string {
	host := addr.String()
	if ta, ok := addr.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		lo := net.IPv4(127, 0, 0, 1)
		if ta.IP.To4() == nil {
			lo = net.IPv6loopback
		}
		host = net.JoinHostPort(lo.String(), strconv.Itoa(ta.Port))
	}
	return "http://" + host + "/console/#token=" + secret
}

// loadCodes reads (or on first start creates) the badge-signing key, and
// the retired keys whose badges must still verify after a rotation.
func loadCodes(cfg config, log *slog.Logger) (*badges.Codec, error) {
	priv, created, err := badges.LoadOrCreateKey(cfg.SigningKey)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if created {
		log.Info("generated badge-signing key", "path", cfg.SigningKey)
	}
	signer := badges.NewSigner(priv)
	pubs := []ed25519.PublicKey{signer.Public()}
	for _, path := range cfg.RetiredKeys {
		old, err := badges.LoadKey(path)
		if err != nil {
			return nil, fmt.Errorf("retired signing key %s: %w", path, err)
		}
		pubs = append(pubs, old.Public().(ed25519.PublicKey))
	}
	return badges.NewCodec(signer, badges.NewKeyring(pubs...)), nil
}
