package main

import (
	"context"
	"time"
)

// tempToken creates a token for one scenario (a scanner's security token,
// a delegation's token). It expires in two hours, so that a run killed
// before its cleanup leaves nothing usable behind for long.
func (e *env) tempToken(ctx context.Context, name, role, delegation, event string) (secret, id string, err error) {
	in := map[string]any{"name": name, "role": role, "expires_at": time.Now().UTC().Add(2 * time.Hour).Truncate(time.Second)}
	if delegation != "" {
		in["delegation"] = delegation
	}
	if event != "" {
		in["event"] = event
	}
	var out struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	if err := e.c.call(ctx, "POST", "/v1/tokens", in, &out, 201); err != nil {
		return "", "", err
	}
	return out.Token, out.ID, nil
}

// revokeTokens revokes the scenario's tokens when it ends, even after
// Ctrl-C (hence a fresh context).
func (e *env) revokeTokens(ids ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, id := range ids {
		if err := e.c.call(ctx, "DELETE", "/v1/tokens/"+id, nil, nil, 204); err != nil {
			e.logf("could not revoke token %s: %v", id, err)
		}
	}
}
