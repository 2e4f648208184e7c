#!/usr/bin/env bash
# From an empty event to an accepted scan at the door, over the HTTP API.
# Run it from the repository root, in a second terminal, while
# `go run ./cmd/accredit serve` runs in the first.
set -euo pipefail
SERVER=${SERVER:-http://127.0.0.1:8080}     # where `accredit serve` listens
ACCREDIT=${ACCREDIT:-go run ./cmd/accredit} # or the path of a built binary
API=$SERVER/v1
JSON="Content-Type: application/json"
TODAY=$(date -u +%F)         # the event runs today (UTC), so today's scan is accepted
EVENT=PEM-$(date -u +%H%M%S) # a new event on each run
OUT=$(mktemp -d)             # the badge's PDF and QR land here

# call is curl that, on an HTTP error, prints the problem+json that says
# why and stops the script.
call() {
  local answer
  answer=$(curl -sS --fail-with-body "$@") || { printf '%s\n' "$answer" >&2; return 1; }
  [ -z "$answer" ] || printf '%s\n' "$answer"
}

until curl -fs -o /dev/null "$SERVER/readyz"; do sleep 0.2; done

# A secretariat token from the command line: it prints the secret once, on
# its "token:" line, and the running server accepts it at once.
SECRETARIAT=$($ACCREDIT token create --name walkthrough --role secretariat | sed -n 's/^token: *//p')
ADMIN="Authorization: Bearer $SECRETARIAT"

# The secretariat opens a hybrid event for today, inviting the participating
# States and the Partners for Co-operation with 3 in-person and 5 online
# seats each, and a checkpoint at the entrance.
call -H "$ADMIN" -H "$JSON" "$API/events" -d '{
  "code": "'"$EVENT"'", "title": "Annual Police Experts Meeting",
  "venue": "Hofburg, Vienna", "timezone": "UTC",
  "starts_on": "'"$TODAY"'", "ends_on": "'"$TODAY"'", "format": "hybrid",
  "status": "open", "invited_kinds": ["participating_state", "partner"],
  "quotas": {"participating_state": {"in_person": 3, "online": 5},
             "partner": {"in_person": 2, "online": 5}},
  "capacity": {"in_person": 300, "online": null}, "anti_passback": true}'
call -H "$ADMIN" -H "$JSON" "$API/events/$EVENT/checkpoints" \
  -d '{"code": "HELDENPLATZ", "name": "Hofburg, Heldenplatz entrance", "direction": "both"}'

# Austria's focal point gets a delegation token; the secret is in this
# answer only.
AUT=$(call -H "$ADMIN" -H "$JSON" "$API/tokens" \
  -d '{"name": "Austria, focal point", "role": "delegation", "delegation": "AUT"}' |
  sed -E 's/.*"token":"([^"]+)".*/\1/')
DELEGATION="Authorization: Bearer $AUT"

# Austria nominates its head of delegation. The Idempotency-Key makes a
# retry after a dropped connection safe: it cannot create her twice.
NOM=$(call -H "$DELEGATION" -H "$JSON" -H "Idempotency-Key: $EVENT-aut-hod" \
  "$API/events/$EVENT/nominations" -d '{
  "honorific": "Dr.", "given_name": "Zoë", "family_name": "Müller-Łukasiewicz",
  "gender": "female", "function": "Director, Criminal Intelligence Service",
  "organization": "Federal Ministry of the Interior", "nationality": "AUT",
  "email": "zoe.mueller@example.gv.at", "date_of_birth": "1975-04-02",
  "document": {"type": "diplomatic_passport", "number": "D1234567", "expires_on": "2035-01-31"},
  "category": "head_of_delegation", "mode": "in_person"}' |
  sed -E 's/^\{"id":"([^"]+)".*/\1/')
echo "nomination $NOM: submitted"

# An in-person delegate needs a photo before approval: a JPEG or PNG, 200 to
# 10,000 px a side, sides at most 1:3 apart, up to 10 MiB. Any will do here,
# such as the security desk's 512 px icon, which the server serves.
curl -sS --fail-with-body "$SERVER/desk/icon-512.png" |
  call -o /dev/null -H "$DELEGATION" -H "Content-Type: image/png" -X PUT \
    --data-binary @- "$API/events/$EVENT/nominations/$NOM/photo"

# The secretariat approves; an in-person approval issues a badge. Its
# code is what the QR holds and what the door reads.
BADGE=$(call -H "$ADMIN" -X POST "$API/events/$EVENT/nominations/$NOM/approve" |
  sed -E 's/.*"badge":\{"id":"([^"]+)".*/\1/')
call -H "$ADMIN" -o "$OUT/badge.pdf" "$API/events/$EVENT/badges/$BADGE/badge.pdf"
call -H "$ADMIN" -o "$OUT/qr.png" "$API/events/$EVENT/badges/$BADGE/qr.png"
CODE=$(call -H "$ADMIN" "$API/events/$EVENT/badges/$BADGE" | sed -E 's/.*"code":"([^"]+)".*/\1/')
echo "badge $BADGE: issued, printable from $OUT/badge.pdf"

# The security desk at the Heldenplatz entrance, with a token bound to the
# event, scans her badge on her way in.
GUARD=$(call -H "$ADMIN" -H "$JSON" "$API/tokens" \
  -d '{"name": "Heldenplatz lane 1", "role": "security", "event": "'"$EVENT"'"}' |
  sed -E 's/.*"token":"([^"]+)".*/\1/')
call -H "Authorization: Bearer $GUARD" -H "$JSON" "$API/events/$EVENT/scans" \
  -d '{"code": "'"$CODE"'", "checkpoint": "HELDENPLATZ", "direction": "in"}'
