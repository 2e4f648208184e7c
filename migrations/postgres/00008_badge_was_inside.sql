-- +goose Up
-- An accepted scan's answer says whether the badge was already inside.
-- The scan statement used to read that by locking each badge first
-- (SELECT ... FOR UPDATE), then updating it: two visits and a lock record
-- in the WAL for every scan. PostgreSQL 15's RETURNING sees only the new
-- row, so the update now copies inside into was_inside as it changes it
-- and returns that. The column is not indexed: the update stays HOT.
ALTER TABLE badges ADD COLUMN was_inside boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE badges DROP COLUMN was_inside;
