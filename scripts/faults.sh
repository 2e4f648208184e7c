#!/usr/bin/env bash
# Fault runs: accredit under scans or submissions while its server is
# killed, its database restarted, or it is asked to stop, on a throwaway
# PostgreSQL (.ci/pg.sh) and on the embedded SQLite default. Every run
# prints what the clients had acknowledged, how much of it the server has
# recorded (present), missing and doubled writes, the outage (the longest
# time no request got an answer) and the recovery (from the moment the
# restarted server or database answered the script's own probe to the end
# of that outage; 0 when clients had answers first). Exits 1 if an
# acknowledged write is missing or doubled, a write was refused, answered
# differently when resent, or still unanswered a minute after the load
# (an Idempotency-Key held by a dead request), or serve did not exit 0 on
# SIGTERM. Not part of CI (it takes about eight minutes); rerun it after
# changes to storage, the scan writers or idempotency.
#
#   bash scripts/faults.sh [pg|sqlite|all]        (default all)
#
# Environment: DURATION (s of load per run, default 20), FAULT_AT (s into
# the run, default 8), CLIENTS (default 32), BADGES (default 200),
# RESULTS (file the result lines are appended to, default
# faults-results.txt), ACCREDIT_BIN (a server binary to test instead of
# building ./cmd/accredit, e.g. an older build). Loopback only; ports
# 18401-18402.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
WHICH=${1:-all}
DURATION=${DURATION:-20}
FAULT_AT=${FAULT_AT:-8}
CLIENTS=${CLIENTS:-32}
BADGES=${BADGES:-200}
RESULTS=${RESULTS:-faults-results.txt}
export PATH="/usr/local/go/bin:$PATH"
# shellcheck source=../.ci/pg.sh
. "$ROOT/.ci/pg.sh"
PG_FSYNC=on # acknowledged means on the disk, as in production

WORK=$(mktemp -d "${TMPDIR:-/tmp}/accredit-faults.XXXXXX")
export ACCREDIT_FAULTS_TOKEN="faults-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
declare -A PIDS=() # port -> server pid
DB_URL=""
DATA_DIR=""
FAILED=0
RUN=""

say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
log() { printf '[faults] %s\n' "$*" >&2; }

cleanup() {
  local port
  for port in "${!PIDS[@]}"; do kill -KILL "${PIDS[$port]}" 2>/dev/null; wait "${PIDS[$port]}" 2>/dev/null; done
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start PORT: an accredit server on the current database, ready.
start() {
  local port=$1 i
  ACCREDIT_DATABASE_URL="$DB_URL" ACCREDIT_DATA_DIR="$DATA_DIR" ACCREDIT_ADDR="127.0.0.1:$port" \
    ACCREDIT_ADMIN_TOKEN="$ACCREDIT_FAULTS_TOKEN" ACCREDIT_LOG_LEVEL=warn \
    "$WORK/accredit" serve 2>>"$WORK/serve-$port.log" &
  PIDS[$port]=$!
  for i in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    kill -0 "${PIDS[$port]}" 2>/dev/null || break
    sleep 0.05
  done
  log "server on $port did not start:"; tail -n 20 "$WORK/serve-$port.log" >&2; exit 1
}

# stop PORT SIGNAL: signal the server and reap it; its exit status is
# left in STOPPED.
STOPPED=0
stop() {
  local port=$1 sig=$2
  STOPPED=0
  kill "-$sig" "${PIDS[$port]}" 2>/dev/null
  wait "${PIDS[$port]}" 2>/dev/null || STOPPED=$?
  unset "PIDS[$port]"
}

# up PORT...: start those of the servers that are not running.
up() {
  local port
  for port in "$@"; do
    if [ -z "${PIDS[$port]:-}" ] || ! kill -0 "${PIDS[$port]}" 2>/dev/null; then start "$port"; fi
  done
}

# ready: the restarted server or database is ready now (for recovery_s).
ready() { date +%s%N >"$WORK/$RUN.ack.ready"; }

# Faults, run FAULT_AT seconds into the load.
kill9_restart() { stop "$1" KILL; sleep 1; start "$1"; ready; }
kill9() { stop "$1" KILL; }
sigterm_restart() {
  stop "$1" TERM
  [ "$STOPPED" = 0 ] || { log "serve exited $STOPPED after SIGTERM, want 0"; FAILED=1; }
  start "$1"; ready
}
pg_fast() { pg_restart fast || exit 1; ready; }
pg_immediate() { pg_restart immediate || exit 1; ready; }

# run NAME scan|submit PORTS FAULT...: one run: load on the servers at
# PORTS (comma-separated), the fault, then the check.
run() {
  local name=$1 kind=$2 ports=$3 urls="" port line
  shift 3
  RUN=$name
  for port in ${ports//,/ }; do urls+="${urls:+,}http://127.0.0.1:$port"; done
  up ${ports//,/ }
  log "$name: $kind on $ports, fault at ${FAULT_AT}s: $*"
  "$WORK/faultclient" "$kind" -urls "$urls" -state "$WORK/state" -ack "$WORK/$name.ack" \
    -duration "${DURATION}s" -clients "$CLIENTS" 2>>"$WORK/client.log" &
  local client=$!
  sleep "$FAULT_AT"
  "$@"
  wait "$client" || { log "$name: the client failed (see $WORK/client.log)"; FAILED=1; }
  up ${ports//,/ }
  if line=$("$WORK/faultclient" check -url "http://127.0.0.1:${ports%%,*}" -state "$WORK/state" \
      -ack "$WORK/$name.ack" -run "$name"); then
    say "$line"
  else
    say "$line"
    FAILED=1
  fi
}

setup() {
  up 18401
  "$WORK/faultclient" setup -url http://127.0.0.1:18401 -state "$WORK/state" -badges "$BADGES" >&2 || exit 1
}

postgres_runs() {
  pg_start || exit 1
  DB_URL=$ACCREDIT_TEST_DATABASE_URL DATA_DIR="$WORK/pg-data"
  say "## PostgreSQL $("$PG_BIN/postgres" -V | awk '{print $3}') on port $PG_PORT_USED"
  setup
  run pg-kill9-scan scan 18401 kill9_restart 18401
  run pg-kill9-submit submit 18401 kill9_restart 18401
  run pg-two-kill9-scan scan 18401,18402 kill9 18401
  run pg-two-kill9-submit submit 18401,18402 kill9 18402
  run pg-restart-fast-scan scan 18401,18402 pg_fast
  run pg-restart-fast-submit submit 18401,18402 pg_fast
  run pg-restart-immediate-scan scan 18401,18402 pg_immediate
  run pg-restart-immediate-submit submit 18401,18402 pg_immediate
  run pg-sigterm-scan scan 18401 sigterm_restart 18401
  run pg-sigterm-submit submit 18401 sigterm_restart 18401
  local port
  for port in "${!PIDS[@]}"; do stop "$port" TERM; done
  pg_stop
}

sqlite_runs() {
  DB_URL="" DATA_DIR="$WORK/sqlite-data"
  say "## SQLite (embedded default) in $DATA_DIR"
  setup
  run sqlite-kill9-scan scan 18401 kill9_restart 18401
  run sqlite-kill9-submit submit 18401 kill9_restart 18401
  run sqlite-sigterm-scan scan 18401 sigterm_restart 18401
  run sqlite-sigterm-submit submit 18401 sigterm_restart 18401
  local port
  for port in "${!PIDS[@]}"; do stop "$port" TERM; done
}

log "building"
if [ -n "${ACCREDIT_BIN:-}" ]; then
  cp "$ACCREDIT_BIN" "$WORK/accredit" || exit 1
else
  go build -o "$WORK/accredit" ./cmd/accredit || exit 1
fi
go build -o "$WORK/faultclient" ./scripts/faultclient || exit 1
say "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $CLIENTS clients, ${DURATION}s per run, fault at ${FAULT_AT}s"
case $WHICH in
  pg) postgres_runs ;;
  sqlite) sqlite_runs ;;
  all) postgres_runs; sqlite_runs ;;
  *) echo "usage: bash scripts/faults.sh [pg|sqlite|all]" >&2; exit 2 ;;
esac
if [ "$FAILED" != 0 ]; then
  log "FAILED: see the lines above (logs: $WORK, kept)"
  trap - EXIT
  for port in "${!PIDS[@]}"; do kill -KILL "${PIDS[$port]}" 2>/dev/null; done
  pg_stop
  exit 1
fi
log "all runs passed"
