-- +goose Up
-- The badge-signing keys (by key id, docs/badge-code.md) that serve
-- processes of this database have signed badge codes with. Codes are
-- signed when a badge is shown or printed, by whichever process answers,
-- so every process that served badges is a possible signer. serve records
-- its own key before it listens, and refuses to start while the database
-- holds active, still valid badges and a recorded key it does not hold: a
-- badge printed by a process with that key would be invalid_code here.
CREATE TABLE signing_keys (
    kid         text PRIMARY KEY,
    recorded_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE signing_keys;
