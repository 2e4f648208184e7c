-- +goose Up
-- Kept in step with the PostgreSQL migration of the same number: the
-- badge-signing keys that serve processes of this database have signed
-- badge codes with, checked by serve before it listens.
CREATE TABLE signing_keys (
    kid         text PRIMARY KEY,
    recorded_at datetime NOT NULL
);

-- +goose Down
DROP TABLE signing_keys;
