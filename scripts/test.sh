#!/usr/bin/env bash
# `npm test`: builds, makes sure PostgreSQL and Redis are there (starting throwaway ones on
# loopback when TEST_DATABASE_URL / TEST_REDIS_URL are not set), runs the whole suite on SQLite
# and PostgreSQL, and stops only what it started. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
started=""
if [ -z "${TEST_DATABASE_URL:-}" ] || [ -z "${TEST_REDIS_URL:-}" ]; then
  if services=$(scripts/services.sh start); then
    eval "$services"
    export TEST_DATABASE_URL TEST_REDIS_URL
    started=yes
  else
    echo "npm test: could not start PostgreSQL and Redis (scripts/services.sh needs root and Debian's packages); set TEST_DATABASE_URL and TEST_REDIS_URL to servers of yours" >&2
    exit 2
  fi
fi
if [ -n "$started" ]; then trap 'scripts/services.sh stop >/dev/null 2>&1 || true' EXIT; fi
npx vitest run "$@"
