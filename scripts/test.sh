#!/usr/bin/env bash
# Install what the tests need, start PostgreSQL, Redis and Solr, and run pytest.
# Arguments go to pytest, e.g. scripts/test.sh tests/test_startup.py -x
#
# QUYHOACH_TEST_DB and QUYHOACH_TEST_CORE name another database and Solr core,
# so that two test runs on one machine do not clean each other's data.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TEST_DB="${QUYHOACH_TEST_DB:-ckan_test}"
TEST_CORE="${QUYHOACH_TEST_CORE:-ckan_test}"

"$REPO_ROOT/scripts/install.sh"
"$REPO_ROOT/scripts/services.sh" start

if ! su postgres -c "psql -p $PG_PORT -tAc \"SELECT 1 FROM pg_database WHERE datname = '$TEST_DB'\"" | grep -q 1; then
    su postgres -c "createdb -p $PG_PORT -O $PG_ROLE -E UTF-8 $TEST_DB"
fi
"$REPO_ROOT/scripts/solr.sh" create-core "$TEST_CORE" >/dev/null
# The harvester tests run a second portal, a provincial peer, on this core.
"$REPO_ROOT/scripts/solr.sh" create-core ckan_peer >/dev/null

# pycsw, the CSW test peer, lives in its own virtual environment.
PYCSW_VENV="$VAR_DIR/pycsw-venv"
PYCSW_STAMP="$PYCSW_VENV/.quyhoach-requirements"
if [ ! -f "$PYCSW_STAMP" ] || ! cmp -s "$REPO_ROOT/requirements-pycsw.txt" "$PYCSW_STAMP"; then
    say "installing pycsw for the CSW harvester tests (log: $LOG_DIR/pycsw-pip.log)"
    python3 -m venv "$PYCSW_VENV"
    "$PYCSW_VENV/bin/pip" install -q -r "$REPO_ROOT/requirements-pycsw.txt" >"$LOG_DIR/pycsw-pip.log" 2>&1 \
        || die "installing pycsw failed; see $LOG_DIR/pycsw-pip.log"
    cp "$REPO_ROOT/requirements-pycsw.txt" "$PYCSW_STAMP"
fi
export QUYHOACH_PYCSW_PYTHON="$PYCSW_VENV/bin/python"

export CKAN_SQLALCHEMY_URL="postgresql://$PG_ROLE:$(secret db_password)@127.0.0.1:$PG_PORT/$TEST_DB"
export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/$TEST_CORE"
export CKAN_INI="$REPO_ROOT/config/test.ini"

# Tests that do not reset the database still need its tables.
migrate_database "$CKAN_INI"

cd "$REPO_ROOT"
status=0
"$VENV/bin/python" -m pytest --ckan-ini="$CKAN_INI" "${@:-tests}" || status=$?
if [ "$status" -eq 5 ]; then
    echo "ERROR: pytest collected no tests" >&2
fi
exit "$status"
