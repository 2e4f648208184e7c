#!/usr/bin/env bash
# Load smoke run, called by .ci/run after the test suite (everything goes to
# stderr). It builds the server and the load tool into a temporary
# directory, starts `accredit serve` on the embedded SQLite default on a free
# loopback port, runs every load scenario briefly and checks that each one
# printed its JSON line and that the tool and the server exited cleanly.
# The whole run stays well under a minute.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/usr/local/go/bin:$PATH"

log() { printf '[smoke-load] %s\n' "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/accredit-smoke-load.XXXXXX")
SERVER_PID=""

# shellcheck disable=SC2317 # invoked from the traps below
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" != 0 ] && [ -s "$WORK/server.log" ]; then
    log "last lines of the server log:"
    tail -n 30 "$WORK/server.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$SECONDS
log "building ./cmd/accredit and ./cmd/accredit-load"
go build -o "$WORK/accredit" ./cmd/accredit || die "go build ./cmd/accredit"
go build -o "$WORK/accredit-load" ./cmd/accredit-load || die "go build ./cmd/accredit-load"

# A random secretariat token of 48 hex characters (the server wants >= 24).
TOKEN=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
[ "${#TOKEN}" -ge 24 ] || die "could not make a token"

# port_in_use PORT: something accepts connections there.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# http_status PATH: the status code of GET PATH, without curl.
http_status() {
  local line=""
  exec 3<>"/dev/tcp/127.0.0.1/$PORT" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
  IFS= read -r -t 2 line <&3 || true
  exec 3<&- 3>&-
  line=${line#HTTP/* }
  printf '%s' "${line%% *}"
}

# start_server: on a random free port, up to three tries (another process
# may take the port between the check and the listen).
start_server() {
  local try
  for try in 1 2 3; do
    PORT=""
    for _ in $(seq 1 50); do
      local p=$((20000 + RANDOM % 40000))
      if ! port_in_use "$p"; then PORT=$p; break; fi
    done
    [ -n "$PORT" ] || die "no free port found"
    log "starting accredit serve on 127.0.0.1:$PORT (try $try)"
    env -u ACCREDIT_DATABASE_URL -u ACCREDIT_SIGNING_KEY -u ACCREDIT_RETIRED_SIGNING_KEYS \
      ACCREDIT_ADDR="127.0.0.1:$PORT" ACCREDIT_DATA_DIR="$WORK/data" ACCREDIT_ADMIN_TOKEN="$TOKEN" \
      ACCREDIT_METRICS=on ACCREDIT_LOG_LEVEL=warn \
      "$WORK/accredit" serve </dev/null >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 150); do # 30 s at most
      if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
        log "the server exited during start-up:"
        tail -n 10 "$WORK/server.log" >&2 || true
        continue 2
      fi
      if [ "$(http_status /readyz 2>/dev/null)" = 200 ]; then
        log "server ready after $((SECONDS - t0))s"
        return 0
      fi
      sleep 0.2
    done
    die "the server was not ready within 30s"
  done
  die "the server would not start"
}
start_server

log "accredit-load -scenario all -delegates 40 -duration 2s -concurrency 8 -print-badges 20"
rc=0
# The token goes by environment, not argument, so that ps does not show it.
ACCREDIT_LOAD_TOKEN="$TOKEN" timeout 45 "$WORK/accredit-load" -url "http://127.0.0.1:$PORT" -scenario all \
  -delegates 40 -duration 2s -concurrency 8 -print-badges 20 -timeout 20s \
  -state "$WORK/state.json" </dev/null >"$WORK/load.jsonl" 2>"$WORK/load.err" || rc=$?
cat "$WORK/load.err" >&2
cat "$WORK/load.jsonl" >&2
[ "$rc" = 0 ] || die "accredit-load exited with $rc"

for s in seed scan submit approve qr list print; do
  grep -q "^{\"scenario\":\"$s\"," "$WORK/load.jsonl" || die "scenario $s printed no JSON line"
done
lines=$(wc -l <"$WORK/load.jsonl")
[ "$lines" = 7 ] || die "expected 7 JSON lines, got $lines"
if grep -q '"ok":false' "$WORK/load.jsonl"; then
  die "a scenario reported a failure"
fi

log "accredit-load -scenario submit -rate 40 -duration 2s -concurrency 8"
ACCREDIT_LOAD_TOKEN="$TOKEN" timeout 30 "$WORK/accredit-load" -url "http://127.0.0.1:$PORT" -scenario submit \
  -rate 40 -duration 2s -concurrency 8 -timeout 20s \
  -state "$WORK/state.json" </dev/null >"$WORK/paced.jsonl" 2>>"$WORK/load.err" || rc=$?
cat "$WORK/paced.jsonl" >&2
[ "$rc" = 0 ] || die "accredit-load -rate exited with $rc"
grep -q '"rate_per_s":40,' "$WORK/paced.jsonl" || die "the paced submit run printed no rate"
if grep -q '"ok":false' "$WORK/paced.jsonl"; then
  die "the paced submit run reported a failure"
fi

log "stopping the server"
kill -TERM "$SERVER_PID"
src=0
wait "$SERVER_PID" || src=$?
SERVER_PID=""
[ "$src" = 0 ] || die "the server exited with $src after SIGTERM"

log "ok after $((SECONDS - t0))s"
