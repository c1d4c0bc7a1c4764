#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite, from the machine's binaries.
#
#   eval "$(.ci/postgres.sh start DIR)"   # initdb into DIR, start, export NEWSARCHIVE_TEST_PG
#   .ci/postgres.sh stop DIR              # stop it (DIR can then be removed)
#
# Listens on 127.0.0.1 on a free port and on a Unix socket in DIR; trust authentication
# (loopback only, data thrown away). initdb refuses to run as root, so as root the server
# runs as a dedicated user (created once: newsarchive-pg, no login shell, no home).
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}
bindir=${PG_BINDIR:-}
if [[ -z $bindir ]]; then
    for candidate in /usr/lib/postgresql/*/bin; do bindir=$candidate; done
    if [[ -z $bindir || ! -x $bindir/initdb ]]; then
        bindir=$(dirname "$(command -v initdb)")
    fi
fi
pguser=newsarchive-pg

as_server_user() {
    if [[ $(id -u) -eq 0 ]]; then
        su -s /bin/sh "$pguser" -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}

case $cmd in
start)
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then
        id "$pguser" >/dev/null 2>&1 || useradd --system --no-create-home \
            --shell /usr/sbin/nologin "$pguser"
        chown "$pguser" "$dir"
    fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_server_user "$bindir/initdb" --pgdata="$dir/data" --auth=trust --username=postgres \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_server_user "$bindir/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait \
        --options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "export NEWSARCHIVE_TEST_PG=postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    if [[ -f $dir/data/postmaster.pid ]]; then
        as_server_user "$bindir/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >/dev/null
    fi
    ;;
*)
    echo "usage: postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
