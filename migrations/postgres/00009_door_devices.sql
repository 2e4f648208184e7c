-- +goose Up
-- Door devices (api/openapi.yaml, Door devices). An enrolment is a one-time code the secretariat
-- hands to a device (as a QR of /desk/#enrol=CODE); the device trades it
-- for its own security token. Only the code's hash is stored, as for
-- tokens. Using it is one conditional UPDATE (used_at IS NULL AND
-- expires_at > now), so two devices racing one code get one token.
CREATE TABLE enrolments (
    id          uuid PRIMARY KEY,
    hash        text NOT NULL UNIQUE,
    event_code  text NOT NULL REFERENCES events(code),
    name        text NOT NULL,
    checkpoint  text,
    direction   text,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    token_id    uuid REFERENCES tokens(id),
    created_by  uuid REFERENCES tokens(id),
    created_at  timestamptz NOT NULL,
    FOREIGN KEY (event_code, checkpoint) REFERENCES checkpoints(event_code, code)
);

-- When a token was last used, written at most about once a minute per
-- token; not indexed, so that its update stays HOT.
ALTER TABLE tokens ADD COLUMN last_seen_at timestamptz;

-- Whether security devices may carry the event's roster (names and photo
-- thumbnails) for offline judgement.
ALTER TABLE events ADD COLUMN offline_roster boolean NOT NULL DEFAULT false;

-- A photo's door thumbnail, made from data on first request and cleared
-- when the photo changes; it goes with the row when photos are purged.
ALTER TABLE photos ADD COLUMN thumb bytea;

-- +goose Down
ALTER TABLE photos DROP COLUMN thumb;
ALTER TABLE events DROP COLUMN offline_roster;
ALTER TABLE tokens DROP COLUMN last_seen_at;
DROP TABLE enrolments;
