package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/osce/accredit/domain"
)

// cli is the actor of changes made on the command line.
var cli = domain.Actor{Name: "cli", Role: domain.RoleSecretariat}

func token(ctx context.Context, cfg config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: accredit token create|list|revoke")
	}
	store, err := openStore(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer store.Close()
	svc := domain.NewService(store)
	ctx = domain.WithActor(ctx, cli)
	switch args[0] {
	case "create":
		fs := flag.NewFlagSet("token create", flag.ContinueOnError)
		fs.SetOutput(out)
		name := fs.String("name", "", "who or what the token is for")
		role := fs.String("role", "", "secretariat, delegation or security")
		deleg := fs.String("delegation", "", "delegation code (role delegation)")
		event := fs.String("event", "", "event code (role security, optional)")
		expires := fs.String("expires", "", "lifetime (e.g. 720h) or RFC 3339 time")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		t := &domain.Token{Name: *name, Role: domain.Role(*role), Delegation: *deleg, Event: *event}
		if *name == "" || !t.Role.Valid() {
			return fmt.Errorf("--name and --role (secretariat, delegation or security) are required")
		}
		if *expires != "" {
			at, err := parseExpiry(*expires)
			if err != nil {
				return err
			}
			t.ExpiresAt = &at
		}
		secret, err := svc.CreateToken(ctx, t)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "id:    %s\nrole:  %s\ntoken: %s\n(the token is shown this once; store it now)\n", t.ID, t.Role, secret)
		return nil
	case "list":
		tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tDELEGATION\tEVENT\tEXPIRES\tREVOKED")
		cursor := ""
		for {
			items, next, err := store.ListTokens(ctx, domain.Page{Limit: domain.MaxPageSize, Cursor: cursor})
			if err != nil {
				return err
			}
			for _, t := range items {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.Delegation, t.Event, when(t.ExpiresAt), when(t.RevokedAt))
			}
			if cursor = next; next == "" {
				return tw.Flush()
			}
		}
	case "revoke":
		if len(args) != 2 {
			return fmt.Errorf("usage: accredit token revoke ID")
		}
		t, err := svc.RevokeToken(ctx, args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "revoked %s (%s)\n", t.ID, t.Name)
		return nil
	}
	return fmt.Errorf("unknown token command %q", args[0])
}

func parseExpiry(v string) (time.Time, error) {
	if d, err := time.ParseDuration(v); err == nil {
		return time.Now().UTC().Add(d), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, fmt.Errorf("--expires: give a duration such as 720h or an RFC 3339 time")
	}
	return t.UTC(), nil
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
