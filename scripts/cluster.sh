#!/usr/bin/env bash
# Three Bulwark instances behind HAProxy on one machine, on loopback, for the cluster tests
# (test/cluster/), the cluster benchmark and trying the deployment of deploy/haproxy:
#   eval "$(scripts/cluster.sh up)"
#       PostgreSQL and Redis of the cluster's own (scripts/services.sh), or the servers of
#       $TEST_DATABASE_URL (a new database on it, dropped by `down`) and $TEST_REDIS_URL when
#       both are set; a throwaway TLS certificate
#       (SAN localhost and 127.0.0.1); one master key and one environment shared by three
#       `dist/main.js serve` on free loopback ports, each with its own data folder (its audit
#       checkpoint); HAProxy from deploy/haproxy/haproxy.cfg with loopback addresses. Prints
#       `export CLUSTER_URL=… CLUSTER_CA=…` and the pids, ports and folder. A second `up` while
#       the cluster runs prints the same lines and starts nothing.
#   scripts/cluster.sh status      what runs, one line each; exit 1 when anything is down
#   scripts/cluster.sh down        stops what `up` started (by the pids it wrote) and removes
#                                  the folder
#   scripts/cluster.sh instance start|kill N, postgres stop|start, redis stop|start
#       for the tests: restart an instance on its port and folder, SIGKILL one, stop and start
#       the cluster's own PostgreSQL or Redis on the same port (refused for servers it reuses).
# The folder is $CLUSTER_DIR (default ${TMPDIR:-/tmp}/bulwark-cluster). HAProxy reaches
# the instances from 127.0.0.2, the one address in server.trustedProxies, so the instances can
# tell the proxy (127.0.0.2) from a client (127.0.0.1) as on a real network. BULWARK_* variables
# set when calling `up` are passed to every instance (the tests set cheap password hashing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=${CLUSTER_DIR:-${TMPDIR:-/tmp}/bulwark-cluster}
MARKER=.bulwark-cluster
PROXY_SOURCE=127.0.0.2
say() { echo "cluster: $*" >&2; }
fail() { say "$*"; exit 1; }

free_port() {
  node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
# True when pid $1 is alive and its command line contains $2: a recycled pid is not ours.
is_process() { [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q -- "$2"; }
pid_of() { cat "$DIR/$1.pid" 2>/dev/null || true; }
# Waits until $1 answers 200 on /api/health, or fails naming $2's log (at once when pid file
# $3's process, if given, has ended: a configuration error, say).
wait_healthy() {
  for _ in $(seq 150); do
    if curl -fsS --cacert "$DIR/tls/cert.pem" -o /dev/null "$1/api/health" 2>/dev/null; then return 0; fi
    if [ -n "${3:-}" ] && ! is_process "$(pid_of "$3")" dist/main.js; then
      fail "the instance of $1 ended at start; the end of its log ($2):
$(tail -n 5 "$2")"
    fi
    sleep 0.2
  done
  fail "$1 did not answer /api/health within 30 s; its log: $2"
}
# Stops pid file $1's process (SIGTERM, then SIGKILL after 10 s) when its command line has $2.
stop_pid() {
  local pid
  pid=$(pid_of "$1")
  if is_process "$pid" "$2"; then
    kill "$pid"
    for _ in $(seq 100); do is_process "$pid" "$2" || break; sleep 0.1; done
    if is_process "$pid" "$2"; then kill -KILL "$pid"; fi
  fi
  rm -f "$DIR/$1.pid"
}

# --- the pieces ------------------------------------------------------------------------------

require_tools() {
  local tool
  for tool in haproxy openssl curl node; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing: install it (Debian: apt-get install haproxy openssl curl), or run scripts/services.sh start as root once, which installs HAProxy"
  done
  [ -f "$ROOT/dist/main.js" ] || fail "dist/main.js is missing: run npm run build first"
}

start_services() {
  if [ -n "${TEST_DATABASE_URL:-}" ] && [ -n "${TEST_REDIS_URL:-}" ]; then
    # A database of the cluster's own on that server (dropped by `down`), so the cluster's
    # schema and data never mix with what else uses the server.
    local database url
    command -v psql >/dev/null 2>&1 || fail "psql is missing (Debian: postgresql-client); it creates the cluster's database on $TEST_DATABASE_URL"
    database=bulwark_cluster_$(openssl rand -hex 4)
    psql "$TEST_DATABASE_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $database" >&2 || fail "could not create database $database on $TEST_DATABASE_URL (see above)"
    url=$(sed -E "s#^(postgres(ql)?://[^/?]+)(/[^?]*)?#\\1/$database#" <<<"$TEST_DATABASE_URL")
    say "reusing the PostgreSQL of TEST_DATABASE_URL (database $database) and the Redis of TEST_REDIS_URL; postgres/redis stop|start refused"
    printf 'DATABASE_URL=%s\nREDIS_URL=%s\nSERVICES_DIR=\nCREATED_DATABASE=%s\nSERVER_URL=%s\n' \
      "$url" "$TEST_REDIS_URL" "$database" "$TEST_DATABASE_URL" >"$DIR/services.env"
    return 0
  fi
  local started BULWARK_SERVICES_DIR TEST_DATABASE_URL TEST_REDIS_URL
  started=$(BULWARK_SERVICES_DIR='' scripts/services.sh start) || fail "PostgreSQL and Redis did not start (see above)"
  eval "$started"
  printf 'DATABASE_URL=%s\nREDIS_URL=%s\nSERVICES_DIR=%s\n' "$TEST_DATABASE_URL" "$TEST_REDIS_URL" "$BULWARK_SERVICES_DIR" >"$DIR/services.env"
}
service() { sed -n "s/^$1=//p" "$DIR/services.env"; }

make_secrets() {
  mkdir -p "$DIR/tls"
  (umask 077 && openssl rand -base64 32 >"$DIR/master.key")
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' -keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" 2>/dev/null
  (umask 077 && cat "$DIR/tls/cert.pem" "$DIR/tls/key.pem" >"$DIR/tls/bulwark.pem")
}

# The environment every instance shares: the caller's BULWARK_* first, the cluster's over them.
write_instance_env() {
  local https_port=$1
  {
    local name
    for name in $(compgen -e | grep '^BULWARK_' | grep -v -x -E 'BULWARK_(SERVICES_DIR|HOST|PORT|DATA_DIR)'); do
      printf '%s=%q\n' "$name" "${!name}"
    done
    echo "BULWARK_DATABASE_URL=$(service DATABASE_URL)"
    echo "BULWARK_REDIS_URL=$(service REDIS_URL)"
    echo "BULWARK_MASTER_KEY=$(cat "$DIR/master.key")"
    echo "BULWARK_TRUSTED_PROXIES=$PROXY_SOURCE"
    echo "BULWARK_PUBLIC_URL=https://localhost:$https_port"
  } >"$DIR/bulwark.env"
  chmod 600 "$DIR/bulwark.env"
}

start_instance() {
  local n=$1 port
  port=$(cat "$DIR/instance$n.port")
  mkdir -p "$DIR/instance$n"
  # setsid: the instance outlives this script and a Ctrl-C in the caller's terminal.
  (
    set -a
    . "$DIR/bulwark.env"
    set +a
    unset BULWARK_SERVICES_DIR
    BULWARK_HOST=127.0.0.1 BULWARK_PORT=$port BULWARK_DATA_DIR=$DIR/instance$n/data \
      exec setsid node "$ROOT/dist/main.js" serve </dev/null >>"$DIR/instance$n/server.log" 2>&1
  ) &
  echo $! >"$DIR/instance$n.pid"
  wait_healthy "http://127.0.0.1:$port" "$DIR/instance$n/server.log" "instance$n"
}

# deploy/haproxy/haproxy.cfg with loopback addresses, the throwaway certificate and no privilege
# drop, syslog or 20,000 connections (that needs more open files than a test machine allows):
# the same TLS, header and health-check rules as production.
write_haproxy_config() {
  local http_port=$1 https_port=$2 n servers=''
  for n in 1 2 3; do servers+="    server bulwark$n 127.0.0.1:$(cat "$DIR/instance$n.port")\n"; done
  sed -e '/^    \(user\|group\|log \/dev\/log\)/d' \
    -e 's|^    maxconn 20000$|    maxconn 2000|' \
    -e "s|^    bind :80\$|    bind 127.0.0.1:$http_port|" \
    -e "s|^    bind :443 ssl crt /etc/haproxy/certs/bulwark.pem|    bind 127.0.0.1:$https_port ssl crt $DIR/tls/bulwark.pem|" \
    -e '/^    server bulwark[0-9] /d' \
    -e "s|^    balance roundrobin\$|    balance roundrobin\n    source $PROXY_SOURCE|" \
    "$ROOT/deploy/haproxy/haproxy.cfg" >"$DIR/haproxy.cfg"
  printf '%b' "$servers" >>"$DIR/haproxy.cfg"
  grep -q "bind 127.0.0.1:$https_port ssl" "$DIR/haproxy.cfg" || fail "deploy/haproxy/haproxy.cfg no longer has the bind lines this script rewrites"
  haproxy -q -c -f "$DIR/haproxy.cfg" >&2 || fail "HAProxy refused $DIR/haproxy.cfg (see above)"
}

print_exports() {
  local n pids='' ports=''
  for n in 1 2 3; do pids+="$(pid_of "instance$n") "; ports+="$(cat "$DIR/instance$n.port") "; done
  cat <<EOF
export CLUSTER_DIR=$DIR
export CLUSTER_URL=https://localhost:$(cat "$DIR/https.port")
export CLUSTER_HTTP_URL=http://127.0.0.1:$(cat "$DIR/http.port")
export CLUSTER_CA=$DIR/tls/cert.pem
export CLUSTER_HAPROXY_PID=$(pid_of haproxy)
export CLUSTER_INSTANCE_PIDS='${pids% }'
export CLUSTER_INSTANCE_PORTS='${ports% }'
export CLUSTER_DATABASE_URL=$(service DATABASE_URL)
export CLUSTER_REDIS_URL=$(service REDIS_URL)
export CLUSTER_OWNS_SERVICES=$([ -n "$(service SERVICES_DIR)" ] && echo 1 || echo 0)
EOF
}

# --- commands --------------------------------------------------------------------------------

all_running() {
  local n
  is_process "$(pid_of haproxy)" haproxy || return 1
  for n in 1 2 3; do is_process "$(pid_of "instance$n")" dist/main.js || return 1; done
}

up() {
  if [ -f "$DIR/$MARKER" ]; then
    all_running || fail "a cluster in $DIR is partly down (scripts/cluster.sh status says what); run scripts/cluster.sh down, then up"
    say "already running in $DIR"
    print_exports
    return 0
  fi
  [ ! -e "$DIR" ] || fail "$DIR exists and is not a cluster folder; remove it or set CLUSTER_DIR"
  require_tools
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  touch "$DIR/$MARKER"
  # A failure half-way stops what was started: nothing is left behind.
  trap 'stop_all >/dev/null 2>&1 || true; say "up failed: stopped what it started; the logs stay in $DIR until scripts/cluster.sh down"' ERR EXIT
  start_services
  make_secrets
  local n http_port https_port
  http_port=$(free_port) && echo "$http_port" >"$DIR/http.port"
  https_port=$(free_port) && echo "$https_port" >"$DIR/https.port"
  for n in 1 2 3; do free_port >"$DIR/instance$n.port"; done
  write_instance_env "$https_port"
  # The first instance migrates the database alone; the others start on a current schema.
  for n in 1 2 3; do start_instance "$n"; done
  write_haproxy_config "$http_port" "$https_port"
  haproxy -f "$DIR/haproxy.cfg" -p "$DIR/haproxy.pid" -D >>"$DIR/haproxy.log" 2>&1 || fail "HAProxy did not start; its log: $DIR/haproxy.log"
  wait_healthy "https://localhost:$https_port" "$DIR/haproxy.log"
  trap - ERR EXIT
  say "three instances behind HAProxy at https://localhost:$https_port (folder $DIR; stop: scripts/cluster.sh down)"
  print_exports
}

stop_all() {
  local n services_dir=''
  stop_pid haproxy haproxy
  for n in 1 2 3; do stop_pid "instance$n" dist/main.js; done
  if [ -f "$DIR/services.env" ]; then services_dir=$(service SERVICES_DIR); fi
  if [ -n "$services_dir" ]; then BULWARK_SERVICES_DIR=$services_dir scripts/services.sh stop || true; fi
  if [ -f "$DIR/services.env" ] && [ -n "$(service CREATED_DATABASE)" ]; then
    psql "$(service SERVER_URL)" -q -c "DROP DATABASE IF EXISTS $(service CREATED_DATABASE) WITH (FORCE)" >&2 || true
  fi
  rm -f "$DIR/services.env"
}

down() {
  if [ ! -f "$DIR/$MARKER" ]; then
    say "nothing to stop: $DIR is not a folder scripts/cluster.sh up made"
    return 0
  fi
  stop_all
  rm -rf "$DIR"
  say "stopped; $DIR removed"
}

status() {
  [ -f "$DIR/$MARKER" ] || { say "no cluster in $DIR"; return 1; }
  local n down=0
  for n in haproxy instance1 instance2 instance3; do
    if is_process "$(pid_of $n)" "$([ $n = haproxy ] && echo haproxy || echo dist/main.js)"; then
      echo "$n: running (pid $(pid_of $n))"
    else
      echo "$n: down"
      down=1
    fi
  done
  return "$down"
}

# The cluster's own PostgreSQL or Redis, stopped and started on the same port (for the tests).
own_service() {
  [ -f "$DIR/$MARKER" ] || fail "no cluster in $DIR"
  local services_dir
  services_dir=$(service SERVICES_DIR)
  [ -n "$services_dir" ] || fail "this cluster reuses servers it did not start; it does not stop or start them"
  echo "$services_dir"
}

postgres_cmd() {
  local services_dir data bin
  services_dir=$(own_service)
  data=$services_dir/pg
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  case "$1" in
    stop) as_pg "$bin/pg_ctl" -D "$data" -m fast -w -s stop >&2 ;;
    # postmaster.opts holds the command line of the last start (port, socket folder, settings).
    start) as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -s -o "$(cut -d' ' -f2- "$data/postmaster.opts")" start >&2 ;;
    *) fail "usage: scripts/cluster.sh postgres stop|start" ;;
  esac
}

redis_cmd() {
  local services_dir port pid
  services_dir=$(own_service)
  port=$(service REDIS_URL | sed 's|.*:||')
  pid=$(cat "$services_dir/redis.pid" 2>/dev/null || true)
  case "$1" in
    stop)
      if is_process "$pid" redis-server; then
        kill "$pid"
        for _ in $(seq 50); do is_process "$pid" redis-server || break; sleep 0.1; done
      fi ;;
    start)
      is_process "$pid" redis-server && return 0
      redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
        --pidfile "$services_dir/redis.pid" --logfile "$services_dir/redis.log" >&2
      for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
      fail "Redis did not start again on port $port; its log: $services_dir/redis.log" ;;
    *) fail "usage: scripts/cluster.sh redis stop|start" ;;
  esac
}

instance_cmd() {
  [ -f "$DIR/$MARKER" ] || fail "no cluster in $DIR"
  [[ ${2:-} =~ ^[123]$ ]] || fail "usage: scripts/cluster.sh instance start|kill 1|2|3"
  case "$1" in
    kill) is_process "$(pid_of "instance$2")" dist/main.js && kill -KILL "$(pid_of "instance$2")" ;;
    start) is_process "$(pid_of "instance$2")" dist/main.js || start_instance "$2" ;;
    *) fail "usage: scripts/cluster.sh instance start|kill 1|2|3" ;;
  esac
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  instance) instance_cmd "${2:-}" "${3:-}" ;;
  postgres) postgres_cmd "${2:-}" ;;
  redis) redis_cmd "${2:-}" ;;
  *) echo "usage: scripts/cluster.sh up|down|status|instance start|kill N|postgres stop|start|redis stop|start" >&2; exit 2 ;;
esac
