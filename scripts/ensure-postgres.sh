#!/usr/bin/env bash
# Make a PostgreSQL server answer on 127.0.0.1:$PGPORT with a role and a database `performa`
# (password `performa`, CREATEDB so pytest-django can create test_performa).
#
# Idempotent: reuses a server that already answers on the port, installs Debian's `postgresql`
# only when the server binaries are missing, creates a cluster only when there is none on the
# port, and starts it. CI machines are fresh and session processes don't survive, so
# `make test` runs this every time.
set -euo pipefail

PGPORT="${PGPORT:-5432}"
HOST=127.0.0.1
ROLE=performa
PASSWORD=performa
DATABASE=performa
URL="postgres://$ROLE:$PASSWORD@$HOST:$PGPORT/$DATABASE"

log() { echo "ensure-postgres: $*" >&2; }

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

# True when something accepts TCP connections on the port (needs no PostgreSQL client).
port_open() { (exec 3<>"/dev/tcp/$HOST/$PGPORT") 2>/dev/null; }

server_installed() {
    command -v pg_ctlcluster >/dev/null && compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null
}

install_server() {
    log "installing PostgreSQL (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    # The package lists may be missing or stale on a fresh machine: refresh only if needed.
    "${SUDO[@]}" apt-get install -y --no-install-recommends postgresql || {
        "${SUDO[@]}" apt-get update
        "${SUDO[@]}" apt-get install -y --no-install-recommends postgresql
    }
}

# The newest major version whose server is installed (client-only versions have no postgres).
newest_version() {
    local bin
    for bin in /usr/lib/postgresql/*/bin/postgres; do basename "$(dirname "$(dirname "$bin")")"; done |
        sort -V | tail -n 1
}

# "VERSION NAME" of the cluster configured on our port, if any.
cluster_on_port() {
    pg_lsclusters --no-header | awk -v port="$PGPORT" '$3 == port { print $1, $2; exit }'
}

start_cluster() {
    local cluster
    cluster="$(cluster_on_port)"
    if [ -z "$cluster" ]; then
        cluster="$(newest_version) main"
        if pg_lsclusters --no-header | awk '{ print $1, $2 }' | grep -qx "$cluster"; then
            cluster="$(newest_version) performa"  # `main` exists on another port
        fi
        log "creating cluster $cluster on port $PGPORT"
        # shellcheck disable=SC2086  # "VERSION NAME" is two words on purpose
        "${SUDO[@]}" pg_createcluster --port "$PGPORT" $cluster
    fi
    # A server this script starts holds only throwaway test databases: durability is not
    # needed, and without fsyncs the suite's many commits and truncations run much faster.
    # (A server that already answered on the port is reused as it is: see the end.)
    # shellcheck disable=SC2086
    set -- $cluster
    "${SUDO[@]}" mkdir -p "/etc/postgresql/$1/$2/conf.d"
    printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' |
        "${SUDO[@]}" tee "/etc/postgresql/$1/$2/conf.d/performa-tests.conf" >/dev/null
    # shellcheck disable=SC2086
    if ! pg_ctlcluster $cluster status >/dev/null 2>&1; then
        log "starting cluster $cluster"
        # shellcheck disable=SC2086
        "${SUDO[@]}" pg_ctlcluster $cluster start
    fi
}

wait_until_ready() {
    for _ in $(seq 1 60); do
        if pg_isready --quiet --host "$HOST" --port "$PGPORT"; then return 0; fi
        sleep 0.5
    done
    log "PostgreSQL did not become ready on $HOST:$PGPORT"
    pg_lsclusters >&2 || true
    tail -n 30 /var/log/postgresql/*.log >&2 || true
    return 1
}

can_log_in() {
    PGPASSWORD="$PASSWORD" psql --no-psqlrc --quiet --host "$HOST" --port "$PGPORT" \
        --username "$ROLE" --dbname "$DATABASE" --command "SELECT 1" >/dev/null 2>&1
}

create_role_and_database() {
    log "creating role and database $ROLE"
    as_postgres psql --no-psqlrc --quiet --port "$PGPORT" --dbname postgres \
        --set ON_ERROR_STOP=1 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
        CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
    ELSE
        ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
    END IF;
END
\$\$;
SELECT 'CREATE DATABASE $DATABASE OWNER $ROLE'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DATABASE')
\gexec
SQL
}

if port_open; then
    log "a server already answers on $HOST:$PGPORT: reusing it"
    command -v psql >/dev/null || install_server  # for the client tools
else
    server_installed || install_server
    start_cluster
fi
wait_until_ready
can_log_in || create_role_and_database
can_log_in || { log "cannot log in as $ROLE on $HOST:$PGPORT"; exit 1; }
echo "DATABASE_URL=$URL"
