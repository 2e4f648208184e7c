package domain

// Status is where a nomination stands (README, How it works: the status machine).
type Status string

const (
	StatusSubmitted  Status = "submitted"
	StatusWaitlisted Status = "waitlisted"
	StatusApproved   Status = "approved"
	StatusRejected   Status = "rejected"
	StatusWithdrawn  Status = "withdrawn"
	StatusRevoked    Status = "revoked"
)

// Statuses lists every status, for filters and metrics.
var Statuses = []Status{StatusSubmitted, StatusWaitlisted, StatusApproved, StatusRejected, StatusWithdrawn, StatusRevoked}

// Action is something done to a nomination.
type Action string

const (
	ActionEdit       Action = "edit"
	ActionApprove    Action = "approve"
	ActionReject     Action = "reject"
	ActionWithdraw   Action = "withdraw"
	ActionRevoke     Action = "revoke"
	ActionSubstitute Action = "substitute"
	ActionPromote    Action = "promote"
)

// transitions is the whole status machine: from which statuses an action may
// start and where it leads. Edit leaves the status unchanged.
var transitions = map[Action]struct {
	from []Status
	to   Status
}{
	ActionEdit:       {[]Status{StatusSubmitted, StatusWaitlisted}, ""},
	ActionApprove:    {[]Status{StatusSubmitted}, StatusApproved},
	ActionReject:     {[]Status{StatusSubmitted}, StatusRejected},
	ActionWithdraw:   {[]Status{StatusSubmitted, StatusWaitlisted, StatusApproved}, StatusWithdrawn},
	ActionRevoke:     {[]Status{StatusApproved}, StatusRevoked},
	ActionSubstitute: {[]Status{StatusApproved, StatusSubmitted}, StatusWithdrawn},
	ActionPromote:    {[]Status{StatusWaitlisted}, StatusSubmitted},
}

// Transition returns the status that action leads to from from, or an
// invalid_transition error.
func Transition(from Status, action Action) (Status, error) {
	t, ok := transitions[action]
	if ok {
		for _, s := range t.from {
			if s == from {
				if t.to == "" {
					return from, nil
				}
				return t.to, nil
			}
		}
	}
	return "", Errorf(CodeInvalidTransition, "cannot %s a nomination that is %s", action, from)
}

// From lists the statuses an action may start from (for conditional updates).
func (a Action) From() []Status { return transitions[a].from }

// Active reports whether the nomination holds a seat against the quota.
func (s Status) Active() bool { return s == StatusSubmitted || s == StatusApproved }
