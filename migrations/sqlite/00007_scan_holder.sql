-- +goose Up
-- A scan's answer is rebuilt from the scan's own columns; only what it
-- said of the badge's holder is kept beside them (see the PostgreSQL
-- migration of the same number). New scans store an empty response.
-- PostgreSQL's migration also drops the scans' foreign key to events;
-- SQLite would have to rebuild the table for that, and its check there is
-- an in-process look-up.
ALTER TABLE scans ADD COLUMN holder_name text NOT NULL DEFAULT '';
ALTER TABLE scans ADD COLUMN holder_delegation text NOT NULL DEFAULT '';
ALTER TABLE scans ADD COLUMN holder_category text NOT NULL DEFAULT '';
ALTER TABLE scans ADD COLUMN holder_photo boolean NOT NULL DEFAULT false;
DROP INDEX scans_attendance;

-- +goose Down
-- Scans recorded under this version get their whole answer back before
-- the holder columns go (see the PostgreSQL migration).
UPDATE scans SET response = json_object(
    'scan_id', scan_id,
    'result', result,
    'reason', CASE WHEN reason <> '' THEN reason END,
    'badge', json(CASE WHEN holder_category <> '' THEN
        json_object('id', badge_id, 'serial', serial, 'category', holder_category) END),
    'delegate', json(CASE WHEN holder_category <> '' THEN
        json_object('display_name', holder_name, 'delegation', holder_delegation, 'category', holder_category,
            'photo_url', CASE WHEN holder_photo THEN
                '/v1/events/' || event_code || '/nominations/' || nomination_id || '/photo' END) END),
    'repeat', json(CASE WHEN repeat THEN 'true' ELSE 'false' END),
    'scanned_at', replace(scanned_at, ' ', 'T'))
WHERE response = '';
CREATE INDEX scans_attendance ON scans (event_code, scanned_at) WHERE result = 'accepted';
ALTER TABLE scans DROP COLUMN holder_name;
ALTER TABLE scans DROP COLUMN holder_delegation;
ALTER TABLE scans DROP COLUMN holder_category;
ALTER TABLE scans DROP COLUMN holder_photo;
