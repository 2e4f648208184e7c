package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/osce/accredit/domain"
	"github.com/osce/accredit/storage"
)

// purge erases the personal data of one event (README, How it works: Purge).
func purge(ctx context.Context, cfg func() (config, error), args []string, out io.Writer) error {
	fs := flag.NewFlagSet("purge", flag.ContinueOnError)
	event := fs.String("event", "", "the event's code (required)")
	force := fs.Bool("force", false, "purge even though the event has not ended")
	helped, err := parseFlags(fs, args, out, "purge --event CODE [--force]",
		"Erases the documents, dates of birth, emails, phones and photos of an event's nominations,\nkeeping names and functions; refused before the event has ended unless --force.")
	if helped || err != nil {
		return err
	}
	if *event == "" {
		return fmt.Errorf("purge: --event is required (usage: accredit purge --event CODE [--force])")
	}
	return withStore(ctx, cfg, func(store *storage.Store) error {
		n, err := domain.NewService(store).Purge(domain.WithActor(ctx, cli), *event, *force)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "purged personal data of %d nomination(s) of %s\n", n, *event)
		return nil
	})
}

// purgeDue runs the purges that events asked for with purge_after_days,
// at start and then hourly, until ctx ends.
func purgeDue(ctx context.Context, svc *domain.Service, log *slog.Logger) {
	ctx = domain.WithActor(ctx, domain.System)
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		due, err := svc.DuePurges(ctx)
		if err != nil {
			log.Error("list due purges", "err", err)
		}
		for _, code := range due {
			n, err := svc.Purge(ctx, code, false)
			if err != nil {
				log.Error("scheduled purge", "event", code, "err", err)
				continue
			}
			log.Info("scheduled purge", "event", code, "nominations", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
