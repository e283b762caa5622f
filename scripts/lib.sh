# Shared settings and helpers for the scripts in this folder; source it, do not run it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR_DIR="${QUYHOACH_VAR:-$REPO_ROOT/var}"
LOG_DIR="${QUYHOACH_LOG_DIR:-$VAR_DIR/log}"
VENV="${VENV:-$REPO_ROOT/.venv}"
CKAN_PORT="${CKAN_PORT:-5000}"
SOLR_PORT="${SOLR_PORT:-8983}"
PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
PG_VERSION=15
PG_ROLE=ckan_default
SECRETS_INI="$VAR_DIR/secrets.ini"
# The database role is shared by every checkout on this machine, so its
# password is kept once per machine rather than once per checkout.
MACHINE_DIR="${QUYHOACH_MACHINE_DIR:-/var/lib/quyhoach}"
CKAN_DB="${QUYHOACH_DB:-ckan_default}"
export REPO_ROOT VAR_DIR LOG_DIR VENV SOLR_PORT

mkdir -p "$VAR_DIR" "$LOG_DIR"

die() {
    echo "ERROR: $*" >&2
    exit 1
}

say() {
    echo "==> $*"
}

# Return 0 when something listens on 127.0.0.1:PORT.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Print the command name of the process listening on a TCP port, or nothing.
port_owner() {
    ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)".*/\1/p' | head -1
}

# Stop with one message when PORT is taken by a program other than EXPECTED.
require_port_free_or() {
    local port=$1 expected=$2 owner
    if port_in_use "$port"; then
        owner="$(port_owner "$port")"
        if [ "$owner" != "$expected" ]; then
            die "port $port is already used by '${owner:-another program}'." \
                "Stop that program, or set the port variable for this service" \
                "(CKAN_PORT, SOLR_PORT, PG_PORT, REDIS_PORT) and run again."
        fi
    fi
}

# Read one value from the generated secrets file.
secret() {
    sed -n "s/^$1 = //p" "$SECRETS_INI" | head -1
}

# Plugins with their own database migrations, applied after CKAN core's.
MIGRATED_PLUGINS=(activity harvest quyhoach_access)

# Apply CKAN core's and each migrated plugin's migrations to the database of INI.
migrate_database() {
    local ini=$1 plugin
    for plugin in "" "${MIGRATED_PLUGINS[@]}"; do
        "$VENV/bin/ckan" -c "$ini" db upgrade ${plugin:+-p "$plugin"} >>"$LOG_DIR/ckan-cli.log" 2>&1 \
            || die "database migration ${plugin:-of CKAN core} failed; see $LOG_DIR/ckan-cli.log"
    done
}
