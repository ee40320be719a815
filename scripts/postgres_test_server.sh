#!/usr/bin/env bash
# A throwaway PostgreSQL server for the PostgreSQL tests of the knowledge base.
#
#   bash scripts/postgres_test_server.sh start   # prints the SQLAlchemy URL on stdout
#   bash scripts/postgres_test_server.sh url     # prints it again
#   bash scripts/postgres_test_server.sh status
#   bash scripts/postgres_test_server.sh stop    # stops the server and deletes its directory
#
# Typical use (what CI does):
#   export TEST_POSTGRES_URL="$(bash scripts/postgres_test_server.sh start)"
#   .venv/bin/python -m pytest tests/test_store.py
#   bash scripts/postgres_test_server.sh stop
#
# The server listens on 127.0.0.1 only, on a free port (or PGTEST_PORT), with trust
# authentication for the user "postgres", and keeps everything (data, socket, log) under
# PGTEST_DIR (default /tmp/ess-pgtest). It needs the PostgreSQL binaries initdb, pg_ctl and
# postgres on the PATH or in PG_BIN (e.g. /usr/lib/postgresql/15/bin). initdb refuses to run
# as root: as root, the commands run as the "postgres" system user through runuser.
set -euo pipefail

DIR="${PGTEST_DIR:-/tmp/ess-pgtest}"
DATA="$DIR/data"
LOG="$DIR/server.log"
PORT_FILE="$DIR/port"
PG_BIN="${PG_BIN:-}"
RUN_AS="${PGTEST_USER:-postgres}"

bin() {
    if [[ -n "$PG_BIN" ]]; then echo "$PG_BIN/$1"; return; fi
    if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
    for candidate in /usr/local/bin /usr/lib/postgresql/*/bin; do
        if [[ -x "$candidate/$1" ]]; then echo "$candidate/$1"; return; fi
    done
    echo "postgres_test_server: $1 not found (set PG_BIN to the PostgreSQL bin directory)" >&2
    exit 2
}

as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u "$RUN_AS" -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

url() {
    echo "postgresql+psycopg2://postgres@127.0.0.1:$(cat "$PORT_FILE")/postgres"
}

running() {
    [[ -f "$DATA/postmaster.pid" ]] && as_owner "$(bin pg_ctl)" -D "$DATA" status >/dev/null 2>&1
}

start() {
    if running; then
        url
        return
    fi
    mkdir -p "$DIR"
    if [[ "$(id -u)" == 0 ]]; then
        chown "$RUN_AS" "$DIR"
    fi
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        as_owner "$(bin initdb)" -D "$DATA" -U postgres -A trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 || {
            cat "$DIR/initdb.log" >&2
            exit 1
        }
    fi
    local port="${PGTEST_PORT:-$(free_port)}"
    as_owner sh -c "echo $port > '$PORT_FILE'"
    as_owner "$(bin pg_ctl)" -D "$DATA" -l "$LOG" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $DIR -c fsync=off -c full_page_writes=off" \
        start >/dev/null || {
            cat "$LOG" >&2
            exit 1
        }
    url
}

stop() {
    if running; then
        as_owner "$(bin pg_ctl)" -D "$DATA" -m fast -w -t 60 stop >/dev/null
    fi
    if [[ "${PGTEST_KEEP:-0}" != 1 ]]; then
        rm -rf "$DIR"
    fi
    echo "postgres_test_server: stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    status)
        if running; then echo "running: $(url)"; else echo "not running"; exit 1; fi
        ;;
    *)
        echo "usage: $0 start|stop|url|status" >&2
        exit 2
        ;;
esac
