-- +goose Up
-- Kept in step with the PostgreSQL migration of the same number, whose
-- scan statement returns inside's value before the update through this
-- column. SQLite's scans are serialised and read it before they update.
ALTER TABLE badges ADD COLUMN was_inside integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE badges DROP COLUMN was_inside;
