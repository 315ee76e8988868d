#!/usr/bin/env bash
# `npm test`: builds, makes sure PostgreSQL and Redis are there (when TEST_DATABASE_URL or
# TEST_REDIS_URL is not set, this run starts its own throwaway pair with scripts/services.sh,
# on free ports in its own folder), runs the whole suite on SQLite and PostgreSQL, and on exit
# (also on Ctrl-C or SIGTERM) stops only what it started. Extra arguments go to vitest.
#
# `npm run test:quick` (--quick): no build, no services; the SQLite project only, without the
# tests tagged `slow` (vitest.config.ts says which those are).
set -euo pipefail
cd "$(dirname "$0")/.."

# vitest itself, not `npx vitest`: npx runs it through a shell that would not pass SIGTERM on.
vitest=(node_modules/.bin/vitest run)
if [ "${1:-}" = --quick ]; then
  shift
  exec "${vitest[@]}" --project sqlite --tags-filter '!slow' "$@"
fi

npm run build --silent
if [ -z "${TEST_DATABASE_URL:-}" ] || [ -z "${TEST_REDIS_URL:-}" ]; then
  if ! services=$(scripts/services.sh start); then
    echo "npm test: could not start PostgreSQL and Redis (see above); set TEST_DATABASE_URL and TEST_REDIS_URL to servers of yours" >&2
    exit 2
  fi
  eval "$services"
  export BULWARK_SERVICES_DIR TEST_DATABASE_URL TEST_REDIS_URL
  trap 'scripts/services.sh stop' EXIT
fi

# The runner runs in the background so a signal to this script reaches the trap at once: the
# trap passes it on, waits for the runner to finish, and the EXIT trap then stops the services.
"${vitest[@]}" "$@" &
runner=$!
trap 'kill -TERM "$runner" 2>/dev/null || true' INT TERM
status=0
wait "$runner" || status=$?
# `wait` returns early (status > 128) when a trapped signal arrives: wait again for the runner's
# own end (bash keeps the exit status of a finished background job for this).
if [ "$status" -gt 128 ]; then
  status=0
  wait "$runner" || status=$?
fi
exit "$status"
