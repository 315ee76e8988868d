#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis for the test suite, on 127.0.0.1 only, a new pair for every run:
#   eval "$(scripts/services.sh start)"
#       makes a new folder (mktemp), picks two free ports, starts both servers there and prints
#       `export BULWARK_SERVICES_DIR=… TEST_DATABASE_URL=… TEST_REDIS_URL=…` to eval.
#   scripts/services.sh stop
#       stops the two servers of $BULWARK_SERVICES_DIR (by the pid files in it) and removes that
#       folder; nothing else. A folder `start` did not make (no marker file) is left alone.
# Two runs at once never share a port or a folder, so one run's `stop` cannot end another's
# servers. PostgreSQL, Redis, Chromium (browser tests), ClamAV's clamd (scan tests), rsyslog
# with GnuTLS (audit shipping tests), promtool (metrics and alert-rule tests), HAProxy and
# nftables (deploy/ configuration and cluster tests) are installed
# from Debian's packages only when missing, as root: the script names the packages first, never
# upgrades a package that is already installed, and refuses (naming them) if installing would
# need to.
# PostgreSQL refuses to run as root, so under root it runs as the `postgres` user.
set -euo pipefail

MARKER=.bulwark-services
say() { echo "services: $*" >&2; }

# --- installing what is missing -------------------------------------------------------------

missing_packages() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || echo postgresql
  command -v redis-server >/dev/null 2>&1 || echo redis-server
  # Real Chromium for the browser tests of the served pages (driven by playwright-core).
  [ -x /usr/bin/chromium ] || echo chromium
  # ClamAV's daemon for the malware-scan tests, which start their own clamd with a database
  # they write (no signatures are downloaded).
  [ -x /usr/sbin/clamd ] || { echo clamav-daemon; echo clamav; }
  # rsyslog with its GnuTLS stream driver for the audit-shipping tests, which start their own
  # rsyslogd receiving RFC 5425 syslog over TLS on loopback.
  [ -x /usr/sbin/rsyslogd ] || echo rsyslog
  ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1 || echo rsyslog-gnutls
  # promtool checks the /metrics text and tests the alert rules (Debian's prometheus package).
  command -v promtool >/dev/null 2>&1 || echo prometheus
  # HAProxy in front of three instances (scripts/cluster.sh, the cluster tests) and nftables to
  # check deploy/nftables/bulwark.nft parses.
  [ -x /usr/sbin/haproxy ] || echo haproxy
  [ -x /usr/sbin/nft ] || echo nftables
}

install_missing() {
  local missing
  mapfile -t missing < <(missing_packages)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "missing ${missing[*]}: install them (Debian: apt-get install --no-upgrade ${missing[*]}), or set TEST_DATABASE_URL and TEST_REDIS_URL to servers of yours"
    return 1
  fi
  local apt=(apt-get -q -y --no-upgrade --no-install-recommends -o Dpkg::Use-Pty=0)
  say "missing ${missing[*]}: reading Debian's package lists (apt-get update)"
  apt-get update -qq >&2
  # Ask apt what it would do before doing it: `Inst name [old] (new …)` upgrades a package
  # already installed and `Remv name` removes one; those are not ours to change.
  local plan action name rest new=() changed=()
  plan=$(DEBIAN_FRONTEND=noninteractive "${apt[@]}" --simulate install "${missing[@]}")
  while read -r action name rest; do
    if [ "$action" = Inst ] && [[ $rest != \[* ]]; then new+=("$name"); else changed+=("$name"); fi
  done < <(grep -E '^(Inst|Remv) ' <<<"$plan")
  if [ ${#changed[@]} -gt 0 ]; then
    say "installing ${missing[*]} would upgrade or remove packages already installed (${changed[*]}); not doing that. Install ${missing[*]} yourself, or set TEST_DATABASE_URL and TEST_REDIS_URL to servers of yours"
    return 1
  fi
  say "installing ${missing[*]}: ${#new[@]} new packages (${new[*]}); nothing installed is upgraded"
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install "${missing[@]}" >&2
}

# --- helpers ---------------------------------------------------------------------------------

# A port nobody listens on right now. Another process may take it before our server binds, so
# each start below checks that the server answering is ours and tries again with a new port.
free_port() {
  node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# PostgreSQL's tools, as the `postgres` user when we are root (initdb and postgres refuse root).
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# True when pid $1 is alive and its command line contains $2: a recycled pid is not ours.
is_process() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q -- "$2"; }

# --- start -----------------------------------------------------------------------------------

start_postgres() {
  local bin data="$STATE_DIR/pg" port
  bin=$(pg_bin)
  mkdir -p "$data"
  chmod 700 "$data"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data"; fi
  as_pg "$bin/initdb" -D "$data" -A trust -U postgres >"$STATE_DIR/initdb.log"
  for _ in 1 2 3; do
    port=$(free_port)
    # pg_ctl -w returns once this server accepts connections, and fails if the port was taken.
    if as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -s \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c max_connections=300" start >&2; then
      echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
  done
  say "PostgreSQL did not start; its log: $data/server.log"
  return 1
}

start_redis() {
  local port pid
  for _ in 1 2 3; do
    port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
      --daemonize yes --pidfile "$STATE_DIR/redis.pid" --logfile "$STATE_DIR/redis.log" >&2
    for _ in $(seq 50); do
      pid=$(cat "$STATE_DIR/redis.pid" 2>/dev/null || true)
      # Ours only if the server on the port reports the pid we started.
      if [ -n "$pid" ] && redis-cli -p "$port" info server 2>/dev/null | grep -q "^process_id:$pid"; then
        echo "export TEST_REDIS_URL=redis://127.0.0.1:$port"
        return 0
      fi
      sleep 0.1
    done
    stop_redis
  done
  say "Redis did not start; its log: $STATE_DIR/redis.log"
  return 1
}

start() {
  install_missing
  STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bulwark-services.XXXXXX")
  touch "$STATE_DIR/$MARKER"
  chmod 755 "$STATE_DIR" # the postgres user must reach its own folder inside
  # A failure half-way stops what was started and removes the folder: nothing is left behind.
  trap 'stop_postgres; stop_redis; rm -rf "$STATE_DIR"' ERR
  local postgres redis
  postgres=$(start_postgres)
  redis=$(start_redis)
  trap - ERR
  echo "export BULWARK_SERVICES_DIR=$STATE_DIR"
  echo "$postgres"
  echo "$redis"
  say "PostgreSQL and Redis for this run in $STATE_DIR (stop: scripts/services.sh stop)"
}

# --- stop ------------------------------------------------------------------------------------

stop_postgres() {
  local data="$STATE_DIR/pg" bin
  bin=$(pg_bin)
  if [ -n "$bin" ] && [ -f "$data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$data" -m fast -w -s stop >&2 || true
  fi
}

stop_redis() {
  local pid
  pid=$(cat "$STATE_DIR/redis.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && is_process "$pid" redis-server; then
    kill "$pid"
    for _ in $(seq 50); do is_process "$pid" redis-server || break; sleep 0.1; done
  fi
  rm -f "$STATE_DIR/redis.pid"
}

stop() {
  STATE_DIR=${BULWARK_SERVICES_DIR:-}
  if [ -z "$STATE_DIR" ] || [ ! -f "$STATE_DIR/$MARKER" ]; then
    say "nothing stopped: BULWARK_SERVICES_DIR ('$STATE_DIR') is not a folder \`start\` made"
    return 2
  fi
  stop_postgres
  stop_redis
  rm -rf "$STATE_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: scripts/services.sh start|stop" >&2; exit 2 ;;
esac
