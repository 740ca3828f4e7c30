#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or package-lock.json changed since.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.flowgenie-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
