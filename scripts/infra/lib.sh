# shellcheck shell=bash
# Shared helpers for scripts/infra/*.sh (sourced, not executed).
# State (pids, ports, logs, data) lives under $FUSION_INFRA_DIR, default <repo>/tmp/infra.
# Caches (downloaded jars, built binaries) live under $FUSION_CACHE_DIR, default ~/.cache/fusionfactory.

INFRA_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_SCRIPTS/../.." && pwd)"
INFRA_DIR="${FUSION_INFRA_DIR:-$REPO_ROOT/tmp/infra}"
# shellcheck disable=SC2034 # used by the scripts that source this file
CACHE_DIR="${FUSION_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fusionfactory}"
INFRA_HOST=127.0.0.1

log() { printf '[%s] %s\n' "${LOG_TAG:-infra}" "$*" >&2; }
die() {
  printf '[%s] error: %s\n' "${LOG_TAG:-infra}" "$*" >&2
  exit 1
}

need_cmd() { # need_cmd <cmd> <install hint>
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH. $2"
}

now_ms() { date +%s%3N; }

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_open() {
  (exec 3<>"/dev/tcp/$INFRA_HOST/$1") 2>/dev/null
}

# A port nobody listens on. The kernel hands out an ephemeral one; bash has no bind(), so ask python3 or node.
free_port() {
  local p="" i
  if command -v python3 >/dev/null 2>&1; then
    p="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  elif command -v node >/dev/null 2>&1; then
    p="$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  else
    # Last resort: probe a random high port until one refuses connections.
    for ((i = 0; i < 50; i++)); do
      p=$((20000 + RANDOM % 30000))
      port_open "$p" || break
    done
  fi
  [[ "$p" =~ ^[0-9]+$ ]] || die "could not find a free TCP port (need python3 or node)"
  echo "$p"
}

# Port from a state file when still free, else $2 (explicit request), else a fresh one.
pick_port() { # pick_port <state-file> <requested-or-empty>
  local file="$1" want="$2" old
  if [[ -n "$want" ]]; then
    port_open "$want" && die "port $want is already in use"
    echo "$want"
    return
  fi
  if [[ -f "$file" ]]; then
    old="$(cat "$file")"
    if [[ "$old" =~ ^[0-9]+$ ]] && ! port_open "$old"; then
      echo "$old"
      return
    fi
  fi
  free_port
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

read_pid() { if [[ -f "$1" ]]; then cat "$1"; fi; }

# Stop a process: SIGTERM, wait up to <secs>, then SIGKILL.
stop_pid() { # stop_pid <pid> <secs>
  local pid="$1" secs="$2" i
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  log "pid $pid did not stop in ${secs}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
}

# Serialise start/stop of one service across concurrent callers (two vitest projects, two shells).
with_lock() { # with_lock <name> <command...>
  local name="$1"
  shift
  mkdir -p "$INFRA_DIR"
  if command -v flock >/dev/null 2>&1; then
    (
      flock -w 600 9 || die "timed out waiting for lock $INFRA_DIR/.$name.lock"
      "$@"
    ) 9>"$INFRA_DIR/.$name.lock"
  else
    "$@"
  fi
}

# Print the tail of a log file to stderr (to explain a failed start).
show_log() { # show_log <file> [lines]
  [[ -f "$1" ]] || return 0
  printf -- '--- last lines of %s ---\n' "$1" >&2
  tail -n "${2:-40}" "$1" >&2
  printf -- '---\n' >&2
}
