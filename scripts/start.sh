#!/usr/bin/env bash
# npm start: install dependencies when node_modules is missing or package-lock.json changed since the
# last install (hash kept in node_modules/.flowgenie-lock-hash), build the processes into dist/ when a
# source changed, then start the whole local platform (FLOWGENIE_PROCESSES=split: one process per
# service; default one process for all).
# Arguments go to the start command, e.g. `npm start -- --pretty`.
set -euo pipefail
cd "$(dirname "$0")/.."

hash_file=node_modules/.flowgenie-lock-hash
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -d node_modules || ! -f $hash_file || "$(cat "$hash_file")" != "$lock_hash" ]]; then
  echo "installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > "$hash_file"
fi

# The processes run as built JavaScript: bundle them into dist/ when a source changed (esbuild,
# seconds), then run the start command itself from there too.
node --import tsx local/dev/src/build-cli.ts
exec node dist/start.js "$@"
