-- +goose Up
-- Name and email folded to lower case without accents, written by the
-- application: SQLite's LOWER() knows only ASCII, and a secretariat types
-- "turcanu" to find "Țurcanu".
ALTER TABLE nominations ADD COLUMN search_key text NOT NULL DEFAULT '';
UPDATE nominations SET search_key = LOWER(given_name || ' ' || family_name || ' ' || email);

-- +goose Down
ALTER TABLE nominations DROP COLUMN search_key;
