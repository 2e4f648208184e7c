#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for CI and local test runs.
#
# Sourced by .ci/run (functions pg_start / pg_stop), or run directly:
#   bash .ci/pg.sh go test -race -count=1 ./...   (add -tags long for the long tests)
# starts a private cluster, exports ACCREDIT_TEST_DATABASE_URL, runs the
# command, then stops the cluster and removes its files.
#
# The server refuses to run as root, so when we are root initdb/postgres/pg_ctl
# run as the `postgres` user (via runuser). The postmaster is a child of this
# shell, not daemonized, so stopping it also reaps it. The cluster lives in a mktemp dir (data, log, unix
# socket), listens on 127.0.0.1 only, on a free port from PG_PORT (default
# 15432) upwards, with trust auth. The port stays below Linux's ephemeral
# range (32768-60999): inside it, a client reconnecting while the server is
# down can be given that very port as its own source port and connect to
# itself (TCP simultaneous open), and the server cannot bind it again until
# that client lets go. The server binaries come from the
# highest-numbered /usr/lib/postgresql/*/bin (Debian layout), not from $PATH.

PG_DB=${PG_DB:-accredit_test}
# PG_FSYNC=on makes the server flush every commit to the disk, as a real
# one must (docs/deploy.md); the measurements (scripts/perf.sh,
# scripts/faults.sh) need it. The tests do not: a throwaway cluster that
# no power cut can outlive proves the same without waiting on the disk
# (off: PostgreSQL still writes everything, and survives a killed server).
PG_FSYNC=${PG_FSYNC:-off}
PG_BIN=""
PG_TMP=""
PG_PID=""
PG_PORT_USED=""

pg_log() { printf '[pg] %s\n' "$*" >&2; }

# pg_find_bin: sets PG_BIN to the bin dir of the newest Debian PostgreSQL server.
pg_find_bin() {
  local d best="" bestv=-1 v
  for d in /usr/lib/postgresql/*/bin; do
    if [ ! -x "$d/initdb" ] || [ ! -x "$d/pg_ctl" ] || [ ! -x "$d/postgres" ]; then continue; fi
    v=${d#/usr/lib/postgresql/}; v=${v%/bin}
    [[ $v =~ ^[0-9]+$ ]] || continue
    if (( v > bestv )); then bestv=$v; best=$d; fi
  done
  if [ -z "$best" ]; then
    # Not a Debian layout: fall back to whatever is on PATH.
    local initdb
    initdb=$(command -v initdb 2>/dev/null) || return 1
    best=$(dirname "$(readlink -f "$initdb")")
  fi
  PG_BIN=$best
}

# pg_as_owner CMD...: run CMD as the cluster owner, from the cluster dir (the
# caller's cwd may be unreadable for postgres).
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    (cd "$PG_TMP" && runuser -u postgres -- "$@")
  else
    (cd "$PG_TMP" && "$@")
  fi
}

pg_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_start() {
  pg_find_bin || { pg_log "no PostgreSQL server binaries found"; return 1; }
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    pg_log "creating system user postgres"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/accredit-pg.XXXXXX") || return 1
  chmod 700 "$PG_TMP" || return 1
  if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_TMP" || return 1; fi

  local locale=C
  if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale=C.UTF-8; fi
  # --no-sync only skips initdb's final fsync of the fresh files; the server
  # flushes its commits only with PG_FSYNC=on (below).
  if ! pg_as_owner "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres -A trust \
      -E UTF8 --locale="$locale" --no-sync >"$PG_TMP/initdb.log" 2>&1; then
    pg_log "initdb failed:"; cat "$PG_TMP/initdb.log" >&2; return 1
  fi
  pg_as_owner mkdir -p "$PG_TMP/sock" || return 1

  # The postmaster runs as our child (not daemonized by pg_ctl) so that we
  # reap it on stop instead of leaving a zombie for PID 1.
  local port=${PG_PORT:-15432} tries=0 i ready
  while :; do
    while pg_port_busy "$port"; do port=$((port + 1)); done
    cat >"$PG_TMP/data/postgresql.auto.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PG_TMP/sock'
fsync = $PG_FSYNC
synchronous_commit = $PG_FSYNC
full_page_writes = $PG_FSYNC
max_connections = 200
logging_collector = off
EOF
    pg_as_owner "$PG_BIN/postgres" -D "$PG_TMP/data" </dev/null >>"$PG_TMP/server.log" 2>&1 &
    PG_PID=$!
    ready=0
    for i in $(seq 1 120); do
      if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then ready=1; break; fi
      kill -0 "$PG_PID" 2>/dev/null || break
      sleep 0.25
    done
    (( ready )) && break
    pg_stop_server
    tries=$((tries + 1))
    if (( tries >= 5 )); then
      pg_log "server did not start:"; tail -n 30 "$PG_TMP/server.log" >&2; return 1
    fi
    pg_log "start on port $port failed (after ${i} polls), trying the next port"
    port=$((port + 1))
  done

  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE DATABASE \"$PG_DB\"" >/dev/null || return 1

  PG_PORT_USED=$port
  export ACCREDIT_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/$PG_DB?sslmode=disable"
  pg_log "PostgreSQL $("$PG_BIN/postgres" -V | awk '{print $3}') up: $ACCREDIT_TEST_DATABASE_URL (dir $PG_TMP)"
}

# pg_stop_server: stop the postmaster we started and reap it.
pg_stop_server() {
  [ -n "$PG_PID" ] || return 0
  if kill -0 "$PG_PID" 2>/dev/null && [ -f "$PG_TMP/data/postmaster.pid" ]; then
    if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
      local pid
      pid=$(head -n 1 "$PG_TMP/data/postmaster.pid" 2>/dev/null)
      if [[ $pid =~ ^[0-9]+$ ]]; then
        pg_log "pg_ctl stop failed; sending SIGQUIT to postmaster $pid"
        kill -QUIT "$pid" 2>/dev/null || true
        local n=0
        while kill -0 "$pid" 2>/dev/null && (( n < 40 )); do sleep 0.25; n=$((n + 1)); done
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  wait "$PG_PID" 2>/dev/null || true
  PG_PID=""
}

# pg_restart MODE: stop the cluster with pg_ctl -m MODE (fast: clients are
# disconnected and a shutdown checkpoint is written; immediate: every
# process quits at once, and the start runs crash recovery) and start it
# again on the same port and data. scripts/faults.sh uses it.
pg_restart() {
  local mode=${1:-fast} i
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m "$mode" -w -t 60 stop >/dev/null 2>&1 || return 1
  wait "$PG_PID" 2>/dev/null || true
  pg_as_owner "$PG_BIN/postgres" -D "$PG_TMP/data" </dev/null >>"$PG_TMP/server.log" 2>&1 &
  PG_PID=$!
  for i in $(seq 1 240); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT_USED" -U postgres && return 0
    kill -0 "$PG_PID" 2>/dev/null || break
    sleep 0.05
  done
  pg_log "restart ($mode) failed:"; tail -n 30 "$PG_TMP/server.log" >&2; return 1
}

# pg_stop: stop the cluster (if any) and remove its directory. Safe to call twice.
pg_stop() {
  pg_stop_server
  if [ -n "$PG_TMP" ] && [ -d "$PG_TMP" ]; then rm -rf "$PG_TMP" || true; fi
  PG_TMP=""
}

# Executed directly: run "$@" against a fresh cluster.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  trap pg_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  pg_start || exit 1
  if [ $# -eq 0 ]; then
    echo "$ACCREDIT_TEST_DATABASE_URL"
    exit 0
  fi
  "$@"
  exit $?
fi
