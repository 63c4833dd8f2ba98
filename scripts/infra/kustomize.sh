#!/usr/bin/env bash
# kustomize for building k8s/overlays/*, built from source through the Go module proxy, cached per version.
#
#   scripts/infra/kustomize.sh install   build it into the cache when missing; print its path
#   scripts/infra/kustomize.sh path      print the kustomize to use (PATH first, then the cache); exit 1 when none
#   scripts/infra/kustomize.sh -- ARGS   run it with ARGS (installing it first when needed)
#
# Env: KUSTOMIZE_VERSION (v5.8.1), KUSTOMIZE_BIN (use this one), FUSION_CACHE_DIR (~/.cache/fusionfactory).
set -euo pipefail
LOG_TAG=kustomize
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KUSTOMIZE_VERSION="${KUSTOMIZE_VERSION:-v5.8.1}"
CACHED="$CACHE_DIR/kustomize-$KUSTOMIZE_VERSION/bin/kustomize"

find_kustomize() {
  if [[ -n "${KUSTOMIZE_BIN:-}" ]]; then
    [[ -x "$KUSTOMIZE_BIN" ]] || die "KUSTOMIZE_BIN=$KUSTOMIZE_BIN is not executable"
    echo "$KUSTOMIZE_BIN"
  elif [[ -x "$CACHED" ]]; then
    echo "$CACHED"
  elif command -v kustomize >/dev/null 2>&1; then
    command -v kustomize
  else
    return 1
  fi
}

do_install() {
  local k
  if k="$(find_kustomize)"; then
    echo "$k"
    return 0
  fi
  need_cmd go "building kustomize needs Go: see https://go.dev/doc/install"
  local t0
  t0="$(now_ms)"
  log "go install sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION (first time only)"
  mkdir -p "$(dirname "$CACHED")"
  GOBIN="$(dirname "$CACHED")" GOFLAGS=-buildvcs=false go install -trimpath \
    "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" ||
    die "go install of kustomize $KUSTOMIZE_VERSION failed (needs the Go module proxy: $(go env GOPROXY))"
  log "built $CACHED in $((($(now_ms) - t0) / 1000)) s"
  echo "$CACHED"
}

case "${1:-}" in
  install) with_lock kustomize-install do_install ;;
  path) find_kustomize || die "kustomize not found: run scripts/infra/kustomize.sh install (builds $KUSTOMIZE_VERSION with Go into $CACHED)" ;;
  --)
    shift
    k="$(with_lock kustomize-install do_install)"
    exec "$k" "$@"
    ;;
  *)
    echo "usage: $0 {install|path|-- kustomize-args...}" >&2
    exit 2
    ;;
esac
