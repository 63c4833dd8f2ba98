#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and local runs (Debian's server binaries, no Docker needed):
# own data dir, own port on 127.0.0.1, trust auth on localhost, fsync off.
#
#   scripts/infra/postgres.sh start    start (or reuse) the cluster, print DATABASE_URL=postgres://...
#   scripts/infra/postgres.sh stop     stop it (data is kept)
#   scripts/infra/postgres.sh status   "running ..." (exit 0) or "stopped" (exit 3)
#   scripts/infra/postgres.sh env      print DATABASE_URL=... (exit 1 when not running)
#   scripts/infra/postgres.sh clean    stop and delete the cluster
#
# Env: POSTGRES_PORT (default free or last used), PG_BIN (server binaries; default /usr/lib/postgresql/15/bin,
#      else the newest /usr/lib/postgresql/*/bin), POSTGRES_DB (fusion),
#      FUSION_INFRA_DIR (state, <repo>/tmp/infra).
# As root the server runs as the unprivileged `postgres` user (created when absent), as PostgreSQL requires.
set -euo pipefail
LOG_TAG=postgres
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE="$INFRA_DIR/postgres"
DB_NAME="${POSTGRES_DB:-fusion}"
SUPERUSER=postgres

find_pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/pg_ctl" ]] || die "PG_BIN=$PG_BIN has no pg_ctl"
    echo "$PG_BIN"
    return
  fi
  if [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
    echo /usr/lib/postgresql/15/bin
    return
  fi
  local d
  d="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
  if [[ -n "$d" && -x "$d/pg_ctl" ]]; then
    echo "$d"
    return
  fi
  die "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin): apt-get install -y postgresql, or set PG_BIN"
}
PG_BIN="$(find_pg_bin)"

IS_ROOT=0
[[ "$(id -u)" == 0 ]] && IS_ROOT=1

# Where the cluster lives. Normally $STATE; as root, a folder the postgres user can reach
# when it cannot traverse the checkout (say under /root), or when the socket path would be too long.
pg_root() {
  if [[ -f "$STATE/root" ]]; then
    cat "$STATE/root"
    return
  fi
  local root="$STATE" probe="$INFRA_DIR"
  while [[ ! -e "$probe" ]]; do probe="$(dirname "$probe")"; done
  if ((${#root} > 80)) || { ((IS_ROOT)) && ! runuser -u "$SUPERUSER" -- test -x "$probe" 2>/dev/null; }; then
    root="${TMPDIR:-/tmp}/fusionfactory-pg-$(printf '%s' "$STATE" | cksum | cut -d' ' -f1)"
  fi
  echo "$root"
}

as_owner() {
  if ((IS_ROOT)); then
    runuser -u "$SUPERUSER" -- "$@"
  else
    "$@"
  fi
}

ensure_user() {
  ((IS_ROOT)) || return 0
  id -u "$SUPERUSER" >/dev/null 2>&1 && return 0
  need_cmd useradd "cannot create the '$SUPERUSER' user to run PostgreSQL as (useradd missing: apt-get install -y passwd)"
  useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home --shell /bin/bash "$SUPERUSER" ||
    die "could not create the '$SUPERUSER' user"
  log "created system user '$SUPERUSER' (PostgreSQL refuses to run as root)"
}

ROOT="$(pg_root)"
DATA="$ROOT/data"
SOCK="$ROOT/run"
LOGFILE="$ROOT/postgres.log"

running_port() {
  [[ -f "$DATA/postmaster.pid" ]] || return 0
  as_owner "$PG_BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1 || return 0
  # Line 4 of postmaster.pid is the port the running server listens on.
  sed -n 4p "$DATA/postmaster.pid"
}

url_for() { echo "postgres://$SUPERUSER@$INFRA_HOST:$1/$DB_NAME"; }

env_line() { echo "DATABASE_URL=$(url_for "$1")"; }

do_start() {
  local port
  port="$(running_port)"
  if [[ -n "$port" ]]; then
    env_line "$port"
    return 0
  fi
  local t0
  t0="$(now_ms)"
  ensure_user
  mkdir -p "$STATE" "$ROOT"
  echo "$ROOT" >"$STATE/root"
  if ((IS_ROOT)); then
    chown "$SUPERUSER:" "$ROOT"
    chmod 700 "$ROOT"
  fi

  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    rm -rf "$DATA"
    log "initdb in $DATA ($("$PG_BIN/postgres" --version))"
    if ! as_owner "$PG_BIN/initdb" -D "$DATA" -U "$SUPERUSER" -A trust -E UTF8 --no-locale --no-sync \
      >"$STATE/initdb.log" 2>&1; then
      show_log "$STATE/initdb.log"
      die "initdb failed"
    fi
    # Test cluster: durability off for speed, room for many connection pools.
    as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<'EOF'

# --- scripts/infra/postgres.sh (test cluster) ---
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 128MB
max_wal_size = 1GB
log_min_messages = warning
log_line_prefix = '%m [%p] %d '
EOF
  fi
  as_owner mkdir -p "$SOCK"

  port="$(pick_port "$STATE/port" "${POSTGRES_PORT:-}")"
  echo "$port" >"$STATE/port"
  # 9>&-: the server must not inherit our lock's file descriptor.
  if ! as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 \
    -o "-p $port -k $SOCK" start >"$STATE/pg_ctl.log" 2>&1 9>&-; then
    show_log "$STATE/pg_ctl.log" 10
    show_log "$LOGFILE"
    die "pg_ctl start failed (log: $LOGFILE)"
  fi
  local i
  for ((i = 0; i < 300; i++)); do
    "$PG_BIN/pg_isready" -q -h "$INFRA_HOST" -p "$port" -U "$SUPERUSER" && break
    sleep 0.1
  done
  "$PG_BIN/pg_isready" -q -h "$INFRA_HOST" -p "$port" -U "$SUPERUSER" || {
    show_log "$LOGFILE"
    die "server started but pg_isready fails on $INFRA_HOST:$port"
  }
  local psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$INFRA_HOST" -p "$port" -U "$SUPERUSER" -d postgres)
  if [[ "$("${psql[@]}" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
    "${psql[@]}" -c "CREATE DATABASE \"$DB_NAME\"" || die "could not create database $DB_NAME"
  fi
  log "PostgreSQL ready on $INFRA_HOST:$port (data $DATA) in $(($(now_ms) - t0)) ms"
  env_line "$port"
}

do_stop() {
  if [[ -z "$(running_port)" ]]; then
    log "not running"
    return 0
  fi
  local t0
  t0="$(now_ms)"
  as_owner "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null || die "pg_ctl stop failed (log: $LOGFILE)"
  log "stopped in $(($(now_ms) - t0)) ms"
}

cmd="${1:-}"
case "$cmd" in
  start)
    port="$(running_port)"
    [[ -n "$port" ]] && env_line "$port" && exit 0
    with_lock postgres do_start
    ;;
  stop) with_lock postgres do_stop ;;
  status)
    port="$(running_port)"
    if [[ -n "$port" ]]; then
      echo "running pid=$(head -n 1 "$DATA/postmaster.pid") data=$DATA $(env_line "$port")"
    else
      echo "stopped"
      exit 3
    fi
    ;;
  env)
    port="$(running_port)"
    [[ -n "$port" ]] || die "PostgreSQL is not running: start it with scripts/infra/postgres.sh start"
    env_line "$port"
    ;;
  clean)
    with_lock postgres do_stop
    rm -rf "$STATE"
    [[ "$ROOT" != "$STATE" ]] && rm -rf "$ROOT"
    log "removed $STATE"
    ;;
  *)
    echo "usage: $0 {start|stop|status|env|clean}" >&2
    exit 2
    ;;
esac
