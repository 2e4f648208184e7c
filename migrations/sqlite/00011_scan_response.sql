-- +goose Up
-- Scans recorded before 00007 kept their whole answer as JSON in
-- response; their holder moves into the holder_* columns and the column
-- goes (see the PostgreSQL migration of the same number).
UPDATE scans SET
    holder_name = coalesce(json_extract(response, '$.delegate.display_name'), ''),
    holder_delegation = coalesce(json_extract(response, '$.delegate.delegation'), ''),
    holder_category = coalesce(json_extract(response, '$.badge.category'), ''),
    holder_photo = json_extract(response, '$.delegate.photo_url') IS NOT NULL
WHERE response <> '' AND json_type(response, '$.badge') = 'object';
ALTER TABLE scans DROP COLUMN response;
-- was_inside served PostgreSQL's scan statement, whose RETURNING sees only
-- the updated row (00008); SQLite's writer reads inside before it updates.
ALTER TABLE badges DROP COLUMN was_inside;

-- +goose Down
ALTER TABLE badges ADD COLUMN was_inside integer NOT NULL DEFAULT 0;
-- 00007's Down fills the column again from the holder columns.
ALTER TABLE scans ADD COLUMN response text NOT NULL DEFAULT '';
