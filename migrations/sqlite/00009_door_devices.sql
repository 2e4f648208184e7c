-- +goose Up
-- Kept in step with the PostgreSQL migration of the same number: door
-- devices' enrolments, tokens.last_seen_at, events.offline_roster and
-- photos.thumb (see there).
CREATE TABLE enrolments (
    id          text PRIMARY KEY,
    hash        text NOT NULL UNIQUE,
    event_code  text NOT NULL REFERENCES events(code),
    name        text NOT NULL,
    checkpoint  text,
    direction   text,
    expires_at  datetime NOT NULL,
    used_at     datetime,
    token_id    text REFERENCES tokens(id),
    created_by  text REFERENCES tokens(id),
    created_at  datetime NOT NULL,
    FOREIGN KEY (event_code, checkpoint) REFERENCES checkpoints(event_code, code)
);

ALTER TABLE tokens ADD COLUMN last_seen_at datetime;

ALTER TABLE events ADD COLUMN offline_roster boolean NOT NULL DEFAULT false;

ALTER TABLE photos ADD COLUMN thumb blob;

-- +goose Down
ALTER TABLE photos DROP COLUMN thumb;
ALTER TABLE events DROP COLUMN offline_roster;
ALTER TABLE tokens DROP COLUMN last_seen_at;
DROP TABLE enrolments;
