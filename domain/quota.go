package domain

// Usage is a limit and how much of it is used; a nil limit is unlimited.
type Usage struct {
	Limit     *int
	Used      int
	Remaining *int
}

// NewUsage computes remaining, never below zero: a quota lowered below its
// use blocks new nominations and evicts nobody.
func NewUsage(limit *int, used int) Usage {
	u := Usage{Limit: limit, Used: used}
	if limit != nil {
		r := max(*limit-used, 0)
		u.Remaining = &r
	}
	return u
}

// QuotaUsage is one delegation's use of its quota in one event.
type QuotaUsage struct {
	Delegation string
	InPerson   Usage
	Online     Usage
}
