-- +goose Up
-- The search key holds names only; emails are searched through email_key,
-- which purge erases (with the email in it, the key kept it after a purge).
UPDATE nominations SET search_key = LOWER(given_name || ' ' || family_name);

-- +goose Down
SELECT 1;
