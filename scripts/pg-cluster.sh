#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and CI (issue 18).
#   scripts/pg-cluster.sh start DIR   initdb in DIR, server on 127.0.0.1 at a free port, socket in
#                                     DIR, database "pairlens" with an owner role (password) and a
#                                     read-only role; writes DIR/url and DIR/url-readonly
#   scripts/pg-cluster.sh stop DIR    stops the server and removes DIR
#   scripts/pg-cluster.sh pause DIR   stops the server (every session ended, commits kept), keeping DIR
#   scripts/pg-cluster.sh resume DIR  starts the paused server again on its port
# initdb refuses root: as root the server runs as "nobody" (setpriv), with DIR owned by it.
# PAIRLENS_PG_BIN overrides /usr/lib/postgresql/15/bin.
set -euo pipefail

bin=${PAIRLENS_PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: pg-cluster.sh start|stop|pause|resume DIR" >&2; exit 2; }

as_owner() { # COMMAND...: runs as the cluster's unprivileged owner
    if [ "$(id -u)" -eq 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups -- env HOME="$dir" "$@"
    else
        "$@"
    fi
}

start_server() { # PORT: starts the server of DIR on 127.0.0.1:PORT
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
        -o "-c listen_addresses=127.0.0.1 -p $1 -k $dir -c dynamic_shared_memory_type=mmap -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
        >/dev/null 2>&1
}

case "$cmd" in
start)
    [ -x "$bin/initdb" ] || { echo "pg-cluster: $bin/initdb is missing (scripts/install-deps.sh installs postgresql-15)." >&2; exit 2; }
    if [ -f "$dir/data/postmaster.pid" ]; then
        "$0" stop "$dir" || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
        chown nobody:nogroup "$dir"
        # nobody must be able to reach DIR: every parent needs search permission for it.
        p=$dir
        while [ "$p" != "/" ]; do
            p=$(dirname "$p")
            if ! setpriv --reuid=nobody --regid=nogroup --clear-groups -- test -x "$p"; then
                echo "pg-cluster: $p is not searchable by nobody; use a DIR under /tmp." >&2
                exit 2
            fi
        done
    fi
    owner_pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    ro_pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    started=""
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
        if start_server "$port"; then
            started=1
            break
        fi
    done
    [ -n "$started" ] || { echo "pg-cluster: the server did not start (log: $dir/server.log)" >&2; tail -20 "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >/dev/null <<SQL
CREATE ROLE pairlens LOGIN PASSWORD '$owner_pw';
CREATE ROLE pairlens_ro LOGIN PASSWORD '$ro_pw';
CREATE DATABASE pairlens OWNER pairlens;
\connect pairlens
CREATE SCHEMA training_data AUTHORIZATION pairlens;
GRANT CONNECT ON DATABASE pairlens TO pairlens_ro;
GRANT USAGE ON SCHEMA training_data TO pairlens_ro;
ALTER DEFAULT PRIVILEGES FOR ROLE pairlens IN SCHEMA training_data GRANT SELECT ON TABLES TO pairlens_ro;
SQL
    echo "postgresql://pairlens:$owner_pw@127.0.0.1:$port/pairlens" >"$dir/url"
    echo "postgresql://pairlens_ro:$ro_pw@127.0.0.1:$port/pairlens" >"$dir/url-readonly"
    echo "$port" >"$dir/port"
    chmod 644 "$dir/url" "$dir/url-readonly" "$dir/port"
    echo "pg-cluster: PostgreSQL on 127.0.0.1:$port (URLs in $dir/url, $dir/url-readonly)"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 30 -m fast stop >/dev/null 2>&1 ||
            as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
pause)
    as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 30 -m fast stop >/dev/null
    ;;
resume)
    start_server "$(cat "$dir/port")" || { echo "pg-cluster: the server did not start again (log: $dir/server.log)" >&2; exit 1; }
    ;;
*)
    echo "usage: pg-cluster.sh start|stop|pause|resume DIR" >&2
    exit 2
    ;;
esac
