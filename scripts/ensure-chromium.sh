#!/usr/bin/env bash
# Browser tests drive Debian's Chromium with playwright-core (nothing downloads a browser).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if command -v apt-get >/dev/null; then
  # root here and in CI; GitHub's runners use passwordless sudo.
  if [ "$(id -u)" = "0" ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
  if [ "$SUDO" != "none" ]; then
    echo "Installing Debian's chromium for the browser tests…"
    ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null) || true
  fi
fi
[ -x /usr/bin/chromium ] || { echo "chromium is missing: install it with 'apt-get install -y chromium' (browser tests need /usr/bin/chromium)" >&2; exit 1; }
