package main

import (
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"strings"
)

type config struct {
	Addr        string
	DatabaseURL string
	DataDir     string
	AdminToken  string
	SigningKey  string
	RetiredKeys []string
	// TrustedProxies may name the client in X-Forwarded-For, for the rate
	// limit of bad tokens; none by default.
	TrustedProxies []string
	Metrics        bool
	PprofAddr      string
	MaxConns       int
	LogLevel       slog.Level
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Addr:        or(getenv("ACCREDIT_ADDR"), "127.0.0.1:8080"),
		DatabaseURL: getenv("ACCREDIT_DATABASE_URL"),
		DataDir:     or(getenv("ACCREDIT_DATA_DIR"), "data"),
		AdminToken:  getenv("ACCREDIT_ADMIN_TOKEN"),
		SigningKey:  getenv("ACCREDIT_SIGNING_KEY"),
		Metrics:     !strings.EqualFold(getenv("ACCREDIT_METRICS"), "off"),
		PprofAddr:   getenv("ACCREDIT_PPROF_ADDR"),
	}
	if c.SigningKey == "" {
		c.SigningKey = filepath.Join(c.DataDir, "signing.key")
	}
	for _, p := range strings.Split(getenv("ACCREDIT_RETIRED_SIGNING_KEYS"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.RetiredKeys = append(c.RetiredKeys, p)
		}
	}
	for _, p := range strings.Split(getenv("ACCREDIT_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return c, fmt.Errorf("ACCREDIT_TRUSTED_PROXIES: %q is neither an IP address nor a CIDR range", p)
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	if v := getenv("ACCREDIT_DB_MAX_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return c, fmt.Errorf("ACCREDIT_DB_MAX_CONNS must be a number from 1 to 1000")
		}
		c.MaxConns = n
	}
	if v := getenv("ACCREDIT_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("ACCREDIT_LOG_LEVEL: %w", err)
		}
	}
	if err := checkAdminToken(c.AdminToken); err != nil {
		return c, err
	}
	return c, nil
}

// documentedTokens are ACCREDIT_ADMIN_TOKEN values that this project's
// documentation prints, now or in earlier versions: anyone can read them,
// so a server started with one would have a public secretariat token.
// TestDocumentedAdminTokensRefused finds the values in README.md and
// docs/*.md and fails until each is here.
var documentedTokens = []string{
	"change-me-to-a-long-random-secret",
}

// checkAdminToken refuses a bootstrap value that is short or published
// (README, Configuration).
func checkAdminToken(v string) error {
	if v == "" {
		return nil
	}
	if len(v) < 24 {
		return fmt.Errorf("ACCREDIT_ADMIN_TOKEN must be at least 24 characters (it has %d)", len(v))
	}
	for _, d := range documentedTokens {
		if strings.EqualFold(strings.TrimSpace(v), d) {
			return fmt.Errorf("ACCREDIT_ADMIN_TOKEN is an example value from the documentation, which anyone can read: set a long random value (head -c 32 /dev/urandom | base64)")
		}
	}
	return nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
