-- +goose Up
-- A scan's answer is rebuilt from the scan's own columns. Only what it
-- said of the badge's holder is kept beside them, because the nomination
-- may say otherwise by the time a scanner resends the scan_id. New scans
-- leave response empty; older ones keep the answer they stored.
ALTER TABLE scans
    ADD COLUMN holder_name text NOT NULL DEFAULT '',
    ADD COLUMN holder_delegation text NOT NULL DEFAULT '',
    ADD COLUMN holder_category text NOT NULL DEFAULT '',
    ADD COLUMN holder_photo boolean NOT NULL DEFAULT false,
    ALTER COLUMN response SET DEFAULT '';
-- Attendance is read per event through scans_event; this index only cost
-- every accepted scan one more entry.
DROP INDEX scans_attendance;
-- The scan log keeps no foreign key to events, as it keeps none to badges:
-- events are never deleted and their codes never change, and a scan is
-- only recorded for an event the request resolved. The key's check, a
-- look-up and a share lock on the event's row for every scan, was 15 % of
-- PostgreSQL's CPU per scan.
ALTER TABLE scans DROP CONSTRAINT scans_event_code_fkey;

-- +goose Down
ALTER TABLE scans ADD CONSTRAINT scans_event_code_fkey FOREIGN KEY (event_code) REFERENCES events(code);
CREATE INDEX scans_attendance ON scans (event_code, scanned_at) WHERE result = 'accepted';
ALTER TABLE scans
    DROP COLUMN holder_name,
    DROP COLUMN holder_delegation,
    DROP COLUMN holder_category,
    DROP COLUMN holder_photo,
    ALTER COLUMN response DROP DEFAULT;
