#!/usr/bin/env bash
# Jaeger (v2 all-in-one, in-memory storage) for looking at FusionFactory's traces locally.
# Built from source through the Go module proxy once (several minutes), then cached.
#
#   scripts/infra/jaeger.sh install   build the binary into the cache (no-op when cached); prints its path
#   scripts/infra/jaeger.sh start     start (or reuse) it, print OTEL_EXPORTER_OTLP_ENDPOINT=... and JAEGER_QUERY_URL=...
#   scripts/infra/jaeger.sh stop      stop it (traces are in memory and are lost)
#   scripts/infra/jaeger.sh status    "running ..." (exit 0) or "stopped" (exit 3)
#   scripts/infra/jaeger.sh env       print the two variables (exit 1 when not running)
#   scripts/infra/jaeger.sh clean     stop and delete its state
#
# Env: JAEGER_VERSION (v1.76.0), JAEGER_OTLP_HTTP_PORT, JAEGER_OTLP_GRPC_PORT, JAEGER_QUERY_PORT,
#      JAEGER_QUERY_GRPC_PORT, JAEGER_HEALTH_PORT (each default free or last used),
#      FUSION_INFRA_DIR (state), FUSION_CACHE_DIR (cache).
set -euo pipefail
LOG_TAG=jaeger
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JAEGER_VERSION="${JAEGER_VERSION:-v1.76.0}"
JAEGER_MODULE=github.com/jaegertracing/jaeger
BIN_DIR="$CACHE_DIR/jaeger-$JAEGER_VERSION/bin"
BIN="$BIN_DIR/jaeger"
STATE="$INFRA_DIR/jaeger"
PID_FILE="$STATE/jaeger.pid"
PORTS=(OTLP_HTTP OTLP_GRPC QUERY QUERY_GRPC HEALTH)

do_install() {
  if [[ -x "$BIN" ]]; then
    echo "$BIN"
    return 0
  fi
  need_cmd go "building Jaeger needs Go 1.24+: see https://go.dev/doc/install (or apt-get install -y golang-go when recent enough)"
  local t0 dir
  t0="$(now_ms)"
  log "building $JAEGER_MODULE/cmd/jaeger@$JAEGER_VERSION (first time only; takes minutes)"
  # `go install pkg@version` refuses modules whose go.mod has replace directives (Jaeger's does),
  # so build inside the downloaded module, which honours them.
  dir="$(go mod download -json "$JAEGER_MODULE@$JAEGER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" ||
    die "could not download $JAEGER_MODULE@$JAEGER_VERSION through the Go module proxy ($(go env GOPROXY))"
  [[ -n "$dir" && -d "$dir" ]] || die "go mod download gave no source dir for $JAEGER_MODULE@$JAEGER_VERSION"
  mkdir -p "$BIN_DIR"
  (cd "$dir" && GOFLAGS=-buildvcs=false go build -trimpath -o "$BIN.tmp.$$" ./cmd/jaeger) ||
    die "go build of $JAEGER_MODULE/cmd/jaeger@$JAEGER_VERSION failed"
  mv -f "$BIN.tmp.$$" "$BIN"
  log "built $BIN in $((($(now_ms) - t0) / 1000)) s"
  echo "$BIN"
}

running_pid() {
  local pid
  pid="$(read_pid "$PID_FILE")"
  if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'jaeger'; then
    echo "$pid"
  fi
}

port_of() { cat "$STATE/$1.port"; }

env_lines() {
  echo "OTEL_EXPORTER_OTLP_ENDPOINT=http://$INFRA_HOST:$(port_of OTLP_HTTP)"
  echo "JAEGER_QUERY_URL=http://$INFRA_HOST:$(port_of QUERY)"
}

do_start() {
  if [[ -n "$(running_pid)" ]]; then
    env_lines
    return 0
  fi
  [[ -x "$BIN" ]] || die "Jaeger is not built yet: run scripts/infra/jaeger.sh install (takes minutes once)"
  local t0
  t0="$(now_ms)"
  mkdir -p "$STATE"
  local name var port taken=" "
  for name in "${PORTS[@]}"; do
    var="JAEGER_${name}_PORT"
    port="$(pick_port "$STATE/$name.port" "${!var:-}")"
    while [[ "$taken" == *" $port "* ]]; do port="$(free_port)"; done
    taken+="$port "
    echo "$port" >"$STATE/$name.port"
    export "$var=$port"
  done
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    "$BIN" --config "$INFRA_SCRIPTS/jaeger/config.yaml" </dev/null >>"$STATE/jaeger.log" 2>&1 9>&- &
  local deadline=$(($(date +%s) + 60)) pid
  sleep 0.2
  until port_open "$(port_of OTLP_HTTP)" && port_open "$(port_of QUERY)"; do
    pid="$(read_pid "$PID_FILE")"
    if ! pid_alive "$pid"; then
      show_log "$STATE/jaeger.log"
      die "jaeger exited during start-up (log: $STATE/jaeger.log)"
    fi
    if (($(date +%s) > deadline)); then
      stop_pid "$pid" 5
      show_log "$STATE/jaeger.log"
      die "jaeger did not open its ports within 60s"
    fi
    sleep 0.2
  done
  log "Jaeger ready (pid $(read_pid "$PID_FILE")) in $(($(now_ms) - t0)) ms; UI/API at http://$INFRA_HOST:$(port_of QUERY)"
  env_lines
}

do_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    log "not running"
    return 0
  fi
  stop_pid "$pid" 15
  rm -f "$PID_FILE"
  log "stopped pid $pid"
}

cmd="${1:-}"
case "$cmd" in
  install) with_lock jaeger-install do_install ;;
  start)
    [[ -n "$(running_pid)" ]] && env_lines && exit 0
    with_lock jaeger do_start
    ;;
  stop) with_lock jaeger do_stop ;;
  status)
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
      echo "running pid=$pid $(env_lines | tr '\n' ' ')"
    else
      echo "stopped"
      exit 3
    fi
    ;;
  env)
    [[ -n "$(running_pid)" ]] || die "Jaeger is not running: start it with scripts/infra/jaeger.sh start"
    env_lines
    ;;
  clean)
    with_lock jaeger do_stop
    rm -rf "$STATE"
    log "removed $STATE"
    ;;
  *)
    echo "usage: $0 {install|start|stop|status|env|clean}" >&2
    exit 2
    ;;
esac
