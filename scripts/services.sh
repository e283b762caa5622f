#!/usr/bin/env bash
# Start, stop or check PostgreSQL, Redis and Solr on 127.0.0.1.
#   services.sh start    start what is down and keep what runs
#   services.sh stop     stop Redis and Solr started here, and the PostgreSQL cluster
#   services.sh status   print each service's state, and exit 3 when one is down
set -euo pipefail
source "$(dirname "$0")/lib.sh"

REDIS_PID="$VAR_DIR/redis.pid"

generate_secrets() {
    [ -f "$SECRETS_INI" ] && return
    say "generating secrets in $SECRETS_INI"
    local key db_password admin_password
    key="$(head -c 32 /dev/urandom | base64 | tr -d '/+=' )"
    mkdir -p "$MACHINE_DIR"
    if [ ! -s "$MACHINE_DIR/db_password" ]; then
        (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$MACHINE_DIR/db_password")
    fi
    db_password="$(cat "$MACHINE_DIR/db_password")"
    admin_password="$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
    umask 077
    cat >"$SECRETS_INI" <<INI
# Generated on first run by scripts/services.sh; never commit this file.
[DEFAULT]
db_password = $db_password
admin_password = $admin_password

[app:main]
use = egg:ckan
SECRET_KEY = $key
INI
}

start_postgres() {
    if pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" '$1==v && $2=="main" && $4=="online"' | grep -q .; then
        :
    else
        require_port_free_or "$PG_PORT" postgres
        say "starting PostgreSQL $PG_VERSION"
        pg_ctlcluster "$PG_VERSION" main start || die "PostgreSQL did not start; see /var/log/postgresql/postgresql-$PG_VERSION-main.log"
    fi
    local password
    password="$(secret db_password)"
    su postgres -c "psql -q -v ON_ERROR_STOP=1 -p $PG_PORT" >/dev/null <<SQL || die "could not create the PostgreSQL role and databases"
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
        CREATE ROLE $PG_ROLE LOGIN PASSWORD '$password';
    ELSE
        ALTER ROLE $PG_ROLE LOGIN PASSWORD '$password';
    END IF;
END
\$\$;
SQL
    for db in $(printf "%s\n" "$CKAN_DB" ckan_default ckan_test ckan_peer | sort -u); do
        if ! su postgres -c "psql -p $PG_PORT -tAc \"SELECT 1 FROM pg_database WHERE datname = '$db'\"" | grep -q 1; then
            su postgres -c "createdb -p $PG_PORT -O $PG_ROLE -E UTF-8 $db"
        fi
        # PostGIS lives in its own schema because CKAN's test fixture drops
        # every table in `public`, and spatial_ref_sys belongs to the extension.
        su postgres -c "PGOPTIONS=--client-min-messages=warning psql -q -p $PG_PORT -d $db" >/dev/null <<SQL
CREATE SCHEMA IF NOT EXISTS postgis AUTHORIZATION $PG_ROLE;
CREATE EXTENSION IF NOT EXISTS postgis SCHEMA postgis;
SQL
    done
}

start_redis() {
    if timeout 5 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
        return
    fi
    require_port_free_or "$REDIS_PORT" redis-server
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
        --pidfile "$REDIS_PID" --logfile "$LOG_DIR/redis.log" --dir "$VAR_DIR" \
        --save "" >/dev/null
    for _ in $(seq 50); do
        timeout 5 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return
        sleep 0.1
    done
    die "Redis did not start; see $LOG_DIR/redis.log"
}

stop_redis() {
    timeout 5 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

status() {
    local down=0
    if pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" '$1==v && $4=="online"' | grep -q .; then
        echo "postgresql: running on 127.0.0.1:$PG_PORT"
    else
        echo "postgresql: stopped"; down=1
    fi
    if timeout 5 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
        echo "redis: running on 127.0.0.1:$REDIS_PORT"
    else
        echo "redis: stopped"; down=1
    fi
    "$REPO_ROOT/scripts/solr.sh" status || down=1
    return $((down * 3))
}

case "${1:-}" in
    start)
        generate_secrets
        start_postgres
        start_redis
        "$REPO_ROOT/scripts/solr.sh" start ckan ckan_test
        ;;
    stop)
        "$REPO_ROOT/scripts/solr.sh" stop || true
        stop_redis
        pg_ctlcluster "$PG_VERSION" main stop 2>/dev/null || true
        ;;
    status)
        status
        ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
