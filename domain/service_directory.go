package domain

import "context"

// Delegations lists the nominating bodies: a public directory, the same
// for every role.
func (s *Service) Delegations(ctx context.Context, p Page) ([]Delegation, string, error) {
	return s.Store.ListDelegations(ctx, p)
}

// Delegation reads one nominating body, as Delegations shows it.
func (s *Service) Delegation(ctx context.Context, code string) (*Delegation, error) {
	return s.Store.Delegation(ctx, code)
}

// Tokens lists the API tokens, without their secrets; the secretariat's.
func (s *Service) Tokens(ctx context.Context, p Page) ([]Token, string, error) {
	if err := require(ActorFrom(ctx), RoleSecretariat); err != nil {
		return nil, "", err
	}
	return s.Store.ListTokens(ctx, p)
}

// Audit lists the audit log; the secretariat's.
func (s *Service) Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, string, error) {
	if err := require(ActorFrom(ctx), RoleSecretariat); err != nil {
		return nil, "", err
	}
	return s.Store.ListAudit(ctx, f)
}
