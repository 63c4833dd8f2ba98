#!/usr/bin/env bash
# All local infrastructure at once: Kafka + PostgreSQL, and Jaeger when it is built
# (FUSION_INFRA_JAEGER=1 builds it if needed; =0 leaves it out).
#
#   scripts/infra/all.sh start    start (or reuse) everything; print the env lines (KAFKA_BROKERS, DATABASE_URL, ...)
#   scripts/infra/all.sh stop     stop everything
#   scripts/infra/all.sh status   one status line per service (exit 3 when any is stopped)
#   scripts/infra/all.sh env      print the env lines of what runs (use: eval "$(scripts/infra/all.sh env)")
set -euo pipefail
LOG_TAG=infra
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

want_jaeger() {
  case "${FUSION_INFRA_JAEGER:-auto}" in
    0 | false | no) return 1 ;;
    1 | true | yes) "$INFRA_SCRIPTS/jaeger.sh" install >/dev/null ;;
    *) [[ -x "$CACHE_DIR/jaeger-${JAEGER_VERSION:-v1.76.0}/bin/jaeger" ]] ;;
  esac
}

services=(kafka postgres)
want_jaeger && services+=(jaeger)

cmd="${1:-}"
case "$cmd" in
  start)
    # Kafka takes seconds, Postgres under one: start them side by side.
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    pids=()
    for s in "${services[@]}"; do
      "$INFRA_SCRIPTS/$s.sh" start >"$tmp/$s.env" &
      pids+=($!)
    done
    failed=0
    for i in "${!pids[@]}"; do
      wait "${pids[$i]}" || {
        log "${services[$i]} failed to start"
        failed=1
      }
    done
    ((failed == 0)) || exit 1
    for s in "${services[@]}"; do cat "$tmp/$s.env"; done
    ;;
  stop)
    for s in jaeger postgres kafka; do "$INFRA_SCRIPTS/$s.sh" stop; done
    ;;
  status)
    rc=0
    for s in "${services[@]}"; do
      printf '%-9s ' "$s"
      "$INFRA_SCRIPTS/$s.sh" status || rc=3
    done
    exit "$rc"
    ;;
  env)
    for s in "${services[@]}"; do
      if [[ "$s" == jaeger ]]; then
        "$INFRA_SCRIPTS/$s.sh" env 2>/dev/null || true
      else
        "$INFRA_SCRIPTS/$s.sh" env
      fi
    done
    ;;
  *)
    echo "usage: $0 {start|stop|status|env}" >&2
    exit 2
    ;;
esac
