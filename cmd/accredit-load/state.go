package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// state is what seed leaves for the other scenarios: the event and the
// badge codes the scanners replay. Codes are entry credentials for that
// event, so the file is written 0600.
type state struct {
	Version   int        `json:"version"`
	URL       string     `json:"url"`
	Event     string     `json:"event"`
	CreatedAt time.Time  `json:"created_at"`
	Badges    []badgeRef `json:"badges"`  // active
	Revoked   []badgeRef `json:"revoked"` // withdrawn at seed time
}

type badgeRef struct {
	ID           string `json:"id"`
	NominationID string `json:"nomination_id"`
	Code         string `json:"code"`
	Category     string `json:"category"`
}

const stateVersion = 1

// saveState writes atomically (temp file, then rename), so that a
// scenario never reads half a state file.
func saveState(path string, st *state) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".accredit-load-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func loadState(path string) (*state, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("%s: state version %d, this tool writes %d; run -scenario seed again", path, st.Version, stateVersion)
	}
	if st.Event == "" {
		return nil, fmt.Errorf("%s: no event", path)
	}
	return &st, nil
}

// needState gives the scenarios after seed their event and badges: from
// memory after seed, else from the state file, else (when -event names a
// different event than the file) rebuilt from the server's badge list.
func (e *env) needState(ctx context.Context) (*state, error) {
	if e.state != nil {
		return e.state, nil
	}
	st, err := loadState(e.cfg.statePath)
	switch {
	case err == nil && (!e.cfg.eventGiven || st.Event == e.cfg.event):
	case e.cfg.eventGiven && (err == nil || errors.Is(err, fs.ErrNotExist)):
		e.logf("state: fetching the badges of %s from the server", e.cfg.event)
		if st, err = e.badgeState(ctx, nil, e.cfg.event); err != nil {
			return nil, err
		}
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no state file %s: run -scenario seed first, or name the event with -event", e.cfg.statePath)
	default:
		return nil, err
	}
	if err := e.c.call(ctx, "GET", "/v1/events/"+st.Event, nil, nil, 200); err != nil {
		return nil, fmt.Errorf("event %s of the state file: %w", st.Event, err)
	}
	e.state = st
	return st, nil
}

type badgeItem struct {
	ID           string `json:"id"`
	NominationID string `json:"nomination_id"`
	Code         string `json:"code"`
	Status       string `json:"status"`
	Category     string `json:"category"`
}

// eachBadge pages through GET …/badges?limit=500; rec, when given,
// measures the pages.
func (e *env) eachBadge(ctx context.Context, event string, rec *recorder, fn func(badgeItem)) error {
	cursor := ""
	for {
		path := "/v1/events/" + event + "/badges?limit=500"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Items      []badgeItem `json:"items"`
			NextCursor *string     `json:"next_cursor"`
		}
		r := req{method: "GET", path: path}
		if rec != nil {
			res, ok := rec.do(ctx, e.c, r, 200)
			if !ok {
				return newAPIError(r, res, nil)
			}
			if err := json.Unmarshal(res.body, &page); err != nil {
				return newAPIError(r, res, err)
			}
		} else if err := e.c.callReq(ctx, r, &page, 200); err != nil {
			return err
		}
		for _, b := range page.Items {
			fn(b)
		}
		if page.NextCursor == nil || *page.NextCursor == "" {
			return nil
		}
		cursor = *page.NextCursor
	}
}
