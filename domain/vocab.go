package domain

import "slices"

// The closed vocabularies of the data model, each written once here (the
// enums of api/openapi.yaml, which a test holds to these lists).
// Everything else derives from these lists: the API's validation rules,
// the import templates' drop-down lists, the badges' colours and labels,
// the reports' groups. Order matters where a list is shown.

// Categories of participants, in the order a badge printer would list them.
const (
	CategoryHead        = "head_of_delegation" // at most one active per delegation
	CategoryDelegate    = "delegate"
	CategoryAdviser     = "adviser"
	CategorySpeaker     = "speaker"
	CategoryObserver    = "observer"
	CategoryMedia       = "media"
	CategorySecretariat = "secretariat"
	CategoryTechnical   = "technical"
)

// Categories lists every participant category.
var Categories = []string{CategoryHead, CategoryDelegate, CategoryAdviser, CategorySpeaker, CategoryObserver,
	CategoryMedia, CategorySecretariat, CategoryTechnical}

// Genders a person may give.
const (
	GenderFemale      = "female"
	GenderMale        = "male"
	GenderOther       = "other"
	GenderUndisclosed = "undisclosed"
)

// Genders lists every gender, in the order of the template's drop-down.
var Genders = []string{GenderFemale, GenderMale, GenderOther, GenderUndisclosed}

// Modes lists the participation modes (ModeInPerson, ModeOnline).
var Modes = []string{ModeInPerson, ModeOnline}

// Types of identity document.
const (
	DocumentPassport           = "passport"
	DocumentDiplomaticPassport = "diplomatic_passport"
	DocumentNationalID         = "national_id"
	DocumentLaissezPasser      = "laissez_passer"
)

// DocumentTypes lists every type of identity document.
var DocumentTypes = []string{DocumentPassport, DocumentDiplomaticPassport, DocumentNationalID, DocumentLaissezPasser}

// Delegation kinds; events invite delegations by kind.
const (
	KindParticipatingState        = "participating_state"
	KindPartner                   = "partner"
	KindInternationalOrganization = "international_organization"
	KindOSCE                      = "osce"
	KindCivilSociety              = "civil_society"
	KindAcademia                  = "academia"
	KindPrivateSector             = "private_sector"
	KindMedia                     = "media"
)

// Kinds lists every delegation kind, in the order of the List of
// Participants.
var Kinds = []string{KindParticipatingState, KindPartner, KindInternationalOrganization, KindOSCE,
	KindCivilSociety, KindAcademia, KindPrivateSector, KindMedia}

// EventFormats lists the formats of an event (FormatInPerson, …).
var EventFormats = []string{FormatInPerson, FormatHybrid, FormatOnline}

// EventStatuses lists the statuses of an event (EventDraft, …).
var EventStatuses = []string{EventDraft, EventOpen, EventClosed}

// Roles lists the roles a token may have.
var Roles = []string{string(RoleSecretariat), string(RoleDelegation), string(RoleSecurity)}

// DirectionBoth is a checkpoint that takes scans in either direction.
const DirectionBoth = "both"

// CheckpointDirections lists the directions a checkpoint may take scans in.
var CheckpointDirections = []string{DirectionIn, DirectionOut, DirectionBoth}

// ScanDirections lists the directions of one scan.
var ScanDirections = []string{DirectionIn, DirectionOut}

// ScanResults lists what a door may decide about a scan.
var ScanResults = []string{ScanAccepted, ScanRejected}

// ValidKind reports whether k is a known delegation kind.
func ValidKind(k string) bool { return slices.Contains(Kinds, k) }

// ValidStatus reports whether s is a known nomination status.
func ValidStatus(s string) bool { return slices.Contains(Statuses, Status(s)) }

// ValidMode reports whether m is a participation mode.
func ValidMode(m string) bool { return slices.Contains(Modes, m) }

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return slices.Contains(Roles, string(r)) }
