-- +goose Up
-- Every accepted scan moves its badge in or out. With no index on the
-- columns a scan changes (inside, last_checkpoint, last_scan_at) and room
-- left on each page, PostgreSQL updates the badge in place (a HOT update)
-- instead of adding an entry to each of the badges' indexes. Who is inside
-- is read through badges_event: a filter over one event's badges.
DROP INDEX badges_inside;
ALTER TABLE badges SET (fillfactor = 70);

-- +goose Down
ALTER TABLE badges RESET (fillfactor);
CREATE INDEX badges_inside ON badges (event_code) WHERE inside;
