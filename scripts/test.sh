#!/usr/bin/env bash
# The one test command (npm test, and .ci/run): every check and every test, on real Postgres and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

bash scripts/ensure-services.sh
bash scripts/ensure-deps.sh
[ -f scripts/ensure-docker-compose.sh ] && bash scripts/ensure-docker-compose.sh
[ -f scripts/ensure-chromium.sh ] && bash scripts/ensure-chromium.sh

echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
echo "== lint"; npx eslint . --max-warnings=0
echo "== import cycles"; node scripts/check-cycles.cjs
echo "== format"; npx prettier --check . --log-level warn
echo "== jest"; npx jest --ci --maxWorkers=2 "$@"
if [ -d web/src ]; then
  echo "== web typecheck"; npm run typecheck --silent -w @flowgenie/web
  echo "== web format"; npm run lint --silent -w @flowgenie/web
  echo "== web"; npm run test --silent -w @flowgenie/web
fi
