#!/usr/bin/env bash
# Installs (when missing) PostgreSQL and Chromium, and starts the services the test suite
# needs, on loopback only:
#   scripts/services.sh start   → prints `export TEST_DATABASE_URL=...` lines to eval
#   scripts/services.sh stop    → stops what `start` started (by its own pid files)
# PostgreSQL refuses to run as root, so it runs as the `postgres` user in a folder it owns.
set -euo pipefail
STATE_DIR=${BULWARK_SERVICES_DIR:-/tmp/bulwark-services}
PG_PORT=${BULWARK_TEST_PG_PORT:-54329}
REDIS_PORT=${BULWARK_TEST_REDIS_PORT:-63799}

install_packages() {
  local missing=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  # Real Chromium for the browser tests of the served pages (driven by playwright-core).
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} from Debian" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  fi
}

start_postgres() {
  local bin data
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  data="$STATE_DIR/pg"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    chown -R postgres:postgres "$STATE_DIR"
    chmod 700 "$data"
    runuser -u postgres -- "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
  fi
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $data -c fsync=off -c max_connections=300" start >&2
  fi
  echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}

start_redis() {
  # Loopback only, no persistence: a throwaway Redis for the tests (they restart it themselves).
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
      --daemonize yes --pidfile "$STATE_DIR/redis.pid" --logfile "$STATE_DIR/redis.log" >&2
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "export TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
}

stop_redis() {
  [ -f "$STATE_DIR/redis.pid" ] && kill "$(cat "$STATE_DIR/redis.pid")" 2>/dev/null || true
}

stop_postgres() {
  local bin data="$STATE_DIR/pg"
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1) || return 0
  [ -f "$data/postmaster.pid" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m fast stop >&2 || true
}

case "${1:-}" in
  start) mkdir -p "$STATE_DIR"; install_packages; start_postgres; start_redis ;;
  stop) stop_postgres; stop_redis ;;
  *) echo "usage: scripts/services.sh start|stop" >&2; exit 2 ;;
esac
