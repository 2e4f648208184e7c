#!/usr/bin/env bash
# Measures accredit as docs/performance.md reports it, on this machine, in
# one run: the two baselines (wrk on /healthz, pgbench one-row INSERT at the
# same client count) and every scenario of cmd/accredit-load, on PostgreSQL
# (synchronous commit on) and then the scan rate on SQLite.
#
#   PG_FSYNC=on bash .ci/pg.sh bash scripts/perf.sh [results-file]
#
# Needs wrk and pgbench (Debian: wrk, postgresql-client). Loopback only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${1:-perf-results.txt}
: "${ACCREDIT_TEST_DATABASE_URL:?run me under PG_FSYNC=on .ci/pg.sh}"
# The figures are of commits that reach the disk: refuse a server that
# does not flush them.
if [ "$(psql "${ACCREDIT_TEST_DATABASE_URL}" -tAc 'SHOW fsync')" != on ]; then
  echo "perf.sh: the PostgreSQL server runs with fsync=off; run me under PG_FSYNC=on bash .ci/pg.sh" >&2
  exit 1
fi
CLIENTS=${CLIENTS:-64}
SCAN_SECONDS=${SCAN_SECONDS:-30}
TOKEN=perf-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
WORK=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
say() { echo "$*" | tee -a "$OUT"; }
: > "$OUT"

go build -o "$WORK/accredit" ./cmd/accredit
go build -o "$WORK/load" ./cmd/accredit-load
BASE=${ACCREDIT_TEST_DATABASE_URL%%\?*}
DB_URL="$BASE?sslmode=disable"

start() { # start <database-url-or-empty> <port>
  ACCREDIT_DATABASE_URL="$1" ACCREDIT_DATA_DIR="$WORK/data-$2" ACCREDIT_ADDR="127.0.0.1:$2" \
    ACCREDIT_ADMIN_TOKEN="$TOKEN" ACCREDIT_LOG_LEVEL=warn "$WORK/accredit" serve 2>"$WORK/serve-$2.log" &
  PID=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$2/readyz" >/dev/null && return; sleep 0.2; done
  echo "server did not start"; cat "$WORK/serve-$2.log"; exit 1
}
stop() { kill -TERM "$PID"; wait "$PID" || true; PID=""; }
# quiet: each PostgreSQL scenario starts on a settled database (statistics
# current, dead rows vacuumed, dirty pages written), as a meeting's morning
# does after the night's autovacuum, not in the wake of the scenario before.
quiet() { psql "$DB_URL" -qc "VACUUM ANALYZE" && psql "$DB_URL" -qc "CHECKPOINT"; }
load() { "$WORK/load" -url "http://127.0.0.1:$PORT" -token "$TOKEN" -state "$WORK/state-$PORT.json" "$@" | tail -n 1 | tee -a "$OUT"; }
rss() { curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^process_resident_memory_bytes/ {printf "%.1f", $2/1048576}'; }

say "# $(date -u +%FT%TZ) $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(uname -r)"
say "# commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
PORT=18181
start "$DB_URL" $PORT
say "## PostgreSQL: $(psql "$DB_URL" -Atc 'show server_version') synchronous_commit=$(psql "$DB_URL" -Atc 'show synchronous_commit') fsync=$(psql "$DB_URL" -Atc 'show fsync')"

say "## baseline: wrk -t2 -c$CLIENTS -d10s /healthz"
wrk -t2 -c"$CLIENTS" -d10s --latency "http://127.0.0.1:$PORT/healthz" | grep -E "Requests/sec|99%" | tee -a "$OUT"
# pgbench one-row INSERT at the scan's client count. The VM's speed drifts
# by tens of percent within minutes, so it runs right before and right
# after the scan scenario, and the ratio is taken to their mean.
pgbench_tps() {
  psql "$DB_URL" -qc "DROP TABLE IF EXISTS perf_insert; CREATE TABLE perf_insert (id bigserial PRIMARY KEY, scan_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT now(), payload text)"
  echo "INSERT INTO perf_insert (scan_id, payload) VALUES (gen_random_uuid(), 'accepted');" > "$WORK/insert.sql"
  pgbench -n -c "$CLIENTS" -j 2 -T 20 -M prepared -f "$WORK/insert.sql" "$DB_URL" 2>/dev/null | grep -E "^tps|latency average" | tee -a "$OUT" >&2
  psql "$DB_URL" -qc "DROP TABLE perf_insert"
  grep -E "^tps" "$OUT" | tail -n 1 | awk '{print $3}'
}

say "## accredit-load on PostgreSQL"
load -scenario seed -delegates 2000 -concurrency 32
say "rss_before_scan_mb $(rss)"
say "## baseline: pgbench one-row INSERT, $CLIENTS clients, 20 s, before the scans"
quiet; TPS1=$(pgbench_tps)
quiet; load -scenario scan -concurrency "$CLIENTS" -duration "${SCAN_SECONDS}s"
SCANS=$(tail -n 1 "$OUT" | grep -oE '"scans_per_s":[0-9.]+' | cut -d: -f2)
say "rss_after_scan_mb $(rss)"
say "## baseline: pgbench one-row INSERT, $CLIENTS clients, 20 s, after the scans"
quiet; TPS2=$(pgbench_tps)
say "scans_to_pgbench $(awk -v s="$SCANS" -v a="$TPS1" -v b="$TPS2" 'BEGIN {printf "%.2f (%.0f scans/s, pgbench mean %.0f tps)", s/((a+b)/2), s, (a+b)/2}')"
quiet; load -scenario submit -concurrency "$CLIENTS" -duration 20s
quiet; load -scenario submit -concurrency 16 -duration 20s
# The same 64 clients at an offered 1,000 submissions/s (the issue's rate),
# each timed from when it was due: the latency at that rate, not at
# saturation.
quiet; load -scenario submit -concurrency "$CLIENTS" -rate 1000 -duration 20s
quiet; load -scenario approve -concurrency "$CLIENTS" -duration 10s
quiet; load -scenario qr -concurrency 16 -duration 10s
quiet; load -scenario qr -concurrency 4 -duration 10s
quiet; load -scenario list -concurrency 16 -duration 10s
quiet; load -scenario print -print-badges 1000

say "## growth: one page of GET …/nominations?limit=50 with 1,000 and with 100,000 nominations"
grow() { # grow <event> <rows>
  curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/events" -d "{\"code\":\"$1\",\"title\":\"Growth $2\",\"timezone\":\"Europe/Vienna\",\"starts_on\":\"2030-06-10\",\"ends_on\":\"2030-06-11\",\"format\":\"hybrid\",\"status\":\"open\",\"invited_kinds\":[\"participating_state\",\"partner\"]}" >/dev/null
  local codes; codes=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/delegations?limit=500" | grep -oE '"code":"[A-Z]{3}","name":"[^"]*","kind":"(participating_state|partner)"' | cut -d'"' -f4 | tr '\n' ' ')
  local start=$SECONDS n=0
  while [ "$n" -lt "$2" ]; do
    local chunk=$(( $2 - n < 5000 ? $2 - n : 5000 ))
    awk -v n="$n" -v k="$chunk" -v codes="$codes" 'BEGIN {
      split(codes, c, " "); print "delegation,given_name,family_name,gender,email,category,mode,function"
      for (i = 0; i < k; i++) { j = n + i; printf "%s,Given%d,Family%d,%s,p%d@growth.example,delegate,online,Expert\n", c[j % length(c) + 1], j, j, (j % 2 ? "female" : "male"), j }
    }' > "$WORK/grow.csv"
    curl -sf -H "Authorization: Bearer $TOKEN" -H "Content-Type: text/csv" --data-binary @"$WORK/grow.csv" "http://127.0.0.1:$PORT/v1/events/$1/nominations/import" >/dev/null
    n=$(( n + chunk ))
  done
  say "imported $2 nominations into $1 in $(( SECONDS - start )) s"
  local mid; mid=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/events/$1/nominations?limit=500" | grep -oE '"next_cursor":"[^"]+"' | cut -d'"' -f4)
  say "$1 first page:"; wrk -t2 -c8 -d8s --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/events/$1/nominations?limit=50" | grep -E "Requests/sec|99%" | tee -a "$OUT"
  say "$1 a later page:"; wrk -t2 -c8 -d8s --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/events/$1/nominations?limit=50&cursor=$mid" | grep -E "Requests/sec|99%" | tee -a "$OUT"
  say "$1 summary: $(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/events/$1/reports/summary") s"
}
# quotas: none set means unlimited
grow GROW-1K 1000
grow GROW-100K 100000
say "rss_end_mb $(rss)"
stop

say "## accredit-load on SQLite (embedded default)"
PORT=18182
start "" $PORT
load -scenario seed -delegates 2000 -concurrency 32
load -scenario scan -concurrency "$CLIENTS" -duration "${SCAN_SECONDS}s"
say "rss_after_scan_mb $(rss)"
stop
say "# done"
