-- +goose Up
-- Every accepted scan moves its badge in or out; without an index on
-- inside that is a write to the table row alone. Who is inside is read
-- through badges_event: a filter over one event's badges. (Kept in step
-- with the PostgreSQL migration of the same number.)
DROP INDEX badges_inside;

-- +goose Down
CREATE INDEX badges_inside ON badges (event_code) WHERE inside = 1;
