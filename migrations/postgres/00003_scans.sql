-- +goose Up
-- Where each badge holder is now: the state anti-passback and the
-- evacuation list read, updated with the scan that changes it.
ALTER TABLE badges ADD COLUMN inside boolean NOT NULL DEFAULT false;
ALTER TABLE badges ADD COLUMN last_checkpoint text NOT NULL DEFAULT '';
ALTER TABLE badges ADD COLUMN last_scan_at timestamptz;
CREATE INDEX badges_inside ON badges (event_code) WHERE inside;

-- Every scan, accepted or not. scan_id is the devices' idempotency key:
-- unique here, so a retried scan is recorded once whichever process gets it.
CREATE TABLE scans (
    seq            bigserial PRIMARY KEY,
    scan_id        uuid NOT NULL UNIQUE,
    event_code     text NOT NULL REFERENCES events(code),
    badge_id       uuid,
    nomination_id  uuid,
    serial         integer,
    checkpoint     text NOT NULL,
    direction      text NOT NULL,
    result         text NOT NULL,
    reason         text NOT NULL DEFAULT '',
    repeat         boolean NOT NULL DEFAULT false,
    conflict       boolean NOT NULL DEFAULT false,
    device_result  text NOT NULL DEFAULT '',
    device         text NOT NULL DEFAULT '',
    scanned_at     timestamptz NOT NULL,
    received_at    timestamptz NOT NULL,
    response       text NOT NULL
);
CREATE INDEX scans_event ON scans (event_code, seq);
CREATE INDEX scans_badge ON scans (badge_id, seq);
CREATE INDEX scans_attendance ON scans (event_code, scanned_at) WHERE result = 'accepted';

-- +goose Down
DROP TABLE scans;
DROP INDEX badges_inside;
ALTER TABLE badges DROP COLUMN inside;
ALTER TABLE badges DROP COLUMN last_checkpoint;
ALTER TABLE badges DROP COLUMN last_scan_at;
