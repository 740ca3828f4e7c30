#!/usr/bin/env bash
# Browser tests drive Debian's Chromium with playwright-core (nothing downloads a browser).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || true
fi
[ -x /usr/bin/chromium ] || { echo "chromium is missing: install it with 'apt-get install -y chromium' (browser tests need /usr/bin/chromium)" >&2; exit 1; }
