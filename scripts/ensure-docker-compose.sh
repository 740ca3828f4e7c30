#!/usr/bin/env bash
# Makes a Compose CLI available for the infra tests, which validate docker-compose.yml with
# `docker-compose config -q` (no Docker daemon needed). Accepts the Debian `docker-compose`
# package or the Docker Compose v2 plugin (`docker compose`, as on GitHub runners); installs the
# Debian package with apt-get when neither is present.
set -euo pipefail

if command -v docker-compose >/dev/null 2>&1; then
  exit 0
fi
if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-docker-compose: docker-compose is missing and apt-get is not available;" \
    "install docker-compose or the Docker Compose v2 plugin" >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "ensure-docker-compose: installing the Debian docker-compose package" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq docker-compose >/dev/null
docker-compose version
