-- +goose Up
-- Scans recorded before 00007 kept their whole answer as JSON in
-- response; later ones keep what it said of the badge's holder in the
-- holder_* columns and rebuild the rest from their own. The older answers
-- move into those columns too, so that every answer is rebuilt one way,
-- and the column goes. (An answer named a holder exactly when it named a
-- badge; repeat, result, reason and times were always columns as well.)
UPDATE scans SET
    holder_name = coalesce(response::json->'delegate'->>'display_name', ''),
    holder_delegation = coalesce(response::json->'delegate'->>'delegation', ''),
    holder_category = coalesce(response::json->'badge'->>'category', ''),
    holder_photo = (response::json->'delegate'->>'photo_url') IS NOT NULL
WHERE response <> '' AND json_typeof(response::json->'badge') = 'object';
ALTER TABLE scans DROP COLUMN response;

-- +goose Down
-- 00007's Down fills the column again from the holder columns.
ALTER TABLE scans ADD COLUMN response text NOT NULL DEFAULT '';
