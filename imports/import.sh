#!/usr/bin/env bash
# Regenerates the L1 bindings (src/imports/<API group>.ts) and the CRD schemas used by
# src/analysis/schema.ts (src/imports/istio-schemas.ts, gateway-api-schemas.ts) from the pinned
# Istio and Gateway API CRDs. Sources: $ISTIO_CRDS and $GATEWAY_API_CRDS (a local file or URL) or
# else the pinned URLs; each sha256 must match its pin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
source "$here/istio.env"
# shellcheck source=/dev/null
source "$here/gateway-api.env"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fetch SOURCE DEST: a local file or a URL.
fetch() {
  case "$1" in
    http://*|https://*|file://*) curl -fsSL "$1" -o "$2" ;;
    *) cp "$1" "$2" ;;
  esac
}

# verify FILE SOURCE SHA256 PIN: refuses CRDs that are not the pinned ones.
verify() {
  local actual
  actual=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$actual" != "$3" ]; then
    echo "import: sha256 of $2 is $actual, the pin (imports/$4) says $3" >&2
    exit 1
  fi
}

fetch "${ISTIO_CRDS:-$ISTIO_CRDS_URL}" "$tmp/istio.yaml"
verify "$tmp/istio.yaml" "${ISTIO_CRDS:-$ISTIO_CRDS_URL}" "$ISTIO_CRDS_SHA256" istio.env

if [ -n "${GATEWAY_API_CRDS:-}" ]; then
  fetch "$GATEWAY_API_CRDS" "$tmp/gateway-api.yaml"
else
  for name in $GATEWAY_API_CRD_NAMES; do
    fetch "$GATEWAY_API_CRDS_URL/gateway.networking.k8s.io_$name.yaml" "$tmp/part.yaml"
    cat "$tmp/part.yaml" >> "$tmp/gateway-api.yaml"
    printf '\n---\n' >> "$tmp/gateway-api.yaml"
  done
fi
verify "$tmp/gateway-api.yaml" "${GATEWAY_API_CRDS:-$GATEWAY_API_CRDS_URL}" "$GATEWAY_API_CRDS_SHA256" gateway-api.env

out="$here/../src/imports"
# Only the files written here: k8s-schemas.ts is written by `npx projen import:k8s`.
rm -f "$out"/*.istio.io.ts "$out"/gateway.networking.k8s.io.ts "$out"/istio-schemas.ts "$out"/gateway-api-schemas.ts
# Bindings for the served versions only: a class for a version the CRD no longer serves (such as
# TLSRoute v1alpha2 in the Gateway API v1.5.1) would only write objects the API server refuses.
node "$here/crd-schemas.js" served "$tmp/istio.yaml" "$tmp/istio-served.yaml"
node "$here/crd-schemas.js" served "$tmp/gateway-api.yaml" "$tmp/gateway-api-served.yaml"
cdk8s import "$tmp/istio-served.yaml" --no-save -l typescript -o "$out"
echo "import: Istio $ISTIO_VERSION bindings written to src/imports"
cdk8s import "$tmp/gateway-api-served.yaml" --no-save -l typescript -o "$out"
echo "import: Gateway API $GATEWAY_API_VERSION bindings written to src/imports"
node "$here/crd-schemas.js" schemas "$tmp/istio.yaml" "$out/istio-schemas.ts" ISTIO_CRD_SCHEMAS Istio "$ISTIO_VERSION" istio.env
node "$here/crd-schemas.js" schemas "$tmp/gateway-api.yaml" "$out/gateway-api-schemas.ts" GATEWAY_API_CRD_SCHEMAS 'Gateway API' "$GATEWAY_API_VERSION" gateway-api.env
