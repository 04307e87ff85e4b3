#!/usr/bin/env bash
# Synthesizes every example app (examples/<name>/main.ts) into examples/<name>/dist/.
set -euo pipefail
cd "$(dirname "$0")"
for dir in */; do
  [ -f "$dir/main.ts" ] || continue
  rm -rf "$dir/dist"
  (cd "$dir" && TS_NODE_PROJECT=../tsconfig.json ../../node_modules/.bin/ts-node --transpile-only -r tsconfig-paths/register main.ts)
  echo "example: synthesized $dir"
done
