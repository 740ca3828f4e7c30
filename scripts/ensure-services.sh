#!/usr/bin/env bash
# Makes sure the local PostgreSQL and Redis answer, starting them when installed but stopped.
# Exits non-zero with a message saying what is missing when they cannot be started.
set -euo pipefail

pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() {
  if command -v redis-cli >/dev/null; then redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG
  else (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; fi
}

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is not running; starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    for _ in $(seq 1 50); do pg_up && break; sleep 0.2; done
  fi
  pg_up || { echo "PostgreSQL is not reachable on 127.0.0.1:5432 and is not installed here. Install it (apt-get install -y postgresql) or run: docker compose up -d postgres" >&2; exit 1; }
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Redis is not running; starting it"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 50); do redis_up && break; sleep 0.2; done
  fi
  redis_up || { echo "Redis is not reachable on 127.0.0.1:6379 and is not installed here. Install it (apt-get install -y redis-server) or run: docker compose up -d redis" >&2; exit 1; }
fi
