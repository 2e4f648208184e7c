package domain

import (
	"context"
	"slices"
)

// BootstrapTokenName is the name of the secretariat token that
// ACCREDIT_ADMIN_TOKEN sets (README, Configuration); there is at most one active.
const BootstrapTokenName = "bootstrap"

// FirstStartTokenName names the token serve makes when there is no way in.
const FirstStartTokenName = "first start"

// legacyBootstrapName is what earlier versions named the bootstrap token.
const legacyBootstrapName = "bootstrap (ACCREDIT_ADMIN_TOKEN)"

// Bootstrap makes secret the one active bootstrap token: created if new,
// and any other bootstrap token revoked, so that changing the variable
// retires the old value. A secret that is another token's, or a bootstrap
// token's that was revoked or expired, is refused: a leaked value that
// was revoked must not come back with a restart.
func (s *Service) Bootstrap(ctx context.Context, secret string) error {
	hash := HashToken(secret)
	now := s.now()
	names := []string{BootstrapTokenName, legacyBootstrapName}
	return s.Store.InTx(ctx, func(tx Tx) error {
		t, err := tx.TokenByHash(ctx, hash)
		switch {
		case IsCode(err, CodeNotFound):
			t = nil
		case err != nil:
			return err
		case t.Role != RoleSecretariat || !slices.Contains(names, t.Name):
			return Errorf(CodeConflict, "the value is the secret of token %q, not of the bootstrap token: choose a new value", t.Name)
		case !t.Active(now):
			return Errorf(CodeConflict, "the value is a bootstrap token that was revoked or expired: choose a new value")
		}
		retired, err := tx.RevokeTokensNamed(ctx, RoleSecretariat, names, hash, now)
		if err != nil {
			return err
		}
		for _, id := range retired {
			if err := s.audit(ctx, tx, "token.revoke", "token", id, "", map[string]any{"name": BootstrapTokenName, "replaced": true}); err != nil {
				return err
			}
		}
		switch {
		case t == nil:
			nt := &Token{Name: BootstrapTokenName, Role: RoleSecretariat, CreatedAt: now}
			created, err := tx.EnsureToken(ctx, nt, hash)
			if err != nil || !created { // !created: another process did it first
				return err
			}
			return s.audit(ctx, tx, "token.create", "token", nt.ID, "", map[string]any{"name": nt.Name, "role": nt.Role, "bootstrap": true})
		case t.Name != BootstrapTokenName:
			return tx.RenameToken(ctx, t.ID, BootstrapTokenName)
		}
		return nil
	})
}

// FirstStart makes a secretariat token when the database holds no active
// one, so that a new install can be signed in to (README, The first five minutes), and returns
// its secret; "" when there was a way in already.
func (s *Service) FirstStart(ctx context.Context) (string, error) {
	secret := ""
	err := s.Store.InTx(ctx, func(tx Tx) error {
		some, err := tx.HasActiveToken(ctx, RoleSecretariat, s.now())
		if err != nil || some {
			return err
		}
		t := &Token{Name: FirstStartTokenName, Role: RoleSecretariat, CreatedAt: s.now()}
		secret = NewTokenSecret()
		if err := tx.CreateToken(ctx, t, HashToken(secret)); err != nil {
			return err
		}
		return s.audit(ctx, tx, "token.create", "token", t.ID, "", map[string]any{"name": t.Name, "role": t.Role, "first_start": true})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}
