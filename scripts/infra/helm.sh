#!/usr/bin/env bash
# Helm for linting and rendering helm/fusionfactory, built from source through the Go module proxy
# (the only place this project can fetch it from), cached per version.
#
#   scripts/infra/helm.sh install   build helm into the cache when missing; print its path
#   scripts/infra/helm.sh path      print the helm to use (PATH first, then the cache); exit 1 when none
#   scripts/infra/helm.sh -- ARGS   run helm with ARGS (installing it first when needed)
#
# Env: HELM_VERSION (v3.22.0), HELM_BIN (use this helm), FUSION_CACHE_DIR (~/.cache/fusionfactory).
set -euo pipefail
LOG_TAG=helm
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
CACHED="$CACHE_DIR/helm-$HELM_VERSION/bin/helm"

find_helm() {
  if [[ -n "${HELM_BIN:-}" ]]; then
    [[ -x "$HELM_BIN" ]] || die "HELM_BIN=$HELM_BIN is not executable"
    echo "$HELM_BIN"
  elif [[ -x "$CACHED" ]]; then
    echo "$CACHED"
  elif command -v helm >/dev/null 2>&1; then
    command -v helm
  else
    return 1
  fi
}

do_install() {
  local h
  if h="$(find_helm)"; then
    echo "$h"
    return 0
  fi
  need_cmd go "building helm needs Go: see https://go.dev/doc/install"
  local t0 major="${HELM_VERSION%%.*}"
  t0="$(now_ms)"
  log "go install helm.sh/helm/$major/cmd/helm@$HELM_VERSION (first time only; takes minutes)"
  # Like helm's Makefile: the default Kubernetes version (for kubeVersion checks) follows client-go's,
  # else a plain go install reports Kubernetes v1.20.
  local dir client_go minor
  dir="$(go mod download -json "helm.sh/helm/$major@$HELM_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" ||
    die "could not download helm.sh/helm/$major@$HELM_VERSION through the Go module proxy ($(go env GOPROXY))"
  client_go="$(sed -n 's/^[[:space:]]*k8s.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$dir/go.mod" | head -n 1)"
  minor="${client_go:-30}"
  local pkg="helm.sh/helm/$major" ldflags
  ldflags="-X $pkg/internal/version.version=$HELM_VERSION"
  ldflags+=" -X $pkg/pkg/lint/rules.k8sVersionMajor=1 -X $pkg/pkg/lint/rules.k8sVersionMinor=$minor"
  ldflags+=" -X $pkg/pkg/chartutil.k8sVersionMajor=1 -X $pkg/pkg/chartutil.k8sVersionMinor=$minor"
  mkdir -p "$(dirname "$CACHED")"
  GOBIN="$(dirname "$CACHED")" GOFLAGS=-buildvcs=false go install -trimpath -ldflags "$ldflags" \
    "helm.sh/helm/$major/cmd/helm@$HELM_VERSION" ||
    die "go install of helm $HELM_VERSION failed (needs the Go module proxy: $(go env GOPROXY))"
  log "built $CACHED in $((($(now_ms) - t0) / 1000)) s"
  echo "$CACHED"
}

case "${1:-}" in
  install) with_lock helm-install do_install ;;
  path) find_helm || die "helm not found: run scripts/infra/helm.sh install (builds $HELM_VERSION with Go into $CACHED)" ;;
  --)
    shift
    h="$(with_lock helm-install do_install)"
    exec "$h" "$@"
    ;;
  *)
    echo "usage: $0 {install|path|-- helm-args...}" >&2
    exit 2
    ;;
esac
