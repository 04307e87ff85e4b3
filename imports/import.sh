#!/usr/bin/env bash
# Regenerates the L1 Istio bindings (src/imports/*.ts) and the CRD schemas used by
# src/analysis/schema.ts (src/imports/istio-schemas.ts) from the pinned CRDs.
# Source: $ISTIO_CRDS (a local file or URL) or else the pinned URL; the sha256 must match the pin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
source "$here/istio.env"
src=${ISTIO_CRDS:-$ISTIO_CRDS_URL}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case "$src" in
  http://*|https://*) curl -fsSL "$src" -o "$tmp/crds.yaml" ;;
  *) cp "$src" "$tmp/crds.yaml" ;;
esac
actual=$(sha256sum "$tmp/crds.yaml" | cut -d' ' -f1)
if [ "$actual" != "$ISTIO_CRDS_SHA256" ]; then
  echo "import: sha256 of $src is $actual, the pin (imports/istio.env) says $ISTIO_CRDS_SHA256" >&2
  exit 1
fi
out="$here/../src/imports"
rm -rf "$out"
cdk8s import "$tmp/crds.yaml" --no-save -l typescript -o "$out"
echo "import: Istio $ISTIO_VERSION bindings written to src/imports"
node "$here/istio-schemas.js" "$tmp/crds.yaml" "$out/istio-schemas.ts" "$ISTIO_VERSION"
