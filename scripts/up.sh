#!/usr/bin/env bash
# Install, start and load the whole portal, then serve it at http://127.0.0.1:5000.
# Idempotent: a second run keeps every dataset and restarts only what is down.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

INI="${CKAN_INI:-$REPO_ROOT/config/development.ini}"
RUN_DIR="$VAR_DIR/run"

mkdir -p "$RUN_DIR" "$VAR_DIR/storage"

# The ini files name the default ports and database; these follow the
# variables of scripts/lib.sh when they are set to something else.
export_service_urls() {
    export CKAN_SQLALCHEMY_URL="postgresql://$PG_ROLE:$(secret db_password)@127.0.0.1:$PG_PORT/$CKAN_DB"
    export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan"
    export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    export CKAN_SITE_URL="http://127.0.0.1:$CKAN_PORT"
}

ckan_cli() {
    "$VENV/bin/ckan" -c "$INI" "$@"
}

# Start one long-running CKAN process in the background unless its pid file
# names a live process.
start_background() {
    local name=$1
    shift
    local pidfile="$RUN_DIR/$name.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        return
    fi
    nohup "$@" >>"$LOG_DIR/$name.log" 2>&1 &
    echo $! >"$pidfile"
}

wait_for_portal() {
    local url="http://127.0.0.1:$CKAN_PORT/api/3/action/status_show"
    for _ in $(seq 120); do
        if curl -fsS "$url" >/dev/null 2>&1; then
            return
        fi
        sleep 0.5
    done
    tail -n 20 "$LOG_DIR/ckan.log" >&2 || true
    die "CKAN did not respond on $url within 60 s; see $LOG_DIR/ckan.log"
}

check_ckan_port() {
    local pidfile="$RUN_DIR/ckan.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        return
    fi
    if port_in_use "$CKAN_PORT"; then
        die "port $CKAN_PORT is already used by '$(port_owner "$CKAN_PORT")'." \
            "Stop that program, or run with CKAN_PORT set to a free port."
    fi
}

initialise_database() {
    say "applying database migrations (CKAN core, ${MIGRATED_PLUGINS[*]})"
    migrate_database "$INI"
}

create_sysadmin() {
    local password
    password="$(secret admin_password)"
    if ckan_cli user show admin 2>/dev/null | grep -q "name=admin"; then
        return
    fi
    say "creating the sysadmin account 'admin'"
    ckan_cli user add admin email=admin@quyhoach.localhost password="$password" >>"$LOG_DIR/ckan-cli.log" 2>&1 \
        || die "could not create the sysadmin; see $LOG_DIR/ckan-cli.log"
    ckan_cli sysadmin add admin >>"$LOG_DIR/ckan-cli.log" 2>&1
}

check_ckan_port
"$REPO_ROOT/scripts/install.sh"
"$REPO_ROOT/scripts/services.sh" start
export_service_urls
initialise_database
create_sysadmin
say "loading the demo catalogue from data/"
ckan_cli quyhoach load-catalogue >"$LOG_DIR/load-catalogue.log" 2>&1 \
    || die "loading the catalogue failed; see $LOG_DIR/load-catalogue.log"
ckan_cli quyhoach-access load-samples >>"$LOG_DIR/load-catalogue.log" 2>&1 \
    || die "loading the access-control samples failed; see $LOG_DIR/load-catalogue.log"
# Print the loaders' reports without CKAN's log lines.
grep -v "^[0-9-]* [0-9:,]* [A-Z]" "$LOG_DIR/load-catalogue.log" | grep -v "^\s" || true
# The loaders skip unchanged dossiers, so a Solr index that was emptied (a
# new Solr home, or a core rebuilt after a schema change) is refilled here.
ckan_cli search-index rebuild --only-missing --quiet >>"$LOG_DIR/ckan-cli.log" 2>&1 \
    || die "indexing the datasets missing from Solr failed; see $LOG_DIR/ckan-cli.log"

say "starting CKAN on http://127.0.0.1:$CKAN_PORT"
start_background ckan "$VENV/bin/ckan" -c "$INI" run --host 127.0.0.1 --port "$CKAN_PORT" --disable-reloader
start_background jobs-worker "$VENV/bin/ckan" -c "$INI" jobs worker
start_background harvest-gather "$VENV/bin/ckan" -c "$INI" harvester gather-consumer
start_background harvest-fetch "$VENV/bin/ckan" -c "$INI" harvester fetch-consumer
wait_for_portal

cat <<MSG

Quy hoạch Việt Nam is running at http://127.0.0.1:$CKAN_PORT
  sysadmin: admin, password in $SECRETS_INI (admin_password)
  logs:     $LOG_DIR
  stop:     scripts/down.sh
MSG
