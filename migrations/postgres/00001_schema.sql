-- +goose Up
CREATE TABLE delegations (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    kind        text NOT NULL,
    group_name  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
    code                    text PRIMARY KEY,
    title                   text NOT NULL,
    venue                   text NOT NULL DEFAULT '',
    timezone                text NOT NULL,
    starts_on               text NOT NULL,
    ends_on                 text NOT NULL,
    format                  text NOT NULL,
    registration_opens_at   timestamptz,
    registration_closes_at  timestamptz,
    capacity_in_person      integer,
    capacity_online         integer,
    -- approvals per mode, the counters that event capacity is checked against
    approved_in_person      integer NOT NULL DEFAULT 0,
    approved_online         integer NOT NULL DEFAULT 0,
    quotas                  text NOT NULL DEFAULT '{}',
    invited_kinds           text NOT NULL DEFAULT '[]',
    anti_passback           boolean NOT NULL DEFAULT false,
    waitlist                boolean NOT NULL DEFAULT false,
    status                  text NOT NULL DEFAULT 'draft',
    badges_valid_from       timestamptz,
    badges_valid_until      timestamptz,
    purge_after_days        integer,
    purged_at               timestamptz,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL,
    CHECK (approved_in_person >= 0 AND approved_online >= 0)
);

CREATE TABLE event_sessions (
    id          uuid PRIMARY KEY,
    event_code  text NOT NULL REFERENCES events(code),
    title       text NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    room        text NOT NULL DEFAULT '',
    capacity    integer,
    approved    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    CHECK (approved >= 0)
);
CREATE INDEX event_sessions_event ON event_sessions (event_code, id);

CREATE TABLE checkpoints (
    event_code  text NOT NULL REFERENCES events(code),
    code        text NOT NULL,
    name        text NOT NULL,
    direction   text NOT NULL,
    categories  text NOT NULL DEFAULT '[]',
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (event_code, code)
);

-- One row per event, delegation and mode: the seats in use (submitted +
-- approved). Submissions take a seat with a conditional UPDATE, so the quota
-- holds across processes without locks held in the application.
CREATE TABLE quota_seats (
    event_code       text NOT NULL REFERENCES events(code),
    delegation_code  text NOT NULL REFERENCES delegations(code),
    mode             text NOT NULL,
    used             integer NOT NULL DEFAULT 0,
    PRIMARY KEY (event_code, delegation_code, mode),
    CHECK (used >= 0)
);

CREATE TABLE quota_overrides (
    event_code       text NOT NULL REFERENCES events(code),
    delegation_code  text NOT NULL REFERENCES delegations(code),
    in_person        integer,
    online           integer,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (event_code, delegation_code)
);

CREATE TABLE nominations (
    id                   uuid PRIMARY KEY,
    event_code           text NOT NULL REFERENCES events(code),
    delegation_code      text NOT NULL REFERENCES delegations(code),
    status               text NOT NULL,
    status_reason        text NOT NULL DEFAULT '',
    replaces             uuid,
    replaced_by          uuid,
    honorific            text NOT NULL DEFAULT '',
    given_name           text NOT NULL,
    family_name          text NOT NULL,
    gender               text NOT NULL,
    function             text NOT NULL DEFAULT '',
    organization         text NOT NULL DEFAULT '',
    nationality          text NOT NULL DEFAULT '',
    email                text NOT NULL DEFAULT '',
    email_key            text,
    phone                text NOT NULL DEFAULT '',
    date_of_birth        text NOT NULL DEFAULT '',
    document_type        text NOT NULL DEFAULT '',
    document_number      text NOT NULL DEFAULT '',
    document_expires_on  text NOT NULL DEFAULT '',
    category             text NOT NULL,
    mode                 text NOT NULL,
    sessions             text NOT NULL DEFAULT '[]',
    remarks              text NOT NULL DEFAULT '',
    has_photo            boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    decided_at           timestamptz,
    decided_by           text NOT NULL DEFAULT ''
);
CREATE INDEX nominations_event_id ON nominations (event_code, id);
CREATE INDEX nominations_event_delegation ON nominations (event_code, delegation_code, status, mode, id);
-- The invariants of README, How it works (quotas and capacities), enforced by the database for every process:
-- one pending head of delegation, one pending nomination per person.
CREATE UNIQUE INDEX nominations_one_head ON nominations (event_code, delegation_code)
    WHERE category = 'head_of_delegation' AND status IN ('submitted', 'approved', 'waitlisted');
CREATE UNIQUE INDEX nominations_one_person_email ON nominations (event_code, email_key)
    WHERE status IN ('submitted', 'approved', 'waitlisted') AND email_key IS NOT NULL;
CREATE UNIQUE INDEX nominations_one_person_document ON nominations (event_code, document_type, document_number)
    WHERE status IN ('submitted', 'approved', 'waitlisted') AND document_number <> '';

CREATE TABLE photos (
    nomination_id  uuid PRIMARY KEY REFERENCES nominations(id),
    content_type   text NOT NULL,
    data           bytea NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE TABLE badges (
    id             uuid PRIMARY KEY,
    nomination_id  uuid NOT NULL UNIQUE REFERENCES nominations(id),
    event_code     text NOT NULL REFERENCES events(code),
    serial         integer NOT NULL,
    status         text NOT NULL,
    category       text NOT NULL,
    valid_from     timestamptz NOT NULL,
    valid_until    timestamptz NOT NULL,
    issued_at      timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoke_reason  text NOT NULL DEFAULT ''
);
CREATE INDEX badges_event ON badges (event_code, id);

-- The feed offline scanners replay; seq is its cursor.
CREATE TABLE revocations (
    seq         bigserial PRIMARY KEY,
    event_code  text NOT NULL REFERENCES events(code),
    badge_id    uuid NOT NULL REFERENCES badges(id),
    serial      integer NOT NULL,
    revoked_at  timestamptz NOT NULL
);
CREATE INDEX revocations_event ON revocations (event_code, seq);

CREATE TABLE tokens (
    id               uuid PRIMARY KEY,
    name             text NOT NULL,
    role             text NOT NULL,
    delegation_code  text REFERENCES delegations(code),
    event_code       text REFERENCES events(code),
    hash             text NOT NULL UNIQUE,
    expires_at       timestamptz,
    revoked_at       timestamptz,
    created_at       timestamptz NOT NULL
);

CREATE TABLE idempotency_keys (
    scope         text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    done          boolean NOT NULL DEFAULT false,
    status        integer NOT NULL DEFAULT 0,
    body          bytea,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL,
    actor_id     text NOT NULL DEFAULT '',
    actor_name   text NOT NULL DEFAULT '',
    actor_role   text NOT NULL DEFAULT '',
    action       text NOT NULL,
    target_type  text NOT NULL,
    target_id    text NOT NULL,
    event_code   text NOT NULL DEFAULT '',
    request_id   text NOT NULL DEFAULT '',
    details      text NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_event ON audit_log (event_code, id);

-- +goose Down
DROP TABLE audit_log, idempotency_keys, tokens, revocations, badges, photos,
    nominations, quota_overrides, quota_seats, checkpoints, event_sessions, events, delegations;
