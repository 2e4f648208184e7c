package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
)

// cli is the actor of changes made on the command line.
var cli = domain.Actor{Name: "cli", Role: domain.RoleSecretariat}

const tokenUsage = `usage: accredit token create --name NAME --role ROLE [--delegation CODE] [--event CODE] [--expires WHEN]
       accredit token list
       accredit token revoke ID

"accredit token create --help" describes the flags.
`

func token(ctx context.Context, cfg func() (config, error), args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("token: say create, list or revoke (see accredit token --help)")
	}
	switch sub, rest := args[0], args[1:]; sub {
	case "create":
		return tokenCreate(ctx, cfg, rest, out)
	case "list":
		if done, err := noArgs("token list", "Lists every token, without secrets.", rest, out); done {
			return err
		}
		return withStore(ctx, cfg, func(store *storage.Store) error { return tokenList(ctx, store, out) })
	case "revoke":
		switch {
		case len(rest) == 1 && isHelp(rest[0]):
			fmt.Fprint(out, "usage: accredit token revoke ID\n")
			return nil
		case len(rest) != 1:
			return errors.New("token revoke: give exactly one token id (usage: accredit token revoke ID)")
		}
		return withStore(ctx, cfg, func(store *storage.Store) error {
			t, err := domain.NewService(store).RevokeToken(domain.WithActor(ctx, cli), rest[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "revoked %s (%s)\n", t.ID, t.Name)
			return nil
		})
	default:
		if isHelp(sub) {
			fmt.Fprint(out, tokenUsage)
			return nil
		}
		return fmt.Errorf("unknown token command %q: use create, list or revoke", sub)
	}
}

// tokenCreate parses its flags and checks them before it opens the
// database, so that --help and mistakes are answered at once.
func tokenCreate(ctx context.Context, cfg func() (config, error), args []string, out io.Writer) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	name := fs.String("name", "", "who or what the token is for (required)")
	role := fs.String("role", "", "secretariat, delegation or security (required)")
	deleg := fs.String("delegation", "", "the delegation's code (required with, and only allowed with, --role delegation)")
	event := fs.String("event", "", "an event's code, to bind a security token to it (only with --role security)")
	expires := fs.String("expires", "", "lifetime (e.g. 720h) or RFC 3339 time; default: never")
	helped, err := parseFlags(fs, args, out, "token create --name NAME --role ROLE [--delegation CODE] [--event CODE] [--expires WHEN]",
		"Creates an API token and prints its secret, once.")
	if helped || err != nil {
		return err
	}
	tok := &domain.Token{Name: domain.CleanText(*name), Role: domain.Role(*role), Delegation: *deleg, Event: *event}
	switch {
	case tok.Name == "":
		return errors.New("token create: --name is required (who or what the token is for)")
	case *role == "":
		return errors.New("token create: --role is required: secretariat, delegation or security")
	case !tok.Role.Valid():
		return fmt.Errorf("token create: unknown role %q: use secretariat, delegation or security", *role)
	}
	if *expires != "" {
		at, err := parseExpiry(*expires)
		if err != nil {
			return err
		}
		tok.ExpiresAt = &at
	}
	return withStore(ctx, cfg, func(store *storage.Store) error {
		secret, err := domain.NewService(store).CreateToken(domain.WithActor(ctx, cli), tok)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "id:    %s\nrole:  %s\ntoken: %s\n(the token is shown this once; store it now)\n", tok.ID, tok.Role, secret)
		return nil
	})
}

// parseFlags parses a command's flags. --help prints the usage to out and
// reports helped; a mistake, or an argument after the flags, is an error
// that names it.
func parseFlags(fs *flag.FlagSet, args []string, out io.Writer, synopsis, what string) (helped bool, err error) {
	fs.SetOutput(io.Discard)
	err = fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(out, "usage: accredit %s\n\n%s\n\n", synopsis, what)
		fs.SetOutput(out)
		fs.PrintDefaults()
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s: %v (see accredit %s --help)", fs.Name(), err, fs.Name())
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("%s: unexpected argument %q (see accredit %s --help)", fs.Name(), fs.Arg(0), fs.Name())
	}
	return false, nil
}

// withStore opens the configured database, migrated, for one command.
func withStore(ctx context.Context, cfg func() (config, error), fn func(*storage.Store) error) error {
	c, err := cfg()
	if err != nil {
		return err
	}
	store, err := openStore(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer store.Close()
	return fn(store)
}

func tokenList(ctx context.Context, store *storage.Store, out io.Writer) error {
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
}

func parseExpiry(v string) (time.Time, error) {
	if d, err := time.ParseDuration(v); err == nil {
		return time.Now().UTC().Add(d), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, fmt.Errorf("token create: --expires %q: give a duration such as 720h or an RFC 3339 time", v)
	}
	return t.UTC(), nil
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
