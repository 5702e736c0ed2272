#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (Debian's postgresql package):
#   scripts/pg_cluster.sh start DIR PORT   initdb into DIR, start it on 127.0.0.1:PORT and a socket in DIR
#   scripts/pg_cluster.sh stop DIR         stop it (immediately) and remove DIR
# PostgreSQL refuses to run as root: as root, the cluster runs as `nobody`. Two roles: tokengate
# (the nodes' login, password "tokengate-test-password", allowed to create databases) and the
# cluster's superuser, reachable only over the socket. TCP logins need the password (scram-sha-256).
set -euo pipefail
action=${1:?usage: pg_cluster.sh start DIR PORT | stop DIR}
dir=$(realpath -m "${2:?DIR}")
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg_cluster: PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    port=${3:?PORT}
    [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    mkdir -p "$dir/socket"
    if [ "$(id -u)" -eq 0 ]; then
      chown -R nobody "$dir"
      runuser -u nobody -- test -w "$dir" || {
        echo "pg_cluster: the user nobody cannot reach $dir (a parent directory is private); choose a DIR under a world-traversable path" >&2
        exit 1
      }
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    "$bin/psql" -h "$dir/socket" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
      -c "CREATE ROLE tokengate LOGIN CREATEDB PASSWORD 'tokengate-test-password'" \
      -c "CREATE DATABASE tokengate OWNER tokengate"
    echo "pg_cluster: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, socket $dir/socket"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: pg_cluster.sh start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
